"""The dashboard in a real browser: Debian's Chromium (/usr/bin/chromium) driven by
Playwright against ``blocwatch serve`` started on a free port of 127.0.0.1.  Every page loads
with no console error and nothing fetched from elsewhere, the network page shows the seed
article's blocs, a click on an edge opens the dyad and a click on an actor its page, the
document page highlights the evidence.  Screenshots go to test-artifacts/screenshots/.

With CI set these tests must run: a missing Chromium or Playwright fails them.  Elsewhere
they are skipped, with the reason, when /usr/bin/chromium is not installed
(``apt-get install chromium``; Playwright never downloads a browser here)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_fixtures import build_database

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
SEED_DAY = "since=2022-06-27&until=2022-06-27"

if not os.environ.get("CI"):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does): "
                    "the browser tests need Debian's Chromium", allow_module_level=True)
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed: "
                        "pip install -e '.[dev]'")

from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``blocwatch serve`` on a free local port, as a user would start it."""
    url = build_database(tmp_path_factory.getbasetemp() / "web", shared)
    port = free_port()
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from blocwatch.cli import app; app()", "serve", "--db", url,
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/overview", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"blocwatch serve did not start:\n{log.read()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Watch:
    """Console errors, page errors, failed requests, error responses and requests to other
    hosts seen by one page."""

    def __init__(self, page: Page, base: str) -> None:
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda err: self.problems.append(f"page error: {err}"))
        page.on("requestfailed", lambda req: self.problems.append(
            f"request failed: {req.url} ({req.failure})"))
        page.on("response", lambda res: res.status >= 400 and self.problems.append(
            f"HTTP {res.status}: {res.url}"))
        page.on("request", lambda req: req.url.startswith((base, "data:")) or
                self.problems.append(f"request to another host: {req.url}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[tuple[Page, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    watch = Watch(tab, server)
    yield tab, watch
    context.close()


def shoot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000
    return path


def seed_document(server: str) -> int:
    import json

    with urllib.request.urlopen(f"{server}/api/events?actor=PRK&size=1", timeout=10) as r:
        return int(json.loads(r.read())["events"][0]["document_id"])


PAGES = [
    ("overview", "/", "Overview"),
    ("network", "/network", "Network"),
    ("dyad", "/dyads/USA/PRK", "USA – PRK"),
    ("events", "/events?size=25", "Events"),
    ("events-filtered", "/events?actor=RUS&quad=3&quad=4", "Events"),
    ("document", "/documents/{seed}", "Criticism Of US Military Drills"),
    ("actor", "/actors/PRK", "PRK"),
    ("actor-organisation", "/actors/NATO", "NATO"),
    ("alerts", "/alerts", "Escalation alerts"),
    ("not-found", "/actors/XYZ", "404"),
]


@pytest.mark.parametrize(("name", "path", "heading"), PAGES)
def test_every_page_loads_cleanly(page: tuple[Page, Watch], server: str, name: str,
                                  path: str, heading: str) -> None:
    tab, watch = page
    response = tab.goto(server + path.format(seed=seed_document(server)))
    assert response is not None
    assert response.status == (404 if name == "not-found" else 200)
    assert heading in tab.locator("h1").inner_text()
    shoot(tab, name)
    if name == "not-found":  # the 404 itself is the expected answer
        watch.problems = [p for p in watch.problems if "404" not in p]
        assert "no actor 'XYZ'" in tab.locator("p.error").inner_text()
    assert watch.problems == []


def bloc_of(tab: Page, actor: str) -> Any:
    return tab.locator(f'a.node[data-actor="{actor}"]').get_attribute("data-bloc")


def test_network_shows_the_seed_blocs(page: tuple[Page, Watch], server: str) -> None:
    tab, watch = page
    tab.goto(f"{server}/network?{SEED_DAY}")
    assert tab.locator("svg.network a.node").count() >= 4
    usa = bloc_of(tab, "USA")
    assert usa != "" and bloc_of(tab, "KOR") == usa and bloc_of(tab, "JPN") == usa
    assert bloc_of(tab, "PRK") not in ("", usa)
    # the legend says the same, and the circles have their bloc's colour
    members = tab.locator(f'table.blocs tr[data-bloc="{usa}"] td.members').inner_text()
    assert {"USA", "KOR", "JPN"} <= set(members.split())
    fill = {a: tab.locator(f'a.node[data-actor="{a}"] circle').get_attribute("fill")
            for a in ("USA", "KOR", "JPN", "PRK")}
    assert fill["USA"] == fill["KOR"] == fill["JPN"] != fill["PRK"]
    shoot(tab, "network-seed-day")
    assert watch.problems == []


def test_clicking_an_edge_opens_the_dyad(page: tuple[Page, Watch], server: str) -> None:
    tab, watch = page
    tab.goto(f"{server}/network?{SEED_DAY}")
    edge = tab.locator('a.edge[data-dyad="PRK-USA"] line.stroke')
    assert edge.get_attribute("stroke") == "#d62728"  # net conflict is red
    edge.click()
    tab.wait_for_url(f"{server}/dyads/PRK/USA?{SEED_DAY}")  # the window comes along
    assert "PRK – USA" in tab.locator("h1").inner_text()
    assert tab.locator("svg.timeline a.bar").count() >= 1
    assert "accused the United States" in tab.locator("section.period").first.inner_text()
    shoot(tab, "dyad-after-edge-click")
    # a point of the timeline leads to the events under it
    tab.locator("svg.timeline a.dot").first.click()
    assert tab.evaluate("location.hash").startswith("#period-")
    assert watch.problems == []


def test_clicking_an_actor_opens_its_page(page: tuple[Page, Watch], server: str) -> None:
    tab, watch = page
    tab.goto(f"{server}/network?{SEED_DAY}")
    tab.locator('a.node[data-actor="KOR"] circle').click()
    tab.wait_for_url(f"{server}/actors/KOR?{SEED_DAY}")
    assert tab.locator("table.relations").inner_text().count("USA") >= 1
    assert watch.problems == []


def test_document_page_highlights_the_evidence(page: tuple[Page, Watch], server: str) -> None:
    tab, watch = page
    tab.goto(f"{server}/documents/{seed_document(server)}")
    first = tab.locator("section#s-0")
    marks = {role: first.locator(f"mark.hl.{role}").all_inner_texts()
             for role in ("source", "verb", "target")}
    assert "North Korea" in marks["source"] and "accused" in marks["verb"]
    assert "United States" in marks["target"]
    quote = tab.locator("section#s-2 mark.hl.quote").first
    assert "While openly" in quote.inner_text()
    # highlighted for the eye, not just in the markup
    colours = {role: first.locator(f"mark.hl.{role}").first.evaluate(
        "e => getComputedStyle(e).backgroundColor") for role in ("source", "verb")}
    assert all(c not in ("rgba(0, 0, 0, 0)", "transparent") for c in colours.values())
    assert colours["source"] != colours["verb"]
    assert tab.locator("section.sentence .badge.m-hypothetical").count() >= 1
    assert tab.locator("section.sentence .badge.m-negated").count() >= 1
    assert "no article text" in tab.locator("p.note").inner_text()
    shoot(tab, "document-evidence")
    assert watch.problems == []


def test_the_events_form_filters_and_links_its_csv(page: tuple[Page, Watch], server: str
                                                   ) -> None:
    tab, watch = page
    tab.goto(f"{server}/events")
    tab.fill("input[name=actor]", "RUS")
    tab.check("input[name=quad][value='4']")
    tab.click("form.filters button[type=submit]")
    tab.wait_for_url("**/events?*actor=RUS*")
    rows = tab.locator("table.events tbody tr")
    assert rows.count() >= 1
    for text in rows.all_inner_texts():
        assert "RUS" in text and "assault" in text
    href = tab.locator("a.csv").get_attribute("href")
    assert href is not None and "actor=RUS" in href and "quad=4" in href
    with tab.expect_download() as download:
        tab.click("a.csv")
    data = Path(download.value.path()).read_text(encoding="utf-8")
    assert data.startswith("doc_id,") and len(data.splitlines()) == rows.count() + 1
    shoot(tab, "events-form")
    assert watch.problems == []
