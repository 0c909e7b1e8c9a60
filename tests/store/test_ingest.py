"""Ingest into SQLite and PostgreSQL: the Guardian sample twice gives the same counts, a run
killed with SIGKILL and started again ends with the events of a clean run, exact and near
duplicates are recorded and not coded, failures are recorded and never stop the run."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blocwatch import Coder
from blocwatch.records import Article, DocumentError
from blocwatch.settings import Settings
from blocwatch.store.database import Store
from blocwatch.store.ingest import IngestProgress, ingest
from blocwatch.store.sources import read_sources
from storedb import document_snapshot, event_snapshot

GUARDIAN = "corpus/guardian-syria/Guardian_SDF_sample.csv.zip"
SUBSET = 14

STORY = (
    "North Korea accused the United States of preparing an invasion on Monday, after the "
    "two allies began their largest joint military drills in five years. The foreign "
    "ministry in Pyongyang said the exercises were a rehearsal for war and warned that it "
    "would take strong countermeasures. South Korea said the drills were defensive and had "
    "been planned for months. Japan said it was watching the situation closely, and China "
    "called on all sides to show restraint. Officials in Seoul said the drills would last "
    "eleven days and involve tens of thousands of troops, ships and aircraft from both "
    "countries, and that observers from the United Nations command would attend.")
OTHER = (
    "Russia criticised NATO on Tuesday for holding naval exercises in the Baltic Sea. The "
    "Kremlin said the manoeuvres raised tension in the region, while the alliance said they "
    "were routine and had been announced a year ago. Finland and Sweden took part for the "
    "first time, and Estonia said it welcomed the larger presence of allied ships.")


def edit(text: str) -> str:
    """The same story lightly edited: a few words changed, one sentence added."""
    return (text.replace("on Monday", "on Monday morning").replace("largest", "biggest")
            .replace("closely", "very closely") + " More talks are planned for next week.")


NEAR_CASES = [
    ("copy with other case and spacing", lambda t: "  " + t.upper().replace(". ", ".\n\n "),
     "duplicate", "exact"),
    ("lightly edited", edit, "duplicate", "near"),
    ("paragraphs swapped", lambda t: t[t.index("Japan"):] + " " + t[:t.index("Japan")],
     "duplicate", "near"),
    ("another story", lambda t: OTHER, "coded", None),
]


@pytest.mark.parametrize("same_run", [True, False], ids=["same run", "later run"])
@pytest.mark.parametrize(("name", "change", "status", "kind"), NEAR_CASES,
                         ids=[c[0] for c in NEAR_CASES])
def test_duplicates_are_recorded_not_coded(db_url: str, coder: Coder, name: str, change,  # type: ignore[no-untyped-def]
                                           status: str, kind: str | None, same_run: bool) -> None:
    original = Article("wire-1", STORY, date="2023-03-13", source="Wire")
    copy = Article("paper-7", change(STORY), date="2023-03-13", source="Paper")
    with Store(db_url) as store:
        batches = [[original, copy]] if same_run else [[original], [copy]]
        for batch in batches:
            ingest(batch, store, coder_factory=lambda: coder, workers=1)
        docs = {d.key: d for d in store.documents()}
        assert docs["wire-1"].status == "coded"
        assert (docs["paper-7"].status, docs["paper-7"].duplicate_kind) == (status, kind)
        if status == "duplicate":
            assert docs["paper-7"].duplicate_of == docs["wire-1"].id
            assert docs["paper-7"].reports == 0  # not coded: it adds no report
            assert all(r.report_count == 1 for r in store.events())


def test_same_event_in_two_stories_is_one_event(db_url: str, coder: Coder) -> None:
    first = Article("a", "North Korea accused the United States of provocation. " + STORY[400:],
                    date="2023-03-13")
    second = Article("b", "North Korea accused the United States of provocation. " + OTHER,
                     date="2023-03-13")
    with Store(db_url) as store:
        summary = ingest([first, second], store, coder_factory=lambda: coder, workers=1)
        assert (summary.coded, summary.duplicates) == (2, 0)
        (accuse,) = [r for r in store.events() if r.event.cameo == "112"]
        assert (accuse.event.source.code, accuse.event.target.code) == ("PRK", "USA")
        assert accuse.report_count == 2
        assert sorted(r.document_key for r in store.reports(accuse.id)) == ["a", "b"]


def test_failures_are_recorded_and_retried(db_url: str, coder: Coder) -> None:
    settings = Settings.from_env(max_document_chars=1000, ingest_batch_size=2,
                                 ingest_commit_size=2)
    items: list[Article | DocumentError] = [
        Article("ok-1", OTHER, date="2023-03-14"),
        DocumentError("feed.jsonl:2", "not valid JSON (Expecting value at column 1)"),
        Article("long", STORY * 3, date="2023-03-14"),
        Article("ok-2", "Japan protested to China on Friday.", date="2023-03-14"),
    ]
    strict = Coder(settings, nlp=coder.nlp, lexicon=coder.lexicon, knowledge=coder.kb)
    seen: list[IngestProgress] = []
    with Store(db_url) as store:
        summary = ingest(items, store, coder_factory=lambda: strict, settings=settings,
                         workers=1, progress=seen.append)
        assert (summary.seen, summary.coded, summary.failed) == (4, 2, 2)
        assert [f.origin for f in summary.failures] == ["feed.jsonl:2", "long"]
        assert "max_document_chars" in summary.failures[1].error
        failed = {d.key: d.error for d in store.documents(status="failed")}
        assert set(failed) == {"feed.jsonl:2", "long"}
        assert [p.done for p in seen] == [2, 4]
        assert [len(p.new_failures) for p in seen] == [1, 1]
        before = document_snapshot(store)
        again = ingest(items, store, coder_factory=lambda: strict, settings=settings, workers=1)
        assert (again.skipped, again.failed, again.events_added) == (2, 2, 0)
        assert document_snapshot(store) == before  # tried again, recorded once
        runs = store.counts().runs
        assert runs == 2


class NoEvents:
    """A stand-in coder: every article coded, no event."""

    def code_articles(self, articles):  # type: ignore[no-untyped-def]
        from blocwatch.records import CodedArticle

        return iter([CodedArticle(a, [], []) for a in articles])


@pytest.mark.parametrize(("batch", "commit", "writes"), [
    (2, 4, [4, 7]),
    (2, 2, [2, 4, 6, 7]),
    (2, 1, [2, 4, 6, 7]),  # never less than a batch
    (16, 64, [7]),
])
def test_documents_are_written_commit_size_at_a_time(db_url: str, batch: int, commit: int,
                                                     writes: list[int]) -> None:
    items = [Article(f"doc-{i}", " ".join(f"word{i}x{j}" for j in range(30)),
                     date="2023-03-14") for i in range(7)]
    settings = Settings.from_env(ingest_batch_size=batch, ingest_commit_size=commit)
    seen: list[IngestProgress] = []
    with Store(db_url) as store:
        summary = ingest(items, store, coder_factory=NoEvents, settings=settings, workers=1,
                         progress=seen.append)
        assert [p.done for p in seen] == writes
        assert summary.coded == 7 == len(list(store.documents(status="coded")))


def test_guardian_twice_gives_the_same_counts(db_url: str, shared: Path) -> None:
    """The whole Guardian sample (249 articles), in two worker processes; then again."""
    source = [str(shared / GUARDIAN)]
    with Store(db_url) as store:
        first = ingest(read_sources(source), store, workers=2, sources=source)
        counts = store.counts()
        events = event_snapshot(store)
        assert first.seen == 249 and first.failed == 0
        assert first.coded + first.duplicates == 249
        assert counts.documents == {"coded": first.coded, **(
            {"duplicate": first.duplicates} if first.duplicates else {})}
        assert counts.events == first.events_added > 100
        assert counts.reports == first.reports_added >= counts.events
        second = ingest(read_sources(source), store, workers=2, sources=source)
        assert (second.seen, second.skipped, second.coded, second.events_added) == (249, 249, 0, 0)
        after = store.counts()
        assert (after.documents, after.events, after.reports, after.quotes, after.actors) == (
            counts.documents, counts.events, counts.reports, counts.quotes, counts.actors)
        assert event_snapshot(store) == events


def _subset(shared: Path, tmp_path: Path) -> Path:
    path = tmp_path / "guardian-subset.jsonl"
    articles = itertools.islice(read_sources([str(shared / GUARDIAN)]), SUBSET)
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            assert isinstance(a, Article)
            out.write(json.dumps({"id": a.id, "text": a.text, "date": a.date,
                                  "source": a.source}) + "\n")
    return path


def test_killed_run_resumes_to_the_same_events(db_url: str, coder: Coder, shared: Path,
                                               tmp_path: Path) -> None:
    from storedb import database_url

    corpus = _subset(shared, tmp_path)
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    (tmp_path / "clean").mkdir()
    with database_url(backend, tmp_path / "clean") as clean_url, Store(clean_url) as clean:
        ingest(read_sources([str(corpus)]), clean, coder_factory=lambda: coder, workers=1)
        expected_events, expected_docs = event_snapshot(clean), document_snapshot(clean)
    assert len(expected_docs) == SUBSET and expected_events

    env = {**os.environ, "BLOCWATCH_INGEST_BATCH_SIZE": "2", "BLOCWATCH_INGEST_COMMIT_SIZE": "2"}
    cmd = [sys.executable, "-c", "from blocwatch.cli import app; app()", "ingest", str(corpus),
           "--db", db_url, "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with Store(db_url) as store:
        deadline = time.monotonic() + 600  # generous: a loaded machine is slow
        while sum(store.counts().documents.values()) < 4 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        stored = sum(store.counts().documents.values())
        assert 4 <= stored < SUBSET, "the run was not killed in the middle"
        resumed = ingest(read_sources([str(corpus)]), store, coder_factory=lambda: coder,
                         workers=1)
        assert resumed.skipped == stored and resumed.coded + resumed.duplicates == SUBSET - stored
        assert event_snapshot(store) == expected_events
        assert document_snapshot(store) == expected_docs
