"""Benchmark corpora read by path from the shared data folder (never copied):
Reuters-21578 (SGML, latin-1) and the Guardian Syria sample (CSV in a zip)."""

from __future__ import annotations

import csv
import html
import io
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from blocwatch.records import Article

SHARED = Path(os.environ.get("BLOCWATCH_SHARED", Path(__file__).resolve().parents[2] / "shared"))
_STORY = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("TITLE", "BODY", "DATE")}


def reuters(limit: int | None = None) -> Iterator[Article]:
    """Reuters stories that have a body, in file order."""
    count = 0
    for path in sorted((SHARED / "corpus" / "reuters-21578").glob("*.sgm")):
        text = path.read_text(encoding="latin-1")
        for match in _STORY.finditer(text):
            body = _FIELD["BODY"].search(match.group(2))
            if not body:
                continue
            title = _FIELD["TITLE"].search(match.group(2))
            yield Article(id=f"reuters-{match.group(1)}",
                          text=html.unescape(body.group(1)).replace("\x03", "").strip(),
                          title=html.unescape(title.group(1)).strip() if title else None,
                          date="1987-03-01")
            count += 1
            if limit and count >= limit:
                return


def guardian(limit: int | None = None) -> Iterator[Article]:
    path = SHARED / "corpus" / "guardian-syria" / "Guardian_SDF_sample.csv.zip"
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".csv"))
        rows = csv.DictReader(io.TextIOWrapper(zf.open(name), encoding="utf-8"))
        for i, row in enumerate(rows):
            if limit and i >= limit:
                return
            text = row.get("body") or row.get("text") or row.get("bodyText") or ""
            if not text.strip():
                continue
            date = (row.get("publication_date") or row.get("date") or
                    row.get("webPublicationDate") or "")[:10] or None
            yield Article(id=str(row.get("") or row.get("id") or i), text=text,
                          title=row.get("title") or row.get("webTitle"), date=date)
