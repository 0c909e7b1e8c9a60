"""The ASGI application: JSON API (:mod:`.api`), HTML pages (:mod:`.pages`), vendored static
files, and error handlers that turn every bad request into a clear 4xx with a one-line
message (JSON under ``/api``, an HTML page elsewhere), never a 500."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from blocwatch.errors import StoreError
from blocwatch.store.database import Store
from blocwatch.version import __version__
from blocwatch.web import api, pages
from blocwatch.web.cache import ViewCache, Warmer, default_views
from blocwatch.web.params import HINTS
from blocwatch.web.problems import BadInput, NotFound

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

SHOWN = 80  # characters of a bad value quoted in an error message


def create_app(store: Store, *, warm: bool = False, refresh: float = 5.0) -> FastAPI:
    """The dashboard over ``store`` (open it with :func:`~blocwatch.web.open_readonly`).
    With ``warm``, while the app runs (its lifespan), a :class:`~.cache.Warmer` keeps the
    overview, network and alerts pages computed, looking for new writes every ``refresh``
    seconds (``app.state.warmer.ready`` is set after its first round).  The interactive
    docs pages are off: they would load scripts from a CDN."""
    cache = ViewCache(store)
    warmer = Warmer(cache, default_views, refresh) if warm else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warmer:
            warmer.start()
        try:
            yield
        finally:
            if warmer:
                warmer.stop()

    app = FastAPI(title="blocwatch", version=__version__, docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  description="Read-only dashboard and JSON API over a blocwatch event store. "
                              "Every page has a JSON twin under /api.")
    app.state.store = store
    app.state.view_cache = cache
    app.state.warmer = warmer
    app.state.templates = templates()
    static = resources.files("blocwatch.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(BadInput, _bad_input)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(StoreError, _unavailable)
    app.add_exception_handler(SQLAlchemyError, _unavailable)
    return app


def templates() -> Environment:
    env = Environment(loader=PackageLoader("blocwatch.web", "templates"),
                      autoescape=select_autoescape(["html", "svg"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["version"] = __version__
    return env


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def problem(request: Request, status: int, message: str, **extra: Any) -> Response:
    """The error answer: ``{"error": message, ...}`` for the API, a page for a browser."""
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status, **extra}, status_code=status)
    html = request.app.state.templates.get_template("error.html").render(
        status=status, message=message, page="error", api_url=None,
        title=f"{status} error")
    return HTMLResponse(html, status_code=status)


def describe(error: dict[str, Any]) -> tuple[str, str]:
    """``(field, one-line message)`` of one pydantic validation error."""
    loc = [str(x) for x in error.get("loc", ())]
    where, name = (loc[0], loc[1]) if len(loc) > 1 else ("query", loc[0] if loc else "?")
    msg = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    hint = HINTS.get(f"{where}.{name}") or HINTS.get(name)
    given = error.get("input")
    if isinstance(given, str) and len(given) > SHOWN:  # a 10 kB value: its start will do
        given = given[:SHOWN] + "..."
    kind = error.get("type")
    got = f" (got {given!r})" if isinstance(given, str | int | float) else ""
    if kind == "missing":
        return name, f"{where} parameter {name!r} is missing" + (f": {hint}" if hint else "")
    if kind == "string_pattern_mismatch":
        msg, got = f"{given!r} is not valid", ""
    elif kind == "value_error":  # our own validators name the value
        got = ""
    return name, f"{name}: {msg}{got}" + (f": {hint}" if hint else "")


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    described = [describe(e) for e in exc.errors()]
    errors = [{"field": f, "message": m} for f, m in described]
    return problem(request, 422, described[0][1] if described else "invalid request",
                   errors=errors)


async def _bad_input(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BadInput)
    return problem(request, 422, str(exc), errors=[{"field": exc.field, "message": str(exc)}])


async def _not_found(request: Request, exc: Exception) -> Response:
    return problem(request, 404, str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = (f"no page at {request.url.path}: see / for the dashboard, /api/... for "
                   "its JSON and /openapi.json for the API")
    elif exc.status_code == 405:
        message = (f"{request.method} is not allowed on {request.url.path}: the dashboard "
                   "is read-only, use GET")
        response = problem(request, 405, message)
        response.headers["Allow"] = "GET, HEAD"  # every route, the static files too
        return response
    else:
        message = str(exc.detail)
    return problem(request, exc.status_code, message)


async def _unavailable(request: Request, exc: Exception) -> Response:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    log.error("database error on %s: %s", request.url.path, reason[0] if reason else exc)
    return problem(request, 503, "the database cannot be read right now "
                   f"({reason[0] if reason else type(exc).__name__}): check that it is "
                   "reachable and try again")
