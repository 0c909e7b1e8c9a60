"""The bad input corpus, generated here: every case through ``blocwatch code`` and
``blocwatch ingest`` (CLI and library), each next to a good document.  For each bad input:
one clear one-line error naming the file (and line), the good documents still coded and
stored, exit code 1, never a traceback, nothing lost."""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import io
import json
import random
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

import blocwatch.cli
import blocwatch.store.ingest
from blocwatch import Coder
from blocwatch.cli import app
from blocwatch.records import Article, DocumentError
from blocwatch.settings import Settings
from blocwatch.store.database import Store
from blocwatch.store.ingest import ingest
from blocwatch.store.sources import Fetcher, read_sources
from blocwatch.text.read import read_inputs

runner = CliRunner()
GOOD = "North Korea accused the United States of provocation on Monday.\n"
LINE = "Japan protested to China on Friday over the ships."  # a good JSONL/CSV article
LINES = [LINE, "Russia criticised NATO on Tuesday for holding naval exercises in the Baltic.",
         "Iran condemned Israel on Sunday after an air strike near Damascus."]
FUTURE = (dt.date.today() + dt.timedelta(days=400)).isoformat()
BIG = 50 * 1024 * 1024
FRENCH = ("Le gouvernement français a annoncé mardi que les négociations avec la Russie sur le "
          "gaz seront suspendues. Le ministre des affaires étrangères a déclaré qu'il ne se "
          "rendra pas à Moscou cette semaine, mais que le dialogue reste ouvert.")
RUSSIAN = ("Правительство России во вторник объявило, что переговоры с Украиной о поставках "
           "газа приостановлены. Министр иностранных дел заявил, что на этой неделе он не "
           "поедет в Киев, но диалог по-прежнему открыт для обсуждения.")


def jsonl(*records: object) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n"
                    for r in records)


def good_line(n: int = 1) -> dict[str, str]:
    return {"id": f"good-line-{n}", "text": LINES[n - 1]}


def padding(n: int) -> str:
    """Incompressible filler, so that a cut compressed file breaks off after a few rows."""
    return random.Random(n).randbytes(1500).hex()


def truncated_gzip(data: bytes) -> bytes:
    packed = gzip.compress(data)
    return packed[:len(packed) * 2 // 3]


def truncated_warc() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for n, body in enumerate([GOOD.strip(), LINE, "Russia criticised NATO on Tuesday."]):
        page = f"<html><body><article><p>{body}</p><p>{LINE}</p></article></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://news.example/{n}", "response", payload=io.BytesIO(page.encode()),
            http_headers=headers, warc_headers_dict={"WARC-Date": "2022-06-27T09:00:00Z"}))
    data = out.getvalue()
    return data[:len(data) - 40]


def csv_rows() -> bytes:
    return ("id,text,date\n"
            f'good-row,"{LINE}",2022-06-27\n'
            "short,only two fields\n"
            f'extra,"{LINE}",2022-06-27,surplus\n'
            f'baddate,"{LINE}",27/13/2022\n'
            f'future,"{LINE}",{FUTURE}\n').encode() + b'latin,"Caf\xe9 talks",2022-06-27\n'


@dataclass(frozen=True)
class Case:
    """Files of one bad input; what each failed document's error says; the good articles
    (besides good.txt) it holds; whether ``blocwatch code`` reads it too."""

    name: str
    files: Callable[[], dict[str, bytes]]
    needles: tuple[str, ...]
    good: tuple[str, ...] = ()
    code: bool = True
    partial: str = ""  # ids of the articles read before a truncated file broke off


CASES = [
    Case("empty", lambda: {"empty.txt": b""},
         ("empty.txt: empty: the file holds no article text",)),
    Case("whitespace only", lambda: {"blank.txt": b"  \n\t\n \r\n"}, ("blank.txt: empty",)),
    Case("binary", lambda: {"noise.txt": random.Random(7).randbytes(4096)},
         ("noise.txt: binary file, not text",)),
    Case("control characters", lambda: {"ctl.txt": bytes(range(1, 9)) * 200},
         ("ctl.txt: binary file, not text",)),
    Case("invalid UTF-8", lambda: {"latin.txt": "Café talks in Séoul".encode("latin-1")},
         ("latin.txt: not valid UTF-8 (byte 0xe9 at line 1, column 4",)),
    Case("mixed encodings", lambda: {"mixed.txt": (
        GOOD + "\nLe ministre a déclaré mardi.\n").encode("utf-8") + "Séoul a réagi.".encode(
        "latin-1")}, ("mixed.txt: not valid UTF-8 (byte 0xe9 at line 4, column 2",)),
    Case("mixed encodings in JSONL", lambda: {"mixed.jsonl": jsonl(
        good_line(), json.dumps({"id": "l1", "text": "Café"}, ensure_ascii=False)
        .encode("latin-1"))}, ("mixed.jsonl:2: not valid UTF-8 (byte 0xe9 at column 26",),
        good=("good-line-1",)),
    Case("50 MB one-line text", lambda: {}, ("huge.txt: 52,428,800 bytes, over "
                                               "max_input_bytes=20,000,000",)),
    Case("50 MB JSONL line", lambda: {}, ("huge.jsonl:2: line of 52,4",),
         good=("good-line-1",)),
    Case("100,000 sentences", lambda: {"long.txt": b"Japan protested. " * 100_000},
         ("long.txt: article has about 100,001 sentences, more than "
          "max_document_sentences=10,000",)),
    Case("HTML without body", lambda: {"nobody.html": b"<html><head><title>Talks</title>"
                                                     b"</head><body></body></html>"},
         ("nobody.html: no article body found in the HTML page",)),
    Case("script-only page", lambda: {"script.html": (
        "<html><head><script>var a = 1;</script></head><body><script>"
        + "document.write('North Korea accused Japan');" * 50
        + "</script><noscript></noscript></body></html>").encode()},
        ("script.html: no article body found in the HTML page",)),
    Case("malformed JSONL", lambda: {"lines.jsonl": jsonl(
        good_line(1), b'{"id": "x", "text": "North Korea', b"not json at all",
        good_line(2))},
        ("lines.jsonl:2: not valid JSON (Unterminated string starting at: column 21)",
         "lines.jsonl:3: not valid JSON (Expecting value: column 1)"),
        good=("good-line-1", "good-line-2")),
    Case("JSON with wrong types", lambda: {"types.jsonl": jsonl(
        {"id": ["a"], "text": LINE}, {"id": "t2", "text": {"body": LINE}},
        {"id": "t3", "text": LINE, "date": 20220627}, {"id": True, "text": LINE},
        [1, 2], "a string", good_line())},
        ("types.jsonl:1: 'id' must be a string or a number, not a list",
         "types.jsonl:2: 'text' must be a string, not an object",
         "types.jsonl:3: 'date' must be a string, not a number",
         "types.jsonl:4: 'id' must be a string or a number, not true/false",
         "types.jsonl:5: each line must be a JSON object with 'id' and 'text' (this one is a "
         "JSON list)", "types.jsonl:6: each line must be a JSON object"),
        good=("good-line-1",)),
    Case("French article", lambda: {"french.txt": FRENCH.encode()},
         ("french.txt: written in French, not English: blocwatch codes English news only",)),
    Case("Russian article in JSONL", lambda: {"ru.jsonl": jsonl(
        {"id": "ru", "text": RUSSIAN}, good_line())},
        ("ru.jsonl:1: written in Russian, not English",),
        good=("good-line-1",)),
    Case("date in the future", lambda: {"future.jsonl": jsonl(
        {"id": "f", "text": LINE, "date": FUTURE}, good_line())},
        (f"future.jsonl:1: 'date' '{FUTURE}' is in the future",), good=("good-line-1",)),
    Case("unparseable date", lambda: {"when.jsonl": jsonl(
        {"id": "w", "text": LINE, "date": "next Tuesday"}, good_line())},
        ("when.jsonl:1: 'date' 'next Tuesday' is not YYYY-MM-DD: give YYYY-MM-DD, an ISO "
         "8601 date-time (2022-06-27T10:00:00Z) or an RFC 2822 date",),
        good=("good-line-1",)),
    Case("truncated gzip text", lambda: {"story.txt.gz": truncated_gzip(GOOD.encode() * 400)},
         ("story.txt.gz: truncated gzip file",)),
    Case("truncated gzip JSONL", lambda: {"lines.jsonl.gz": truncated_gzip(jsonl(
        *[{"id": f"gz{n}", "text": LINES[n % 3], "pad": padding(n)} for n in range(12)]))},
        ("lines.jsonl.gz: truncated gzip file",), partial="gz"),
    Case("malformed CSV rows", lambda: {"rows.csv": csv_rows()},
         ("rows.csv:3: row has 2 fields, the header 3", "rows.csv:4: row has 4 fields",
          "rows.csv:5: 'date' '27/13/2022' is not YYYY-MM-DD",
          "rows.csv:6: 'date' '" + FUTURE + "' is in the future",
          "rows.csv:7: not valid UTF-8 (byte 0xe9"), good=("good-row",), code=False),
    Case("truncated gzip CSV", lambda: {"rows.csv.gz": truncated_gzip(
        b"id,text,pad\n" + b"".join(f'c{n},"{LINES[n % 3]}",{padding(n)}\n'.encode()
                                     for n in range(12)))},
         ("rows.csv.gz: truncated gzip file",), code=False, partial="c"),
    Case("truncated WARC", lambda: {"crawl.warc.gz": truncated_warc()},
         ("crawl.warc.gz: truncated or corrupt WARC file after 2 complete records",),
         code=False, partial="https://news.example/"),
]
CODE_CASES = [c for c in CASES if c.code]


def write_big(path: Path, head: bytes = b"", tail: bytes = b"") -> None:
    """A 50 MB single line, written in 1 MB pieces (never held in memory whole)."""
    piece = b"North Korea accused the United States of provocation. " * 19_000
    with path.open("wb") as out:
        out.write(head)
        written = len(head)
        while written < BIG:
            out.write(piece[:BIG - written])
            written += min(len(piece), BIG - written)
        out.write(tail)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Every case's files, in a folder of its own, written once; good.txt beside them."""
    root = tmp_path_factory.mktemp("bad")
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    paths: dict[str, list[Path]] = {}
    for case in CASES:
        folder = root / case.name.replace(" ", "-").replace(",", "")
        folder.mkdir()
        files = case.files()
        if case.name == "50 MB one-line text":
            write_big(folder / "huge.txt")
            files = {"huge.txt": b""}
        elif case.name == "50 MB JSONL line":
            write_big(folder / "huge.jsonl", head=jsonl(good_line()) + b'{"id": "huge", "text": '
                      b'"', tail=b'"}\n')
            files = {"huge.jsonl": b""}
        for name, data in files.items():
            if data or not (folder / name).exists():
                (folder / name).write_bytes(data)
        paths[case.name] = [folder / name for name in files]
    paths["good"] = [root / "good.txt"]
    return paths


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("blocwatch: ")]


def assert_named(needles: tuple[str, ...], lines: list[str]) -> None:
    for needle in needles:
        assert sum(needle in line for line in lines) == 1, (needle, lines)


@pytest.mark.parametrize("case", CODE_CASES, ids=[c.name for c in CODE_CASES])
def test_code_names_the_bad_input_and_codes_the_rest(corpus: dict[str, list[Path]],
                                                     coder: Coder, monkeypatch, case: Case
                                                     ) -> None:
    monkeypatch.setattr(blocwatch.cli, "make_coder", lambda *args, **kwargs: coder)
    inputs = [str(p) for p in corpus[case.name]] + [str(corpus["good"][0])]
    result = runner.invoke(app, ["code", *inputs, "--format", "jsonl"])
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = error_lines(result.stderr)
    assert lines == result.stderr.splitlines()  # every line is one error, nothing else
    assert len(lines) == len(case.needles)
    assert_named(case.needles, lines)
    assert all(line.startswith(f"blocwatch: {corpus[case.name][0]}") for line in lines)
    coded = {json.loads(line)["doc_id"] for line in result.stdout.splitlines()}
    read_before_break = {i for i in coded if case.partial and i.startswith(case.partial)}
    assert coded - read_before_break == {"good", *case.good}
    assert bool(read_before_break) == bool(case.partial)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_ingest_records_each_failure_and_stores_the_rest(
        corpus: dict[str, list[Path]], coder: Coder, tmp_path: Path, case: Case) -> None:
    sources = [str(p) for p in corpus[case.name]] + [str(corpus["good"][0])]
    with Store(f"sqlite:///{tmp_path / 'bad.db'}") as store:
        summary = ingest(read_sources(sources), store, coder_factory=lambda: coder, workers=1)
        failed = {d.origin: d.error or "" for d in store.documents(status="failed")}
        assert summary.failed == len(case.needles) == len(failed), failed
        assert_named(case.needles, [f"blocwatch: {o}: {e}" for o, e in failed.items()])
        assert all("\n" not in error for error in failed.values())
        documents = {d.key: d for d in store.documents()}
        for key in ("good", *case.good):
            assert documents[key].status == "coded" and documents[key].reports > 0, key
        assert summary.seen == len(documents)  # every input is recorded: nothing lost
        if case.partial:  # the articles before the break are kept
            kept = [d for key, d in documents.items() if key.startswith(case.partial)]
            assert kept and all(d.status in ("coded", "duplicate") for d in kept)
        assert summary.coded >= 1 + len(case.good)


def test_big_input_is_refused_without_reading_it(corpus: dict[str, list[Path]]) -> None:
    """The 50 MB one-line file costs a stat, not 50 MB of memory; the 50 MB JSONL line is
    skipped in pieces (the good line before it is read)."""
    tracemalloc.start()
    try:
        items = list(read_inputs([str(p) for p in corpus["50 MB one-line text"]]))
        small = tracemalloc.get_traced_memory()[1]
        items += list(read_inputs([str(p) for p in corpus["50 MB JSONL line"]]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [type(i).__name__ for i in items] == ["DocumentError", "Article", "DocumentError"]
    assert small < 1_000_000
    assert peak < 25_000_000  # one bounded read of max_input_bytes, no copies of 50 MB


# -- feeds that time out or redirect forever, from a local server --------------------------
PAGE = "<html><body><article><h1>{0}</h1><p>{1}</p><p>{2}</p></article></body></html>"


@dataclass
class Site:
    """Feeds and pages on 127.0.0.1: one page that is slow, one that redirects to itself."""

    slow: float = 1.5
    server: ThreadingHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                status, body, headers = site.respond(self.path)
                if status == 0:
                    time.sleep(site.slow)
                    status = 200
                data = body.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def respond(self, path: str) -> tuple[int, str, dict[str, str]]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        future = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
        items = [("Drills condemned", "/good.html", "Mon, 27 Jun 2022 08:00:00 GMT"),
                 ("Slow page", "/slow.html", ""), ("Loop", "/loop.html", ""),
                 ("From the future", "/good2.html", future)]
        if path == "/feed.xml":
            entries = "".join(f"<item><title>{t}</title><link>{self.base}{p}</link>"
                              f"{f'<pubDate>{d}</pubDate>' if d else ''}</item>"
                              for t, p, d in items)
            return 200, (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire'
                         f"</title>{entries}</channel></rss>"), {"Content-Type": "text/xml"}
        if path in ("/good.html", "/good2.html"):
            return 200, PAGE.format("Drills", GOOD.strip(), LINE), html
        if path.startswith("/slow"):
            return 0, "late", html
        if path.startswith("/loop"):
            return 302, "", {"Location": path}
        return 404, "not found", html


@pytest.fixture()
def site() -> Iterator[Site]:
    s = Site()
    thread = threading.Thread(target=s.server.serve_forever, daemon=True)
    thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()


FEED_NEEDLES = ("/slow.html: could not fetch (timed out)",
                "/loop.html: could not fetch (HTTP 302: too many redirects, a redirect loop?)",
                "/good2.html: the feed entry's date",
                "/slow-feed.xml: could not fetch (timed out)",
                "/loop-feed.xml: could not fetch (HTTP 302: too many redirects")


def test_feeds_that_time_out_or_redirect_forever(site: Site, coder: Coder,
                                                 tmp_path: Path) -> None:
    settings = Settings.from_env(fetch_timeout=0.3, fetch_retries=1, fetch_delay=0.0)
    sleeps: list[float] = []
    fetcher = Fetcher(settings, sleep=sleeps.append)
    sources = [f"{site.base}/feed.xml", f"{site.base}/slow-feed.xml",
               f"{site.base}/loop-feed.xml"]
    started = time.monotonic()
    with Store(f"sqlite:///{tmp_path / 'feeds.db'}") as store:
        summary = ingest(read_sources(sources, fetcher=fetcher), store,
                         coder_factory=lambda: coder, workers=1)
        failed = {d.origin: d.error or "" for d in store.documents(status="failed")}
        coded = [d.key for d in store.documents(status="coded")]
    assert time.monotonic() - started < 10  # two tries of 0.3 s for each slow request
    assert coded == [f"{site.base}/good.html"]
    assert summary.failed == len(FEED_NEEDLES) == len(failed)
    assert_named(FEED_NEEDLES, [f"blocwatch: {o}: {e}" for o, e in failed.items()])
    assert "is in the future" in failed[f"{site.base}/good2.html"]
    assert sleeps == [1.0, 1.0]  # one retry (after 1 s) of each timed-out request


def test_ingest_cli_over_the_whole_corpus(corpus: dict[str, list[Path]], coder: Coder,
                                          site: Site, tmp_path: Path, monkeypatch) -> None:
    """One ``blocwatch ingest`` of every bad input and feed at once: each failure named on
    one line, the good documents stored, exit code 1, no traceback."""
    monkeypatch.setattr(blocwatch.store.ingest, "default_coder", lambda settings: coder)
    for name, value in {"FETCH_TIMEOUT": "0.3", "FETCH_RETRIES": "0", "FETCH_DELAY": "0"
                        }.items():
        monkeypatch.setenv(f"BLOCWATCH_{name}", value)
    files = [str(p) for case in CASES for p in corpus[case.name]]
    feeds = [f"{site.base}/feed.xml", f"{site.base}/slow-feed.xml", f"{site.base}/loop-feed.xml"]
    db = f"sqlite:///{tmp_path / 'all.db'}"
    result = runner.invoke(app, ["ingest", *files, *feeds, str(corpus["good"][0]), "--db", db,
                                 "--workers", "1", "--quiet"])
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    needles = [n for case in CASES for n in case.needles] + list(FEED_NEEDLES)
    lines = error_lines(result.stderr)
    assert len(lines) == len(needles)
    assert_named(tuple(needles), lines)
    with Store(db) as store:
        documents = {d.key: d for d in store.documents()}
        assert documents["good"].status == "coded" and documents["good"].reports > 0
        assert sum(d.status == "failed" for d in documents.values()) == len(needles)
        assert {d.status for d in documents.values()} <= {"coded", "duplicate", "failed"}


def test_library_readers_never_raise_on_the_corpus(corpus: dict[str, list[Path]]) -> None:
    """The library: read_sources and read_inputs turn every bad input into records."""
    for case in CASES:
        for item in read_sources([str(p) for p in corpus[case.name]]):
            assert isinstance(item, (Article, DocumentError))
            if isinstance(item, DocumentError):
                assert item.message and "\n" not in item.message


# -- a whole article on one line: cut for spaCy, nothing dropped -------------------------------
@pytest.mark.parametrize(("text", "limit", "pieces"), [
    ("Japan protested. " * 200, 1000, 4),            # cut after sentence ends
    ("word " * 1000, 1000, 5),                        # no sentence end: cut at spaces
    ("x" * 2500, 1000, 3),                            # no space either: cut hard
    (GOOD.strip(), 1000, 1),                          # short: as it is
])
def test_one_line_article_is_cut_not_dropped(text: str, limit: int, pieces: int) -> None:
    from blocwatch.text.clean import clean

    cleaned = clean(Article("line", text.strip()), max_paragraph_chars=limit)
    parts = [p.text for p in cleaned.paragraphs]
    assert len(parts) == pieces
    assert all(len(p) <= limit for p in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")
