"""What the dashboard answers with a 4xx: a bad parameter (422) or something that is not in
the database (404).  Messages are one line and say what to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blocwatch.errors import BlocwatchError, UsageError


class BadInput(UsageError):
    """A parameter that passed its type check but makes no sense (422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(BlocwatchError):
    """An actor, document or page that the database does not hold (404)."""


@dataclass(frozen=True)
class FieldProblem:
    """One bad parameter and what to do about it."""

    field: str
    message: str


@dataclass(frozen=True)
class Problem:
    """The JSON body of every API error (4xx and 503): a one-line message that says what to
    do, the status again, and for a 422 the bad parameters one by one."""

    error: str
    status: int
    errors: tuple[FieldProblem, ...] = ()


# The error answers every API operation documents in /openapi.json (FastAPI's own 422
# model would describe a body the handlers never send).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Not in the database, or no such page."},
    422: {"model": Problem, "description": "A bad parameter: the message says what to do."},
    503: {"model": Problem, "description": "The database cannot be read right now."},
}
