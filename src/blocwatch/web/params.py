"""Query and path parameters of the dashboard and the API, validated before any query runs:
actor codes, dates, periods, modalities, page numbers and sizes.  A bad value gets a clear
422 (see :mod:`.app`), never a 500.  An empty form field means "not given"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Query
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from blocwatch.records import MODALITIES
from blocwatch.store.database import EventFilter
from blocwatch.web.problems import BadInput

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
ACTOR_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$"
MAX_ID = 2**63 - 1

ModalityName = Literal["asserted", "negated", "hypothetical", "intended"]
PeriodName = Literal["day", "week", "month", "quarter"]
assert set(ModalityName.__args__) == set(MODALITIES)  # type: ignore[attr-defined]

# What to do about a bad value, by "location.name" or name (used by the error handler).
HINTS = {
    "since": "use a date YYYY-MM-DD", "until": "use a date YYYY-MM-DD",
    "actor": "use an actor or country code such as USA, KORGOV or NATO",
    "source": "use an actor or country code such as USA, KORGOV or NATO",
    "target": "use an actor or country code such as USA, KORGOV or NATO",
    "a": "use an actor or country code such as USA, KORGOV or NATO",
    "b": "use an actor or country code such as USA, KORGOV or NATO",
    "path.code": "use an actor or country code such as USA, KORGOV or NATO",
    "query.code": "use a CAMEO code or code prefix of 1 to 4 digits, e.g. 11 or 112",
    "root": "use a CAMEO root code of two digits, e.g. 19",
    "quad": "use quad classes 1 to 4",
    "modality": f"use {', '.join(MODALITIES)}",
    "period": "use day, week, month or quarter",
    "page": "use a page number from 1", "size": "use a page size from 1 to 500",
    "doc_id": "use a document id from 1 (see /api/overview or /events)",
    "edges": "use a number of edges from 1 to 100000",
}


# An empty (or blank) form field: the JSON schema of every optional parameter allows it
BLANK_SCHEMA = {"type": "string", "pattern": r"^\s*$"}


@dataclass(frozen=True, slots=True)
class BlankMeans(BeforeValidator):
    """A validator that reads an empty form field as "not given", and says in the JSON
    schema (``/openapi.json``) that such a field is accepted."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = dict(handler(core_schema))
        outer = {k: schema.pop(k) for k in ("description", "title") if k in schema}
        options = schema.pop("anyOf") if "anyOf" in schema and len(schema) == 1 else [schema]
        return {"anyOf": [*options, BLANK_SCHEMA], **outer}


def _strip_blank(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


_blank = BlankMeans(_strip_blank)
"""An empty form field is a missing parameter."""


def _or(default: Any) -> BlankMeans:
    """An empty form field means the default."""
    return BlankMeans(lambda v: default if _strip_blank(v) is None else v)


def _calendar_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None


# ``format: date`` tells schema-driven clients (and schemathesis) that only calendar dates pass
Date = Annotated[str, StringConstraints(pattern=DATE_PATTERN), AfterValidator(_calendar_date),
                 Field(json_schema_extra={"format": "date"})]
ActorCode = Annotated[str, StringConstraints(pattern=ACTOR_PATTERN), AfterValidator(str.upper)]
OptDate = Annotated[Date | None, _blank]
OptActor = Annotated[ActorCode | None, _blank]

SinceQ = Annotated[OptDate, Query(description="From this date (YYYY-MM-DD).")]
UntilQ = Annotated[OptDate, Query(description="Up to this date (YYYY-MM-DD).")]
ModalityQ = Annotated[list[ModalityName], Query(
    description="Modalities to count (repeatable); default: asserted.")]
PeriodQ = Annotated[PeriodName, _or("month"), Query(description="Period.")]
ActorPath = Annotated[ActorCode, Path(description="Actor key or code: USA, KORGOV, NATO...")]
DocIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Document id (database id).")]


def _check_window(since: str | None, until: str | None) -> None:
    if since and until and since > until:
        raise BadInput("since", f"since {since} is after until {until}: swap them")


@dataclass(frozen=True)
class NetworkParams:
    since: str | None
    until: str | None
    half_life: float
    max_blocs: int
    modalities: tuple[str, ...]
    by_sector: bool
    edges: int = 150


def network_params(
    since: SinceQ = None, until: UntilQ = None,
    half_life: Annotated[Annotated[float, Field(ge=0, le=36500, allow_inf_nan=False)], _or(90.0),
                         Query(description="Decay half-life in days (0: none).")] = 90.0,
    max_blocs: Annotated[Annotated[int, Field(ge=1, le=8)], _or(4),
                         Query(description="Most blocs to look for.")] = 4,
    modality: ModalityQ = [],  # noqa: B006 - FastAPI copies defaults
    by_sector: Annotated[bool, Query(description="Actors are country+sector codes.")] = False,
    edges: Annotated[Annotated[int, Field(ge=1, le=100_000)], _or(150),
                     Query(description="How many edges to draw: the strongest.")] = 150,
) -> NetworkParams:
    _check_window(since, until)
    return NetworkParams(since, until, half_life, max_blocs, tuple(modality) or ("asserted",),
                         by_sector, edges)


@dataclass(frozen=True)
class DyadParams:
    period: str
    since: str | None
    until: str | None
    modalities: tuple[str, ...]
    directed: bool
    weighted: bool


def dyad_params(
    period: PeriodQ = "month", since: SinceQ = None, until: UntilQ = None,
    modality: ModalityQ = [],  # noqa: B006
    directed: Annotated[bool, Query(description="Only events from a to b.")] = False,
    weighted: Annotated[bool, Query(description="Count reports, not events.")] = False,
) -> DyadParams:
    _check_window(since, until)
    return DyadParams(period, since, until, tuple(modality) or ("asserted",), directed, weighted)


@dataclass(frozen=True)
class EventParams:
    filters: EventFilter
    page: int
    size: int


def event_params(
    actor: Annotated[OptActor, Query(description="Actor or country code, either side.")
                     ] = None,
    source: Annotated[OptActor, Query(description="Source actor or country code.")] = None,
    target: Annotated[OptActor, Query(description="Target actor or country code.")] = None,
    cameo: Annotated[Annotated[str, StringConstraints(pattern=r"^\d{1,4}$")] | None,
                     _blank,
                     Query(alias="code", description="CAMEO code or code prefix, e.g. 11.")
                     ] = None,
    root: Annotated[Annotated[str, StringConstraints(pattern=r"^\d{2}$")] | None,
                    _blank, Query(description="CAMEO root code, e.g. 19.")
                    ] = None,
    quad: Annotated[list[Annotated[int, Field(ge=1, le=4)]], Query(
        description="Quad class 1-4 (repeatable).")] = [],  # noqa: B006
    since: SinceQ = None, until: UntilQ = None,
    modality: Annotated[list[ModalityName], Query(description="Modalities (repeatable).")
                        ] = [],  # noqa: B006
    min_reports: Annotated[Annotated[int, Field(ge=1, le=1_000_000)] | None,
                           _blank, Query(
        description="Only events reported by at least this many documents.")] = None,
    page: Annotated[Annotated[int, Field(ge=1, le=1_000_000)], _or(1),
                    Query(description="Page number.")] = 1,
    size: Annotated[Annotated[int, Field(ge=1, le=500)], _or(50),
                    Query(description="Events per page.")] = 50,
) -> EventParams:
    _check_window(since, until)
    filters = EventFilter(actor=actor, source=source, target=target, code=cameo, root=root,
                          quad=tuple(sorted(set(quad))), since=since, until=until,
                          modality=tuple(dict.fromkeys(modality)), min_reports=min_reports)
    return EventParams(filters, page, size)


@dataclass(frozen=True)
class ActorParams:
    period: str
    since: str | None
    until: str | None
    modalities: tuple[str, ...]


def actor_params(period: PeriodQ = "month", since: SinceQ = None, until: UntilQ = None,
                 modality: ModalityQ = [],  # noqa: B006
                 ) -> ActorParams:
    _check_window(since, until)
    return ActorParams(period, since, until, tuple(modality) or ("asserted",))


@dataclass(frozen=True)
class AlertParams:
    period: str
    alpha: float
    min_events: int
    since: str | None
    modalities: tuple[str, ...]
    page: int = 1
    size: int = 50


def alert_params(
    period: Annotated[PeriodName, _or("week"), Query(description="Period.")] = "week",
    alpha: Annotated[Annotated[float, Field(gt=0, le=0.5, allow_inf_nan=False)], _or(0.01),
                     Query(description="Poisson tail probability below which a period "
                                       "alerts.")] = 0.01,
    min_events: Annotated[Annotated[int, Field(ge=1, le=100_000)], _or(3),
                          Query(description="Fewest conflict events for an alert.")] = 3,
    since: SinceQ = None,
    modality: ModalityQ = [],  # noqa: B006
    page: Annotated[Annotated[int, Field(ge=1, le=1_000_000)], _or(1),
                    Query(description="Page number (latest alerts first).")] = 1,
    size: Annotated[Annotated[int, Field(ge=1, le=500)], _or(50),
                    Query(description="Alerts per page, each with its evidence.")] = 50,
) -> AlertParams:
    return AlertParams(period, alpha, min_events, since, tuple(modality) or ("asserted",),
                       page, size)


Network = Annotated[NetworkParams, Depends(network_params)]
Dyad = Annotated[DyadParams, Depends(dyad_params)]
Events = Annotated[EventParams, Depends(event_params)]
Actor = Annotated[ActorParams, Depends(actor_params)]
Alerts = Annotated[AlertParams, Depends(alert_params)]
