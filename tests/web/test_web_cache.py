"""The dashboard's view cache: an answer is kept until the store is written to, per page
and parameters; errors are not kept; the oldest entries go first, but for pinned ones; a
record is built once however many ask at once; the warmer builds ahead."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from blocwatch.store.database import Store
from blocwatch.web.cache import ViewCache, Warmer, WarmView
from blocwatch.web.problems import NotFound
from blocwatch.web.queries import last_write


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'cache.db'}")


class Builds:
    """A view builder that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


@pytest.mark.parametrize("asks, write_between, expected_builds", [
    ([("overview", ()), ("overview", ())], False, 1),  # asked again: kept
    ([("overview", ()), ("overview", ())], True, 2),  # a write in between: built anew
    ([("network", 1), ("network", 2)], False, 2),  # other parameters: another entry
    ([("network", 1), ("alerts", 1)], False, 2),  # another page: another entry
    ([("dyad", ("USA", "RUS")), ("dyad", ("USA", "RUS")), ("dyad", ("USA", "CHN"))],
     False, 2),
])
def test_cached_until_written(store: Store, asks: list, write_between: bool,
                              expected_builds: int) -> None:
    cache, build = ViewCache(store), Builds()
    first = cache.get(*asks[0], build)
    if write_between:
        store.begin_run(["test"], 1)  # any committed write moves the marker
    for name, asked in asks[1:]:
        cache.get(name, asked, build)
    assert build.calls == expected_builds
    assert first == 1


def test_errors_are_not_kept(store: Store) -> None:
    cache, build = ViewCache(store), Builds()

    def failing() -> int:
        build()
        raise NotFound("no such actor")

    for _ in range(2):
        with pytest.raises(NotFound):
            cache.get("actor", "XYZ", failing)
    assert build.calls == 2 and len(cache) == 0


def test_bounded_least_recently_used_out(store: Store) -> None:
    cache, build = ViewCache(store, size=2), Builds()
    for asked in (1, 2, 1, 3):  # 2 is the least recently used when 3 comes
        cache.get("network", asked, build)
    assert len(cache) == 2 and build.calls == 3
    cache.get("network", 1, build)
    assert build.calls == 3
    cache.get("network", 2, build)
    assert build.calls == 4


def test_pinned_records_are_not_pushed_out(store: Store) -> None:
    cache, build = ViewCache(store, size=1), Builds()
    cache.pin("overview", ())
    cache.get("overview", (), build)
    for asked in (1, 2, 3):
        cache.get("network", asked, build)
    cache.get("overview", (), build)
    assert build.calls == 4  # the overview was kept; the bounded part held one network
    store.begin_run(["test"], 1)
    cache.get("overview", (), build)
    assert build.calls == 5  # a write still makes it new


@pytest.mark.parametrize("fails", [False, True])
def test_a_record_is_built_once_for_concurrent_requests(store: Store, fails: bool) -> None:
    """Requests for a record being built wait for that build; if it fails, the next one
    builds (and an error is never handed to the waiters)."""
    cache, started, release, calls = ViewCache(store), threading.Event(), threading.Event(), []

    def slow() -> str:
        calls.append(1)
        started.set()
        release.wait(5)
        if fails and len(calls) == 1:
            raise NotFound("no such actor")
        return "built"

    results: list[object] = []

    def ask() -> None:
        try:
            results.append(cache.get("network", 1, slow))
        except NotFound as err:
            results.append(err)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    threads[0].start()
    assert started.wait(5)
    for t in threads[1:]:
        t.start()
    time.sleep(0.2)  # the three others are waiting, not building
    assert len(calls) == 1
    release.set()
    for t in threads:
        t.join(5)
    assert len(calls) == (2 if fails else 1)
    assert results.count("built") == (3 if fails else 4) and len(results) == 4


def test_warmer_computes_ahead_and_again_after_writes(store: Store) -> None:
    """The warmer builds its views at start, not again while nothing is written, and
    again once a write has settled; a request finds the warmed record (no build)."""
    built: list[tuple[int, ...]] = []

    def views_of(s: Store, memo: object) -> list[WarmView]:
        return [WarmView("overview", (), lambda st, memo: built.append(last_write(st)) or 1)]

    cache = ViewCache(store)
    warmer = Warmer(cache, views_of, interval=0.05)
    warmer.start()
    try:
        assert warmer.ready.wait(5) and warmer.seconds is not None
        time.sleep(0.3)
        assert len(built) == 1
        assert cache.get("overview", (), lambda: 2) == 1
        store.begin_run(["test"], 1)
        deadline = time.time() + 5
        while len(built) < 2 and time.time() < deadline:
            time.sleep(0.02)
        assert len(built) == 2 and built[1] != built[0]
        assert cache.get("overview", (), lambda: 2) == 1 and cache.builds == 2
    finally:
        warmer.stop()


def test_warmer_survives_a_failing_view(store: Store, caplog: pytest.LogCaptureFixture
                                        ) -> None:
    def views_of(s: Store, memo: object) -> list[WarmView]:
        raise RuntimeError("database is locked\nmore lines")

    warmer = Warmer(ViewCache(store), views_of, interval=0.05)
    warmer.start()
    try:
        assert warmer.ready.wait(5)
        time.sleep(0.2)
        assert warmer._thread.is_alive()
    finally:
        warmer.stop()
    assert "could not compute the dashboard's pages ahead: database is locked" in caplog.text
