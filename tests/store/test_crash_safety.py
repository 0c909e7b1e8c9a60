"""Crash safety of ``blocwatch ingest`` on SQLite and PostgreSQL: runs killed with SIGKILL at
seeded random points and started again end with exactly the rows of a clean run (every row
of every table compared, so nothing is lost and nothing doubled); a database that is locked,
read-only, on a full disk, unreachable or whose server dies mid-run gives one clear line,
exit code 2, no damage (``PRAGMA integrity_check``), and a later run completes the work.

Every ``blocwatch ingest`` process is forked by a launcher (``ingestkit.Launcher``) that
paid for the imports once.  Most runs use the stand-in coder of ``ingestkit`` (fast and
deterministic); one killed run per backend uses the real coder.  Exit code 1 of a completed
run: the corpus holds a line that is not JSON and an article without text."""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from blocwatch.settings import Settings
from blocwatch.store.database import Store, advice, normalise_url
from blocwatch.store.ingest import ingest
from blocwatch.store.sources import read_sources
from ingestkit import (
    Launcher,
    StubCoder,
    corpus_file,
    integrity,
    row_count,
    running_launcher,
    snapshot,
    stored_documents,
)
from storedb import BACKENDS, database_url, pg_server_url

ARTICLES = 16  # Guardian articles; with the extras 22 lines, 11 batches of 2
REAL_ARTICLES = 8  # for the real coder; with the extras 14 lines, 7 batches
BATCH = 2
SEEDS = (11, 23, 37, 41, 59)
DEADLINE = 300.0  # seconds to wait for anything: generous, a loaded machine is slow


@pytest.fixture(scope="module")
def launcher() -> Iterator[Launcher]:
    yield from running_launcher(delay=0.04)


@pytest.fixture(scope="module")
def corpus(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_file(shared, tmp_path_factory, "corpus", ARTICLES)


def clean_run(corpus: Path, url: str, factory: Any) -> dict[str, list[tuple[Any, ...]]]:
    with Store(url) as store:
        ingest(read_sources([str(corpus)], seen=store.has_key), store, coder_factory=factory,
               workers=1, settings=Settings.from_env(ingest_batch_size=BATCH,
                                                      ingest_commit_size=BATCH))
        return snapshot(store)


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of an uninterrupted ingest of ``corpus`` with the stand-in coder."""
    folder = tmp_path_factory.mktemp("clean")
    return clean_run(corpus, f"sqlite:///{folder / 'clean.db'}", StubCoder())


def wait_for_documents(url: str, at_least: int, pid: int) -> int:
    """Poll the store until ``at_least`` documents are committed; their number."""
    deadline = time.monotonic() + DEADLINE
    with Store(url, migrate=False) as store:
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):  # the tables may not exist yet
                stored = stored_documents(store)
                if stored >= at_least:
                    return stored
            assert _alive(pid), "the ingest ended before it could be stopped"
            time.sleep(0.01)
    raise AssertionError(f"fewer than {at_least} documents after {DEADLINE} s")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def assert_one_line_error(log: Path, *phrases: str) -> str:
    """The run's output is the one line of its database error, after the lines of the
    documents that failed before it (named by their file); no traceback."""
    text = log.read_text()
    assert "Traceback" not in text
    lines = [line for line in text.strip().splitlines()
             if not re.match(r"blocwatch: /\S+\.jsonl:\d+: ", line)]
    assert len(lines) == 1 and lines[0].startswith("blocwatch: "), text
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def sqlite_file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


# -- kill -9 at random points -------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_at_a_random_point_resumes_to_a_clean_run(
        backend: str, seed: int, launcher: Launcher, corpus: Path, clean: dict[str, Any],
        tmp_path: Path) -> None:
    lines = len(corpus.read_text().splitlines())
    rng = random.Random(seed)
    batches = rng.randint(1, lines // BATCH - 4)  # committed before the kill ...
    extra = rng.uniform(0.0, 0.15)  # ... and then anywhere in the next batch or so
    with database_url(backend, tmp_path) as url:
        pid = launcher.start(corpus, url, tmp_path / "killed.log", batch_size=BATCH)
        wait_for_documents(url, batches * BATCH, pid)
        time.sleep(extra)
        os.kill(pid, signal.SIGKILL)
        assert launcher.wait(pid) == -signal.SIGKILL, "the run ended before the kill"
        with Store(url) as store:
            at_kill = stored_documents(store)
        assert batches * BATCH <= at_kill < lines
        # started again, it completes (exit code 1: the corpus holds three bad documents)
        assert launcher.run(corpus, url, tmp_path / "resumed.log", batch_size=BATCH) == 1
        with Store(url) as store:
            assert snapshot(store) == clean
        if backend == "sqlite":
            assert integrity(sqlite_file(url)) == "ok"
    print(f"\n{backend} seed {seed}: killed after {at_kill} of {lines} documents; "
          f"{row_count(clean)} rows equal to the clean run")


@pytest.fixture(scope="module")
def real_launcher() -> Iterator[Launcher]:
    yield from running_launcher(real=True)


@pytest.fixture(scope="module")
def real_corpus(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_file(shared, tmp_path_factory, "real", REAL_ARTICLES)


@pytest.fixture(scope="module")
def real_clean(real_corpus: Path, real_launcher: Launcher,
               tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[Any, ...]]]:
    folder = tmp_path_factory.mktemp("real-clean")
    url = f"sqlite:///{folder / 'clean.db'}"
    assert real_launcher.run(real_corpus, url, folder / "clean.log", batch_size=BATCH) == 1
    with Store(url) as store:
        return snapshot(store)


@pytest.mark.parametrize("backend", BACKENDS)
def test_real_coder_killed_at_a_random_point_resumes_to_a_clean_run(
        backend: str, real_corpus: Path, real_clean: dict[str, Any], real_launcher: Launcher,
        tmp_path: Path) -> None:
    """The same with the real coder (spaCy), which takes about a second per batch."""
    lines = len(real_corpus.read_text().splitlines())
    rng = random.Random(f"real {backend}")
    # at least three articles left to code after the wait: the last lines of the corpus
    # (duplicates, a refused line) are stored in milliseconds, and a run that ends before
    # the kill tests nothing
    batches = rng.randint(1, lines // BATCH - 4)
    with database_url(backend, tmp_path) as url:
        pid = real_launcher.start(real_corpus, url, tmp_path / "killed.log", batch_size=BATCH)
        wait_for_documents(url, batches * BATCH, pid)
        time.sleep(rng.uniform(0.0, 0.2))
        os.kill(pid, signal.SIGKILL)
        assert real_launcher.wait(pid) == -signal.SIGKILL, "the run ended before the kill"
        with Store(url) as store:
            at_kill = stored_documents(store)
        assert batches * BATCH <= at_kill < lines
        assert real_launcher.run(real_corpus, url, tmp_path / "resumed.log",
                                 batch_size=BATCH) == 1
        with Store(url) as store:
            assert snapshot(store) == real_clean
        if backend == "sqlite":
            assert integrity(sqlite_file(url)) == "ok"
    print(f"\n{backend} real coder: killed after {at_kill} of {lines} documents; "
          f"{row_count(real_clean)} rows equal to the clean run")


# -- a locked, read-only or full database -------------------------------------------------------
def prefix_then_whole(corpus: Path, folder: Path, lines: int) -> Path:
    """A copy of ``corpus`` in ``folder`` holding its first ``lines`` lines; ``whole``
    gives it all of them later."""
    (folder / "input").mkdir()
    path = folder / "input" / corpus.name  # the same name: the same document origins
    path.write_text("".join(corpus.read_text().splitlines(keepends=True)[:lines]))
    return path


def whole(corpus: Path, path: Path) -> None:
    shutil.copyfile(corpus, path)


@pytest.mark.parametrize("when", ["before the run", "during the run"])
def test_a_locked_database_waits_then_fails_clearly(
        when: str, launcher: Launcher, corpus: Path, clean: dict[str, Any],
        tmp_path: Path) -> None:
    db = tmp_path / "locked.db"
    url = f"sqlite:///{db}"
    path = prefix_then_whole(corpus, tmp_path, 10)
    assert launcher.run(path, url, tmp_path / "first.log", batch_size=BATCH) == 1
    whole(corpus, path)
    holder = sqlite3.connect(db, isolation_level=None, timeout=60)
    try:
        if when == "before the run":
            holder.execute("BEGIN IMMEDIATE")
            pid = launcher.start(path, url, tmp_path / "locked.log", batch_size=BATCH,
                                 database_timeout=1)
        else:
            pid = launcher.start(path, url, tmp_path / "locked.log", batch_size=BATCH,
                                 database_timeout=1, delay=0.05)
            with Store(url) as store:
                before = stored_documents(store)
            wait_for_documents(url, before + BATCH, pid)
            holder.execute("BEGIN IMMEDIATE")  # the next batch cannot be written
        with Store(url, migrate=False) as store:
            committed = snapshot(store)
        started = time.monotonic()
        assert launcher.wait(pid) == 2
        waited = time.monotonic() - started
        message = assert_one_line_error(tmp_path / "locked.log", "database is locked",
                                        "another program is writing to it (waited 1 s)")
    finally:
        holder.close()
    with Store(url, migrate=False) as store:
        assert snapshot(store) == committed  # nothing committed was lost
    assert integrity(db) == "ok"
    assert launcher.run(path, url, tmp_path / "again.log", batch_size=BATCH) == 1
    with Store(url) as store:
        assert snapshot(store) == clean
    assert integrity(db) == "ok"
    print(f"\nlocked {when}: failed after {waited:.1f} s: {message}")


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_fails_clearly(what: str, launcher: Launcher, corpus: Path,
                                            clean: dict[str, Any], tmp_path: Path) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "events.db"
    url = f"sqlite:///{db}"
    path = prefix_then_whole(corpus, tmp_path, 10)
    assert launcher.run(path, url, tmp_path / "first.log", batch_size=BATCH) == 1
    whole(corpus, path)
    with Store(url) as store:
        committed = snapshot(store)
    (db if what == "file" else folder).chmod(0o444 if what == "file" else 0o555)
    try:
        status = launcher.run(path, url, tmp_path / "read-only.log", batch_size=BATCH,
                              read_only_root=True)
        message = assert_one_line_error(tmp_path / "read-only.log", str(db))
    finally:  # as the message says: the file, its -wal and -shm files and the folder
        for name in (folder, db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            if name.exists():
                name.chmod(name.stat().st_mode | 0o200)
    assert status == 2
    assert "read-only" in message or "writable" in message
    with Store(url, migrate=False) as store:
        assert snapshot(store) == committed
    assert integrity(db) == "ok"
    assert launcher.run(path, url, tmp_path / "again.log", batch_size=BATCH) == 1
    with Store(url) as store:
        assert snapshot(store) == clean
    print(f"\nread-only {what}: {message}")


@contextlib.contextmanager
def small_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (root only); skips when it cannot be
    mounted."""
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (the file-size limit case covers a full disk)")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                              str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the file-size "
                    "limit case covers a full disk")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize("how", ["file size limit", "full tmpfs"])
def test_a_full_disk_fails_clearly_and_a_later_run_completes(
        how: str, launcher: Launcher, corpus: Path, clean: dict[str, Any],
        tmp_path: Path) -> None:
    with contextlib.ExitStack() as stack:
        folder = tmp_path / "disk"
        if how == "full tmpfs":
            stack.enter_context(small_tmpfs(folder, "4m"))
        else:
            folder.mkdir()
        db = folder / "events.db"
        url = f"sqlite:///{db}"
        path = prefix_then_whole(corpus, tmp_path, 10)
        assert launcher.run(path, url, tmp_path / "first.log", batch_size=BATCH) == 1
        whole(corpus, path)
        with Store(url) as store:
            committed = snapshot(store)
        limit, ballast = None, folder / "ballast"
        if how == "full tmpfs":  # leave 96 KB: room to open the database, not to write much
            free = shutil.disk_usage(folder).free
            ballast.write_bytes(b"\0" * (free - 96 * 1024))
        else:
            limit = 64 * 1024  # the write-ahead log cannot grow beyond it
        status = launcher.run(path, url, tmp_path / "full.log", batch_size=BATCH,
                              max_file_size=limit)
        message = assert_one_line_error(tmp_path / "full.log", "the disk is full",
                                        "free some space")
        assert status == 2
        with Store(url, migrate=False) as store:
            after = snapshot(store)
        assert integrity(db) == "ok"
        assert all(set(committed[t]) <= set(after[t]) for t in committed), "rows were lost"
        ballast.unlink(missing_ok=True)  # space freed: the run can complete
        assert launcher.run(path, url, tmp_path / "again.log", batch_size=BATCH) == 1
        with Store(url) as store:
            assert snapshot(store) == clean
        assert integrity(db) == "ok"
    print(f"\ndisk full ({how}): {message}")


# What the drivers say (SQLite, psycopg) and what the user is told to do.
ADVICE = [
    ("database is locked", "another program is writing to it (waited 5 s)"),
    ("database table is locked", "another program is writing to it"),
    ("attempt to write a readonly database", "make /data/ev.db, its -wal and -shm files"),
    ("unable to open database file", "check that the folder of /data/ev.db exists"),
    ("database or disk is full", "free some space"),
    ("disk I/O error", "free some space"),
    ('could not extend file "base/16384/16385": No space left on device', "free some space"),
    ("file is not a database", "not a blocwatch database or it is damaged"),
    ("database disk image is malformed", "not a blocwatch database or it is damaged"),
    ('connection failed: connection to server at "10.0.0.1", port 5432 failed: Connection '
     "refused", "is the PostgreSQL server running"),
    ('connection failed: connection to server at "10.0.0.1", port 5432 failed: timeout '
     "expired", "is the PostgreSQL server running"),
    ('connection failed: ... failed: FATAL:  database "ev" does not exist', "createdb"),
    ('connection failed: ... failed: FATAL:  password authentication failed for user "bw"',
     "check the user name and password"),
    ('connection failed: ... failed: FATAL:  role "bw" does not exist',
     "check the user name and password"),
    ("consuming input failed: server closed the connection unexpectedly",
     "the database server went away"),
    ("terminating connection due to administrator command", "the database server went away"),
    ("the connection is closed", "the database server went away"),
    ("something nobody expected", "check --db"),
]


@pytest.mark.parametrize(("reason", "phrase"), ADVICE, ids=[a[0][:40] for a in ADVICE])
def test_every_database_error_says_what_to_do(reason: str, phrase: str) -> None:
    assert phrase in advice(reason, 5.0, "/data/ev.db")


# -- PostgreSQL: unreachable, or gone mid-run ---------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(("what", "phrases"), [
    ("nothing listens on the port", ["Connection refused", "is the PostgreSQL server running"]),
    ("no such database", ['"no_such_db" does not exist', "createdb"]),
])
def test_an_unreachable_server_fails_clearly(what: str, phrases: list[str], launcher: Launcher,
                                             corpus: Path, tmp_path: Path) -> None:
    if what == "no such database":
        url = make_url(normalise_url(pg_server_url())).set(database="no_such_db")
        target = url.render_as_string(hide_password=False)
    else:
        target = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"
    status = launcher.run(corpus, target, tmp_path / "refused.log", database_timeout=2)
    assert status == 2
    message = assert_one_line_error(tmp_path / "refused.log", "cannot open the database",
                                    *phrases)
    print(f"\n{what}: {message}")


class Cluster:
    """A second throwaway PostgreSQL cluster, to stop and start in a test (initdb and
    pg_ctl run as the ``postgres`` user when we are root)."""

    def __init__(self) -> None:
        self.bin = _pg_bindir()
        # in /tmp itself: the postgres user cannot enter pytest's folders
        self.folder = Path(tempfile.mkdtemp(prefix="blocwatch-pg-dies-"))
        self.data, self.port = self.folder / "data", free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
                  "UTF8", "--no-locale")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-t", "60", "-o", f"-h 127.0.0.1 -p {self.port} -k {self.folder}", "start")

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("fast")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=DEADLINE)


def _pg_bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        bindir = subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout
        if (Path(bindir.strip()) / "initdb").exists():
            return Path(bindir.strip())
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        message = "no PostgreSQL server binaries (initdb) for a second cluster"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return candidates[-1].parent


def test_a_server_that_dies_mid_run_fails_clearly_and_a_later_run_completes(
        launcher: Launcher, corpus: Path, clean: dict[str, Any], tmp_path: Path) -> None:
    cluster = Cluster()
    try:
        cluster.start()
        pid = launcher.start(corpus, cluster.url, tmp_path / "dies.log", batch_size=BATCH,
                             delay=0.15, database_timeout=2)
        wait_for_documents(cluster.url, 4 * BATCH, pid)
        cluster.stop("immediate")
        assert launcher.wait(pid) == 2
        message = assert_one_line_error(tmp_path / "dies.log", "postgres")
        assert "server went away" in message or "server running" in message
        cluster.start()
        with Store(cluster.url) as store:
            assert stored_documents(store) >= 4 * BATCH  # what was committed is there
        assert launcher.run(corpus, cluster.url, tmp_path / "again.log", batch_size=BATCH) == 1
        with Store(cluster.url) as store:
            assert snapshot(store) == clean
    finally:
        cluster.remove()
    print(f"\nserver died: {message}")
