"""The database behind the web tests: the seed article (dated 2022-06-27) plus small
articles written here, on other dates and other dyads, ingested with ``blocwatch ingest``.

Between them: an escalation of Russia-Ukraine conflict in the week of 2022-08-15 (five
asserted conflict events after three quiet months: an alert with default settings), a
second USA-PRK month, China-USA and EU-Ukraine events, an exact duplicate, an empty record
(a failed document) and a title with markup (it must come out escaped)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from blocwatch.cli import app

SEED_DATE = "2022-06-27"
MARKUP_TITLE = "Beijing <script>alert('x')</script> & Washington"

ARTICLES = [
    {"id": "ukraine-shelling", "date": "2022-05-09", "source": "wire-a",
     "title": "Russia accuses Ukraine of shelling",
     "text": "Russia accused Ukraine of shelling villages near the border on Monday. Ukraine "
             "rejected the accusation and said Russian forces attacked the city of Kharkiv."},
    {"id": "eu-ukraine", "date": "2022-06-23", "source": "wire-b",
     "title": "EU and Ukraine",
     "text": "The European Union granted Ukraine candidate status on Thursday. Ukraine thanked "
             "the European Union for its support. Germany pledged more military aid to "
             "Ukraine."},
    {"id": "korea-talks", "date": "2022-07-20", "source": "wire-a",
     "title": "North Korea condemns new sanctions",
     "text": "North Korea condemned the United States for new sanctions on Wednesday. The "
             "United States urged North Korea to return to talks. South Korea and Japan "
             "welcomed the call."},
    {"id": "china-taiwan", "date": "2022-08-03", "source": "wire-b", "title": MARKUP_TITLE,
     "text": "China condemned the United States over the visit of a senior American lawmaker "
             "to Taiwan. Beijing said it would hold military drills near the island. Japan "
             "called on China to show restraint."},
    {"id": "burst-1", "date": "2022-08-15", "source": "wire-a",
     "title": "Russia accuses Ukraine over nuclear plant",
     "text": "Russia accused Ukraine of attacking a nuclear power plant. Russia threatened "
             "Ukraine with a strong response."},
    {"id": "burst-2", "date": "2022-08-16", "source": "wire-b",
     "title": "Shelling in the east",
     "text": "Russian forces shelled Ukrainian positions in the east. Russia condemned Ukraine "
             "for the attack on the bridge."},
    {"id": "burst-3", "date": "2022-08-17", "source": "wire-a",
     "title": "Sabotage in Crimea",
     "text": "Russia accused Ukraine of sabotage in Crimea. Russian troops attacked Ukrainian "
             "forces near Kherson."},
    {"id": "burst-3-copy", "date": "2022-08-17", "source": "wire-c",
     "title": "Sabotage in Crimea (syndicated)",
     "text": "Russia accused Ukraine of sabotage in Crimea. Russian troops attacked Ukrainian "
             "forces near Kherson."},
    {"id": "empty-wire", "date": "2022-08-18", "source": "wire-c", "title": "Empty",
     "text": "   "},
]


def build_database(folder: Path, shared: Path) -> str:
    """URL of the web tests' SQLite database in ``folder``, built on first use."""
    path = folder / "web.db"
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    folder.mkdir(parents=True, exist_ok=True)
    articles = folder / "articles.jsonl"
    articles.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    result = CliRunner().invoke(app, [
        "ingest", str(shared / "seed" / "asian-style-nato.txt"), str(articles),
        "--date", SEED_DATE, "--db", url, "--workers", "1", "--quiet"])
    # the empty record is the one failure: exit code 1, named on stderr
    assert result.exit_code == 1, result.output
    assert "empty-wire" in result.output or "articles.jsonl:9" in result.output, result.output
    return url
