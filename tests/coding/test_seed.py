"""The first user's example article: the events the pipeline issue requires, and a
golden file that pins the whole output (regenerate with
``BLOCWATCH_UPDATE_GOLDEN=1 pytest tests/test_seed.py``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blocwatch.cli import app

GOLDEN = Path(__file__).parents[1] / "golden" / "asian-style-nato.jsonl"


@pytest.fixture(scope="module")
def seed_jsonl(shared: Path) -> str:
    result = CliRunner().invoke(app, ["code", str(shared / "seed" / "asian-style-nato.txt"),
                                      "--date", "2022-06-27", "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def events(seed_jsonl: str) -> list[dict]:
    return [json.loads(line) for line in seed_jsonl.splitlines()]


def _dyads(events: list[dict]) -> set[tuple[str, str, str]]:
    def key(actor: dict | None) -> str:
        if actor is None:
            return "-"
        return actor["org"] or actor["country"] or actor["code"]
    return {(key(e["source"]), key(e["target"]), e["root"]) for e in events}


@pytest.mark.parametrize(("source", "target", "root", "what"), [
    ("PRK", "USA", "11", "accusation"),
    ("USA", "KOR", "06", "joint exercises"),
    ("USA", "JPN", "06", "joint exercises"),
    ("PRK", "USA", "12", "rejection of the offer"),
    ("KOR", "NATO", "04", "summit attendance"),
    ("USA", "PRK", "10", "demand"),
    ("USA", "PRK", "03", "offer to meet"),
])
def test_required_dyads(events: list[dict], source: str, target: str, root: str,
                        what: str) -> None:
    assert (source, target, root) in _dyads(events), what


def test_no_event_from_boilerplate_and_no_venue_actor(events: list[dict]) -> None:
    for e in events:
        assert "GALEMENT" not in e["sentence"].upper()
        for actor in (e["source"], e["target"]):
            assert actor is None or actor["country"] not in ("ESP", "BEL", "IDN")


def test_offsets_point_at_the_evidence(events: list[dict]) -> None:
    for e in events:
        for part in (e["source"], e["target"], e["verb"]):
            if part is not None:
                assert e["sentence"][part["start"]:part["end"]] == part["text"]


def test_modalities(events: list[dict]) -> None:
    by_verb = {e["verb"]["lemma"]: e["modality"] for e in events}
    assert by_verb["meet"] == "intended"
    assert by_verb["refer"] == "negated"
    assert by_verb["prepare"] == "hypothetical"
    assert by_verb["accuse"] == "asserted"


def test_golden(seed_jsonl: str) -> None:
    if os.environ.get("BLOCWATCH_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(seed_jsonl, encoding="utf-8")
    assert seed_jsonl == GOLDEN.read_text(encoding="utf-8")


def test_deterministic(seed_jsonl: str, shared: Path) -> None:
    again = CliRunner().invoke(app, ["code", str(shared / "seed" / "asian-style-nato.txt"),
                                     "--date", "2022-06-27", "--format", "jsonl"]).stdout
    assert again == seed_jsonl
