"""The JSON API: one endpoint per dashboard page, under ``/api``, and the events as CSV.
Each returns the page's view record (:mod:`.views`); FastAPI derives the OpenAPI schema
(``/openapi.json``) from those records and the validated parameters (:mod:`.params`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from blocwatch.store import export
from blocwatch.store.database import Store
from blocwatch.web import params, views
from blocwatch.web.cache import ViewCache
from blocwatch.web.problems import ERROR_RESPONSES

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)


def get_store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


StoreDep = Annotated[Store, Depends(get_store)]


def get_cache(request: Request) -> ViewCache:
    return request.app.state.view_cache  # type: ignore[no-any-return]


CacheDep = Annotated[ViewCache, Depends(get_cache)]


@router.get("/overview", summary="Counts, top dyads and actors, latest alerts and documents")
def overview(store: StoreDep, cache: CacheDep) -> views.Overview:
    return cache.get("overview", (), lambda: views.overview(store, cache.get))


@router.get("/network", summary="The signed actor graph of a window, with its blocs")
def network(store: StoreDep, cache: CacheDep, p: params.Network) -> views.NetworkView:
    return cache.get("network", p, lambda: views.network(store, p))


@router.get("/dyads/{a}/{b}", summary="Cooperation and conflict between two actors over time")
def dyad(store: StoreDep, cache: CacheDep, a: params.ActorPath, b: params.ActorPath,
         p: params.Dyad) -> views.DyadView:
    return cache.get("dyad", (a.upper(), b.upper(), p), lambda: views.dyad(store, a, b, p))


@router.get("/events", summary="Events matching the filters of 'blocwatch events', a page")
def events(store: StoreDep, cache: CacheDep, p: params.Events) -> views.EventPage:
    return views.event_page(store, p, cache.get)


@router.get("/events.csv", summary="Every event matching the filters, as CSV",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}},
                             "description": "The columns of 'blocwatch events --format csv'."}})
def events_csv(store: StoreDep, p: params.Events) -> StreamingResponse:
    rows = store.events(p.filters)
    return StreamingResponse(_csv_chunks(rows), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition":
                                      'attachment; filename="blocwatch-events.csv"'})


def _csv_chunks(rows: Iterator, chunk: int = 500) -> Iterator[str]:  # type: ignore[type-arg]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=export.EVENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for n, row in enumerate(rows, 1):
        writer.writerow(export.event_row(row))
        if n % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@router.get("/documents/{doc_id}",
            summary="A document's coded sentences with the evidence of every event")
def document(store: StoreDep, doc_id: params.DocIdPath) -> views.DocumentView:
    return views.document(store, doc_id)


@router.get("/actors/{code}", summary="An actor's relations, quotes and events over time")
def actor(store: StoreDep, cache: CacheDep, code: params.ActorPath, p: params.Actor
          ) -> views.ActorView:
    return cache.get("actor", (code.upper(), p), lambda: views.actor(store, code, p, cache.get))


@router.get("/alerts", summary="Escalation alerts with their evidence events")
def alerts(store: StoreDep, cache: CacheDep, p: params.Alerts) -> views.AlertsView:
    return cache.get("alerts", p, lambda: views.alerts(store, p, cache.get))
