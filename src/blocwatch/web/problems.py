"""What the dashboard answers with a 4xx: a bad parameter (422) or something that is not in
the database (404).  Messages are one line and say what to do."""

from __future__ import annotations

from ..errors import BlocwatchError, UsageError


class BadInput(UsageError):
    """A parameter that passed its type check but makes no sense (422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(BlocwatchError):
    """An actor, document or page that the database does not hold (404)."""
