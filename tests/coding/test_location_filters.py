"""``blocwatch events --country-of-location`` and ``--near`` over a small store."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from blocwatch.cli import app
from blocwatch.store.database import distance_km

runner = CliRunner()
ARTICLES = [
    {"id": "a", "date": "2023-03-01", "text": "Saudi Arabia hosted talks between Russia and "
                                               "Ukraine in Riyadh."},
    {"id": "b", "date": "2023-03-02", "text": "Russian forces attacked Ukrainian troops near "
                                               "Bakhmut."},
    {"id": "c", "date": "2023-03-03", "text": "Israel attacked Hamas in Gaza."},
    {"id": "d", "date": "2023-03-04", "text": "France criticised Iran."},
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("loc")
    src = folder / "a.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n")
    url = f"sqlite:///{folder / 'loc.db'}"
    result = runner.invoke(app, ["ingest", str(src), "--db", url, "--quiet", "--workers", "1"])
    assert result.exit_code == 0, result.output
    return url


def _places(db: str, *args: str) -> set[str | None]:
    result = runner.invoke(app, ["events", "--db", db, "--format", "jsonl", *args])
    assert result.exit_code == 0, result.output
    return {(json.loads(line)["location"] or {}).get("name")
            for line in result.stdout.splitlines()}


@pytest.mark.parametrize(("args", "places"), [
    ([], {"Riyadh", "Bakhmut", "Gaza Strip", None}),
    (["--country-of-location", "SAU"], {"Riyadh"}),
    (["--country-of-location", "pse"], {"Gaza Strip"}),
    (["--near", "24.7,46.7,50"], {"Riyadh"}),
    (["--near", "48.6,38.0,100"], {"Bakhmut"}),
    (["--near", "0,0,10"], set()),
])
def test_location_filters(db: str, args: list[str], places: set[str | None]) -> None:
    assert _places(db, *args) == places


@pytest.mark.parametrize("value", ["1,2", "a,b,c", "91,0,10", "0,0,-5"])
def test_bad_near(db: str, value: str) -> None:
    result = runner.invoke(app, ["events", "--db", db, "--near", value])
    assert result.exit_code == 2
    assert "LAT,LON,KM" in result.output or "latitude" in result.output


@pytest.mark.parametrize(("a", "b", "km"), [
    ((0.0, 0.0), (0.0, 1.0), 111.2), ((51.5, -0.13), (48.86, 2.35), 343.5)])
def test_distance(a: tuple[float, float], b: tuple[float, float], km: float) -> None:
    assert distance_km(*a, *b) == pytest.approx(km, rel=0.01)
