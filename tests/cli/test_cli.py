"""The CLI: output formats, bad input handling and exit codes (0 ok, 1 some failed,
2 usage)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blocwatch.cli import app
from blocwatch.coding.output import CSV_EVENT_COLUMNS

ARTICLE = "North Korea accused the United States of provocation.\n"
runner = CliRunner()


@pytest.fixture()
def article(tmp_path: Path) -> str:
    path = tmp_path / "art.txt"
    path.write_text(ARTICLE)
    return str(path)


def test_jsonl_output(article: str) -> None:
    result = runner.invoke(app, ["code", article, "--date", "2022-06-27", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    (event,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert event["doc_id"] == "art" and event["date"] == "2022-06-27"
    assert (event["source"]["code"], event["cameo"], event["target"]["code"]) == (
        "PRK", "112", "USA")


def test_csv_output(article: str) -> None:
    result = runner.invoke(app, ["code", article, "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(CSV_EVENT_COLUMNS)
    assert rows[0]["source_code"] == "PRK" and rows[0]["target_country"] == "USA"


def test_table_output(article: str) -> None:
    result = runner.invoke(app, ["code", article])
    assert result.exit_code == 0 and "PRK" in result.stdout and "112" in result.stdout


def test_stdin() -> None:
    result = runner.invoke(app, ["code", "-", "--format", "jsonl"], input=ARTICLE)
    assert result.exit_code == 0 and '"doc_id": "stdin"' in result.stdout


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("empty.txt", b"", "empty.txt: empty"),
    ("bin.txt", b"\x00\xff\x00\xfe", "bin.txt: binary file"),
    ("bad.txt", b"caf\xe9 au lait in Seoul", "bad.txt: not valid UTF-8"),
    ("lines.jsonl", b'{"id": 1, "text": "x"}\nnot json\n{"id": 2}\n',
     "lines.jsonl:2: not valid JSON"),
])
def test_bad_input_is_named_and_the_rest_is_coded(tmp_path: Path, article: str, name: str,
                                                  data: bytes, needle: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    result = runner.invoke(app, ["code", str(bad), article, "--format", "jsonl"])
    assert result.exit_code == 1
    assert needle in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert any(json.loads(line)["doc_id"] == "art" for line in result.stdout.splitlines())


def test_jsonl_missing_text_names_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "North Korea accused Japan."}\n{"id": "b"}\n')
    result = runner.invoke(app, ["code", str(path), "--format", "jsonl"])
    assert result.exit_code == 1
    assert "in.jsonl:2: has no 'text' field" in result.stderr
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize("args", [
    ["code", "x.txt", "--date", "27/06/2022"],
    ["code", "x.txt", "--date", "2999-01-01"],  # articles are never dated in the future
    ["code", "x.txt", "--format", "xml"],
    ["code"],
    ["nonsense"],
])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert runner.invoke(app, args).exit_code == 2


def test_quotes(tmp_path: Path) -> None:
    path = tmp_path / "q.txt"
    path.write_text('North Korea issued a statement.\n"The drills prove US hostility '
                    'toward us," the ministry said.\n')
    result = runner.invoke(app, ["code", str(path), "--quotes", "--format", "jsonl"])
    assert result.exit_code == 0
    (quote,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert quote["speaker"]["code"] == "PRKGOV"
    assert quote["quote"].startswith("The drills prove US hostility")


def test_petrarch_dictionaries(shared: Path) -> None:
    result = runner.invoke(app, ["code", "-", "--format", "jsonl", "--petrarch-dictionaries",
                                 str(shared / "petrarch" / "validate")],
                           input="Arnor is about to restore full diplomatic ties with Gondor.\n")
    assert result.exit_code == 0, result.stderr
    (event,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (event["source"]["code"], event["target"]["code"], event["cameo"]) == (
        "ARN", "GON", "064")
    assert event["rule"].startswith("petrarch:")


@pytest.mark.parametrize(("args", "needle"), [
    (["--petrarch-dictionaries", "/nonexistent/dicts"], "/nonexistent/dicts"),
    (["--petrarch-dictionaries", ".", "--quotes"], "--quotes needs the built-in coder"),
])
def test_petrarch_dictionaries_usage(args: list[str], needle: str) -> None:
    result = runner.invoke(app, ["code", "-", *args], input="x\n")
    assert result.exit_code == 2 and needle in result.stderr


def test_eval_command_json(tmp_path: Path) -> None:
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"id": "a", "sentence": "North Korea accused the United States.", '
                    '"events": [{"source": "PRK", "target": "USA", "code": "112"}]}\n')
    report = tmp_path / "r.md"
    result = runner.invoke(app, ["eval", "blocwatch", str(gold), "--json", "--report",
                                 str(report)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["figures"]["found"] == 1.0 and data["figures"]["extra"] == 0.0
    assert "| events.exact | 1.000 | 1.000 | 1.000 |" in report.read_text()


def test_eval_missing_gold() -> None:
    result = runner.invoke(app, ["eval", "quadclass", "/nonexistent.tsv"])
    assert result.exit_code == 2 and "no such file" in result.stderr
