"""The dashboard's answers kept until the store changes: each view record is cached under
what was asked (the page and its validated parameters) and the store's last-write marker
(:func:`.queries.last_write`, a few index look-ups), so that a page asked again before the
next ingest is not computed again, and one asked after it is.  The cache is an object the
app holds (``app.state.view_cache``), never a module global; it is bounded (least recently
used out) and safe to share between the server's threads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from blocwatch.store.database import Store
from blocwatch.web import queries

T = TypeVar("T")


class ViewCache:
    """Up to ``size`` view records of ``store`` (see the module docstring)."""

    def __init__(self, store: Store, size: int = 64) -> None:
        self.store = store
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: str, asked: Hashable, build: Callable[[], T]) -> T:
        """The record ``build()`` made for ``(name, asked)`` since the last write, else a
        new one (an error it raises is not kept)."""
        key = (name, asked, queries.last_write(self.store))
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]  # type: ignore[no-any-return]
        value = build()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)
