"""Readers for whole corpora: directories and globs of ``.txt``/``.html``/``.jsonl``/``.csv``
files (also gzip-compressed, ``.csv.gz``, or inside ``.zip`` archives), RSS/Atom feeds by URL
or file (article pages fetched politely and extracted with trafilatura) and WARC files such
as CC-NEWS.

Every reader yields :class:`~blocwatch.records.Article` or, for an input that cannot be read,
:class:`~blocwatch.records.DocumentError`: one bad file, row, entry or page never stops the
others.  Plain text and HTML files go through :mod:`blocwatch.text.read`.

    >>> fields = FieldMap.parse(["text=body", "id=guid"])
    >>> for item in read_sources(["corpus/", "feed.xml"], ReadOptions(fields=fields)):
    ...     ...
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from blocwatch.errors import InputError, UsageError
from blocwatch.records import Article, DocumentError
from blocwatch.settings import Settings
from blocwatch.text import read
from blocwatch.text.read import Limits

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

ReadResult = Article | DocumentError
FIELDS = ("id", "text", "title", "date", "url", "source")
CSV_SUFFIXES = (".csv",)
FEED_SUFFIXES = (".rss", ".atom", ".xml")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
RECORD_SUFFIXES = read.JSONL_SUFFIXES + CSV_SUFFIXES
_PLAIN = read.TEXT_SUFFIXES + read.HTML_SUFFIXES + RECORD_SUFFIXES
GZIP_SUFFIXES = tuple(f"{suffix}.gz" for suffix in _PLAIN)
FILE_SUFFIXES = (_PLAIN + GZIP_SUFFIXES + (".zip",) + FEED_SUFFIXES + WARC_SUFFIXES)
_GLOB = re.compile(r"[*?\[]")
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


@dataclass(frozen=True)
class FieldMap:
    """Which CSV column or JSON field holds each article field (``text=body``)."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, specs: Iterable[str]) -> FieldMap:
        pairs: dict[str, str] = {}
        for spec in specs:
            name, sep, column = spec.partition("=")
            name, column = name.strip(), column.strip()
            if not sep or not column:
                raise UsageError(f"--field {spec!r}: write FIELD=COLUMN, e.g. text=body")
            if name not in FIELDS:
                raise UsageError(f"--field {spec!r}: unknown field {name!r}: use one of "
                                 f"{', '.join(FIELDS)}")
            pairs[name] = column
        return cls(tuple(sorted(pairs.items())))

    def column(self, name: str) -> str:
        return dict(self.pairs).get(name, name)

    def apply(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record with article field names (unknown columns dropped, empty cells None)."""
        out = {}
        for name in FIELDS:
            value = record.get(self.column(name))
            out[name] = None if value == "" else value
        return out


@dataclass(frozen=True)
class ReadOptions:
    fields: FieldMap = field(default_factory=FieldMap)
    default_date: str | None = None
    limits: Limits = field(default_factory=Limits.of)


class Fetcher:
    """A polite HTTP client: a user agent, a timeout, retries with back-off on time-outs,
    connection errors, 429 and 5xx, and a delay between two requests to the same host."""

    def __init__(self, settings: Settings | None = None, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        settings = settings or Settings.from_env()
        self.timeout = settings.fetch_timeout
        self.retries = max(0, settings.fetch_retries)
        self.delay = max(0.0, settings.fetch_delay)
        self.user_agent = settings.user_agent
        self.max_bytes = settings.max_input_bytes
        self.sleep = sleep
        self._last: dict[str, float] = {}  # host -> time of its last request

    def get(self, url: str) -> tuple[bytes, str]:
        """Body and Content-Type of ``url``; InputError saying why when it cannot be had."""
        reason = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(2.0 ** (attempt - 1))
            self._wait(url)
            try:
                request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read(self.max_bytes + 1)
                    content_type = response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as err:
                reason = f"HTTP {err.code} {err.reason}"
                if 300 <= err.code < 400:
                    reason = f"HTTP {err.code}: too many redirects, a redirect loop?"
                if err.code != 429 and err.code < 500:
                    break
                continue
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as err:
                reason = str(getattr(err, "reason", err)) or type(err).__name__
            except ValueError as err:
                raise InputError(url, f"not a URL that can be fetched ({err})") from None
            else:
                if len(body) > self.max_bytes:
                    raise InputError(url, f"more than max_input_bytes={self.max_bytes:,} "
                                          "bytes: not an article page (or raise "
                                          "BLOCWATCH_MAX_INPUT_BYTES)")
                return body, content_type
        reason = " ".join(reason.split())  # one line, whatever the server said
        raise InputError(url, f"could not fetch ({reason}): check the address or try later")

    def _wait(self, url: str) -> None:
        host = urllib.parse.urlsplit(url).netloc
        last = self._last.get(host)
        if last is not None:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                self.sleep(pause)
        self._last[host] = time.monotonic()


def read_sources(specs: Iterable[str], options: ReadOptions | None = None, *,
                 fetcher: Fetcher | None = None,
                 seen: Callable[[str], bool] | None = None) -> Iterator[ReadResult]:
    """Articles of every source, in order.  ``seen(url)`` tells feed readers which article
    pages are already stored, so that they are not fetched again."""
    options = options or ReadOptions()
    for spec in specs:
        try:
            if _is_url(spec):
                fetcher = fetcher or Fetcher()
                data, _ = fetcher.get(spec)
                yield from _read_feed(data, spec, options, fetcher, seen)
                continue
            paths = expand(spec)
            for path in paths:
                yield from _read_file(path, options, fetcher, seen)
        except InputError as err:
            yield DocumentError(err.origin, err.reason)


def expand(spec: str) -> list[Path]:
    """The files a source names: itself, a directory's supported files (recursively) or a
    glob's matches, sorted."""
    path = Path(spec)
    if path.is_dir():  # feeds are named one by one: an .xml file in a folder is no feed
        found = sorted(p for p in path.rglob("*") if p.is_file() and _supported(p)
                       and _suffix(p.name) not in FEED_SUFFIXES)
        if not found:
            raise InputError(spec, "no .txt, .html, .jsonl, .csv, .zip or WARC files in this "
                                   "directory")
        return found
    if path.exists():
        return [path]
    if _GLOB.search(spec):
        found = sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
        if not found:
            raise InputError(spec, "no files match this pattern: check it")
        return found
    raise InputError(spec, "no such file or directory: check the path")


def count_documents(specs: Iterable[str], options: ReadOptions | None = None) -> int | None:
    """How many articles the sources hold, when that is cheap to know (files of text, HTML,
    JSONL or CSV, also in zips); None for feeds and WARC files."""
    options = options or ReadOptions()
    total = 0
    try:
        for spec in specs:
            if _is_url(spec):
                return None
            for path in expand(spec):
                n = _count_path(path, options.limits)
                if n is None:
                    return None
                total += n
    except (InputError, OSError, zipfile.BadZipFile, csv.Error, UnicodeDecodeError, EOFError):
        return None
    return total


# -- files ---------------------------------------------------------------------------------
def _is_url(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


def _suffix(name: str) -> str:
    lower = name.lower()
    for long in WARC_SUFFIXES + GZIP_SUFFIXES:
        if lower.endswith(long):
            return long
    return Path(lower).suffix


def _plain(suffix: str) -> str:
    """``.csv`` of ``.csv`` and of ``.csv.gz``."""
    return suffix.removesuffix(".gz") if suffix in GZIP_SUFFIXES else suffix


def _supported(path: Path) -> bool:
    return _suffix(path.name) in FILE_SUFFIXES


def _read_file(path: Path, options: ReadOptions, fetcher: Fetcher | None,
               seen: Callable[[str], bool] | None) -> Iterator[ReadResult]:
    suffix = _suffix(path.name)
    if _plain(suffix) in read.TEXT_SUFFIXES + read.HTML_SUFFIXES:
        yield from read.read_path(path, default_date=options.default_date,
                                  limits=options.limits)
    elif _plain(suffix) in RECORD_SUFFIXES:
        with read.open_binary(path) as stream:
            yield from _read_records(_plain(suffix), stream, str(path), options)
    elif suffix in WARC_SUFFIXES:
        yield from _read_warc(path, options)
    elif suffix in FEED_SUFFIXES:
        yield from _read_feed(path.read_bytes(), str(path), options, fetcher or Fetcher(), seen)
    elif suffix == ".zip":
        yield from _read_zip(path, options)
    else:
        raise InputError(str(path), f"unsupported file type '{suffix or path.name}': give "
                                    ".txt, .html, .jsonl, .csv, .zip, feed or WARC files")


def _read_zip(path: Path, options: ReadOptions) -> Iterator[ReadResult]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(str(path), "not a valid zip archive: check the file") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()
                   and not Path(m.filename).name.startswith(".")]
        for member in members:
            origin = f"{path}!{member.filename}"
            try:
                yield from _read_member(archive, member, path, origin, options)
            except InputError as err:
                yield DocumentError(err.origin, err.reason)
            except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as err:
                yield DocumentError(origin, f"cannot be read from the zip ({err}): check or "
                                            "download the archive again")


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path, origin: str,
                 options: ReadOptions) -> Iterator[ReadResult]:
    suffix = _suffix(member.filename)
    if suffix in RECORD_SUFFIXES:
        with archive.open(member) as stream:
            yield from _read_records(suffix, stream, origin, options)
        return
    if suffix not in read.TEXT_SUFFIXES + read.HTML_SUFFIXES:
        yield DocumentError(origin, f"unsupported file type '{suffix}' in the zip: "
                                    "give .txt, .html, .jsonl or .csv members")
        return
    read.check_size(member.file_size, origin, options.limits)
    data = archive.read(member)
    doc_id = f"{path.name}!{member.filename}"
    if suffix in read.HTML_SUFFIXES:
        yield _html_article(data, "", doc_id, origin, options.default_date, options.limits)
        return
    text = read.check_length(read.decode_text(data, origin), origin, options.limits)
    title, body = read.split_headline(text)
    yield Article(id=doc_id, text=body, title=title, date=options.default_date, origin=origin)


def _read_records(suffix: str, stream: IO[bytes], origin: str, options: ReadOptions
                  ) -> Iterator[ReadResult]:
    """JSONL lines or CSV rows of a binary stream, read as they come, each mapped with
    ``options.fields`` into an Article; one bad line or row is one DocumentError."""
    if suffix in CSV_SUFFIXES:
        rows = _csv_rows(stream, origin, options)
    else:
        rows = read.jsonl_records(stream, origin, options.limits)
    for where, record in rows:
        if isinstance(record, DocumentError):
            yield record
            continue
        try:
            yield _record_article(record, where, options)
        except InputError as err:
            yield DocumentError(err.origin, err.reason)


def _csv_rows(stream: IO[bytes], origin: str, options: ReadOptions
              ) -> Iterator[tuple[str, dict[str, Any] | DocumentError]]:
    """Rows of a CSV file; a row that is too long, not UTF-8 or has the wrong number of
    fields is a DocumentError naming its line, and reading goes on with the next row."""
    peek = getattr(stream, "peek", None)
    if peek is not None and read.is_binary(peek(4096)[:4096]):
        raise InputError(origin, "binary file, not text: give a UTF-8 CSV file")
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape",
                            newline="")
    csv.field_size_limit(max(131072, options.limits.max_input_bytes))
    reader = csv.DictReader(text, restkey=_EXTRA)
    try:
        columns = reader.fieldnames or []
    except (csv.Error, *_STREAM_ERRORS) as err:
        raise InputError(origin, f"bad CSV header ({err})") from None
    if not columns:
        raise InputError(origin, "empty: the file holds no article text")
    _check_columns(columns, origin, options.fields)
    while True:
        line = reader.line_num + 1
        where = f"{origin}:{line}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield where, DocumentError(where, f"bad CSV ({err}): fix or remove the row")
            continue
        except _STREAM_ERRORS as err:
            yield origin, DocumentError(origin, f"{read.gzip_problem(err)}; the rows before "
                                                f"line {line:,} were read")
            return
        yield where, _csv_problem(row, len(columns), where) or row


_EXTRA = "\x00extra"
_STREAM_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


def _check_columns(columns: Sequence[str], origin: str, fields: FieldMap) -> None:
    missing = [f"{name}={fields.column(name)}" for name, _ in fields.pairs
               if fields.column(name) not in columns]
    if fields.column("text") not in columns:
        missing.append(f"text={fields.column('text')}")
    if missing:
        raise InputError(origin, f"no column for {', '.join(sorted(set(missing)))} (columns: "
                                 f"{', '.join(repr(c) for c in columns)}): map the fields with "
                                 "--field text=COLUMN")


def _csv_problem(row: dict[str, Any], width: int, where: str) -> DocumentError | None:
    """A row with more or fewer fields than the header, or with bytes that are not UTF-8."""
    extra = row.get(_EXTRA)
    filled = sum(1 for k, v in row.items() if k != _EXTRA and v is not None)
    if extra or filled < width:
        count = filled + len(extra or ())
        return DocumentError(where, f"row has {count} fields, the header {width}: quote "
                                    "fields that hold commas or quotes (\"a, b\"), or fix the "
                                    "row")
    for value in row.values():
        if isinstance(value, str) and _SURROGATE.search(value):
            raw = value.encode("utf-8", "surrogateescape")
            bad = _SURROGATE.search(value).group()  # type: ignore[union-attr]
            byte = bad.encode("utf-8", "surrogateescape")[0]
            column = raw.find(bytes([byte])) + 1
            return DocumentError(where, f"not valid UTF-8 (byte 0x{byte:02x} at column "
                                        f"{column} of a field; another encoding such as "
                                        "Latin-1?): re-save the file as UTF-8")
    return None


_SURROGATE = re.compile("[\udc80-\udcff]")


def _record_article(record: dict[str, Any], where: str, options: ReadOptions) -> Article:
    mapped = options.fields.apply(record)
    if mapped["text"] is None and options.fields.column("text") != "text":
        raise InputError(where, f"no {options.fields.column('text')!r} field (mapped to text "
                                "by --field): give the article body there")
    if mapped["id"] is None:
        mapped.pop("id")
    return read._article_from_record(mapped, where, options.default_date, options.limits)


def normal_date(value: str) -> str:
    """``YYYY-MM-DD`` of an ISO date/time or an RFC 2822 date; the value itself if neither
    (the record is then refused with a message)."""
    return read.normal_date(value) or value.strip()


# -- HTML, feeds, WARC ---------------------------------------------------------------------
def decode_html(data: bytes, content_type: str = "") -> bytes:
    """HTML bytes re-encoded as UTF-8, from the charset its header or meta tag names."""
    charset = None
    match = re.search(r"charset=([\w-]+)", content_type or "", re.I)
    if match:
        charset = match.group(1)
    else:
        meta = _CHARSET.search(data[:4096])
        charset = meta.group(1).decode("ascii", "replace") if meta else None
    for candidate in (charset, "utf-8", "cp1252"):
        if not candidate:
            continue
        try:
            return data.decode(candidate).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace").encode("utf-8")


def _html_article(data: bytes, content_type: str, doc_id: str, origin: str,
                  default_date: str | None, limits: Limits | None = None) -> ReadResult:
    try:
        article = read._from_html(decode_html(data, content_type), doc_id, origin, None,
                                  limits)
    except InputError as err:
        return DocumentError(err.origin, err.reason)
    return replace(article, date=article.date or default_date)


def _read_feed(data: bytes, origin: str, options: ReadOptions, fetcher: Fetcher,
               seen: Callable[[str], bool] | None) -> Iterator[ReadResult]:
    import feedparser

    headers = {"content-location": origin} if _is_url(origin) else {}
    try:
        parsed = feedparser.parse(data, response_headers=headers)
    except (ValueError, LookupError) as err:  # an XML declaration feedparser cannot decode
        raise InputError(origin, f"not an RSS or Atom feed ({type(err).__name__}: {err}): "
                                 "check that it is a feed in a known encoding") from None
    if not parsed.entries:
        if parsed.get("bozo"):
            raise InputError(origin, f"not an RSS or Atom feed ({parsed.get('bozo_exception')})")
        log.info("%s: feed has no entries", origin)
        return
    feed_title = parsed.feed.get("title") or None
    for number, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link")
        if not link:
            yield DocumentError(f"{origin}#{number}", "feed entry has no link to an article")
            continue
        if seen is not None and seen(link):
            log.debug("%s: already stored, not fetched", link)
            continue
        try:
            date = _entry_date(entry, link, options.limits)
            page, content_type = fetcher.get(link)
        except InputError as err:
            yield DocumentError(err.origin, err.reason)
            continue
        item = _html_article(page, content_type, link, link, None, options.limits)
        if isinstance(item, Article):
            item = replace(item, url=link, title=entry.get("title") or item.title,
                           date=date or item.date or options.default_date,
                           source=feed_title or item.source)
        yield item


def _entry_date(entry: Any, link: str, limits: Limits) -> str | None:
    """The entry's date; InputError when it is in the future (checked before the page is
    fetched)."""
    for name in ("published_parsed", "updated_parsed"):
        value = entry.get(name)
        if value:
            date = f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
            return read.parse_date(date, link, limits, field="the feed entry's date")
    return None


def _read_warc(path: Path, options: ReadOptions) -> Iterator[ReadResult]:
    """Articles of a WARC file's HTML responses.  A truncated or corrupt file keeps the
    articles of its complete records and ends with an error saying where it broke."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    complete = 0
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                if record.rec_type is None:
                    raise EOFError("a record without a header")
                if record.format != "warc" and _suffix(path.name).startswith(".warc"):
                    raise ArchiveLoadFailed(f"a {record.format!r} record, not a WARC record")
                item = _warc_article(record, path, options)
                while record.raw_stream.read(1 << 20):
                    pass
                if getattr(record.raw_stream, "limit", 0) > 0:
                    raise EOFError("the last record ends early")
                complete += 1
                if item is not None:
                    yield item
        except ArchiveLoadFailed as err:
            if not complete:
                raise InputError(str(path), f"not a readable WARC file ({err}): check it"
                                 ) from None
            yield _warc_broken(path, complete, err)
        except (EOFError, AttributeError, ValueError, OSError, zlib.error) as err:
            yield _warc_broken(path, complete, err)


def _warc_broken(path: Path, complete: int, err: BaseException) -> DocumentError:
    return DocumentError(str(path), f"truncated or corrupt WARC file after {complete:,} "
                                    f"complete records ({type(err).__name__}: {err}); their "
                                    "articles were read: download the file again for the rest")


def _warc_article(record: Any, path: Path, options: ReadOptions) -> ReadResult | None:
    """An article of a WARC response record with an HTML page; None for other records."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    content_type = record.http_headers.get_header("Content-Type") or ""
    status = record.http_headers.get_statuscode()
    if status != "200" or "html" not in content_type.lower():
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    origin = f"{path}:{uri}"
    limit = options.limits.max_input_bytes
    page = record.content_stream().read(limit + 1)
    if len(page) > limit:
        return DocumentError(origin, f"page of more than max_input_bytes={limit:,} bytes: "
                                     "not an article (or raise BLOCWATCH_MAX_INPUT_BYTES)")
    item = _html_article(page, content_type, uri, origin, None, options.limits)
    if isinstance(item, Article):
        crawled = read.normal_date(record.rec_headers.get_header("WARC-Date") or "") or ""
        item = replace(item, url=uri, date=item.date or crawled or options.default_date)
    return item


def _count_path(path: Path, limits: Limits) -> int | None:
    """How many articles a file holds, read as a stream; None when that is not cheap."""
    suffix = _suffix(path.name)
    if _plain(suffix) in read.TEXT_SUFFIXES + read.HTML_SUFFIXES:
        return 1
    if suffix in RECORD_SUFFIXES:
        with path.open("rb") as stream:
            return _count_stream(suffix, stream, limits)
    if suffix == ".zip":
        total = 0
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                if member.is_dir() or Path(member.filename).name.startswith("."):
                    continue
                inner = _suffix(member.filename)
                if inner in RECORD_SUFFIXES:
                    with archive.open(member) as stream:
                        total += _count_stream(inner, stream, limits)
                else:
                    total += 1
        return total
    return None


def _count_stream(suffix: str, stream: IO[bytes], limits: Limits) -> int:
    if suffix in read.JSONL_SUFFIXES:
        return sum(1 for line in read.bounded_lines(stream, limits.max_input_bytes)
                   if isinstance(line, int) or line.strip())
    csv.field_size_limit(max(131072, limits.max_input_bytes))
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    return max(0, sum(1 for _ in csv.reader(text)) - 1)
