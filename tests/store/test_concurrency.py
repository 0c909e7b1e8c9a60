"""``serve`` reading while ``ingest`` writes, on SQLite (WAL) and PostgreSQL: a
``blocwatch ingest`` process codes a corpus while the dashboard's JSON API is polled over and
over.  Every answer is a 200; counts never go down; every event listed is shown by its
document; at the end the API's counts are the store's."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from blocwatch.store.database import Store
from blocwatch.web import create_app, open_readonly
from ingestkit import Launcher, corpus_file, running_launcher
from storedb import BACKENDS, database_url

ARTICLES = 16
DYAD = "/api/dyads/SYR/TUR"


@pytest.fixture(scope="module")
def launcher() -> Iterator[Launcher]:
    yield from running_launcher(delay=0.15)


@pytest.fixture(scope="module")
def corpus(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_file(shared, tmp_path_factory, "corpus", ARTICLES)


class Poller:
    """Asks every endpoint once per round and checks the answers against the last ones."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.last: dict[str, int] = {}
        self.checked: set[int] = set()  # events whose document was seen to list them
        self.found: set[str] = set()
        self.rounds = self.requests = 0

    def get(self, url: str, *, until_found: bool = False) -> Any:
        """The answer of ``url``, a 200; with ``until_found`` a 404 is fine as long as no
        200 came before (the dyad's actors are not stored yet)."""
        response = self.client.get(url)
        self.requests += 1
        if until_found and response.status_code == 404 and url not in self.found:
            assert "no actor" in response.json()["error"]
            return None
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        self.found.add(url)
        return response.json()

    def round(self) -> dict[str, Any]:
        overview = self.get("/api/overview")
        page = self.get("/api/events?size=500")
        network = self.get("/api/network")
        dyad = self.get(DYAD, until_found=True) or {"events": []}
        counts = overview["counts"]
        now = {"documents": sum(counts["documents"].values()), "events": counts["events"],
               "reports": counts["reports"], "listed": page["total"],
               "nodes": len(network["nodes"]), "dyad": len(dyad["events"])}
        for name, value in now.items():
            assert value >= self.last.get(name, 0), f"{name} went down: {self.last} -> {now}"
        self.last = now
        for event in page["events"]:
            if event["event_id"] not in self.checked:
                self.check_document(event)
        self.rounds += 1
        return overview

    def check_document(self, event: dict[str, Any]) -> None:
        view = self.get(f"/api/documents/{event['document_id']}")
        shown = {span["event_id"] for sentence in view["sentences"]
                 for span in sentence["spans"]}
        assert event["event_id"] in shown, (event["event_id"], view["document"]["key"])
        self.checked.add(event["event_id"])


@pytest.mark.parametrize("warm", [False, True], ids=["on-request", "warmed"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_the_dashboard_reads_while_ingest_writes(backend: str, warm: bool, launcher: Launcher,
                                                 corpus: Path, tmp_path: Path) -> None:
    with database_url(backend, tmp_path) as url:
        Store(url).close()  # an empty database, as the dashboard finds it before the ingest
        store = open_readonly(url)
        try:
            with TestClient(create_app(store, warm=warm, refresh=0.1)) as client:
                poller = Poller(client)
                pid = launcher.start(corpus, url, tmp_path / "ingest.log", batch_size=2)
                during = 0
                while _alive(pid):
                    poller.round()
                    during += 1
                    time.sleep(0.05)
                assert launcher.wait(pid) == 1, (tmp_path / "ingest.log").read_text()
                overview = poller.round()
        finally:
            store.close()
        with Store(url) as writer:
            counts = asdict(writer.counts())
    assert during >= 3, "the ingest ended before the dashboard could read it"
    assert overview["counts"] == counts
    assert poller.last["listed"] == counts["events"] == len(poller.checked)
    assert sum(counts["documents"].values()) == len(corpus.read_text().splitlines())
    print(f"\n{backend}: {poller.rounds} rounds ({during} during the ingest), "
          f"{poller.requests} requests, {counts['events']} events checked against their "
          f"documents")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
