"""Ingest: a stream of articles into the event database, resumable, deduplicated, parallel.

    >>> from blocwatch.store.sources import read_sources
    >>> with Store("sqlite:///blocwatch.db") as store:
    ...     summary = ingest(read_sources(["corpus/"]), store, workers=2)

How it holds together:

* Documents are decided on in input order in this process: already stored (skipped), exact or
  near duplicate of an earlier document (recorded, not coded), unreadable (recorded as
  failed), or to be coded.  Documents still on their way to the database are found through
  an in-memory index, so the decisions are the same however the work is split.
* Batches of ``ingest_batch_size`` documents are coded in worker processes (each loads the
  Coder once; with one worker, in this process).  Documents are decided on, and written in
  input order, ``ingest_commit_size`` at a time (one database transaction, a few statements
  whatever the number).  A run stopped at any moment loses only what was not committed;
  run again, it skips what is stored and ends with exactly the events of an uninterrupted
  run.
* A document that cannot be read or coded is recorded as ``failed`` with the reason and tried
  again by the next run; the run goes on.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any

from blocwatch.errors import StoreError
from blocwatch.records import Article, CodedArticle, DocumentError, chunks
from blocwatch.settings import Settings
from blocwatch.store.backends import Backend, CoderFactory, Outcome, PoolBackend, default_coder
from blocwatch.store.database import Store
from blocwatch.store.dedup import Fingerprint, Match, PendingIndex, hash_normalised, normalise
from blocwatch.store.write import BatchResult, DocumentRecord, document_ident

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

MAX_FAILURES_KEPT = 1000


@dataclass(frozen=True)
class Failure:
    origin: str
    error: str


@dataclass(frozen=True)
class IngestProgress:
    """Counts so far, passed to the ``progress`` callback after every batch."""

    done: int
    total: int | None
    coded: int
    duplicates: int
    skipped: int
    failed: int
    events: int
    elapsed: float
    new_failures: tuple[Failure, ...] = ()

    @property
    def rate(self) -> float:
        """Documents per second."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True)
class IngestSummary:
    run_id: int
    seen: int
    skipped: int
    coded: int
    duplicates: int
    failed: int
    events_added: int
    reports_added: int
    seconds: float
    failures: tuple[Failure, ...]  # the first MAX_FAILURES_KEPT

    @property
    def rate(self) -> float:
        return self.seen / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class _Plan:
    """What to do with one document: ``record`` to store as is, or ``article`` to code
    first (``record`` then holds everything but the coding); neither: already stored."""

    record: DocumentRecord | None
    article: Article | None = None


def ingest(items: Iterable[Article | DocumentError], store: Store, *,
           coder_factory: CoderFactory | None = None, settings: Settings | None = None,
           workers: int | None = None, progress: Callable[[IngestProgress], None] | None = None,
           total: int | None = None, sources: Sequence[str] = (),
           client: Any = None) -> IngestSummary:
    """Code and store ``items`` (from :func:`blocwatch.store.sources.read_sources` or
    :func:`blocwatch.read_inputs`).  ``coder_factory`` builds the coder, once per worker
    process (it must pickle when ``workers`` > 1); by default ``Coder(settings)``.  With a
    ``distributed.Client`` as ``client``, batches are coded on its Dask cluster (see
    :mod:`blocwatch.store.cluster`) and ``workers`` is ignored."""
    settings = settings or Settings.from_env()
    factory = coder_factory or functools.partial(default_coder, settings)
    backend = _coding_backend(factory, workers, client)
    run = _Run(store, settings, backend.workers, progress, total)
    run.run_id = store.begin_run(list(sources), backend.workers)
    status = "failed"
    try:
        with backend:
            run.execute(items, backend)
        status = "finished"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        _finish_run(store, run, status)
    return run.summary()


def _finish_run(store: Store, run: _Run, status: str) -> None:
    """Record the end of the run.  When the run failed because the database did (locked,
    disk full, server gone), recording that fails too: the first error is the one to
    report, so this one is only logged."""
    try:
        store.finish_run(run.run_id, status, **run.run_counts())
    except StoreError as err:
        if status == "finished":
            raise
        log.info("%s", err)


def code_corpus(items: Iterable[Article | DocumentError], *, client: Any,
                settings: Settings | None = None, coder_factory: CoderFactory | None = None,
                ) -> Iterator[CodedArticle | DocumentError]:
    """Code ``items`` on the Dask cluster of ``client`` (a ``distributed.Client``), without
    storing them: a ``CodedArticle`` or a ``DocumentError`` for each item, in input order.
    See :func:`blocwatch.store.cluster.code_corpus`."""
    from blocwatch.store.cluster import code_corpus as on_cluster

    return on_cluster(items, client=client, settings=settings, coder_factory=coder_factory)


# -- planning and writing -------------------------------------------------------------------
class _Run:
    def __init__(self, store: Store, settings: Settings, workers: int,
                 progress: Callable[[IngestProgress], None] | None, total: int | None) -> None:
        self.store = store
        self.threshold = settings.near_duplicate_threshold
        self.batch_size = max(1, settings.ingest_batch_size)
        self.commit_size = max(self.batch_size, settings.ingest_commit_size)
        self.unwritten: list[DocumentRecord] = []  # coded (or not to code), not yet written
        self.window = 2 * workers
        self.progress = progress
        self.total = total
        self.run_id = 0
        self.pending = PendingIndex(self.threshold)
        self.inflight: set[str] = set()
        self.started = time.monotonic()
        self.seen = self.skipped = self.coded = self.duplicates = self.failed = 0
        self.skipped_reported = 0
        self.events_added = self.reports_added = 0
        self.failures: list[Failure] = []

    def execute(self, items: Iterable[Article | DocumentError], backend: Backend) -> None:
        queue: deque[tuple[list[_Plan], Future[list[Outcome]] | None]] = deque()
        for batch in self.batches(items):
            articles = [p.article for p in batch if p.article is not None]
            queue.append((batch, backend.submit(articles) if articles else None))
            while len(queue) > self.window or (queue and _ready(queue[0][1])):
                self.finish(*queue.popleft(), backend)
        while queue:
            self.finish(*queue.popleft(), backend)
        self.flush()

    def batches(self, items: Iterable[Article | DocumentError]) -> Iterator[list[_Plan]]:
        """Batches of ``batch_size`` documents to store (or 50 times as many already
        stored), decided on ``commit_size`` items at a time."""
        batch: list[_Plan] = []
        for chunk in chunks(items, self.commit_size):
            for plan in self.plan(chunk):
                batch.append(plan)
                if (sum(p.record is not None for p in batch) >= self.batch_size
                        or len(batch) >= 50 * self.batch_size):
                    yield batch
                    batch = []
        if batch:
            yield batch

    def plan(self, items: list[Article | DocumentError]) -> list[_Plan]:
        """What to do with each of ``items``, decided in order with two look-ups in the
        database for all of them.  By the text's hash, before the costlier MinHash
        signature: stored already (a resumed run), or an exact duplicate; then a near
        duplicate, or to code."""
        self.seen += len(items)
        texts = [normalise(it.text) if isinstance(it, Article) else "" for it in items]
        hashes = [hash_normalised(t) if isinstance(it, Article) else ""
                  for it, t in zip(items, texts, strict=True)]
        copies = self.store.stored_copies([h for h in hashes if h])
        plans: list[_Plan] = []
        fresh: list[tuple[int, DocumentRecord, Match | None]] = []
        for item, text, hashed in zip(items, texts, hashes, strict=True):
            if isinstance(item, DocumentError):
                plans.append(self._failed(item))
                continue
            ident = document_ident(item.id, hashed)
            same = copies.get(hashed, [])
            if ident in self.inflight or any(c.ident == ident and c.status != "failed"
                                             for c in same):
                plans.append(_Plan(None))
                continue
            self.inflight.add(ident)
            base = DocumentRecord(key=item.id, origin=item.origin or item.id, status="coded",
                                  fingerprint=Fingerprint.of(text, self.threshold,
                                                              normalised=True),
                                  source=item.source, url=item.url, title=item.title,
                                  date=item.date, chars=len(item.text))
            exact = next((c.id for c in same if c.ident != ident), None)
            fresh.append((len(plans), base, None if exact is None
                          else Match(exact, "exact", 1.0)))
            plans.append(_Plan(base, item))
        self._decide(plans, fresh)
        return plans

    def _decide(self, plans: list[_Plan], fresh: list[tuple[int, DocumentRecord, Match | None]]
                ) -> None:
        """Duplicate (of a stored document or of one on its way) or to code, in order."""
        fingerprints = [base.fingerprint for _, base, exact in fresh if exact is None]
        near = iter(self.store.find_near(fingerprints, self.threshold)  # type: ignore[arg-type]
                    if fingerprints else [])
        for i, base, exact in fresh:
            assert base.fingerprint is not None
            stored = exact if exact is not None else next(near)
            match = _earliest(stored, self.pending.find(base.fingerprint))
            if match is not None:
                plans[i] = _Plan(replace(base, status="duplicate", duplicate_of=match.ref,  # type: ignore[arg-type]
                                         duplicate_kind=match.kind,
                                         similarity=match.similarity))
            else:
                self.pending.add(base.ident, base.fingerprint)

    def _failed(self, item: DocumentError) -> _Plan:
        ident = document_ident(item.origin, "")
        if ident in self.inflight:
            return _Plan(None)
        self.inflight.add(ident)
        return _Plan(DocumentRecord(key=item.origin, origin=item.origin, status="failed",
                                    error=item.message))

    def finish(self, batch: list[_Plan], future: Future[list[Outcome]] | None,
               backend: Backend) -> None:
        """Take a coded batch's outcomes; write what has come when it reaches
        ``ingest_commit_size`` documents."""
        outcomes = iter(backend.result(future, sum(p.article is not None for p in batch)))
        for plan in batch:
            if plan.record is None:
                self.skipped += 1
                continue
            record = plan.record
            if plan.article is not None:
                outcome = next(outcomes)
                if outcome.coded is None:
                    record = replace(record, status="failed", error=outcome.error)
                else:
                    record = replace(record, coded=outcome.coded,
                                     date=outcome.coded.article.date or record.date)
            self.unwritten.append(record)
        if len(self.unwritten) >= self.commit_size:
            self.flush()

    def flush(self) -> None:
        """Write the documents taken since the last write, in one transaction."""
        records, self.unwritten = self.unwritten, []
        if not records and self.skipped == self.skipped_reported:
            return  # nothing new to write or to report
        new_failures = [Failure(r.origin, r.error or "failed") for r in records
                        if r.status == "failed"]
        result = (self.store.write_batch(self.run_id, records) if records
                  else BatchResult(0, 0))
        self._count(records, result.events_added, result.reports_added, new_failures)
        for record in records:
            self.inflight.discard(record.ident)
            if record.fingerprint is not None:
                self.pending.remove(record.ident, record.fingerprint)
        self._report(tuple(new_failures))

    def _count(self, records: list[DocumentRecord], events: int, reports: int,
               failures: list[Failure]) -> None:
        for record in records:
            if record.status == "coded":
                self.coded += 1
            elif record.status == "duplicate":
                self.duplicates += 1
            else:
                self.failed += 1
        self.events_added += events
        self.reports_added += reports
        room = MAX_FAILURES_KEPT - len(self.failures)
        self.failures += failures[:max(0, room)]

    def _report(self, new_failures: tuple[Failure, ...]) -> None:
        self.skipped_reported = self.skipped
        if self.progress is not None:
            done = self.skipped + self.coded + self.duplicates + self.failed
            self.progress(IngestProgress(done, self.total, self.coded, self.duplicates,
                                         self.skipped, self.failed, self.events_added,
                                         time.monotonic() - self.started, new_failures))

    def run_counts(self) -> dict[str, int]:
        return {"seen": self.seen, "skipped": self.skipped, "coded": self.coded,
                "duplicates": self.duplicates, "failed": self.failed,
                "events_added": self.events_added, "reports_added": self.reports_added}

    def summary(self) -> IngestSummary:
        return IngestSummary(self.run_id, self.seen, self.skipped, self.coded, self.duplicates,
                             self.failed, self.events_added, self.reports_added,
                             time.monotonic() - self.started, tuple(self.failures))


def _earliest(stored: Match | None, pending: Match | None) -> Match | None:
    """Exact before near; between two of a kind the stored (older) one, unless the pending
    one is more similar."""
    if stored is None or pending is None:
        return stored or pending
    if stored.kind != pending.kind:
        return stored if stored.kind == "exact" else pending
    return pending if pending.similarity > stored.similarity else stored


def _ready(future: Future[list[Outcome]] | None) -> bool:
    return future is None or future.done()


def _coding_backend(factory: CoderFactory, workers: int | None, client: Any) -> Backend:
    if client is not None:
        from blocwatch.store.cluster import DaskBackend

        return DaskBackend(client, factory)
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    return Backend(factory) if workers == 1 else PoolBackend(factory, workers)
