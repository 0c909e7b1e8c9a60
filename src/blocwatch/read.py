"""Stage 1a — read inputs into :class:`~blocwatch.records.Article` records.

Supported inputs: ``.txt`` (one article, id = file stem, a headline-like first line becomes
the title), ``.html``/``.htm`` (body extracted with trafilatura), ``.jsonl`` (one article per
line: ``id``, ``text``, optional ``title``, ``date``, ``url``, ``source``), and ``-`` for
standard input.  A problem with one input or one line yields a
:class:`~blocwatch.records.DocumentError` naming the file and line; reading goes on.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import InputError
from .records import Article, DocumentError

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEADLINE_END = re.compile(r"[.!?\"'”’)]\s*$")

ReadResult = Article | DocumentError


def read_inputs(inputs: Iterable[str], *, stdin: IO[bytes] | None = None,
                default_date: str | None = None) -> Iterator[ReadResult]:
    """Yield an Article or a DocumentError for every article in ``inputs``."""
    for name in inputs:
        try:
            if name == "-":
                if stdin is None:
                    raise InputError("<stdin>", "no standard input to read")
                yield from _from_text_bytes(stdin.read(), "stdin", "<stdin>", default_date)
            else:
                yield from read_path(Path(name), default_date=default_date)
        except InputError as err:
            yield DocumentError(err.origin, err.reason)


def read_path(path: Path, *, default_date: str | None = None) -> Iterator[ReadResult]:
    """Read one file by its suffix."""
    if not path.exists():
        raise InputError(str(path), "no such file: check the path")
    if path.is_dir():
        raise InputError(str(path), "is a directory: name the files (for example dir/*.txt)")
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in TEXT_SUFFIXES:
        yield from _from_text_bytes(data, path.stem, str(path), default_date)
    elif suffix in HTML_SUFFIXES:
        yield _from_html(data, path.stem, str(path), default_date)
    elif suffix in JSONL_SUFFIXES:
        yield from _from_jsonl(data, str(path), default_date)
    else:
        raise InputError(str(path), f"unsupported file type '{suffix or path.name}': "
                                    "give .txt, .html, .htm or .jsonl files, or - for stdin")


def decode_text(data: bytes, origin: str) -> str:
    """Decode UTF-8 text, refusing binary data with a message that says what to do."""
    if b"\x00" in data[:65536]:
        raise InputError(origin, "binary file, not text: give a UTF-8 text, HTML or JSONL file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(origin, f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset "
                                 f"{err.start}): re-save the file as UTF-8") from None
    if not text.strip():
        raise InputError(origin, "empty: the file holds no article text")
    return text


def split_headline(text: str) -> tuple[str | None, str]:
    """Take a headline-like first line (short, no closing punctuation) off a plain text."""
    lines = text.strip().splitlines()
    if len(lines) < 2:
        return None, text
    first = lines[0].strip()
    if first and len(first.split()) <= 30 and not _HEADLINE_END.search(first):
        return first, "\n".join(lines[1:])
    return None, text


def _from_text_bytes(data: bytes, doc_id: str, origin: str,
                     default_date: str | None) -> Iterator[Article]:
    text = decode_text(data, origin)
    title, body = split_headline(text)
    yield Article(id=doc_id, text=body, title=title, date=default_date, origin=origin)


def _from_html(data: bytes, doc_id: str, origin: str, default_date: str | None) -> Article:
    import trafilatura  # imported here: loading it costs ~0.3 s and plain text needs none

    html = decode_text(data, origin)
    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                            include_tables=False)
    doc = extracted.as_dict() if hasattr(extracted, "as_dict") else extracted
    body = (doc or {}).get("text") if isinstance(doc, dict) else None
    if not body or not str(body).strip():
        raise InputError(origin, "no article body found in the HTML page")
    assert isinstance(doc, dict)
    date = doc.get("date") if isinstance(doc.get("date"), str) else None
    return Article(id=doc_id, text=str(body), title=doc.get("title") or None,
                   date=(date if date and _DATE.match(date) else None) or default_date,
                   url=doc.get("url") or None, source=doc.get("sitename") or None,
                   origin=origin)


def _from_jsonl(data: bytes, origin: str, default_date: str | None) -> Iterator[ReadResult]:
    text = decode_text(data, origin)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        try:
            yield _article_from_record(json.loads(line), where, default_date)
        except json.JSONDecodeError as err:
            yield DocumentError(where, f"not valid JSON ({err.msg} at column {err.colno}): "
                                       "fix or remove the line")
        except InputError as err:
            yield DocumentError(err.origin, err.reason)


def _article_from_record(rec: Any, where: str, default_date: str | None) -> Article:
    if not isinstance(rec, dict):
        raise InputError(where, "each line must be a JSON object with 'id' and 'text'")
    text = rec.get("text")
    if not isinstance(text, str):
        what = "has no 'text' field" if text is None else "'text' must be a string"
        raise InputError(where, f"{what}: give the article body as \"text\"")
    if not text.strip():
        raise InputError(where, "'text' is empty: the line holds no article text")
    doc_id = rec.get("id")
    if doc_id is None:
        doc_id = where.rsplit("/", 1)[-1]
    if not isinstance(doc_id, (str, int)):
        raise InputError(where, "'id' must be a string or a number")
    fields: dict[str, str | None] = {}
    for key in ("title", "date", "url", "source"):
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(where, f"'{key}' must be a string")
        fields[key] = value or None
    date = fields["date"]
    if date is not None:
        date = date[:10]
        if not _DATE.match(date):
            raise InputError(where, f"'date' {fields['date']!r} is not YYYY-MM-DD")
    return Article(id=str(doc_id), text=text, title=fields["title"],
                   date=date or default_date, url=fields["url"], source=fields["source"],
                   origin=where)
