"""Coding on a Dask cluster (a LocalCluster of 2 single-threaded worker processes on
127.0.0.1): the 249 Guardian articles give exactly the events of the single-process
ingest, also when a worker dies mid-run; a partition that keeps failing is recorded as failed
with its reason; ``--cluster`` values are checked."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cloudpickle
import pytest
from typer.testing import CliRunner

from blocwatch import Coder
from blocwatch.cli import app
from blocwatch.errors import ModelError, UsageError
from blocwatch.records import Article, CodedArticle, DocumentError
from blocwatch.settings import Settings
from blocwatch.store.cluster import ClusterSpec
from blocwatch.store.database import Store
from blocwatch.store.ingest import code_corpus, ingest
from blocwatch.store.sources import ReadOptions, read_sources
from storedb import document_snapshot, event_snapshot

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GUARDIAN = "corpus/guardian-syria/Guardian_SDF_sample.csv.zip"
ARTICLES = 249  # the whole Guardian sample
runner = CliRunner()

# The test-only coder factories below travel to the workers by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@dataclass(frozen=True)
class KillOnce:
    """Builds a coder whose first partition, on whichever worker, kills that worker's
    process (the marker file says it happened once)."""

    marker: str

    def __call__(self) -> Any:
        return _Killer(Coder(Settings.from_env()), self.marker)


@dataclass(frozen=True)
class _Killer:
    coder: Coder
    marker: str

    def code_articles(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        try:
            with open(self.marker, "x"):
                pass
        except FileExistsError:
            return self.coder.code_articles(articles)
        os._exit(1)


@dataclass(frozen=True)
class NoModel:
    """A coder factory that always fails, as a worker without the spaCy model would."""

    def __call__(self) -> Any:
        raise ModelError("no spaCy model on this worker: install it")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None, host="127.0.0.1",
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster, \
            Client(cluster) as dask_client:
        yield dask_client


@pytest.fixture(scope="module")
def guardian(shared: Path) -> list[Article | DocumentError]:
    return list(itertools.islice(read_sources([str(shared / GUARDIAN)]), ARTICLES))


@pytest.fixture(scope="module")
def expected(guardian: list[Article | DocumentError], coder: Coder,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    """Events and documents of the single-process ingest."""
    url = f"sqlite:///{tmp_path_factory.mktemp('local') / 'local.db'}"
    with Store(url) as store:
        summary = ingest(guardian, store, coder_factory=lambda: coder, workers=1)
        assert summary.failed == 0 and summary.events_added > 0
        return event_snapshot(store), document_snapshot(store)


CASES = [("healthy cluster", False), ("a worker killed mid-run", True)]


@pytest.mark.parametrize(("name", "kill"), CASES, ids=[c[0] for c in CASES])
def test_cluster_ingest_gives_the_local_events(name: str, kill: bool, client: Any,
                                               guardian: list[Article | DocumentError],
                                               expected: tuple[Any, Any],
                                               tmp_path: Path) -> None:
    marker = tmp_path / "killed"
    factory = KillOnce(str(marker)) if kill else None
    with Store(f"sqlite:///{tmp_path / 'cluster.db'}") as store:
        summary = ingest(guardian, store, client=client, coder_factory=factory)
        assert (summary.seen, summary.failed) == (ARTICLES, 0)
        assert (event_snapshot(store), document_snapshot(store)) == expected
    assert marker.exists() == kill  # the worker really died


def test_a_partition_that_keeps_failing_is_recorded(client: Any) -> None:
    settings = Settings.from_env(ingest_batch_size=2)
    items: list[Article | DocumentError] = [
        Article("a", "Japan protested to China on Friday."),
        DocumentError("feed.jsonl:2", "not valid JSON: fix or remove the line"),
        Article("b", "Russia criticised NATO on Tuesday."),
        Article("c", "France met Germany on Monday."),
    ]
    out = list(code_corpus(items, client=client, settings=settings, coder_factory=NoModel()))
    assert [r.origin for r in out if isinstance(r, DocumentError)] == [
        "a", "feed.jsonl:2", "b", "c"]
    reasons = [r.message for r in out if r.origin != "feed.jsonl:2"]  # type: ignore[union-attr]
    assert all("no spaCy model on this worker" in m and "3 tries" in m for m in reasons)


SPECS = [
    ("local:2", ClusterSpec(local_workers=2)),
    ("tcp://scheduler:8786", ClusterSpec(address="tcp://scheduler:8786")),
    ("local:0", None),
    ("local:two", None),
    ("scheduler:8786", None),
]


@pytest.mark.parametrize(("value", "spec"), SPECS, ids=[s[0] for s in SPECS])
def test_cluster_option(value: str, spec: ClusterSpec | None) -> None:
    if spec is None:
        with pytest.raises(UsageError, match="give local:N"):
            ClusterSpec.parse(value)
    else:
        assert ClusterSpec.parse(value) == spec


USAGE_ERRORS = [
    (["--cluster", "local:0"], "give local:N"),
    (["--cluster", "local:2", "--workers", "2"], "give --workers or --cluster, not both"),
    (["--cluster", "scheduler:8786"], "give local:N"),
]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in
                                                                  USAGE_ERRORS])
def test_cluster_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(EXAMPLES / "korea-drills.txt"), "--db",
                                 f"sqlite:///{tmp_path / 'x.db'}", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("blocwatch: ") and message in result.stderr


def test_cli_on_a_local_cluster(coder: Coder, tmp_path: Path) -> None:
    """``blocwatch ingest --cluster local:1`` stores what the single-process ingest stores."""
    inputs = [str(EXAMPLES / "korea-drills.txt"), str(EXAMPLES / "gulf-talks.jsonl")]
    with Store(f"sqlite:///{tmp_path / 'local.db'}") as store:
        ingest(read_sources(inputs, ReadOptions(default_date="2023-03-14")), store,
               coder_factory=lambda: coder, workers=1)
        expected = event_snapshot(store), document_snapshot(store)
    url = f"sqlite:///{tmp_path / 'cluster.db'}"
    result = runner.invoke(app, ["ingest", *inputs, "--db", url, "--cluster", "local:1",
                                 "--date", "2023-03-14", "--quiet"])
    assert result.exit_code == 0, result.stderr
    with Store(url) as store:
        assert (event_snapshot(store), document_snapshot(store)) == expected
        assert expected[0]
