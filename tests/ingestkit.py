"""Helpers of the crash-safety and concurrency tests: a fast deterministic stand-in coder,
a corpus of Guardian articles with duplicates and bad lines, a launcher of ``blocwatch
ingest`` processes (with the stand-in or the real coder), and a snapshot of every row of a
store.

The stand-in coder finds country names in each sentence and turns every pair into an event
(and every quoted sentence into a quote): cheap, so that a test can kill many ingests, and
deterministic, so that a resumed run must store exactly the rows of a clean one."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from blocwatch.errors import InputError
from blocwatch.records import (
    ActorRef,
    Article,
    CleanArticle,
    CodedArticle,
    Event,
    Paragraph,
    Plover,
    Quote,
    Speaker,
    VerbRef,
)
from blocwatch.store import schema
from blocwatch.store.database import Store
from blocwatch.store.sources import read_sources

GUARDIAN = "corpus/guardian-syria/Guardian_SDF_sample.csv.zip"
TESTS = Path(__file__).resolve().parent
FAIL_MARK = "[[cannot be coded]]"

COUNTRIES = {"Syria": "SYR", "Turkey": "TUR", "Russia": "RUS", "Iran": "IRN", "Iraq": "IRQ",
             "Israel": "ISR", "United States": "USA", "US": "USA", "France": "FRA",
             "Britain": "GBR", "UK": "GBR", "Jordan": "JOR", "Lebanon": "LBN",
             "Saudi Arabia": "SAU", "Egypt": "EGY", "Germany": "DEU", "China": "CHN"}
CODES = (("112", "11", 3, -2.0), ("036", "03", 1, 4.0), ("190", "19", 4, -10.0),
         ("040", "04", 1, 1.0), ("173", "17", 4, -5.0))
_NAME = re.compile(r"\b(" + "|".join(sorted(map(re.escape, COUNTRIES), key=len, reverse=True))
                   + r")\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class StubCoder:
    """A coder factory (and coder): events from pairs of country names, ``delay`` seconds
    per article; an article containing ``FAIL_MARK`` fails to code."""

    delay: float = 0.0

    def __call__(self) -> StubCoder:
        return self

    def code_articles(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        for article in articles:
            if self.delay:
                time.sleep(self.delay)
            if FAIL_MARK in article.text:
                raise InputError(article.origin or article.id, "the stand-in coder refuses it")
            yield _code(article)


def _code(article: Article) -> CodedArticle:
    events: list[Event] = []
    quotes: list[Quote] = []
    for index, sentence in enumerate(_SENTENCE.split(article.text.strip())):
        names = list(_NAME.finditer(sentence))
        for a, b in itertools.pairwise(names):
            if COUNTRIES[a.group()] == COUNTRIES[b.group()]:
                continue
            digest = hashlib.sha256(f"{a.group()}|{b.group()}|{sentence}".encode()).digest()
            cameo, root, quad, goldstein = CODES[digest[0] % len(CODES)]
            events.append(Event(
                doc_id=article.id, sentence_index=index, sentence=sentence, date=article.date,
                source=_actor(a), target=_actor(b), cameo=cameo, root=root, quad_class=quad,
                goldstein=goldstein, plover=Plover(None, None),
                modality=("asserted", "negated", "intended")[digest[1] % 3], attribution=None,
                verb=VerbRef("and", "and", a.end(), a.end()), rule="stub"))
        if names and ('"' in sentence or "\u201c" in sentence):
            quotes.append(Quote(article.id, index, sentence[:200],
                                Speaker(COUNTRIES[names[0].group()], names[0].group())))
    clean = CleanArticle(article.id, (Paragraph(0, article.text),), article.date, None,
                         article.title, article.url, article.source)
    return CodedArticle(clean, tuple(events), tuple(quotes))


def _actor(match: re.Match[str]) -> ActorRef:
    code = COUNTRIES[match.group()]
    return ActorRef(code, code, None, None, match.group(), match.start(), match.end())


# -- the corpus ---------------------------------------------------------------------------------
def write_corpus(shared: Path, path: Path, articles: int, *, extras: bool = True) -> int:
    """The first ``articles`` Guardian articles as JSONL; with ``extras`` also two exact
    copies, a lightly edited copy (a near duplicate), a line that is not JSON, an article
    without text and one the stand-in coder refuses.  Returns the number of lines."""
    rows = []
    for a in itertools.islice(read_sources([str(shared / GUARDIAN)]), articles):
        assert isinstance(a, Article)
        rows.append(json.dumps({"id": a.id, "text": a.text, "date": a.date, "title": a.title,
                                "source": a.source}))
    if extras:
        first, second = json.loads(rows[0]), json.loads(rows[3])
        extra = [
            {**first, "id": "copy-of-first", "source": "another paper"},
            {**second, "id": "copy-of-fourth", "text": second["text"].upper()},
            {**first, "id": "edited-first",
             "text": first["text"].replace(" the ", " a ", 3) + " More talks are planned."},
            {"id": "refused", "text": "Turkey and Syria talked. " + FAIL_MARK,
             "date": "2016-01-01"},
            {"id": "no-text", "text": "   ", "date": "2016-01-01"},
        ]
        middle = len(rows) // 2
        rows[middle:middle] = [json.dumps(e) for e in extra[:2]]
        rows += [json.dumps(e) for e in extra[2:]]
        rows.insert(5, '{"id": "broken", "text": ')
    path.write_text("".join(r + "\n" for r in rows), encoding="utf-8")
    return len(rows)


# -- blocwatch ingest as a process --------------------------------------------------------------
def ingest_args(corpus: Path, url: str) -> list[str]:
    return ["ingest", str(corpus), "--db", url, "--workers", "1", "--quiet"]


def ingest_env(batch_size: int = 2, **settings: Any) -> dict[str, str]:
    """``BLOCWATCH_*`` variables of a run: ``ingest_batch_size`` (and commit size) and
    ``settings``."""
    env = {"BLOCWATCH_INGEST_BATCH_SIZE": str(batch_size),
           "BLOCWATCH_INGEST_COMMIT_SIZE": str(batch_size)}
    env.update({f"BLOCWATCH_{k.upper()}": str(v) for k, v in settings.items()})
    return env


class Launcher:
    """Starts ``blocwatch ingest`` processes quickly: a helper process imports blocwatch
    once and forks a child for each run, which runs the CLI as ``blocwatch ingest ...``
    would, without the seconds of imports.  The coder is the stand-in of ``delay`` seconds
    per article, or with ``real`` the real one, loaded once by the helper.  ``start``
    returns the child's pid, to kill; ``wait`` its exit code (negative: killed by that
    signal)."""

    def __init__(self, delay: float = 0.0, *, real: bool = False) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER.format(tests=str(TESTS), delay=delay, real=real)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        assert self._read() == {"ready": True}

    def start(self, corpus: Path, url: str, log: Path, *, delay: float | None = None,
              max_file_size: int | None = None, read_only_root: bool = False,
              **settings: Any) -> int:
        """Start ``blocwatch ingest CORPUS --db URL`` writing its output to ``log``, with
        ``settings`` as ``BLOCWATCH_*`` variables; ``delay``: the stand-in coder's;
        ``max_file_size``: no file may grow beyond it (RLIMIT_FSIZE, SIGXFSZ ignored, as a
        full disk); ``read_only_root``: without root's power to write read-only files."""
        return int(self._ask({"args": ingest_args(corpus, url), "env": ingest_env(**settings),
                              "log": str(log), "delay": delay, "fsize": max_file_size,
                              "nodac": read_only_root})["pid"])

    def wait(self, pid: int) -> int:
        return int(self._ask({"wait": pid})["status"])

    def run(self, corpus: Path, url: str, log: Path, **options: Any) -> int:
        return self.wait(self.start(corpus, url, log, **options))

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "the launcher process died"
        return json.loads(line)  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


_LAUNCHER = """
import json, os, resource, signal, sys, traceback
sys.path.insert(0, {tests!r})
import blocwatch.store.ingest, blocwatch.store.sources, blocwatch.store.database
import blocwatch.store.dedup
import blocwatch.cli.store, rich.progress, sqlalchemy.dialects.postgresql.psycopg
from ingestkit import StubCoder, drop_dac_override
from blocwatch.cli import app
real = None
if {real!r}:
    from blocwatch import Coder
    real = Coder()
""" + """
def child(request):
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    delay = {delay!r} if request["delay"] is None else request["delay"]
    coder = real or StubCoder(delay)
    blocwatch.store.ingest.default_coder = lambda settings: coder
    os.environ.update(request["env"])
    if request["fsize"]:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (request["fsize"], request["fsize"]))
    if request["nodac"]:
        drop_dac_override()
    app(request["args"], prog_name="blocwatch")
print(json.dumps({{"ready": True}}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if "wait" in request:
        _, status = os.waitpid(request["wait"], 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(json.dumps({{"status": code}}), flush=True)
        continue
    pid = os.fork()
    if pid:
        print(json.dumps({{"pid": pid}}), flush=True)
        continue
    code = 70
    try:
        child(request)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
"""


def drop_dac_override() -> None:
    """As root, give up the power to write files and folders whatever their permissions
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so that a read-only file is read-only here too.
    Nothing to do for other users."""
    if os.geteuid() != 0:
        return
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    libc = ctypes.CDLL(None, use_errno=True)
    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
    assert libc.capget(ctypes.byref(header), data) == 0, os.strerror(ctypes.get_errno())
    dac = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
    data[0].effective &= ~dac
    data[0].permitted &= ~dac
    assert libc.capset(ctypes.byref(header), data) == 0, os.strerror(ctypes.get_errno())


def stored_documents(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.documents)).scalar_one())


# -- every row of a store -----------------------------------------------------------------------
TABLES = ("documents", "events", "event_reports", "quotes", "actors", "document_bands")
_VOLATILE = {"id", "ident", "run_id", "added_at"}


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data table, sorted, without database ids, run ids and times;
    references to a document become its key and text hash, to an event its key, and file
    paths lose their folder (so that the same input in another folder compares equal).  Two
    stores that hold the same data give equal snapshots; a lost or doubled row shows."""
    d, e = schema.documents, schema.events
    with store.engine.connect() as conn:
        documents = {int(i): (_path_free(k), h)
                     for i, k, h in conn.execute(select(d.c.id, d.c.key, d.c.text_hash))}
        events = dict(conn.execute(select(e.c.id, e.c.key)).all())
        refs = {"document_id": documents, "duplicate_of": documents, "event_id": events}
        out = {}
        for name in TABLES:
            table = schema.metadata.tables[name]
            columns = [c.name for c in table.columns if c.name not in _VOLATILE]
            rows = [tuple(_value(refs.get(c), v) for c, v in zip(columns, row, strict=True))
                    for row in conn.execute(select(*(table.c[c] for c in columns)))]
            out[name] = sorted(rows, key=repr)
    return out


def _value(ref: dict[int, Any] | None, value: Any) -> Any:
    if ref is not None and value is not None:
        return ref[int(value)]
    if isinstance(value, memoryview):
        return bytes(value)
    return _path_free(value)


def _path_free(value: Any) -> Any:
    """``/some/folder/file.jsonl:7`` -> ``file.jsonl:7``."""
    return Path(value).name if isinstance(value, str) and value.startswith("/") else value


def row_count(snap: dict[str, list[tuple[Any, ...]]]) -> int:
    return sum(len(rows) for rows in snap.values())


def integrity(path: Path) -> str:
    """SQLite's own check of a database file: 'ok' when it is sound."""
    with sqlite3.connect(path) as conn:
        result = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        bad_keys = conn.execute("PRAGMA foreign_key_check").fetchall()
    conn.close()
    return result if not bad_keys else f"{result}; foreign keys: {bad_keys[:3]}"


def running_launcher(**options: Any) -> Iterator[Launcher]:
    """Body of a module-scoped fixture: a Launcher, closed after the module's tests."""
    started = Launcher(**options)
    yield started
    started.close()


def corpus_file(shared: Path, factory: Any, name: str, articles: int) -> Path:
    """Body of a module-scoped fixture: a JSONL corpus of ``articles`` Guardian articles
    (and the extras) in a fresh folder of ``factory`` (pytest's tmp_path_factory)."""
    path = factory.mktemp(name) / "guardian.jsonl"
    write_corpus(shared, path, articles)
    return path
