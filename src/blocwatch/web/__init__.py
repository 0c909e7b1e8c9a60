"""``blocwatch serve``: a read-only dashboard and JSON API over the event store.

    >>> from blocwatch.web import create_app, open_readonly
    >>> app = create_app(open_readonly("sqlite:///blocwatch.db"))   # an ASGI app (FastAPI)

Every page (``/``, ``/network``, ``/dyads/{a}/{b}``, ``/events``, ``/documents/{id}``,
``/actors/{code}``, ``/alerts``) has a JSON twin under ``/api``; the schema is at
``/openapi.json``.  Pages and API are built from the same view records (:mod:`.views`),
which call the same library functions as the command line.
"""

from blocwatch.web.app import create_app
from blocwatch.web.readonly import open_readonly

__all__ = ["create_app", "open_readonly"]
