"""Analysis, export and dashboard at scale: N synthetic events in the real schema, then every
analysis command, the Parquet export and the dashboard routes timed, each in its own process
(wall time, peak resident memory), each given at most ``--limit`` seconds.

    .venv/bin/python benchmarks/scale.py --events 10000 100000 1000000 [--db-dir /tmp]
    .venv/bin/python benchmarks/scale.py --events 10000000 --pg postgresql://...
    .venv/bin/python benchmarks/scale.py --events 1000000 --existing sqlite:///FILE

Each route is timed in a fresh server twice: as ``blocwatch serve`` runs it (pages computed
ahead: the first request comes once the warm-up is done, whose time is shown), and with
nothing computed ahead (the first request computes the page).

Synthetic events (seeded): about 200 countries, each also with GOV/MIL/OPP sector variants,
dyads drawn Zipf-like (a few dyads carry most events), three years of dates, CAMEO codes
from the project's code table, modalities mostly asserted.  One document per ten events.
Rows are written with executemany in chunks; ``dyad_days``, ``dyad_totals`` and
``dyad_weeks`` are then filled by the same INSERT ... SELECT that migrations 0005 and 0006
run on an existing database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

from sqlalchemy import Connection, Table, delete, insert

from blocwatch.knowledge.lexicon import load_codes
from blocwatch.store import aggregates
from blocwatch.store import schema as s
from blocwatch.store.database import Store

CHUNK = 20_000
SECTORS = ("", "GOV", "MIL", "OPP")
START = dt.date(2021, 1, 1)
DAYS = 3 * 365
COMMANDS = {
    "blocs": ["blocs", "--format", "json"],
    "alerts": ["alerts", "--format", "json"],
    "dyad USA RUS --by month": ["dyad", "USA", "RUS", "--by", "month", "--format", "json"],
    "export parquet": ["export", "--format", "parquet", "--output", "{tmp}/out.parquet"],
}
ROUTES = ("/", "/network", "/dyads/USA/RUS", "/alerts", "/events", "/api/network",
          "/actors/USA", "/actors/AAF", "/api/actors/USAGOV")


def countries(n: int = 200) -> list[str]:
    """USA and RUS first (the dyad timed), then three-letter codes."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = ["USA", "RUS"] + [a + b + c for a in letters for b in letters for c in letters
                              if a + b + c not in ("USA", "RUS")]
    return codes[:n]


def generate(url: str, n: int, seed: int = 17) -> float:
    """Fill a new store with ``n`` events; returns the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(seed)
    codes = load_codes()
    cameos = sorted(codes)
    nations = countries()
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(nations))]  # Zipf-like
    now = dt.datetime.now(dt.UTC)
    seen: dict[str, int] = {}  # events per actor code
    with Store(url) as store, store.engine.begin() as conn:
        run = conn.execute(insert(s.runs).values(
            started_at=now, status="finished", sources="benchmark", workers=1, seen=0,
            skipped=0, coded=0, duplicates=0, failed=0, events_added=n, reports_added=n)
        ).inserted_primary_key[0]
        docs = max(1, n // 10)
        write = _copy if conn.dialect.name == "postgresql" else _insert
        write(conn, s.documents, (
            dict(ident=f"{i:064x}", key=f"doc{i}", origin=f"doc{i}", date=None,
                 text_hash=f"{i:064x}", chars=100, status="coded", run_id=run, added_at=now)
            for i in range(1, docs + 1)))
        write(conn, s.events, (
            _event_row(rng, i, (nations, weights, seen), cameos, codes, docs, run, now)
            for i in range(n)))
        conn.execute(insert(s.actors), [
            dict(code=code, country=code[:3], sector=code[3:] or None, name=code,
                 event_count=count, first_date=START.isoformat(),
                 last_date=(START + dt.timedelta(DAYS - 1)).isoformat())
            for code, count in sorted(seen.items())])
        conn.execute(delete(s.dyad_days))
        conn.execute(aggregates.backfill_statement())
        conn.execute(delete(s.dyad_totals))
        conn.execute(aggregates.backfill_totals_statement())
        conn.execute(delete(s.dyad_weeks))
        conn.execute(aggregates.backfill_weeks_statement())
    return time.perf_counter() - started


def _insert(conn: Connection, table: Table, rows: Iterator[dict]) -> None:
    """executemany in chunks of CHUNK rows."""
    while chunk := list(itertools.islice(rows, CHUNK)):
        conn.execute(insert(table), chunk)


def _copy(conn: Connection, table: Table, rows: Iterator[dict]) -> None:
    """PostgreSQL's COPY FROM STDIN (psycopg 3), ids numbered by the table's sequence as
    an insert would (10^7 events: 21 minutes in all, against 30 with executemany; the
    indexes' upkeep and the aggregates' backfill are most of it)."""
    first = next(rows)
    names = list(first)
    raw = conn.connection.driver_connection
    columns = ", ".join('"' + x + '"' for x in names)
    with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
        for row in itertools.chain([first], rows):
            copy.write_row([row[x] for x in names])


def _actor(rng: random.Random, nations: list[str], weights: list[float],
           seen: dict[str, int]) -> tuple[str, ...]:
    country = rng.choices(nations, weights)[0]
    sector = rng.choice(SECTORS) if rng.random() < 0.4 else ""
    seen[country + sector] = seen.get(country + sector, 0) + 1
    return country + sector, country, sector


def _event_row(rng: random.Random, i: int, actors: tuple, cameos: list[str], codes: dict,
               docs: int, run: int, now: dt.datetime) -> dict:
    src_code, src, src_sector = _actor(rng, *actors)
    tgt_code, tgt, tgt_sector = _actor(rng, *actors)
    cameo = rng.choice(cameos)
    info = codes[cameo]
    return dict(
        key=f"{i:064x}", date=(START + dt.timedelta(rng.randrange(DAYS))).isoformat(),
        source_code=src_code, source_country=src, source_sector=src_sector or None,
        source_text=src, source_start=0, source_end=3, target_code=tgt_code,
        target_country=tgt, target_sector=tgt_sector or None, target_text=tgt,
        target_start=10, target_end=13, cameo=cameo, root=info.root, quad_class=info.quad,
        goldstein=info.goldstein, modality="asserted" if rng.random() < 0.9 else "intended",
        verb_text="met", verb_lemma="meet", verb_start=4, verb_end=7, rule="meet",
        document_id=1 + i % docs, sentence_index=0,
        sentence=f"{src} met {tgt} about something important.",
        report_count=1 + (rng.random() < 0.2), mention_count=1, run_id=run, added_at=now)


CLI_SCRIPT = """
import sys, time
from blocwatch.cli import app
started = time.perf_counter()
app(sys.argv[1:], standalone_mode=False)
sys.stderr.write(f"BENCH {time.perf_counter() - started:.3f}\\n")
"""
ROUTE_SCRIPT = """
import sys, time
from fastapi.testclient import TestClient
from blocwatch.web.app import create_app
from blocwatch.web.readonly import open_readonly
app = create_app(open_readonly(sys.argv[1]), warm=sys.argv[3] == "warm")
with TestClient(app) as client:
    warmer = app.state.warmer
    if warmer:  # as 'blocwatch serve' does: a visitor comes once the pages are computed
        warmer.ready.wait()
    took = []
    for _ in range(2):  # a fresh server, then a warm one (numpy's threads, caches)
        started = time.perf_counter()
        response = client.get(sys.argv[2])
        took.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    warm = f" {warmer.seconds:.3f}" if warmer else ""
sys.stderr.write(f"BENCH {took[1]:.3f} {took[0]:.3f}{warm}\\n")
"""


def measure(argv: list[str], limit: float) -> tuple[str, str, str]:
    """Seconds the work took in the child (after its imports; for a route, the second
    request, with the first one's), the child's wall time and its own peak memory (MB,
    from wait4); '> limit' when it was stopped."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > limit:
                proc.kill()
                os.wait4(proc.pid, 0)
                return f"> {limit:g} s", f"> {limit:g} s", "-"
            time.sleep(0.01)
        wall = time.perf_counter() - started
        err.seek(0)
        text = err.read().decode(errors="replace")
    lines = [x.split()[1:] for x in text.splitlines() if x.startswith("BENCH ")]
    if os.waitstatus_to_exitcode(status) != 0 or not lines:
        return f"failed ({text[-200:]!r})", "-", "-"
    took = f" (first request {float(lines[-1][1]):.2f} s" if len(lines[-1]) > 1 else ""
    if len(lines[-1]) > 2:
        took += f" after a warm-up of {float(lines[-1][2]):.2f} s"
    took += ")" if took else ""
    return (f"{float(lines[-1][0]):.2f} s{took}", f"{wall:.2f} s",
            f"{usage.ru_maxrss / 1024:.0f} MB")


def bench(url: str, n: int, limit: float, tmp: str) -> list[tuple[str, str, str, str]]:
    out = []
    for name, args in COMMANDS.items():
        argv = [sys.executable, "-c", CLI_SCRIPT, *[a.format(tmp=tmp) for a in args],
                "--db", url]
        out.append((name, *measure(argv, limit)))
    for route in ROUTES:  # as 'blocwatch serve' runs (pages computed ahead), then without
        out.append((f"web {route}", *measure(
            [sys.executable, "-c", ROUTE_SCRIPT, url, route, "warm"], limit)))
    for route in ROUTES:
        out.append((f"web {route}, nothing computed ahead", *measure(
            [sys.executable, "-c", ROUTE_SCRIPT, url, route, "cold"], limit)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db-dir", default=None)
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL (an empty database)")
    parser.add_argument("--limit", type=float, default=30.0)
    parser.add_argument("--existing", default=None, metavar="URL",
                        help="time a store this script filled before (one --events N)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.db_dir) as tmp:
        for n in args.events:
            url = args.existing or args.pg or f"sqlite:///{tmp}/scale-{n}.db"
            made = 0.0 if args.existing else generate(url, n)
            load = os.getloadavg()[0]
            made_in = "a store filled before" if args.existing else f"generated in {made:.0f} s"
            print(f"\n## {n:,} events ({'PostgreSQL' if args.pg else 'SQLite'}; {made_in}; "
                  f"load average {load:.2f} on {os.cpu_count()} cores)\n")
            print("| what | time | process wall (with start-up) | peak memory |\n"
                  "|---|---|---|---|")
            for name, took, wall, peak in bench(url, n, args.limit, tmp):
                print(f"| {name} | {took} | {wall} | {peak} |", flush=True)


if __name__ == "__main__":
    main()
