"""Coding backends of ingest: the one small interface (:class:`Backend`) through which
:mod:`blocwatch.store.ingest` has batches of articles coded, in this process
(:class:`Backend`), in worker processes (:class:`PoolBackend`) or on a Dask cluster
(:class:`blocwatch.store.cluster.DaskBackend`), and the :class:`Outcome` of each article."""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Protocol

from blocwatch.errors import BlocwatchError, InputError
from blocwatch.records import Article, CodedArticle
from blocwatch.settings import Settings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class ArticleCoder(Protocol):
    def code_articles(self, articles: Iterable[Article]) -> Iterator[CodedArticle]: ...


CoderFactory = Callable[[], ArticleCoder]


@dataclass(frozen=True)
class Outcome:
    coded: CodedArticle | None
    error: str | None


def default_coder(settings: Settings) -> ArticleCoder:
    from blocwatch.coding.coder import Coder

    return Coder(settings)


# -- coding, in this process or in workers --------------------------------------------------
def code_batch(coder: ArticleCoder, articles: list[Article]) -> list[Outcome]:
    """Code ``articles``; when the batch fails, code them one by one so that only the bad
    one fails."""
    try:
        return [Outcome(coded, None) for coded in coder.code_articles(articles)]
    except Exception as err:  # noqa: BLE001 - one bad article must not stop the run
        if len(articles) > 1:
            return [outcome for a in articles for outcome in code_batch(coder, [a])]
        if isinstance(err, InputError):
            return [Outcome(None, err.reason)]
        return [Outcome(None, f"internal error while coding ({type(err).__name__}: {err}); "
                               "please report it")]


class Backend:
    """Codes batches in this process; :class:`PoolBackend` in worker processes."""

    workers = 1

    def __init__(self, factory: CoderFactory) -> None:
        self.factory = factory
        self.coder: ArticleCoder | None = None  # built with the first batch to code

    def submit(self, articles: list[Article]) -> Future[list[Outcome]]:
        if self.coder is None:
            self.coder = self.factory()
        future: Future[list[Outcome]] = Future()
        future.set_result(code_batch(self.coder, articles))
        return future

    def result(self, future: Future[list[Outcome]] | None, n: int) -> list[Outcome]:
        return future.result() if future is not None else []

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


# Each worker process holds its own coder (or the error that building it raised), built
# once by the pool's initializer: the one piece of per-process state a process pool needs.
_worker_coder: list[ArticleCoder | BlocwatchError] = []


def _init_worker(factory: CoderFactory) -> None:
    try:
        _worker_coder[:] = [factory()]
    except BlocwatchError as err:  # raised again with the first job: a clear message
        _worker_coder[:] = [err]


def _code_in_worker(articles: list[Article]) -> list[Outcome]:
    coder = _worker_coder[0]
    if isinstance(coder, BlocwatchError):
        raise coder
    return code_batch(coder, articles)


class PoolBackend(Backend):
    def __init__(self, factory: CoderFactory, workers: int) -> None:
        self.factory = factory
        self.workers = workers
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(self.factory,))

    def submit(self, articles: list[Article]) -> Future[list[Outcome]]:
        try:
            return self.pool.submit(_code_in_worker, articles)
        except BrokenProcessPool:
            self.pool = self._new_pool()
            return self.pool.submit(_code_in_worker, articles)

    def result(self, future: Future[list[Outcome]] | None, n: int) -> list[Outcome]:
        if future is None:
            return []
        try:
            return future.result()
        except BrokenProcessPool as err:
            log.warning("a worker process died: %s", err)
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            return [Outcome(None, "the worker process coding it died (out of memory?); "
                                   "run the ingest again to retry")] * n

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
