"""The dashboard's answers kept until the store changes: each view record is cached under
what was asked (the page and its validated parameters) and the store's last-write marker
(:func:`.queries.last_write`, a few index look-ups), so that a page asked again before the
next ingest is not computed again, and one asked after it is.  The cache is an object the
app holds (``app.state.view_cache``), never a module global; it is bounded (least recently
used out) and safe to share between the server's threads: a record being built is built
once, and a second request for it waits for that build instead of starting its own.

:class:`Warmer` keeps the pages that aggregate the whole store (the overview, the network
and the alerts with their default parameters, which the dashboard's first screen and its
API ask for) computed: once when the server starts, then again whenever the store's
last-write marker moves (checked every few seconds), so that a visitor finds them ready
instead of waiting the seconds they take over millions of events.  Those records are kept
apart from the bounded part of the cache, so other pages never push them out."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from blocwatch.store.database import Store
from blocwatch.web import params, queries, views

T = TypeVar("T")
log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class ViewCache:
    """Up to ``size`` view records of ``store``, plus the latest record of each ``pinned``
    ``(name, asked)`` (see the module docstring)."""

    def __init__(self, store: Store, size: int = 64) -> None:
        self.store = store
        self.size = size
        self.pinned: set[tuple[str, Hashable]] = set()
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._kept: dict[tuple[str, Hashable], tuple[tuple[int, ...], Any]] = {}
        self._building: dict[tuple[Any, ...], threading.Event] = {}
        self._lock = threading.Lock()
        self.builds = 0  # records built (for tests and the benchmark)

    def get(self, name: str, asked: Hashable, build: Callable[[], T]) -> T:
        """The record ``build()`` made for ``(name, asked)`` since the last write, else a
        new one (an error it raises is not kept)."""
        marker = queries.last_write(self.store)
        key = (name, asked, marker)
        while True:
            with self._lock:
                found, value = self._lookup(key)
                if found:
                    return value  # type: ignore[no-any-return]
                waiting = self._building.get(key)
                if waiting is None:
                    done = self._building[key] = threading.Event()
                    break
            waiting.wait()  # another thread builds it: take its record (or build on error)
        try:
            value = build()
            with self._lock:
                self.builds += 1
                self._store(key, value)
            return value
        finally:
            with self._lock:
                del self._building[key]
            done.set()

    def pin(self, name: str, asked: Hashable) -> None:
        """Keep the latest record of ``(name, asked)`` out of the bounded part."""
        with self._lock:
            self.pinned.add((name, asked))

    def _lookup(self, key: tuple[Any, ...]) -> tuple[bool, Any]:
        name, asked, marker = key
        kept = self._kept.get((name, asked))
        if kept is not None and kept[0] == marker:
            return True, kept[1]
        if key in self._entries:
            self._entries.move_to_end(key)
            return True, self._entries[key]
        return False, None

    def _store(self, key: tuple[Any, ...], value: Any) -> None:
        name, asked, marker = key
        if (name, asked) in self.pinned:
            self._kept[(name, asked)] = (marker, value)
            return
        self._entries[key] = value
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries) + len(self._kept)


@dataclass(frozen=True)
class WarmView:
    """A page the :class:`Warmer` keeps computed: its cache name, parameters and builder."""

    name: str
    asked: Hashable
    build: Callable[[Store, views.Memo], Any]


def default_views(store: Store, memo: views.Memo) -> Iterator[WarmView]:
    """The whole history's relations graph (which the overview and the actor pages read),
    then the overview, network and alerts pages (and their JSON twins) as first asked,
    with the parameters a request without a query string gets, the count of all events
    (what the events page pages through), and the pages the overview links to that take
    longest: its top actors' and top dyads' (the most events).  A generator: the dyads
    come from the overview once it is computed (``memo``, the cache's ``get``)."""
    network, alerts, actor = params.network_params(), params.alert_params(), \
        params.actor_params()
    listed, dyad = params.event_params().filters, params.dyad_params()
    graph = (None, None, ("asserted",), False)  # views.relations_graph's defaults
    yield WarmView("graph", graph, lambda store, memo: views.relations_graph(store))
    yield WarmView("alert-scan", views.alert_scan_key(alerts),
                   lambda store, memo: views.alert_scan(store, alerts))
    yield WarmView("overview", (), views.overview)
    yield WarmView("network", network, lambda store, memo: views.network(store, network))
    yield WarmView("alerts", alerts, lambda store, memo: views.alerts(store, alerts, memo))
    yield WarmView("count", listed, lambda store, memo: queries.count_events(store, listed))
    for a in store.actors(limit=views.TOP):
        yield WarmView("actor", (a.code.upper(), actor), partial(_actor, a.code, actor))
    top = memo("overview", (), partial(views.overview, store, memo)).top_dyads
    for d in top:
        yield WarmView("dyad", (d.a.upper(), d.b.upper(), dyad), partial(_dyad, d.a, d.b, dyad))


def _dyad(a: str, b: str, p: params.DyadParams, store: Store, memo: views.Memo) -> Any:
    return views.dyad(store, a, b, p)


def _actor(code: str, p: params.ActorParams, store: Store, memo: views.Memo) -> Any:
    return views.actor(store, code, p, memo)


class Warmer:
    """A daemon thread that keeps the ``warm`` views of ``cache`` (a function of the store)
    computed: at start, then whenever the store's last-write marker has moved and stayed
    put for ``interval`` seconds (while ingest writes batch after batch, pages are computed
    when asked, as without the warmer).  ``ready`` is set once the first round is done (or
    has failed: a database that cannot be read is logged and tried again, never fatal)."""

    def __init__(self, cache: ViewCache,
                 warm: Callable[[Store, views.Memo], Iterable[WarmView]] = default_views,
                 interval: float = 5.0) -> None:
        self.cache, self.warm, self.interval = cache, warm, interval
        self.ready = threading.Event()
        self.seconds: float | None = None  # how long the first round took
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="blocwatch-warmer",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)  # a page being built finishes first

    def round(self) -> None:
        """Compute every warm view not yet computed since the last write."""
        for view in self.warm(self.cache.store, self.cache.get):
            if self._stop.is_set():
                return
            self.cache.pin(view.name, view.asked)
            build = partial(view.build, self.cache.store, self.cache.get)
            self.cache.get(view.name, view.asked, build)

    def _run(self) -> None:
        started = time.perf_counter()
        warmed: tuple[int, ...] | None = None  # the marker of the last full round
        seen: tuple[int, ...] | None = None  # the marker one interval ago
        while not self._stop.is_set():
            try:
                marker = queries.last_write(self.cache.store)
                if marker != warmed and (warmed is None or marker == seen):
                    self.round()
                    warmed = marker
                seen = marker
            except Exception as err:  # noqa: BLE001 - a server thread must not die
                log.warning("could not compute the dashboard's pages ahead: %s",
                            str(err).splitlines()[0] if str(err) else type(err).__name__)
            if not self.ready.is_set():
                self.seconds = time.perf_counter() - started
                self.ready.set()
            self._stop.wait(self.interval)
