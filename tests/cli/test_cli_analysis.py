"""``blocwatch dyad``, ``blocs`` and ``alerts`` over a store holding the seed article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blocwatch.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def seed_db(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'seed.db'}"
    result = runner.invoke(app, ["ingest", str(shared / "seed" / "asian-style-nato.txt"),
                                 "--date", "2022-06-27", "--db", url, "--quiet",
                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    return url


def test_blocs_json_from_the_seed(seed_db: str, tmp_path: Path) -> None:
    png = tmp_path / "net.png"
    result = runner.invoke(app, ["blocs", "--db", seed_db, "--format", "json", "--png", str(png)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    usa = next(b for b in data["blocs"] if "USA" in b["members"])
    assert {"USA", "KOR", "JPN"} <= set(usa["members"]) and "PRK" not in usa["members"]
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"


def test_dyad_net_conflict_with_explain(seed_db: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["dyad", "USA", "PRK", "--db", seed_db, "--by", "month",
                                 "--format", "json", "--png", str(tmp_path / "d.svg")])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["period"] == "2022-06" and row["goldstein_sum"] < 0
    explained = runner.invoke(app, ["dyad", "USA", "PRK", "--db", seed_db, "--explain"])
    assert "accused the United States" in explained.stdout
    assert (tmp_path / "d.svg").read_text().startswith("<?xml")


def test_dyad_csv(seed_db: str) -> None:
    result = runner.invoke(app, ["dyad", "USA", "KOR", "--db", seed_db, "--format", "csv"])
    lines = result.stdout.splitlines()
    assert lines[0].startswith("period,events,verbal_coop") and lines[1].startswith("2022-06,")


def test_alerts_runs_on_a_single_day(seed_db: str) -> None:
    result = runner.invoke(app, ["alerts", "--db", seed_db, "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize("args", [
    ["dyad", "USA"],
    ["dyad", "USA", "PRK", "--by", "year"],
    ["dyad", "USA", "PRK", "--modality", "maybe"],
    ["blocs", "--since", "June 2022"],
    ["alerts", "--alpha", "2"],
])
def test_bad_parameters_are_usage_errors(seed_db: str, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--db", seed_db])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
