"""The database commands: ingest (exit codes, summary, --quiet), events with filters and
formats, documents, actors, export as CSV, JSONL, Parquet and GDELT 2.0 rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blocwatch import Coder
from blocwatch.cli import app
from blocwatch.store.database import Store
from blocwatch.store.export import EVENT_COLUMNS, GDELT_COLUMNS
from blocwatch.store.ingest import ingest
from blocwatch.text.read import read_inputs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [str(p) for p in sorted((ROOT / "examples").iterdir())]
runner = CliRunner()


@pytest.fixture()
def filled(db_url: str, coder: Coder) -> str:
    with Store(db_url) as store:
        summary = ingest(read_inputs(EXAMPLES, default_date="2023-03-14"), store,
                         coder_factory=lambda: coder, workers=1)
        assert summary.events_added > 5
    return db_url


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_command(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    code, out, err = invoke("ingest", *EXAMPLES, str(bad), "--db", db_url, "--workers", "1",
                            "--date", "2023-03-14")
    assert code == 1, err
    assert f"blocwatch: {bad}: binary file" in err
    assert "1 failed" in err and "new events" in err
    code, out, err = invoke("ingest", *EXAMPLES, "--db", db_url, "--workers", "1", "--quiet")
    assert (code, out, err) == (0, "", "")
    articles = list(read_inputs(EXAMPLES))
    with Store(db_url) as store:
        assert store.counts().documents == {"coded": len(articles), "failed": 1}


@pytest.mark.parametrize(("args", "message"), [
    (["ingest", "x.txt", "--db", "mysql://h/db"], "unsupported database 'mysql'"),
    (["ingest", "x.txt", "--field", "body"], "write FIELD=COLUMN"),
    (["events", "--modality", "maybe"], "--modality 'maybe'"),
    (["documents", "--status", "lost"], "--status 'lost'"),
    (["events", "--since", "27/06/2022"], "is not a date"),
    (["ingest", "x.txt", "--date", "2999-01-01"], "is in the future"),
])
def test_usage_errors(tmp_path: Path, monkeypatch, args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(*args)
    assert code == 2 and message in err
    assert "Traceback" not in err


def test_events_formats_and_filters(filled: str) -> None:
    code, out, _ = invoke("events", "--db", filled, "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert {"doc_id", "source", "target", "cameo", "verb", "rule", "report_count"} <= set(rows[0])
    code, out, _ = invoke("events", "--db", filled, "--format", "jsonl", "--source", "PRK",
                          "--quad", "3", "--quad", "4")
    picked = [json.loads(line) for line in out.splitlines()]
    assert picked and all(r["source"]["country"] == "PRK" and r["quad_class"] in (3, 4)
                          for r in picked)
    assert len(picked) < len(rows)
    code, out, _ = invoke("events", "--db", filled, "--format", "csv", "--min-reports", "1")
    table = list(csv.DictReader(io.StringIO(out)))
    assert list(table[0]) == list(EVENT_COLUMNS) and len(table) == len(rows)
    code, out, _ = invoke("events", "--db", filled, "--actor", "PRK", "--limit", "2")
    assert code == 0 and "2 events" in out and "PRK" in out


def test_documents_and_actors(filled: str) -> None:
    code, out, _ = invoke("documents", "--db", filled, "--format", "jsonl")
    docs = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {d["key"] for d in docs} >= {"korea-drills", "ukraine-aid"}
    assert {d["status"] for d in docs} == {"coded"}
    code, out, _ = invoke("actors", "--db", filled, "--format", "csv")
    actors = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {"PRK", "USA"} <= {a["code"] for a in actors}
    counts = [int(a["event_count"]) for a in actors]
    assert counts == sorted(counts, reverse=True)
    code, out, _ = invoke("documents", "--db", filled)
    assert code == 0 and "korea-drills" in out


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "gdelt", "parquet"])
def test_export(filled: str, tmp_path: Path, fmt: str) -> None:
    out_path = tmp_path / f"events.{fmt}"
    code, _, err = invoke("export", "--db", filled, "--format", fmt, "--output", str(out_path))
    assert code == 0, err
    with Store(filled) as store:
        events = list(store.events())
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(out_path)
        assert table.column_names == list(EVENT_COLUMNS) and table.num_rows == len(events)
        assert table.column("event_id").to_pylist() == [e.id for e in events]
    elif fmt == "gdelt":
        lines = out_path.read_text(encoding="utf-8").splitlines()
        rows = [line.split("\t") for line in lines]
        assert len(rows) == len(events) and {len(r) for r in rows} == {len(GDELT_COLUMNS)} == {61}
        first = dict(zip(GDELT_COLUMNS, rows[0], strict=True))
        ev = events[0]
        assert first["GLOBALEVENTID"] == str(ev.id)
        assert first["SQLDATE"] == ev.event.date.replace("-", "")  # type: ignore[union-attr]
        assert (first["Actor1Code"], first["EventCode"], first["EventRootCode"]) == (
            ev.event.source.code, ev.event.cameo, ev.event.root)
        assert first["NumArticles"] == str(ev.report_count) and first["AvgTone"] == ""
        for row, stored in zip(rows, events, strict=True):
            where = stored.event.location
            geo = dict(zip(GDELT_COLUMNS, row, strict=True))
            assert geo["ActionGeo_FullName"] == (where.name if where else "")
            assert geo["ActionGeo_Lat"] == (str(where.lat) if where else "")
    elif fmt == "jsonl":
        lines = out_path.read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["event_id"] for line in lines] == [e.id for e in events]
    else:
        rows = list(csv.DictReader(out_path.open(encoding="utf-8")))
        assert [int(r["event_id"]) for r in rows] == [e.id for e in events]
    assert f"wrote {len(events)} events" in err


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_from_sql_rows_equals_records(filled: str, tmp_path: Path, fmt: str) -> None:
    """The writers fed SQL rows (what ``export`` uses) give what the record-based ones
    give over Store.events(): same rows, same cells, same order."""
    from blocwatch.store import export

    with Store(filled) as store:
        if fmt == "csv":
            new, old = io.StringIO(), io.StringIO()
            assert export.csv_from_store(store, new) == export.write_csv(store.events(), old)
            assert new.getvalue() == old.getvalue()
        else:
            import pyarrow.parquet as pq

            n = export.parquet_from_store(store, str(tmp_path / "new.parquet"), chunk=7)
            assert n == export.write_parquet(store.events(), str(tmp_path / "old.parquet"))
            assert pq.read_table(tmp_path / "new.parquet").equals(
                pq.read_table(tmp_path / "old.parquet"))


def test_export_to_stdout(filled: str) -> None:
    code, out, _ = invoke("export", "--db", filled, "--format", "gdelt")
    assert code == 0 and out.count("\n") > 5 and "\t" in out
