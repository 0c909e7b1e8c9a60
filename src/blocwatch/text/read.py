"""Stage 1a — read inputs into :class:`~blocwatch.records.Article` records.

Supported inputs: ``.txt`` (one article, id = file stem, a headline-like first line becomes
the title), ``.html``/``.htm`` (body extracted with trafilatura), ``.jsonl`` (one article per
line: ``id``, ``text``, optional ``title``, ``date``, ``url``, ``source``), each also
gzip-compressed (``.txt.gz``, ...), and ``-`` for standard input.  A problem with one input
or one line yields a :class:`~blocwatch.records.DocumentError` naming the file and line;
reading goes on.

Limits are checked before the expensive work: a file larger than ``max_input_bytes`` is
refused from its size alone, a JSONL line that long is skipped without being kept in
memory, and JSONL files are read line by line (a corpus of any size).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import json
import logging
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from blocwatch.errors import InputError
from blocwatch.records import Article, DocumentError
from blocwatch.settings import Settings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
GZIP_SUFFIX = ".gz"
DATE_FORMATS = ("YYYY-MM-DD, an ISO 8601 date-time (2022-06-27T10:00:00Z) or an RFC 2822 "
                "date (Mon, 27 Jun 2022 10:00:00 GMT)")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEADLINE_END = re.compile(r"[.!?\"'”’)]\s*$")
_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)
_BINARY_SAMPLE = 65536

ReadResult = Article | DocumentError


@dataclass(frozen=True)
class Limits:
    """What the readers refuse: inputs over ``max_input_bytes`` bytes, texts over
    ``max_document_chars`` characters, dates after ``latest_date``."""

    max_input_bytes: int = 20_000_000
    max_document_chars: int = 2_000_000
    latest_date: str = "9999-12-31"

    @classmethod
    def of(cls, settings: Settings | None = None, today: dt.date | None = None) -> Limits:
        settings = settings or Settings.from_env()
        latest = (today or dt.date.today()) + dt.timedelta(days=settings.future_date_days)
        return cls(settings.max_input_bytes, settings.max_document_chars, latest.isoformat())


def read_inputs(inputs: Iterable[str], *, stdin: IO[bytes] | None = None,
                default_date: str | None = None,
                limits: Limits | None = None) -> Iterator[ReadResult]:
    """Yield an Article or a DocumentError for every article in ``inputs``."""
    limits = limits or Limits.of()
    for name in inputs:
        try:
            if name == "-":
                if stdin is None:
                    raise InputError("<stdin>", "no standard input to read")
                data = stdin.read(limits.max_input_bytes + 1)
                check_size(len(data), "<stdin>", limits, more=len(data) > limits.max_input_bytes)
                yield from _from_text_bytes(data, "stdin", "<stdin>", default_date, limits)
            else:
                yield from read_path(Path(name), default_date=default_date, limits=limits)
        except InputError as err:
            yield DocumentError(err.origin, err.reason)


def read_path(path: Path, *, default_date: str | None = None,
              limits: Limits | None = None) -> Iterator[ReadResult]:
    """Read one file by its suffix (``.gz`` files by the suffix before it)."""
    limits = limits or Limits.of()
    if not path.exists():
        raise InputError(str(path), "no such file: check the path")
    if path.is_dir():
        raise InputError(str(path), "is a directory: name the files (for example dir/*.txt)")
    suffix = inner_suffix(path.name)
    origin = str(path)
    if suffix in TEXT_SUFFIXES:
        yield from _from_text_bytes(read_file(path, limits), doc_stem(path.name), origin,
                                    default_date, limits)
    elif suffix in HTML_SUFFIXES:
        yield _from_html(read_file(path, limits), doc_stem(path.name), origin, default_date,
                         limits)
    elif suffix in JSONL_SUFFIXES:
        yield from _from_jsonl(path, origin, default_date, limits)
    else:
        raise InputError(origin, f"unsupported file type '{suffix or path.name}': "
                                 "give .txt, .html, .htm or .jsonl files (also .gz), or - "
                                 "for stdin")


# -- bytes: sizes, gzip, encodings ---------------------------------------------------------
def is_gzip(name: str) -> bool:
    return name.lower().endswith(GZIP_SUFFIX)


def inner_suffix(name: str) -> str:
    """``.txt`` of ``a.txt`` and of ``a.txt.gz``."""
    lower = name.lower().removesuffix(GZIP_SUFFIX)
    return Path(lower).suffix


def doc_stem(name: str) -> str:
    """``story`` of ``story.txt`` and of ``story.txt.gz``."""
    return Path(name[:-len(GZIP_SUFFIX)] if is_gzip(name) else name).stem


def open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when its name ends in ``.gz``."""
    if is_gzip(path.name):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def check_size(size: int, origin: str, limits: Limits, *, more: bool = False) -> None:
    """InputError when ``size`` bytes are over ``max_input_bytes``."""
    if size > limits.max_input_bytes:
        raise InputError(origin, f"{'more than ' if more else ''}{size:,} bytes, over "
                                 f"max_input_bytes={limits.max_input_bytes:,}: split it or "
                                 "raise BLOCWATCH_MAX_INPUT_BYTES")


def read_file(path: Path, limits: Limits) -> bytes:
    """A whole (small) file: refused from its size before it is read; a ``.gz`` file is
    decompressed up to the limit only (a truncated one is an error saying so)."""
    origin = str(path)
    if not is_gzip(path.name):
        check_size(path.stat().st_size, origin, limits)
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as stream:
            data = stream.read(limits.max_input_bytes + 1)
    except _GZIP_ERRORS as err:
        raise InputError(origin, gzip_problem(err)) from None
    check_size(len(data), origin, limits, more=len(data) > limits.max_input_bytes)
    return data


def gzip_problem(err: BaseException) -> str:
    what = "truncated" if isinstance(err, EOFError) else "corrupt"
    return f"{what} gzip file ({err}): download or compress it again"


def is_binary(sample: bytes) -> bool:
    """NUL bytes, or more than 5% control characters other than tab, CR, LF and FF."""
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    return controls > max(8, len(sample) // 20)


def decode_text(data: bytes, origin: str) -> str:
    """Decode UTF-8 text, refusing binary data with a message that says what to do."""
    if is_binary(data[:_BINARY_SAMPLE]):
        raise InputError(origin, "binary file, not text: give a UTF-8 text, HTML or JSONL file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(origin, utf8_problem(data, err)) from None
    if not text.strip():
        raise InputError(origin, "empty: the file holds no article text")
    return text


def utf8_problem(data: bytes, err: UnicodeDecodeError) -> str:
    """``not valid UTF-8 (byte 0xe9 at line 3, column 12): ...``: where, to fix it."""
    line = data.count(b"\n", 0, err.start) + 1
    column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
    return (f"not valid UTF-8 (byte 0x{data[err.start]:02x} at line {line}, column {column}; "
            "another encoding such as Latin-1 or Windows-1252?): re-save it as UTF-8")


def split_headline(text: str) -> tuple[str | None, str]:
    """Take a headline-like first line (short, no closing punctuation) off a plain text."""
    lines = text.strip().splitlines()
    if len(lines) < 2:
        return None, text
    first = lines[0].strip()
    if first and len(first.split()) <= 30 and not _HEADLINE_END.search(first):
        return first, "\n".join(lines[1:])
    return None, text


def check_length(text: str, origin: str, limits: Limits) -> str:
    if len(text) > limits.max_document_chars:
        raise InputError(origin, f"article has {len(text):,} characters, more than "
                                 f"max_document_chars={limits.max_document_chars:,}: split it "
                                 "or raise BLOCWATCH_MAX_DOCUMENT_CHARS")
    return text


def _from_text_bytes(data: bytes, doc_id: str, origin: str, default_date: str | None,
                     limits: Limits) -> Iterator[Article]:
    text = check_length(decode_text(data, origin), origin, limits)
    title, body = split_headline(text)
    yield Article(id=doc_id, text=body, title=title, date=default_date, origin=origin)


# -- HTML ----------------------------------------------------------------------------------
def _from_html(data: bytes, doc_id: str, origin: str, default_date: str | None,
               limits: Limits | None = None) -> Article:
    import trafilatura  # imported here: loading it costs ~0.3 s and plain text needs none

    limits = limits or Limits.of()
    html = decode_text(data, origin)
    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                            include_tables=False)
    as_dict = getattr(extracted, "as_dict", None)
    doc = as_dict() if as_dict is not None else extracted
    body = (doc or {}).get("text") if isinstance(doc, dict) else None
    if not body or not str(body).strip():
        raise InputError(origin, "no article body found in the HTML page")
    assert isinstance(doc, dict)
    date = doc.get("date") if isinstance(doc.get("date"), str) else None
    date = date if date and _DATE.match(date) else None
    if date is not None:
        date = parse_date(date, origin, limits, field="the page's date")
    return Article(id=doc_id, text=check_length(str(body), origin, limits),
                   title=doc.get("title") or None, date=date or default_date,
                   url=doc.get("url") or None, source=doc.get("sitename") or None,
                   origin=origin)


# -- dates ---------------------------------------------------------------------------------
def normal_date(value: str) -> str | None:
    """``YYYY-MM-DD`` of a date, an ISO 8601 date-time or an RFC 2822 date; None if none."""
    value = value.strip()
    head = value[:10]
    if _DATE.match(head) and (len(value) == 10 or value[10] in "T t"):
        try:
            return dt.date.fromisoformat(head).isoformat()
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_date(value: str, where: str, limits: Limits, *, field: str = "'date'") -> str:
    """``YYYY-MM-DD`` of ``value``; InputError naming it when it is no date or in the
    future."""
    date = normal_date(value)
    if date is None:
        raise InputError(where, f"{field} {value!r} is not YYYY-MM-DD: give {DATE_FORMATS}, "
                                "or leave it out")
    if date > limits.latest_date:
        raise InputError(where, f"{field} {value!r} is in the future (after "
                                f"{limits.latest_date}): fix it, or leave it out to use "
                                "--date")
    return date


# -- JSONL ---------------------------------------------------------------------------------
def _from_jsonl(path: Path, origin: str, default_date: str | None,
                limits: Limits) -> Iterator[ReadResult]:
    with open_binary(path) as stream:
        for where, record in jsonl_records(stream, origin, limits):
            if isinstance(record, DocumentError):
                yield record
                continue
            try:
                yield _article_from_record(record, where, default_date, limits)
            except InputError as err:
                yield DocumentError(err.origin, err.reason)


def jsonl_records(stream: IO[bytes], origin: str, limits: Limits
                  ) -> Iterator[tuple[str, dict[str, Any] | DocumentError]]:
    """``(file:line, object)`` of every JSON line, or a DocumentError for a line that is too
    long, not UTF-8 or not a JSON object; InputError for an empty or binary file."""
    lineno = 0
    found = False
    try:
        for lineno, line in enumerate(bounded_lines(stream, limits.max_input_bytes), start=1):
            where = f"{origin}:{lineno}"
            if isinstance(line, int):
                found = True
                yield where, DocumentError(where, f"line of {line:,} bytes, over max_input_bytes"
                                                  f"={limits.max_input_bytes:,}: split the "
                                                  "article or raise BLOCWATCH_MAX_INPUT_BYTES")
                continue
            if not line.strip():
                continue
            if not found and is_binary(line[:_BINARY_SAMPLE]):
                raise InputError(origin, "binary file, not text: give a UTF-8 JSONL file")
            found = True
            yield where, _json_line(line, where, first=lineno == 1)
    except _GZIP_ERRORS as err:
        yield origin, DocumentError(origin, f"{gzip_problem(err)}; the {lineno:,} lines before "
                                            "the break were read")
        return
    if not found:
        raise InputError(origin, "empty: the file holds no article text")


def bounded_lines(stream: IO[bytes], limit: int) -> Iterator[bytes | int]:
    """The lines of ``stream``; for a line over ``limit`` bytes, its length instead (read
    in pieces of 1 MiB, the line is never held in memory whole)."""
    piece = 1 << 20
    while True:
        parts = [stream.readline(piece)]
        if not parts[0]:
            return
        size = len(parts[0])
        while not parts[-1].endswith(b"\n") and len(parts[-1]) == piece:
            more = stream.readline(piece)
            if not more:
                break
            size += len(more)
            if size > limit:
                parts = [b""]  # over the limit: only count the rest
            parts.append(more)
        yield size if size > limit else b"".join(parts)


def _json_line(line: bytes, where: str, *, first: bool) -> dict[str, Any] | DocumentError:
    try:
        text = line.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as err:
        return DocumentError(where, utf8_problem(line, err).replace("at line 1, ", "at "))
    try:
        record = json.loads(text.strip())
    except json.JSONDecodeError as err:
        return DocumentError(where, f"not valid JSON ({err.msg}: column {err.colno}): fix or "
                                    "remove the line")
    except RecursionError:
        return DocumentError(where, "JSON nested too deeply: fix or remove the line")
    if not isinstance(record, dict):
        return DocumentError(where, "each line must be a JSON object with 'id' and 'text' "
                                    f"(this one is a JSON {type(record).__name__})")
    return record


def _article_from_record(rec: Any, where: str, default_date: str | None,
                         limits: Limits | None = None) -> Article:
    limits = limits or Limits.of()
    if not isinstance(rec, dict):
        raise InputError(where, "each line must be a JSON object with 'id' and 'text'")
    text = rec.get("text")
    if not isinstance(text, str):
        what = ("has no 'text' field" if text is None
                else f"'text' must be a string, not {_json_type(text)}")
        raise InputError(where, f"{what}: give the article body as \"text\"")
    if not text.strip():
        raise InputError(where, "'text' is empty: the line holds no article text")
    check_length(text, where, limits)
    doc_id = rec.get("id")
    if doc_id is None:
        doc_id = where.rsplit("/", 1)[-1]
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        raise InputError(where, f"'id' must be a string or a number, not {_json_type(doc_id)}")
    fields: dict[str, str | None] = {}
    for key in ("title", "date", "url", "source"):
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(where, f"'{key}' must be a string, not {_json_type(value)}")
        fields[key] = value or None
    date = fields["date"]
    if date is not None:
        date = parse_date(date, where, limits)
    return Article(id=str(doc_id), text=text, title=fields["title"],
                   date=date or default_date, url=fields["url"], source=fields["source"],
                   origin=where)


def _json_type(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", list: "a list",
             dict: "an object", str: "a string"}
    return names.get(type(value), "null" if value is None else type(value).__name__)
