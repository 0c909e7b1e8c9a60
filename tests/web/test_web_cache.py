"""The dashboard's view cache: an answer is kept until the store is written to, per page
and parameters; errors are not kept; the oldest entries go first."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocwatch.store.database import Store
from blocwatch.web.cache import ViewCache
from blocwatch.web.problems import NotFound


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
