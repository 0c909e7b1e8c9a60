"""User knowledge files: layering over the built-in base, and ``kb check`` catching each
kind of error with its line number."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from blocwatch import Coder, Settings
from blocwatch.cli import app
from blocwatch.errors import KnowledgeBaseError
from blocwatch.knowledge.userkb import load_user_knowledge, read_files

runner = CliRunner()
GOOD = """\
actors:
  - name: Ahmed Zorba
    aliases: [Zorba]
    country: GRC
    sector: GOV
    role: head_of_state
    start: 2024-01-01
verbs:
  - {id: user.scold, verb: scold, target: [dobj], code: "111"}
"""


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    return path


def test_a_yaml_entry_changes_the_coding(coder, good: Path) -> None:
    sentence = "Zorba scolded Turkey on Monday."
    assert coder.code_text(sentence, date="2025-02-01") == []
    layered = Coder(Settings(knowledge_files=str(good)), nlp=coder.nlp)
    (event,) = layered.code_text(sentence, date="2025-02-01")
    assert (event.source.code, event.cameo, event.target and event.target.code,
            event.rule) == ("GRCGOV", "111", "TUR", "user.scold")
    (before,) = layered.code_text("Zorba criticised Turkey.", date="2023-06-01")
    assert before.source.code == "GRCELI"  # before the role started


@pytest.mark.parametrize(("body", "line", "message"), [
    ("actors:\n  - aliases: [X]\n    country: GRC\n", 2, "needs a 'name'"),
    ("actors:\n  - name: X\n    country: Greece\n", 2, "not an ISO 3166 alpha-3"),
    ("actors:\n  - name: X\n    country: GRC\n    sector: PRESIDENT\n", 2, "unknown sector"),
    ("actors:\n  - name: X\n    country: GRC\n    colour: blue\n", 2, "unknown field"),
    ("actors:\n  - name: X\n    country: GRC\n    start: 2024-05-01\n    end: 2020-01-01\n",
     2, "inverted date range"),
    ("actors:\n  - name: X\n    country: GRC\n    start: last year\n", 2, "is not a date"),
    ("actors:\n  - name: X\n    country: GRC\n    role: head_of_state\n    start: 2020-01-01\n"
     "    end: 2024-01-01\n  - name: X\n    country: GRC\n    role: head_of_state\n"
     "    start: 2022-01-01\n", 2, "overlapping date ranges"),
    ("actors:\n  - name: Zed\n    country: GRC\n  - name: Other\n    aliases: [Zed]\n"
     "    country: TUR\n", 2, "names two actors"),
    ("actors:\n  - name: X\n    org: XO\n", 2, "needs both 'org' and 'code'"),
    ("verbs:\n  - {id: v1, verb: scold, code: '999'}\n", 2, "unknown CAMEO code"),
    ("verbs:\n  - {id: v1, verb: scold, code: '111', target: [sideways]}\n", 2,
     "unknown target role"),
    ("verbs:\n  - {id: v1, code: '111'}\n", 2, "either 'verb' or 'event_noun'"),
    ("verbs:\n  - {id: v1, verb: meet, code: '040', mutual: often}\n", 2,
     "mutual must be true, false or joint"),
    ("people:\n  - name: X\n", 1, "unknown section"),
    ("actors: [\n", 2, "not valid YAML"),
])
def test_kb_check_catches(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    result = runner.invoke(app, ["kb", "check", str(path)])
    assert result.exit_code == 1
    assert f"bad.yaml:{line}" in result.output and message in result.output


def test_ambiguous_alias_is_allowed_when_marked(tmp_path: Path) -> None:
    path = tmp_path / "amb.yaml"
    path.write_text("actors:\n  - name: Zed\n    country: GRC\n    ambiguous: true\n"
                    "  - name: Zed\n    country: TUR\n    ambiguous: true\n")
    assert read_files([path])[1] == []


def test_kb_check_good_file(good: Path) -> None:
    result = runner.invoke(app, ["kb", "check", str(good)])
    assert result.exit_code == 0 and "0 problem(s)" in result.output


def test_coder_refuses_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("actors:\n  - name: X\n    country: Greece\n")
    with pytest.raises(KnowledgeBaseError, match=r"bad.yaml:2: .*ISO 3166"):
        load_user_knowledge([path])


@pytest.mark.parametrize(("name", "date", "needle"), [
    ("Yoon Suk-yeol", "2022-06-27", "resolves to KORGOV"),
    ("Yoon Suk-yeol", "2018-05-01", "resolves to KORELI"),
    ("Pyongyang", None, "resolves to PRK"),
    ("foreign ministry", None, "agent term: sector GOV"),
])
def test_kb_show(name: str, date: str | None, needle: str) -> None:
    args = ["kb", "show", name] + (["--date", date] if date else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and needle in result.output


def test_kb_show_unknown_name() -> None:
    result = runner.invoke(app, ["kb", "show", "Zzyzx Qwerty"])
    assert result.exit_code == 1 and "not in the knowledge base" in result.output


def test_unknown_actors_and_verbs(tmp_path: Path) -> None:
    text = ("Ahmed Zorba criticised Turkey on Monday. Zorba accused Turkey of lying.\n"
            "Greece befriended Turkey in March.\n")
    (tmp_path / "a.txt").write_text(text)
    result = runner.invoke(app, ["kb", "unknown-actors", str(tmp_path / "a.txt")])
    assert result.exit_code == 0 and "Zorba" in result.output and "country: TUR" in result.output
    verbs = runner.invoke(app, ["kb", "unknown-verbs", str(tmp_path / "a.txt")])
    assert verbs.exit_code == 0 and "befriend" in verbs.output
