"""Corpus readers: files, folders, globs, zips, field mapping, RSS/Atom feeds served from a
local HTTP server on 127.0.0.1 (never the internet), WARC files, the polite fetcher."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from blocwatch.errors import InputError, UsageError
from blocwatch.records import Article, DocumentError
from blocwatch.settings import Settings
from blocwatch.store.sources import (
    Fetcher,
    FieldMap,
    ReadOptions,
    count_documents,
    normal_date,
    read_sources,
)

BODY = "North Korea accused the United States of provocation on Monday."
PAGE = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        "<p>{body}</p><p>Officials in Seoul said the drills would continue for ten days, "
        "and Japan said it was watching closely.</p></article></body></html>")


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def zipped(name: str, content: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(name, content)
    return buf.getvalue()


CSV = f"guid,body,published\nA1,\"{BODY}\",2022-06-27T10:00:00Z\nA2,\"Japan protested.\",\n"
# (files to write, source given, --field options, expected (id, date) of each article)
READ_CASES = [
    ("txt folder", {"in/a.txt": f"Drills\n{BODY}", "in/sub/b.txt": BODY, "in/x.pdf": "%PDF",
                    "in/sitemap.xml": "<urlset/>"},
     "in", [], [("a", None), ("b", None)]),
    ("glob", {"g/a.txt": BODY, "g/b.txt": BODY, "g/c.jsonl": ""}, "g/*.txt", [],
     [("a", None), ("b", None)]),
    ("html", {"p.html": PAGE.format(title="Drills", body=BODY)}, "p.html", [], [("p", None)]),
    ("jsonl as is", {"f.jsonl": json.dumps({"id": "k1", "text": BODY, "date": "2022-06-27"})},
     "f.jsonl", [], [("k1", "2022-06-27")]),
    ("jsonl mapped", {"f.jsonl": json.dumps({"guid": 7, "body": BODY,
                                             "when": "Mon, 27 Jun 2022 10:00:00 +0000"})},
     "f.jsonl", ["id=guid", "text=body", "date=when"], [("7", "2022-06-27")]),
    ("csv mapped", {"f.csv": CSV}, "f.csv", ["id=guid", "text=body", "date=published"],
     [("A1", "2022-06-27"), ("A2", None)]),
    ("csv without id", {"f.csv": f"text\n\"{BODY}\"\n"}, "f.csv", [], [("f.csv:2", None)]),
    ("csv in zip", {"z.csv.zip": zipped("inner.csv", CSV)}, "z.csv.zip",
     ["id=guid", "text=body", "date=published"], [("A1", "2022-06-27"), ("A2", None)]),
]


@pytest.mark.parametrize(("name", "files", "source", "fields", "expected"), READ_CASES,
                         ids=[c[0] for c in READ_CASES])
def test_readers(tmp_path: Path, monkeypatch, name: str, files: dict[str, str | bytes],
                 source: str, fields: list[str], expected: list[tuple[str, str | None]]) -> None:
    monkeypatch.chdir(tmp_path)
    for rel, content in files.items():
        write(tmp_path / rel, content)
    options = ReadOptions(FieldMap.parse(fields))
    items = list(read_sources([source], options))
    assert all(isinstance(i, Article) for i in items), items
    assert [(i.id, i.date) for i in items] == expected
    assert all(BODY in i.text or "Japan" in i.text for i in items)
    assert count_documents([source], options) == len(expected)


# (files, source, --field options, the start of the one-line error)
ERROR_CASES = [
    ({}, "missing.csv", [], "no such file or directory"),
    ({"e/x.pdf": "%PDF"}, "e", [], "no .txt, .html"),
    ({}, "nothing/*.txt", [], "no files match this pattern"),
    ({"f.csv": "id,body\n1,x\n"}, "f.csv", [], "no column for text=text"),
    ({"f.csv": "id,text\n1,x\n"}, "f.csv", ["title=headline"], "no column for title=headline"),
    ({"f.jsonl": '{"id": 1, "content": "x"}\n'}, "f.jsonl", ["text=body"], "no 'body' field"),
    ({"f.jsonl": '{"id": 1, "text": "x", "date": "yesterday"}\n'}, "f.jsonl", [],
     "'date' 'yesterday' is not YYYY-MM-DD"),
    ({"f.jsonl": "not json\n"}, "f.jsonl", [], "not valid JSON"),
    ({"bad.zip": b"PK\x03\x04 broken"}, "bad.zip", [], "not a valid zip archive"),
    ({"bad.warc": b"this is not a warc"}, "bad.warc", [], "not a readable WARC file"),
    ({"feed.xml": "<html><body>hello</body>"}, "feed.xml", [], "not an RSS or Atom feed"),
]


@pytest.mark.parametrize(("files", "source", "fields", "message"), ERROR_CASES,
                         ids=[c[3] for c in ERROR_CASES])
def test_read_errors_are_one_line_records(tmp_path: Path, monkeypatch, files: dict,
                                          source: str, fields: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    for rel, content in files.items():
        write(tmp_path / rel, content)
    items = list(read_sources([source], ReadOptions(FieldMap.parse(fields))))
    errors = [i for i in items if isinstance(i, DocumentError)]
    assert errors and message in errors[0].message, items
    assert "\n" not in errors[0].message


@pytest.mark.parametrize(("spec", "message"), [
    ("text", "write FIELD=COLUMN"),
    ("body=text", "unknown field 'body'"),
    ("text=", "write FIELD=COLUMN"),
])
def test_bad_field_options(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        FieldMap.parse([spec])


@pytest.mark.parametrize(("value", "expected"), [
    ("2022-06-27", "2022-06-27"),
    ("2022-06-27T23:10:00+02:00", "2022-06-27"),
    ("Mon, 27 Jun 2022 10:00:00 GMT", "2022-06-27"),
    ("27/06/2022", "27/06/2022"),  # refused later, with a message
])
def test_normal_date(value: str, expected: str) -> None:
    assert normal_date(value) == expected


# -- feeds from a local server ---------------------------------------------------------------
RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Local Wire</title><link>{base}/</link>
<item><title>Drills condemned</title><link>{base}/a1.html</link>
  <pubDate>Mon, 27 Jun 2022 08:00:00 GMT</pubDate></item>
<item><title>Flaky page</title><link>{base}/flaky.html</link>
  <pubDate>Tue, 28 Jun 2022 08:00:00 GMT</pubDate></item>
<item><title>Gone</title><link>{base}/gone.html</link></item>
<item><title>Relative</title><link>/a2.html</link></item>
</channel></rss>"""


class Site:
    """A tiny news site: a feed, article pages, one page that fails twice first, one 404."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.flaky_left = 2
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.requests.append((self.path, self.headers.get("User-Agent", "")))
                status, body, ctype = site.respond(self.path)
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def respond(self, path: str) -> tuple[int, str, str]:
        html = "text/html; charset=utf-8"
        if path == "/feed.xml":
            return 200, RSS.format(base=self.base), "application/rss+xml"
        if path == "/a1.html":
            return 200, PAGE.format(title="Drills", body=BODY), html
        if path == "/a2.html":
            return 200, PAGE.format(title="Talks", body="Russia criticised NATO on Monday."), html
        if path == "/flaky.html":
            if self.flaky_left:
                self.flaky_left -= 1
                return 503, "busy", "text/plain"
            return 200, PAGE.format(title="Flaky", body="Japan protested to China."), html
        return 404, "not found", "text/plain"


@pytest.fixture()
def site() -> Iterator[Site]:
    s = Site()
    s.thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()


def fetcher(sleeps: list[float] | None = None) -> Fetcher:
    settings = Settings.from_env(fetch_delay=0.0, fetch_retries=2, fetch_timeout=5.0,
                                 user_agent="blocwatch-test/1")
    return Fetcher(settings, sleep=(sleeps.append if sleeps is not None else lambda _: None))


@pytest.mark.parametrize("how", ["url", "file"])
def test_feed(site: Site, tmp_path: Path, how: str) -> None:
    source = f"{site.base}/feed.xml"
    if how == "file":
        source = str(write(tmp_path / "feed.xml",
                           RSS.format(base=site.base).replace("/a2.html", f"{site.base}/a2.html")))
    items = list(read_sources([source], fetcher=fetcher()))
    articles = {i.url: i for i in items if isinstance(i, Article)}
    errors = [i for i in items if isinstance(i, DocumentError)]
    assert set(articles) == {f"{site.base}/a1.html", f"{site.base}/flaky.html",
                             f"{site.base}/a2.html"}
    first = articles[f"{site.base}/a1.html"]
    assert (first.id, first.title, first.date, first.source) == (
        f"{site.base}/a1.html", "Drills condemned", "2022-06-27", "Local Wire")
    assert BODY in first.text
    assert [(e.origin, e.message.split(":")[0]) for e in errors] == [
        (f"{site.base}/gone.html", "could not fetch (HTTP 404 Not Found)")]
    assert {agent for _, agent in site.requests} == {"blocwatch-test/1"}
    assert [p for p, _ in site.requests].count("/flaky.html") == 3  # two 503s, then the page
    assert [p for p, _ in site.requests].count("/gone.html") == 1  # a 404 is not retried


def test_feed_skips_stored_pages(site: Site) -> None:
    stored = {f"{site.base}/a1.html", f"{site.base}/a2.html"}
    items = list(read_sources([f"{site.base}/feed.xml"], fetcher=fetcher(),
                              seen=stored.__contains__))
    assert {getattr(i, "id", None) or i.origin for i in items} == {  # type: ignore[union-attr]
        f"{site.base}/flaky.html", f"{site.base}/gone.html"}
    assert not {"/a1.html", "/a2.html"} & {p for p, _ in site.requests}


def test_fetcher_backs_off_then_gives_up(site: Site) -> None:
    sleeps: list[float] = []
    site.flaky_left = 10
    with pytest.raises(InputError, match="HTTP 503"):
        fetcher(sleeps).get(f"{site.base}/flaky.html")
    assert sleeps == [1.0, 2.0]


def test_fetcher_waits_between_requests_to_a_host(site: Site) -> None:
    sleeps: list[float] = []
    settings = Settings.from_env(fetch_delay=30.0, fetch_retries=0)
    polite = Fetcher(settings, sleep=sleeps.append)
    polite.get(f"{site.base}/a1.html")
    polite.get(f"{site.base}/a2.html")
    assert len(sleeps) == 1 and 29.0 < sleeps[0] <= 30.0


# -- WARC ------------------------------------------------------------------------------------
def write_warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.suffix == ".gz")
        records = [
            ("https://news.example/a1", "200 OK", "text/html; charset=utf-8",
             PAGE.format(title="Drills", body=BODY)),
            ("https://news.example/logo.png", "200 OK", "image/png", "\x89PNG"),
            ("https://news.example/missing", "404 Not Found", "text/html", "<p>gone</p>"),
            ("https://news.example/empty", "200 OK", "text/html", "<html><body></body></html>"),
        ]
        for uri, status, ctype, body in records:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body.encode("latin-1")),
                http_headers=headers, warc_headers_dict={"WARC-Date": "2022-06-27T09:00:00Z"})
            writer.write_record(record)
        writer.write_record(writer.create_warc_record(
            "https://news.example/a1", "request", payload=io.BytesIO(b"GET /a1 HTTP/1.1\r\n\r\n")))


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_warc(path)
    items = list(read_sources([str(path)]))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, DocumentError)]
    assert [(a.id, a.url, a.date) for a in articles] == [
        ("https://news.example/a1", "https://news.example/a1", "2022-06-27")]
    assert BODY in articles[0].text
    assert [e.message for e in errors] == ["no article body found in the HTML page"]
    assert count_documents([str(path)]) is None
