"""Coding on a Dask cluster: partitions of articles coded by the cluster's workers.

    >>> from distributed import Client
    >>> with Client("tcp://scheduler:8786") as client:
    ...     for coded in code_corpus(read_sources(["corpus/"]), client=client):
    ...         ...

* Each partition is one batch of ``ingest_batch_size`` articles.  A worker builds the coder on
  the first partition it codes and keeps it in an attribute of its ``distributed.Worker``, keyed
  by the coder factory (settings), so a model and knowledge base load once per worker process.
* Results come back in input order.  :func:`blocwatch.store.ingest.ingest` with ``client=`` writes
  them through its usual path (dedup, one transaction per batch, resumable).
* A partition whose task fails is retried (``retries``; a worker that dies is replaced and its
  work rescheduled by Dask); one that still fails gives a failure for each of its documents,
  with the reason, never a lost document.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from blocwatch.errors import UsageError
from blocwatch.records import Article, CodedArticle, DocumentError, chunks
from blocwatch.settings import Settings
from blocwatch.store.backends import Backend, CoderFactory, Outcome, code_batch, default_coder

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

RETRIES = 2
_CACHE_ATTRIBUTE = "_blocwatch_coder"
# The scheduler's HTTP routes (health, metrics; no dashboard) on a free port of 127.0.0.1,
# not on 8787, so that two local clusters never collide.
_NO_FIXED_PORT = {"dashboard_address": "127.0.0.1:0"}


@dataclass(frozen=True)
class ClusterSpec:
    """``local:N`` (a LocalCluster of N single-threaded worker processes) or the address of
    a running scheduler (``tcp://host:8786``)."""

    local_workers: int | None = None
    address: str | None = None

    @classmethod
    def parse(cls, value: str) -> ClusterSpec:
        if value.startswith("local:"):
            count = value.removeprefix("local:")
            if count.isdigit() and int(count) > 0:
                return cls(local_workers=int(count))
        elif value.startswith(("tcp://", "tls://", "ws://", "wss://", "inproc://")):
            return cls(address=value)
        raise UsageError(f"--cluster {value!r}: give local:N (N worker processes on this "
                         "machine) or a scheduler address such as tcp://scheduler:8786")


@contextlib.contextmanager
def connect(spec: ClusterSpec, timeout: float = 30.0) -> Iterator[Any]:
    """A ``distributed.Client`` for ``spec``; a local cluster is shut down afterwards."""
    from distributed import Client, LocalCluster

    if spec.local_workers is not None:
        with LocalCluster(n_workers=spec.local_workers, threads_per_worker=1, processes=True,
                          dashboard_address=None, host="127.0.0.1",
                          scheduler_kwargs=_NO_FIXED_PORT) as cluster, \
                Client(cluster) as client:
            yield client
        return
    try:
        client = Client(spec.address, timeout=timeout)
    except (OSError, TimeoutError) as err:
        raise UsageError(f"cannot reach the Dask scheduler at {spec.address} ({err}): "
                         "start it or check the address") from None
    with client:
        yield client


def factory_key(factory: CoderFactory) -> str:
    """A name for what ``factory`` builds that is the same in every process: the function
    and its arguments (the settings) for a ``functools.partial``, else its ``repr``."""
    if isinstance(factory, functools.partial):
        func = factory.func
        name = f"{func.__module__}.{func.__qualname__}"
        return f"{name}{factory.args!r}{sorted(factory.keywords.items())!r}"
    return repr(factory)


def code_partition(key: str, factory: CoderFactory, articles: list[Article]) -> list[Outcome]:
    """Run on a worker: code one partition with the worker's coder (built on first use and
    kept on the worker; one coder at a time, so a new factory replaces the old one)."""
    from distributed import get_worker

    worker = get_worker()
    cached = getattr(worker, _CACHE_ATTRIBUTE, None)
    if cached is None or cached[0] != key:
        cached = (key, factory())
        setattr(worker, _CACHE_ATTRIBUTE, cached)
    return code_batch(cached[1], articles)


class DaskBackend(Backend):
    """Codes batches as tasks on a Dask cluster (see :class:`blocwatch.store.backends.Backend`)."""

    def __init__(self, client: Any, factory: CoderFactory, retries: int = RETRIES) -> None:
        self.client = client
        self.factory = factory
        self.key = factory_key(factory)
        self.retries = retries
        self.workers = max(1, sum(client.nthreads().values()))

    def submit(self, articles: list[Article]) -> Any:
        return self.client.submit(code_partition, self.key, self.factory, articles,
                                  retries=self.retries, pure=False)

    def result(self, future: Any, n: int) -> list[Outcome]:
        if future is None:
            return []
        try:
            return list(future.result())
        except Exception as err:  # noqa: BLE001 - a partition that keeps failing is recorded
            log.warning("a partition failed on the cluster: %s", err)
            reason = str(err) or type(err).__name__
            return [Outcome(None, f"the cluster could not code it after {self.retries + 1} "
                                   f"tries ({type(err).__name__}: {reason}); run the ingest "
                                   "again to retry")] * n


def code_corpus(items: Iterable[Article | DocumentError], *, client: Any,
                settings: Settings | None = None, coder_factory: CoderFactory | None = None,
                retries: int = RETRIES) -> Iterator[CodedArticle | DocumentError]:
    """Code ``items`` on the cluster of ``client``, yielding in input order a
    ``CodedArticle`` for each article, or a ``DocumentError`` for an input that could not be
    read or coded."""
    settings = settings or Settings.from_env()
    factory = coder_factory or functools.partial(default_coder, settings)
    backend = DaskBackend(client, factory, retries)
    window = 2 * backend.workers
    queue: deque[tuple[list[Article | DocumentError], Any]] = deque()
    for batch in chunks(items, max(1, settings.ingest_batch_size)):
        articles = [item for item in batch if isinstance(item, Article)]
        queue.append((batch, backend.submit(articles) if articles else None))
        while queue and (len(queue) > window or queue[0][1] is None or queue[0][1].done()):
            yield from _emit(*queue.popleft(), backend)
    while queue:
        yield from _emit(*queue.popleft(), backend)


def _emit(batch: list[Article | DocumentError], future: Any, backend: DaskBackend,
          ) -> Iterator[CodedArticle | DocumentError]:
    outcomes = iter(backend.result(future, sum(isinstance(i, Article) for i in batch)))
    for item in batch:
        if isinstance(item, DocumentError):
            yield item
            continue
        outcome = next(outcomes)
        if outcome.coded is not None:
            yield outcome.coded
        else:
            yield DocumentError(item.origin or item.id, outcome.error or "failed")
