"""The HTML pages: each builds the same view record as its JSON twin (:mod:`.api`) and
renders it with a Jinja2 template; charts are SVG drawn on the server (:mod:`.charts`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from blocwatch.web import charts, params, views
from blocwatch.web.api import CacheDep, StoreDep

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def render(request: Request, template: str, page: str, title: str, **context: Any
           ) -> HTMLResponse:
    query = request.url.query
    api_url = "/api" + ("/overview" if request.url.path == "/" else request.url.path)
    html = request.app.state.templates.get_template(template).render(
        page=page, title=title, q=request.query_params,
        api_url=api_url + (f"?{query}" if query else ""), **context)
    return HTMLResponse(html)


def with_query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters replaced (None: removed)."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    items += [(k, str(v)) for k, v in changes.items() if v is not None]
    return urlencode(items)


@router.get("/")
def overview(request: Request, store: StoreDep, cache: CacheDep) -> HTMLResponse:
    return render(request, "overview.html", "overview", "Overview",
                  view=cache.get("overview", (), lambda: views.overview(store, cache.get)))


@router.get("/network")
def network(request: Request, store: StoreDep, cache: CacheDep, p: params.Network
            ) -> HTMLResponse:
    view = cache.get("network", p, lambda: views.network(store, p))
    # drilling down keeps the window and modalities of the network
    keep = [(k, v) for k, v in (("since", p.since), ("until", p.until)) if v]
    keep += [("modality", m) for m in p.modalities if p.modalities != ("asserted",)]
    drawn = {x for e in view.edges for x in (e.a, e.b)}  # the strongest edges' actors
    return render(request, "network.html", "network", "Network", view=view,
                  svg=charts.network_svg([n for n in view.nodes if n.id in drawn], view.edges),
                  drill=f"?{urlencode(keep)}" if keep else "")


def _dyad_chart(series: Any) -> charts.TimelineSvg:
    return charts.timeline_svg([
        charts.TimelinePoint(p.period, p.quad[0] + p.quad[1], p.quad[2] + p.quad[3],
                             p.goldstein_mean, f"period-{p.period}") for p in series])


def _actor_chart(series: Any) -> charts.TimelineSvg:
    return charts.timeline_svg([
        charts.TimelinePoint(p.period, p.cooperation, p.conflict, p.goldstein_mean, "events")
        for p in series])


@router.get("/dyads/{a}/{b}")
def dyad(request: Request, store: StoreDep, cache: CacheDep, a: params.ActorPath,
         b: params.ActorPath, p: params.Dyad) -> HTMLResponse:
    view = cache.get("dyad", (a.upper(), b.upper(), p), lambda: views.dyad(store, a, b, p))
    return render(request, "dyad.html", "dyad", f"{view.a} – {view.b}", view=view,
                  chart=_dyad_chart(view.series),
                  by_period=views.events_by_period(view.series, view.events))


@router.get("/events")
def events(request: Request, store: StoreDep, cache: CacheDep, p: params.Events
           ) -> HTMLResponse:
    view = views.event_page(store, p, cache.get)
    return render(request, "events.html", "events", "Events", view=view,
                  csv_url="/api/events.csv?" + with_query(request, page=None, size=None),
                  prev_url=with_query(request, page=view.page - 1) if view.page > 1 else None,
                  next_url=with_query(request, page=view.page + 1)
                  if view.page < view.pages else None)


@router.get("/documents/{doc_id}")
def document(request: Request, store: StoreDep, doc_id: params.DocIdPath) -> HTMLResponse:
    view = views.document(store, doc_id)
    title = view.document.title or view.document.key
    return render(request, "document.html", "document", title, view=view,
                  segments={s.index: views.segments(s.text, s.spans) for s in view.sentences})


@router.get("/actors/{code}")
def actor(request: Request, store: StoreDep, cache: CacheDep, code: params.ActorPath,
          p: params.Actor) -> HTMLResponse:
    view = cache.get("actor", (code.upper(), p), lambda: views.actor(store, code, p, cache.get))
    return render(request, "actor.html", "actor", view.code, view=view,
                  chart=_actor_chart(view.series))


@router.get("/alerts")
def alerts(request: Request, store: StoreDep, cache: CacheDep, p: params.Alerts
           ) -> HTMLResponse:
    view = cache.get("alerts", p, lambda: views.alerts(store, p, cache.get))
    return render(request, "alerts.html", "alerts", "Alerts", view=view,
                  prev_url=with_query(request, page=view.page - 1) if view.page > 1 else None,
                  next_url=with_query(request, page=view.page + 1)
                  if view.page < view.pages else None)
