"""``blocwatch serve`` against hostile requests, over the web tests' database
(``web_fixtures``):

- schemathesis generates requests for every operation of ``/openapi.json``, valid ones and
  invalid ones: never a server error, every answer (status, content type, body, headers)
  as the schema documents it, valid requests accepted, invalid ones refused with a 4xx;
- SQL injection, path traversal, NUL bytes, very long and odd Unicode values in every path
  and query parameter of every route (read from the app's routes, so a new route or
  parameter is covered without touching this file): a 4xx or a normal answer that leaks
  nothing and echoes no markup, and a database that is byte-for-byte the same afterwards;
- the static files never come from outside their folder, through the app and through a
  real server on a loopback port;
- there is no write endpoint, and the served store refuses writes on SQLite and PostgreSQL;
- the server listens on loopback by default and warns when told to listen elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import params as fastapi_params
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import Failure, FailureGroup
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.routing import Mount
from typer.testing import CliRunner

from blocwatch.cli import app as cli_app
from blocwatch.cli.serve import exposure_warning
from blocwatch.store.database import Store
from blocwatch.web import create_app, open_readonly
from web_fixtures import build_database

# Generated cases per operation and generation mode (valid / invalid data).
CASES = int(os.environ.get("BLOCWATCH_SCHEMATHESIS_CASES", "30"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
# Valid one by one, refused together: the schema cannot say so (a 422 that says why)
CROSS_FIELD_RULES = ("swap them", "two different actors")
# A valid value for each path parameter, so that another parameter can carry the payload
PATH_VALUES = {"a": "USA", "b": "PRK", "code": "PRK", "doc_id": "1"}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


@pytest.fixture(scope="module")
def web_db(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_database(tmp_path_factory.getbasetemp() / "web", shared)


@pytest.fixture(scope="module")
def app(web_db: str) -> Iterator[Any]:
    store = open_readonly(web_db)
    yield create_app(store)
    store.close()


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def database_state(url: str) -> tuple[str, list[tuple[str, int]]]:
    """The database file's SHA-256 and every table with its row count."""
    path = Path(url.removeprefix("sqlite:///"))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        counts = [(t, conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                  for t in tables]
    conn.close()
    return hashlib.sha256(path.read_bytes()).hexdigest(), counts


# -- schemathesis -------------------------------------------------------------------------
def _has_parameters(operation: Any) -> bool:
    return bool(operation.definition.raw.get("parameters"))


def _run_operation(operation: Any, mode: GenerationMode) -> tuple[int, list[str]]:
    """(cases run, failures) of one operation in one generation mode."""
    cases, failures = [0], []
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @settings(max_examples=CASES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        cases[0] += 1
        response = case.call()
        where = f"{response.status_code} GET {response.request.url}"
        try:
            case.validate_response(response, checks=checks)
        except (Failure, FailureGroup) as err:
            failures.append(f"{where}: {str(err).strip().splitlines()[0]}")
        if mode is GenerationMode.POSITIVE and response.status_code not in (200, 404) and \
                not any(rule in response.text for rule in CROSS_FIELD_RULES):
            failures.append(f"{where}: valid request refused: {response.text[:200]}")

    try:
        run()
    except Unsatisfiable:  # no invalid request can be made for an operation without input
        assert mode is GenerationMode.NEGATIVE and not _has_parameters(operation)
    return cases[0], failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid-data", "invalid-data"])
def test_schemathesis_finds_nothing(app: Any, web_db: str, mode: GenerationMode,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    before = database_state(web_db)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    figures, failures = {}, []
    for operation in operations:
        cases, found = _run_operation(operation, mode)
        figures[operation.label] = cases
        failures += [f"{operation.label}: {f}" for f in found]
    with capsys.disabled():
        print(f"\nschemathesis ({mode.value} data): {len(operations)} operations, "
              f"{sum(figures.values())} cases", end="")
    assert not failures, "\n".join(failures[:20])
    # every operation got cases (invalid ones only where there is a parameter to spoil)
    assert all(figures[op.label] >= 1 for op in operations
               if mode is GenerationMode.POSITIVE or _has_parameters(op)), figures
    assert database_state(web_db) == before


def test_the_schema_documents_our_errors(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"error", "status"}
    for path, operations in schema["paths"].items():
        responses = operations["get"]["responses"]
        assert {"200", "404", "422", "503"} <= set(responses), path
        assert "HTTPValidationError" not in str(responses), path
        for parameter in operations["get"].get("parameters", []):  # standard keywords only
            assert not {"ge", "le", "gt", "lt"} & set(str(parameter["schema"]).split("'")), \
                (path, parameter)


# -- injection and traversal in every parameter ---------------------------------------------
PAYLOADS = [
    "' OR 1=1 --", "' OR '1'='1", '"; DROP TABLE events; --', "1; DELETE FROM documents",
    "USA' UNION SELECT name, sql FROM sqlite_master --", "1 OR 1=1", "%' --", "\\'; --",
    "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "....//....//etc/passwd", "/etc/passwd", "..\\..\\windows\\win.ini", "file:///etc/passwd",
    "USA\x00", "\x00", "%00", "USA%00.css", "A" * 10_000, "9" * 400, "-1", "1e309", "NaN",
    "Ünïcødé", "\U0001f1fa\U0001f1f8", "\u202eASU", "\ufeffUSA", "\u0000\u00a0",
    "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/x}", "{{7*7}}", "USA\r\nX-Injected: 1",
]
# What an answer must never hold: table definitions, a password file, a traceback or a
# database error (none of them is part of a payload, which error messages quote)
LEAKS = ("CREATE TABLE", "root:x:0:0", "[extensions]", "Traceback", "sqlalchemy",
         "OperationalError", "sqlite3.")
MARKUP = "<script>alert(1)</script>"


def hostile_answer(response: Any) -> list[str]:
    """What is wrong with the answer to a hostile request (nothing, it is hoped)."""
    wrong = [f"leaks {m!r}" for m in LEAKS if m in response.text]
    if response.status_code not in (200, 404, 422):
        wrong.append(f"status {response.status_code}")
    if "x-injected" in response.headers:
        wrong.append("a header was injected")
    kind = response.headers["content-type"]
    if kind.startswith("text/html") and MARKUP in response.text:
        wrong.append("markup echoed unescaped")
    if kind == "application/json" and response.status_code != 200:
        error = response.json().get("error", "")
        if not error or "\n" in error:
            wrong.append(f"not a one-line error: {error!r}")
    return wrong


def leaf_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(full path, route) of every route, also those of included routers (FastAPI keeps
    each included router as one entry of ``app.routes``)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from leaf_routes(inner.routes, prefix + route.include_context.prefix)
        else:
            yield prefix + route.path, route


def route_parameters(app: Any) -> list[tuple[str, str, str]]:
    """(path template, parameter location, name) of every parameter of every route."""
    out = []
    for path, route in leaf_routes(app.routes):
        if isinstance(route, APIRoute):
            for field in get_flat_params(route.dependant):
                where = "path" if isinstance(field.field_info, fastapi_params.Path) else "query"
                out.append((path, where, field.alias))
    return out


def _url(template: str, where: str, name: str, payload: str) -> str:
    values = {k: urllib.parse.quote(v, safe="") for k, v in PATH_VALUES.items()}
    query = ""
    if where == "path":
        values[name] = urllib.parse.quote(payload, safe="")
    else:
        query = "?" + urllib.parse.urlencode({name: payload})
    return template.format(**values) + query


def test_every_parameter_is_enumerated(app: Any, client: TestClient) -> None:
    """The routes' parameters are the OpenAPI schema's, and every page has its API twin's."""
    found = set(route_parameters(app))
    documented = {(path, p["in"], p["name"])
                  for path, ops in client.get("/openapi.json").json()["paths"].items()
                  for p in ops["get"].get("parameters", [])}
    assert documented == {p for p in found if p[0].startswith("/api/")}
    pages = {(path.removeprefix("/api"), w, n) for path, w, n in documented
             if not path.endswith(".csv")}
    assert pages <= found
    assert len(found) >= 60


def test_injection_and_traversal_in_every_parameter(app: Any, client: TestClient, web_db: str,
                                                    capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    assert not any(leak in payload for leak in LEAKS for payload in PAYLOADS)
    before = database_state(web_db)
    parameters = route_parameters(app)
    statuses: Counter[int] = Counter()
    problems = []
    for template, where, name in parameters:
        for payload in PAYLOADS:
            url = _url(template, where, name, payload)
            response = client.get(url)
            statuses[response.status_code] += 1
            wrong = hostile_answer(response)
            if wrong:
                problems.append(f"{url[:120]}: {wrong}: {response.text[:150]}")
    requests = len(parameters) * len(PAYLOADS)
    with capsys.disabled():
        print(f"\ninjection/traversal: {len(parameters)} parameters x {len(PAYLOADS)} payloads "
              f"= {requests} requests, statuses {dict(sorted(statuses.items()))}", end="")
    assert not problems, "\n".join(problems[:20])
    assert sum(statuses.values()) == requests and not any(s >= 500 for s in statuses)
    assert database_state(web_db) == before


@pytest.mark.parametrize("payload", ["' OR 1=1 --", '"; DROP TABLE events; --'])
@pytest.mark.parametrize("name", ["actor", "source", "target", "code", "root"])
def test_an_injected_filter_is_refused_not_run(client: TestClient, name: str,
                                               payload: str) -> None:
    response = client.get("/api/events", params={name: payload})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == name
    assert client.get("/api/events").json()["total"] > 0  # the events are all still there


STATIC = Path(__file__).resolve().parents[2] / "src" / "blocwatch" / "web" / "static"
TRAVERSALS = [
    "/static/../app.py", "/static/../../blocwatch/web/app.py", "/static/..%2fapp.py",
    "/static/%2e%2e/app.py", "/static/%2e%2e%2fapp.py", "/static/%2e%2e%2f%2e%2e%2fcli.py",
    "/static/..%5capp.py", "/static/....//app.py", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/static/../../../../../../etc/passwd",
    "/static/../templates/base.html", "/static/blocwatch.css%00.py", "/static/%00",
    "/static/%c0%ae%c0%ae/app.py", "/static/" + "../" * 40 + "etc/passwd",
    "/static/../__init__.py", "/static/%252e%252e/app.py",
]
OUTSIDE = ("def create_app", "root:x:0:0", "{% block", "import ", "from __future__")


def asgi_get(app: Any, raw_path: str) -> tuple[int, bytes]:
    """GET a raw request path as uvicorn hands it to the app (percent-decoded ``path``,
    nothing normalised): HTTP clients would resolve the dot segments first."""
    import asyncio

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": urllib.parse.unquote(raw_path),
             "raw_path": raw_path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 8000)}
    sent: list[dict[str, Any]] = []

    async def call() -> None:
        done = asyncio.Event()
        requests = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive() -> dict[str, Any]:
            if requests:
                return requests.pop()
            await done.wait()  # the client hangs up once the answer is complete
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await app(scope, receive, send)

    asyncio.run(call())
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], b"".join(m.get("body", b"") for m in sent
                                     if m["type"] == "http.response.body")


@pytest.mark.parametrize("raw_path", TRAVERSALS)
def test_static_files_never_come_from_outside_their_folder(app: Any, raw_path: str) -> None:
    status, body = asgi_get(app, raw_path)
    assert 400 <= status < 500, (status, body[:200])
    assert not any(m.encode() in body for m in OUTSIDE), body[:300]


def test_static_files_are_served_from_their_folder(app: Any) -> None:
    status, body = asgi_get(app, "/static/blocwatch.css")
    assert status == 200 and body == (STATIC / "blocwatch.css").read_bytes()


# -- the real server: loopback by default, traversal through uvicorn -------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def raw_request(port: int, line: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"{line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def server(web_db: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[int, Path]]:
    """``blocwatch serve`` with no --host, on a free port; its port and its stderr file."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "stderr.txt"
    with log.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "blocwatch", "serve", "--db", web_db,
                                 "--port", str(port)], stderr=stderr, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    assert proc.poll() is None, log.read_text()
    yield port, log
    proc.terminate()
    proc.wait(timeout=20)


def test_serve_listens_on_loopback_by_default(server: tuple[int, Path]) -> None:
    port, log = server
    listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
    ours = [line.split()[1] for line in listening
            if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "0A"]
    assert ours == [f"0100007F:{port:04X}"], ours  # 127.0.0.1 only, in /proc's byte order
    assert b"200 OK" in raw_request(port, "GET /api/overview HTTP/1.1").split(b"\r\n")[0]
    said = log.read_text()
    assert f"read-only at http://127.0.0.1:{port}/" in said and "warning" not in said, said


@pytest.mark.parametrize("raw_path", TRAVERSALS[:12])
def test_traversal_through_the_real_server(server: tuple[int, Path], raw_path: str) -> None:
    answer = raw_request(server[0], f"GET {raw_path} HTTP/1.1")
    status = int(answer.split(b" ", 2)[1]) if answer else 400
    assert 400 <= status < 500, answer[:300]
    assert not any(m.encode() in answer for m in OUTSIDE), answer[:300]


def test_the_default_host_is_loopback() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0 and "127.0.0.1" in result.output


HOSTS = [("127.0.0.1", False), ("::1", False), ("[::1]", False), ("localhost", False),
         ("127.0.1.1", False), ("0.0.0.0", True), ("::", True), ("[::]", True),
         ("192.168.1.20", True), ("10.0.0.5", True), ("fe80::1", True),
         ("dashboard.example.org", True)]


@pytest.mark.parametrize(("host", "warns"), HOSTS)
def test_serve_warns_when_bound_beyond_loopback(web_db: str, monkeypatch: pytest.MonkeyPatch,
                                                host: str, warns: bool) -> None:
    """What ``blocwatch serve --host HOST`` prints; nothing is bound or served here."""
    import uvicorn

    import blocwatch.cli.serve as cli_serve

    bound = []
    monkeypatch.setattr(cli_serve, "listen", lambda h, p: bound.append((h, p)) or socket.socket())
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    result = CliRunner().invoke(cli_app, ["serve", "--db", web_db, "--host", host])
    assert result.exit_code == 0, result.output
    assert bound == [(host, 8000)]
    assert ("no authentication" in result.output) == warns, result.output
    assert (exposure_warning(host) is not None) == warns


# -- no write endpoint, a store that cannot write ------------------------------------------
def test_only_get_and_head_routes(app: Any) -> None:
    routes = list(leaf_routes(app.routes))
    assert len(routes) >= 17  # 8 API operations, 7 pages, the schema, the static files
    for path, route in routes:
        if isinstance(route, Mount):
            assert path == "/static", path  # StaticFiles answers GET and HEAD only
        else:
            assert set(route.methods) <= {"GET", "HEAD"}, (path, route.methods)


def concrete_paths(app: Any) -> list[str]:
    paths = [p.format(**PATH_VALUES) for p, r in leaf_routes(app.routes)
             if not isinstance(r, Mount)]
    return [*paths, "/static/blocwatch.css"]


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_every_route_refuses_every_other_method(app: Any, client: TestClient, web_db: str,
                                                method: str) -> None:
    before = database_state(web_db)
    for path in concrete_paths(app):
        response = client.request(method, path, json={"id": 1, "text": "x"})
        assert response.status_code == 405, (method, path, response.status_code)
        assert "read-only" in response.text, (method, path)
        assert response.headers["allow"] == "GET, HEAD", (method, path)
    assert database_state(web_db) == before


@pytest.mark.parametrize("statement", [
    "DELETE FROM events", "UPDATE documents SET title = 'x'", "DROP TABLE events",
    "CREATE TABLE intruder (x INTEGER)", "INSERT INTO migrations (name) VALUES ('x')",
])
def test_the_served_store_refuses_every_write(db_url: str, statement: str) -> None:
    Store(db_url).close()  # an empty, migrated database
    store = open_readonly(db_url)
    try:
        with pytest.raises(DBAPIError, match="(?i)read-?only"):
            with store.engine.begin() as conn:
                conn.execute(text(statement))
    finally:
        store.close()
