"""``blocwatch serve``'s JSON API and pages through FastAPI's TestClient, over a database of
the seed article and the small articles of ``web_fixtures``: every endpoint, the same
answers as the CLI for the same question, evidence offsets that point at the right words,
bad parameters answered with a clear 4xx (never a 500), and a store that cannot be written."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from blocwatch.cli import app as cli_app
from blocwatch.cli.serve import exposure_warning
from blocwatch.errors import StoreError
from blocwatch.store import schema
from blocwatch.store.database import Store
from blocwatch.web import create_app, open_readonly, views
from blocwatch.web.cache import ViewCache
from blocwatch.web.readonly import readonly_url
from blocwatch.web.views import Span, segments
from web_fixtures import MARKUP_TITLE, build_database

runner = CliRunner()
SEED_DAY = "since=2022-06-27&until=2022-06-27"

API = ["/api/overview", "/api/network", f"/api/network?{SEED_DAY}", "/api/dyads/USA/PRK",
       "/api/events", "/api/documents/1", "/api/actors/PRK", "/api/alerts",
       # an empty form field is the default
       "/api/network?half_life=&max_blocs=&since=", "/api/alerts?period=&alpha=&min_events=",
       "/api/dyads/USA/PRK?period=&since=&until="]
PAGES = ["/", "/network", "/dyads/USA/PRK", "/events", "/documents/1", "/actors/PRK",
         "/alerts"]


@pytest.fixture(scope="module")
def web_db(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_database(tmp_path_factory.getbasetemp() / "web", shared)


@pytest.fixture(scope="module")
def client(web_db: str):  # type: ignore[no-untyped-def]
    store = open_readonly(web_db)
    with TestClient(create_app(store)) as test_client:
        yield test_client
    store.close()


def cli_json(*args: str) -> object:
    result = runner.invoke(cli_app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def doc_id(client: TestClient, key: str) -> int:
    docs = client.get("/api/overview").json()["latest_documents"]
    return next(d["id"] for d in docs if d["key"] == key)


# -- every endpoint -------------------------------------------------------------------------
@pytest.mark.parametrize("url", API)
def test_every_endpoint_answers_json(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_json_twin(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    twin = re.search(r'<a class="json" href="([^"]+)"', page.text)
    assert twin is not None
    assert twin.group(1) == ("/api/overview" if path == "/" else "/api" + path)
    assert client.get(twin.group(1)).status_code == 200


def test_openapi_schema_lists_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/overview", "/api/network", "/api/dyads/{a}/{b}", "/api/events",
        "/api/events.csv", "/api/documents/{doc_id}", "/api/actors/{code}", "/api/alerts"}
    assert all(list(methods) == ["get"] for methods in spec["paths"].values())
    params = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert params == {"actor", "source", "target", "code", "root", "quad", "since", "until",
                      "modality", "min_reports", "page", "size"}
    assert "EventView" in spec["components"]["schemas"]
    # the interactive docs would load scripts from a CDN: they are off
    assert client.get("/docs").status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_elsewhere(client: TestClient, path: str) -> None:
    page = client.get(path).text
    outside = re.findall(r'(?:src|href)="((?:https?:)?//[^"]*)"', page)
    assert outside == []
    assert client.get("/static/blocwatch.css").status_code == 200
    assert "url(" not in client.get("/static/blocwatch.css").text


# -- the same answers as the command line ---------------------------------------------------
def test_overview_counts_and_alerts(client: TestClient, web_db: str) -> None:
    data = client.get("/api/overview").json()
    with Store(web_db, migrate=False) as store:
        counts = store.counts()
    assert data["counts"]["documents"] == counts.documents == {
        "coded": 8, "duplicate": 1, "failed": 1}
    assert data["counts"]["events"] == counts.events
    assert (data["first_date"], data["last_date"]) == ("2022-05-09", "2022-08-17")
    dyads = {(d["a"], d["b"]): d for d in data["top_dyads"]}
    assert dyads[("KOR", "USA")]["conflict"] == 0 and dyads[("KOR", "USA")]["cooperation"] > 0
    assert dyads[("RUS", "UKR")]["goldstein_sum"] < 0
    assert [(x["a"], x["b"], x["period"]) for x in data["latest_alerts"]] == [
        ("RUS", "UKR", "2022-W33")]


@pytest.mark.parametrize("query", ["", SEED_DAY, "half_life=0&max_blocs=2",
                                   "since=2022-08-01&modality=asserted&modality=intended"])
def test_network_is_what_blocs_computes(client: TestClient, web_db: str, query: str) -> None:
    data = client.get(f"/api/network?{query}").json()
    args = [a for pair in (p.split("=") for p in query.split("&") if p)
            for a in (f"--{pair[0].replace('_', '-')}", pair[1])]
    cli = cli_json("blocs", "--db", web_db, "--format", "json", *args)
    assert [b["members"] for b in data["blocs"]] == [b["members"] for b in cli["blocs"]]
    assert data["frustration"] == cli["frustration"]
    assert [(e["a"], e["b"], e["weight"]) for e in data["edges"]] == [
        (*sorted((e["a"], e["b"])), e["weight"]) for e in sorted(
            cli["edges"], key=lambda e: sorted((e["a"], e["b"])))]
    assert {n["id"] for n in data["nodes"]} == {m for b in cli["blocs"] for m in b["members"]}
    assert all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in data["nodes"])


def test_network_of_the_seed_day_has_its_blocs(client: TestClient) -> None:
    nodes = {n["id"]: n["bloc"] for n in client.get(f"/api/network?{SEED_DAY}").json()["nodes"]}
    assert nodes["USA"] == nodes["KOR"] == nodes["JPN"] != nodes["PRK"]


@pytest.mark.parametrize(("path", "cli_args"), [
    ("/api/dyads/USA/PRK", ["USA", "PRK"]),
    ("/api/dyads/prk/usa?period=day", ["PRK", "USA", "--by", "day"]),
    ("/api/dyads/RUS/UKR?period=week&directed=true", ["RUS", "UKR", "--by", "week",
                                                      "--directed"]),
    ("/api/dyads/USA/KOR?weighted=true&modality=asserted&modality=intended",
     ["USA", "KOR", "--weighted", "--modality", "asserted", "--modality", "intended"]),
])
def test_dyad_is_what_the_dyad_command_computes(client: TestClient, web_db: str, path: str,
                                                cli_args: list[str]) -> None:
    data = client.get(path).json()
    rows = cli_json("dyad", *cli_args, "--db", web_db, "--format", "json")
    assert [(p["period"], p["events"], p["goldstein_sum"]) for p in data["series"]] == [
        (r["period"], r["events"], r["goldstein_sum"]) for r in rows]
    assert rows, "the case should have events"
    ids = sorted(i for p in data["series"] for i in p["event_ids"])
    assert sorted(e["event_id"] for e in data["events"]) == sorted(set(ids))
    for e in data["events"]:
        assert {e["source"]["country"], e["target"]["country"]} == {data["a"], data["b"]}


@pytest.mark.parametrize("shown", [1, 2, 200])
def test_dyad_lists_its_latest_events(client: TestClient, monkeypatch, shown: int) -> None:
    """The dyad's events are its latest ``DYAD_EVENTS`` (by date, then id); every one is
    counted in ``event_count`` and the periods' ``event_ids``."""
    monkeypatch.setattr(views, "DYAD_EVENTS", shown)
    state = client.app.state  # type: ignore[attr-defined]
    kept, state.view_cache = state.view_cache, ViewCache(state.store)  # nothing kept
    try:
        data = client.get("/api/dyads/RUS/UKR?period=day").json()
    finally:
        state.view_cache = kept
    ids = [i for p in data["series"] for i in p["event_ids"]]
    assert data["event_count"] == len(ids) > 1
    assert [e["event_id"] for e in data["events"]] == ids[-shown:]


def test_dyad_accepts_organisation_codes(client: TestClient) -> None:
    by_code = client.get("/api/dyads/KOR/IGOWSTNAT").json()
    by_name = client.get("/api/dyads/KOR/NATO").json()
    assert by_code["b"] == by_name["b"] == "NATO"
    assert by_code["series"] == by_name["series"] and by_code["series"]


EVENT_FILTERS = [
    ("", []),
    ("actor=PRK", ["--actor", "PRK"]),
    ("source=RUS&quad=4", ["--source", "RUS", "--quad", "4"]),
    ("target=usa&code=11", ["--target", "USA", "--code", "11"]),
    ("root=06&since=2022-06-01&until=2022-06-30", ["--root", "06", "--since", "2022-06-01",
                                                   "--until", "2022-06-30"]),
    ("modality=intended&modality=hypothetical", ["--modality", "intended", "--modality",
                                                 "hypothetical"]),
    ("quad=1&quad=2&min_reports=1", ["--quad", "1", "--quad", "2", "--min-reports", "1"]),
    ("actor=KORGOV", ["--actor", "KORGOV"]),
    ("actor=&code=&since=&min_reports=&page=&size=", []),  # an empty field is no filter
]


@pytest.mark.parametrize(("query", "cli_args"), EVENT_FILTERS)
def test_events_filter_like_the_events_command(client: TestClient, web_db: str, query: str,
                                               cli_args: list[str]) -> None:
    data = client.get(f"/api/events?size=500&{query}").json()
    result = runner.invoke(cli_app, ["events", "--db", web_db, "--format", "jsonl", *cli_args])
    assert result.exit_code == 0, result.output
    expected = [json.loads(line) for line in result.stdout.splitlines()]
    assert data["total"] == len(expected)
    assert [e["event_id"] for e in data["events"]] == [e["event_id"] for e in expected]
    for got, want in zip(data["events"], expected, strict=True):
        assert {k: got[k] for k in want} == want  # the contract, field for field


@pytest.mark.parametrize("size", [1, 4, 7])
def test_events_pages_cover_every_event_once(client: TestClient, size: int) -> None:
    everything = [e["event_id"] for e in client.get("/api/events?size=500").json()["events"]]
    first = client.get(f"/api/events?size={size}").json()
    assert first["pages"] == -(-len(everything) // size)
    seen = []
    for page in range(1, first["pages"] + 1):
        data = client.get(f"/api/events?size={size}&page={page}").json()
        assert data["page"] == page and len(data["events"]) <= size
        seen += [e["event_id"] for e in data["events"]]
    assert seen == everything
    past = client.get(f"/api/events?size={size}&page={first['pages'] + 1}")
    assert past.status_code == 404 and "use page 1 to" in past.json()["error"]


@pytest.mark.parametrize(("query", "cli_args"), EVENT_FILTERS[:4])
def test_events_csv_is_the_events_command_csv(client: TestClient, web_db: str, query: str,
                                              cli_args: list[str]) -> None:
    response = client.get(f"/api/events.csv?{query}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    result = runner.invoke(cli_app, ["events", "--db", web_db, "--format", "csv", *cli_args])
    assert response.text == result.stdout
    assert len(list(csv.DictReader(io.StringIO(response.text)))) >= 1


def test_events_page_links_its_csv_with_the_same_filters(client: TestClient) -> None:
    page = client.get("/events?actor=RUS&quad=4&page=1&size=25").text
    assert 'href="/api/events.csv?actor=RUS&amp;quad=4"' in page


# -- documents: evidence --------------------------------------------------------------------
def test_document_spans_point_at_the_evidence(client: TestClient) -> None:
    data = client.get(f"/api/documents/{doc_id(client, 'asian-style-nato')}").json()
    assert data["text_stored"] is False and "no article text" in data["note"]
    assert data["document"]["date"] == "2022-06-27"
    roles = set()
    for sentence in data["sentences"]:
        text = sentence["text"]
        for mention in sentence["mentions"]:
            ev = mention["event"]
            for role in ("source", "verb", "target"):
                if ev[role] is not None:
                    assert text[ev[role]["start"]:ev[role]["end"]] == ev[role]["text"]
        for span in sentence["spans"]:
            roles.add(span["role"])
            if span["role"] == "quote":
                assert text[span["start"]:span["end"]] in {
                    q["quote"]["quote"] for q in sentence["quotes"]}
    assert roles == {"source", "verb", "target", "quote"}
    first = data["sentences"][0]
    accuse = next(m["event"] for m in first["mentions"] if m["event"]["verb"]["text"] == "accused")
    assert (accuse["source"]["text"], accuse["target"]["text"]) == ("North Korea",
                                                                      "United States")
    modalities = {m["event"]["modality"] for s in data["sentences"] for m in s["mentions"]}
    assert {"asserted", "negated", "hypothetical", "intended"} <= modalities


def test_document_page_marks_source_verb_target_and_quotes(client: TestClient) -> None:
    page = client.get(f"/documents/{doc_id(client, 'asian-style-nato')}").text
    for role, words in [("source", "North Korea"), ("verb", "accused"),
                        ("target", "United States"), ("quote", "While openly")]:
        assert re.search(rf'<mark class="hl [a-z ]*{role}[^"]*"[^>]*>{words}', page), role
    assert 'class="badge m-negated"' in page and 'class="badge m-hypothetical"' in page


@pytest.mark.parametrize(("key", "status", "check"), [
    ("burst-3-copy", "duplicate", lambda d: d["duplicate_kind"] == "exact"),
    ("burst-3", "coded", lambda d: d["reports"] >= 2),
])
def test_documents_of_every_status(client: TestClient, key: str, status: str, check) -> None:  # type: ignore[no-untyped-def]
    data = client.get(f"/api/documents/{doc_id(client, key)}").json()
    assert data["document"]["status"] == status and check(data["document"])
    if status == "duplicate":
        original = data["document"]["duplicate_of"]
        assert client.get(f"/api/documents/{original}").json()["document"]["key"] == "burst-3"
        assert data["sentences"] == []


def test_failed_document_shows_its_error(client: TestClient) -> None:
    failed = next(d for d in client.get("/api/overview").json()["latest_documents"]
                  if d["status"] == "failed")
    page = client.get(f"/documents/{failed['id']}")
    assert page.status_code == 200 and "empty" in failed["error"]
    assert failed["error"].replace("'", "&#39;") in page.text


def test_markup_in_titles_is_escaped(client: TestClient) -> None:
    page = client.get(f"/documents/{doc_id(client, 'china-taiwan')}").text
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert client.get(f"/api/documents/{doc_id(client, 'china-taiwan')}").json()[
        "document"]["title"] == MARKUP_TITLE


# -- actors and alerts ----------------------------------------------------------------------
@pytest.mark.parametrize(("code", "key", "by_sector"), [
    ("PRK", "PRK", False), ("prk", "PRK", False), ("NATO", "NATO", False),
    ("IGOWSTNAT", "NATO", False), ("KORGOV", "KORGOV", True), ("UKR", "UKR", False),
])
def test_actor_resolves_keys_and_codes(client: TestClient, code: str, key: str,
                                       by_sector: bool) -> None:
    data = client.get(f"/api/actors/{code}").json()
    assert (data["code"], data["by_sector"]) == (key, by_sector)
    assert data["events"] and data["event_count"] == len(data["events"])
    for ev in data["events"]:
        sides = [ev["source"], ev["target"]] if ev["target"] else [ev["source"]]
        keys = {(a["org"] or (a["country"] + (a["sector"] or "") if by_sector
                              else a["country"]) or a["code"]) for a in sides}
        assert key in keys


def test_actor_relations_and_quotes(client: TestClient, web_db: str) -> None:
    data = client.get("/api/actors/PRK").json()
    relations = {r["other"]: r for r in data["relations"]}
    assert relations["USA"]["weight"] < 0 and relations["USA"]["conflict"] > 0
    assert {m["code"] for m in data["members"]} >= {"PRK", "PRKGOV"}
    assert data["quotes"] and all(q["quote"]["speaker"]["code"].startswith("PRK")
                                  for q in data["quotes"])
    assert sum(p["events"] for p in data["series"]) == sum(
        1 for e in data["events"] if e["modality"] == "asserted")


def test_alerts_are_what_the_alerts_command_finds(client: TestClient, web_db: str) -> None:
    data = client.get("/api/alerts").json()
    cli = cli_json("alerts", "--db", web_db, "--format", "json")
    assert [(f"{x['a']}-{x['b']}", x["period"], x["count"]) for x in data["alerts"]] == [
        (r["dyad"], r["period"], r["conflict_events"]) for r in cli]
    (alert,) = data["alerts"]
    assert len(alert["events"]) == alert["count"]
    assert all(e["quad_class"] >= 3 for e in alert["events"])
    assert client.get("/api/alerts?since=2022-09-01").json()["alerts"] == []
    assert client.get("/api/alerts?period=month&alpha=0.5&min_events=1").status_code == 200


# -- bad input: clear 4xx, never 500 --------------------------------------------------------
BAD = [
    ("/api/events?since=2022-13-01", 422, "since"),
    ("/api/events?since=yesterday", 422, "YYYY-MM-DD"),
    ("/api/events?until=2022-02-30", 422, "not a calendar date"),
    ("/api/events?since=2022-08-01&until=2022-07-01", 422, "swap"),
    ("/api/events?actor=U%24A", 422, "actor or country code"),
    ("/api/events?actor=%27%20OR%201%3D1%20--", 422, "actor or country code"),
    ("/api/events?code=abc", 422, "CAMEO code"),
    ("/api/events?root=1234", 422, "root code"),
    ("/api/events?quad=5", 422, "quad classes 1 to 4"),
    ("/api/events?quad=x", 422, "quad"),
    ("/api/events?modality=maybe", 422, "asserted, negated"),
    ("/api/events?min_reports=0", 422, "min_reports"),
    ("/api/events?page=0", 422, "page number"),
    ("/api/events?page=-1", 422, "page number"),
    ("/api/events?page=abc", 422, "page number"),
    ("/api/events?page=99999999999999999999", 422, "page"),
    ("/api/events?page=999", 404, "use page 1 to"),
    ("/api/events?size=0", 422, "page size"),
    ("/api/events?size=501", 422, "page size"),
    ("/api/events?size=1e3", 422, "page size"),
    ("/api/events.csv?since=2022-99-99", 422, "since"),
    ("/api/network?half_life=-1", 422, "half_life"),
    ("/api/network?half_life=nan", 422, "half_life"),
    ("/api/network?half_life=inf", 422, "half_life"),
    ("/api/network?max_blocs=0", 422, "max_blocs"),
    ("/api/network?max_blocs=9", 422, "max_blocs"),
    ("/api/network?until=2022-06", 422, "until"),
    ("/api/dyads/USA/USA", 422, "two different actors"),
    ("/api/dyads/USA/IGOXYZ", 404, "no actor 'IGOXYZ'"),
    ("/api/dyads/U%24S/PRK", 422, "actor or country code"),
    ("/api/dyads/USA/PRK?period=year", 422, "day, week, month or quarter"),
    ("/api/dyads/USA/PRK?modality=probably", 422, "modality"),
    ("/api/documents/0", 422, "document id"),
    ("/api/documents/abc", 422, "document id"),
    ("/api/documents/99999", 404, "no document 99999"),
    ("/api/documents/99999999999999999999999", 422, "document id"),
    ("/api/actors/XYZ", 404, "no actor 'XYZ'"),
    ("/api/actors/A%20B", 422, "actor or country code"),
    ("/api/actors/%C3%9CSA", 422, "actor or country code"),
    ("/api/actors/" + "A" * 70, 422, "actor or country code"),
    ("/api/alerts?alpha=0", 422, "alpha"),
    ("/api/alerts?alpha=0.9", 422, "alpha"),
    ("/api/alerts?min_events=0", 422, "min_events"),
    ("/api/alerts?period=decade", 422, "period"),
    ("/api/nothing-here", 404, "no page at /api/nothing-here"),
]


@pytest.mark.parametrize(("url", "status", "phrase"), BAD)
def test_bad_parameters_get_a_clear_4xx(client: TestClient, url: str, status: int,
                                        phrase: str) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert phrase in error and "\n" not in error and "Traceback" not in response.text


@pytest.mark.parametrize(("url", "status", "phrase"), [
    (u.removeprefix("/api"), s, p) for u, s, p in BAD
    if u.startswith(("/api/events?", "/api/dyads", "/api/documents", "/api/actors"))][::3])
def test_bad_parameters_on_pages_get_an_error_page(client: TestClient, url: str, status: int,
                                                   phrase: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert phrase.replace("'", "&#39;") in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/api/events", "/api/documents/1", "/events"])
def test_there_is_no_write_endpoint(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={"id": 1})
    assert response.status_code == 405 and "read-only" in response.text


def test_a_database_that_fails_while_serving_is_a_503(tmp_path: Path, web_db: str) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(Path(web_db.removeprefix("sqlite:///")).read_bytes())
    store = open_readonly(f"sqlite:///{copy}")
    copy.write_bytes(b"this is no longer a database" * 200)
    with TestClient(create_app(store)) as broken:
        response = broken.get("/api/overview")
    store.close()
    assert response.status_code == 503 and "cannot be read" in response.json()["error"]


# -- read-only access -----------------------------------------------------------------------
def test_the_served_store_cannot_write(db_url: str) -> None:
    Store(db_url).close()  # an empty, migrated database
    store = open_readonly(db_url)
    try:
        with pytest.raises(DBAPIError, match="(?i)read-?only"):
            with store.engine.begin() as conn:
                conn.execute(insert(schema.migrations).values(name="x", applied_at=None))
    finally:
        store.close()


def test_every_endpoint_on_both_backends(db_url: str, shared: Path) -> None:
    """The seed article in SQLite and in PostgreSQL: the same answers, read-only on both."""
    result = runner.invoke(cli_app, ["ingest", str(shared / "seed" / "asian-style-nato.txt"),
                                     "--date", "2022-06-27", "--db", db_url, "--workers", "1",
                                     "--quiet"])
    assert result.exit_code == 0, result.output
    store = open_readonly(db_url)
    try:
        with TestClient(create_app(store)) as backend:
            for url in [*API, *PAGES, "/api/events.csv", "/api/events?size=2&page=2"]:
                assert backend.get(url).status_code == 200, url
            nodes = {n["id"]: n["bloc"] for n in backend.get("/api/network").json()["nodes"]}
            assert nodes["USA"] == nodes["KOR"] == nodes["JPN"] != nodes["PRK"]
            doc = backend.get("/api/documents/1").json()
            assert doc["document"]["key"] == "asian-style-nato" and doc["sentences"]
            assert backend.get("/api/documents/2").status_code == 404
    finally:
        store.close()


@pytest.mark.parametrize(("url", "phrase"), [
    ("sqlite:///{tmp}/missing.db", "no database at"),
    ("sqlite://", "in-memory"),
    ("sqlite:///:memory:", "in-memory"),
    ("sqlite:///{tmp}/notes.txt", "cannot read the database"),
    ("sqlite:///{tmp}/empty.db", "not a blocwatch database"),
    ("mysql://me@localhost/db", "unsupported database"),
    ("not a url", "not a database URL"),
])
def test_opening_a_bad_database_says_what_to_do(tmp_path: Path, url: str, phrase: str) -> None:
    (tmp_path / "notes.txt").write_text("hello\n" * 100)
    with sqlite3.connect(tmp_path / "empty.db") as conn:  # a database, not ours
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    with pytest.raises(StoreError, match=phrase):
        open_readonly(url.format(tmp=tmp_path))
    result = runner.invoke(cli_app, ["serve", "--db", url.format(tmp=tmp_path)])
    assert result.exit_code == 2 and phrase in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(("url", "expected"), [
    ("sqlite:///{tmp}/a b.db", "sqlite:///file:{tmp}/a%20b.db?mode=ro&uri=true"),
    ("sqlite:///file:{tmp}/a b.db?mode=rw&uri=true", "sqlite:///file:{tmp}/a%20b.db?mode=ro&uri=true"),
    ("postgresql://me@db:5432/bw", "postgresql+psycopg://me@db:5432/bw?options=-c+default_transaction_read_only%3Don"),
    ("postgresql://me@db/bw?options=-c%20statement_timeout%3D5000",
     "postgresql+psycopg://me@db/bw?options=-c+statement_timeout%3D5000+-c+default_transaction_read_only%3Don"),
])
def test_readonly_urls(tmp_path: Path, url: str, expected: str) -> None:
    (tmp_path / "a b.db").write_bytes(b"")
    assert readonly_url(url.format(tmp=tmp_path)) == expected.format(tmp=tmp_path)


@pytest.mark.parametrize(("args", "phrase"), [
    (["--port", "0"], "port"),
    (["--port", "70000"], "port"),
    (["--port", "http"], "port"),
])
def test_serve_usage_errors(web_db: str, args: list[str], phrase: str) -> None:
    result = runner.invoke(cli_app, ["serve", "--db", web_db, *args])
    assert result.exit_code == 2 and phrase in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("host", "warns"), [
    ("127.0.0.1", False), ("127.0.0.2", False), ("localhost", False), ("::1", False),
    ("[::1]", False), ("0.0.0.0", True), ("::", True), ("192.168.1.20", True),
    ("dashboard.example.org", True),
])
def test_a_non_loopback_address_is_warned_about(host: str, warns: bool) -> None:
    warning = exposure_warning(host)
    assert (warning is not None) == warns
    if warning:
        assert host in warning and "no authentication" in warning


# -- highlighting -----------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "spans", "expected"), [
    ("A hit B.", [], [("A hit B.", ())]),
    ("A hit B.", [Span(0, 1, "source", 1), Span(2, 5, "verb", 1), Span(6, 7, "target", 1)],
     [("A", ("source",)), (" ", ()), ("hit", ("verb",)), (" ", ()), ("B", ("target",)),
      (".", ())]),
    # the same words are one event's source and another's target
    ("Japan and Korea", [Span(0, 5, "source", 1), Span(0, 5, "target", 2)],
     [("Japan", ("source", "target")), (" and Korea", ())]),
    # a quote around an event
    ('"A hit B", he said', [Span(1, 8, "quote", None), Span(3, 6, "verb", 4)],
     [('"', ()), ("A ", ("quote",)), ("hit", ("verb", "quote")), (" B", ("quote",)),
      ('", he said', ())]),
])
def test_segments(text: str, spans: list[Span], expected: list[tuple[str, tuple[str, ...]]]
                  ) -> None:
    parts = segments(text, spans)
    assert [(p.text, p.roles) for p in parts] == expected
    assert "".join(p.text for p in parts) == text


WARMED = ["/api/overview", "/api/network", "/api/alerts", "/api/actors/PRK", "/api/actors/USA",
          "/api/events", "/events", "/api/events?page=2&size=3",
          "/", "/network", "/alerts", "/actors/PRK"]


def test_pages_computed_ahead_are_the_same_answers(client: TestClient, web_db: str) -> None:
    """With the warmer (as 'blocwatch serve' runs), the overview, network, alerts, top
    actors' and top dyads' pages are ready before they are asked (no build on request) and equal the
    answers computed on request."""
    store = open_readonly(web_db)
    try:
        warm_app = create_app(store, warm=True, refresh=0.05)
        with TestClient(warm_app) as warm:
            assert warm_app.state.warmer.ready.wait(30)
            built = warm_app.state.view_cache.builds
            assert built >= 5  # graph, overview, network, alerts, the top actors
            top = warm.get("/api/overview").json()["top_dyads"]
            dyads = [f"/api/dyads/{d['a']}/{d['b']}" for d in top] + [
                f"/dyads/{d['a']}/{d['b']}" for d in top]
            assert top
            answers = {path: warm.get(path) for path in WARMED + dyads}
            assert warm_app.state.view_cache.builds == built
    finally:
        store.close()
    for path, answer in answers.items():
        fresh = client.get(path)
        assert answer.status_code == fresh.status_code == 200, path
        if path.startswith("/api/"):
            assert answer.json() == fresh.json(), path
        else:
            assert answer.text == fresh.text, path


@pytest.mark.parametrize("shown", [1, 2, 3, 200])
@pytest.mark.parametrize("path", ["PRK", "USA", "UKR", "RUSMIL", "KORGOV", "NATO",
                                  "PRK?since=2022-07-01&period=week",
                                  "USA?modality=asserted&modality=intended&period=day"])
def test_actor_page_counted_in_sql_is_what_its_events_give(
        client: TestClient, web_db: str, monkeypatch: pytest.MonkeyPatch, shown: int,
        path: str) -> None:
    """The actor page counts its timeline in the database and reads only its latest
    ``ACTOR_EVENTS`` events: the same counts, dates and listed events as reading every
    event of the actor (the earlier way), the periods' ``event_ids`` the listed ones."""
    monkeypatch.setattr(views, "ACTOR_EVENTS", shown)
    state = client.app.state  # type: ignore[attr-defined]
    kept, state.view_cache = state.view_cache, ViewCache(state.store)
    try:
        data = client.get(f"/api/actors/{path}").json()
    finally:
        state.view_cache = kept
    code, _, query = path.partition("?")
    asked = dict(x.split("=") for x in query.split("&")) if query else {}
    modalities = tuple(v for k, v in (x.split("=") for x in query.split("&") if x)
                       if k == "modality") or ("asserted",)
    store = open_readonly(web_db)
    try:
        index = views.ActorIndex.load(store)
        key, by_sector = index.resolve(code)
        codes = sorted({a.code for a in index.members(key, by_sector)} | {key})
        every = views.queries.involving(store, key, codes, views.EventFilter(
            since=asked.get("since")), by_sector)
    finally:
        store.close()
    assert every, "the case should have events"
    period = asked.get("period", "month")
    buckets: dict[str, list] = {}
    for x in every:
        if x.date and x.modality in modalities:
            buckets.setdefault(views.period_of(x.date, period), []).append(x)
    listed = [x.id for x in every[-shown:]]
    assert data["event_count"] == len(every)
    assert data["first_date"] == min(x.date for x in every if x.date)
    assert data["last_date"] == max(x.date for x in every if x.date)
    assert [e["event_id"] for e in data["events"]] == listed[::-1]
    assert [(p["period"], p["events"], p["cooperation"], p["conflict"], p["goldstein_mean"],
             p["event_ids"]) for p in data["series"]] == [
        (label, len(xs), sum(x.quad_class <= 2 for x in xs),
         sum(x.quad_class > 2 for x in xs), round(sum(x.goldstein for x in xs) / len(xs), 3),
         [x.id for x in xs if x.id in listed]) for label, xs in sorted(buckets.items())]


@pytest.mark.parametrize("shown", [1, 2, 3, 5, 200])
def test_actor_latest_events_with_undated_ones(web_db: str, tmp_path: Path, shown: int
                                               ) -> None:
    """Undated events come last in an actor's events, so they are the latest listed."""
    path = tmp_path / "undated.db"
    path.write_bytes(Path(web_db.removeprefix("sqlite:///")).read_bytes())
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE events SET date = NULL WHERE id IN (SELECT id FROM events WHERE "
                     "source_code LIKE 'PRK%' OR target_code LIKE 'PRK%' ORDER BY id LIMIT 2)")
    store = open_readonly(f"sqlite:///{path}")
    try:
        index = views.ActorIndex.load(store)
        codes = sorted({a.code for a in index.members("PRK", False)} | {"PRK"})
        window = views.EventFilter()
        every = views.queries.involving(store, "PRK", codes, window, False)
        days = views.queries.involving_days(store, "PRK", codes, window, False)
        latest = views.queries.involving_latest(store, "PRK", codes, window, False, shown,
                                                days)
    finally:
        store.close()
    assert [x.date for x in every[-2:]] == [None, None]
    assert sum(x.events for x in days) == len(every)
    assert latest == every[-shown:]


@pytest.mark.parametrize("size", [1, 2, 500])
def test_alerts_page_through_every_alert_latest_first(client: TestClient, size: int) -> None:
    every = client.get("/api/alerts?alpha=0.5&min_events=1&size=500").json()
    assert every["total"] == len(every["alerts"]) >= 2, "the case should have alerts"
    keys = [(x["period"], x["a"], x["b"]) for x in every["alerts"]]
    assert keys == sorted(keys, reverse=True)
    pages, seen = every["total"] // size + (every["total"] % size > 0), []
    for page in range(1, pages + 1):
        data = client.get(f"/api/alerts?alpha=0.5&min_events=1&size={size}&page={page}").json()
        assert (data["page"], data["pages"], data["total"]) == (page, pages, every["total"])
        seen += data["alerts"]
    assert seen == every["alerts"]
    beyond = client.get(f"/api/alerts?alpha=0.5&min_events=1&size={size}&page={pages + 1}")
    assert beyond.status_code == 404
    assert beyond.json()["error"] == (f"page {pages + 1} does not exist: {every['total']} "
                                      f"alert(s) make {pages} page(s) of {size}; use page 1 "
                                      f"to {pages}")
    html = client.get(f"/alerts?alpha=0.5&min_events=1&size={size}&page=1").text
    assert ('rel="next"' in html) == (pages > 1)
