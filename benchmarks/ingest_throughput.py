"""Ingest throughput: documents per second for the Guardian sample (249 articles on Syria)
into a fresh SQLite database, with 1 and with 2 worker processes.

    .venv/bin/python benchmarks/ingest_throughput.py [--workers 1 2] [--db-dir /tmp]

Wall time includes loading the model (once per worker) and writing to the database; the
second run over the same database (everything already stored) is timed too.  CPU seconds
(this process and its workers) show the cost apart from other load on the machine: on a
shared machine, docs/s with 2 workers only doubles when both cores are free.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from blocwatch.store.database import Store
from blocwatch.store.ingest import ingest
from blocwatch.store.sources import read_sources

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BLOCWATCH_SHARED", ROOT.parent / "shared"))
GUARDIAN = SHARED / "corpus/guardian-syria/Guardian_SDF_sample.csv.zip"


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(url: str, workers: int) -> tuple[float, float, int, int, float]:
    with Store(url) as store:
        start, cpu = time.perf_counter(), cpu_seconds()
        first = ingest(read_sources([str(GUARDIAN)]), store, workers=workers)
        cold = time.perf_counter() - start
        cpu = cpu_seconds() - cpu
        start = time.perf_counter()
        again = ingest(read_sources([str(GUARDIAN)]), store, workers=workers)
        warm = time.perf_counter() - start
        assert again.events_added == 0 and again.skipped == first.seen
        return cold, warm, first.seen, first.events_added, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--db-dir", default=None)
    args = parser.parse_args()
    print(f"{'workers':>7} {'docs':>5} {'events':>6} {'seconds':>8} {'docs/s':>7} "
          f"{'cpu s':>7} {'docs/cpu-s':>10} {'re-run s':>8}  (cores: {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.1f})")
    for workers in args.workers:
        with tempfile.TemporaryDirectory(dir=args.db_dir) as tmp:
            cold, warm, docs, events, cpu = run(f"sqlite:///{tmp}/bench.db", workers)
        print(f"{workers:>7} {docs:>5} {events:>6} {cold:>8.1f} {docs / cold:>7.2f} "
              f"{cpu:>7.1f} {docs / cpu:>10.2f} {warm:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
