"""Open the event store so that no write can happen: SQLite through a read-only URI
(``file:...?mode=ro``), PostgreSQL with every transaction read-only
(``default_transaction_read_only``).  Nothing is migrated or created."""

from __future__ import annotations

import logging
import urllib.parse
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from blocwatch.errors import StoreError
from blocwatch.store.database import Store, normalise_url, sqlite_pragmas
from blocwatch.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

PG_READ_ONLY = "-c default_transaction_read_only=on"


def readonly_url(url: str) -> str:
    """The read-only form of a database URL (see the module docstring)."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        raise StoreError(f"{url!r} is not a database URL: use sqlite:///FILE or "
                         "postgresql://USER@HOST:PORT/DB") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_readonly(parsed, url)
    if backend == "postgresql":
        options = parsed.query.get("options")
        joined = " ".join([*(options if isinstance(options, tuple) else [options or ""]),
                           PG_READ_ONLY]).strip()
        return parsed.update_query_dict({"options": joined}).render_as_string(
            hide_password=False)
    raise StoreError(f"{url!r}: unsupported database {backend!r}: use sqlite:///FILE or "
                     "postgresql://USER@HOST:PORT/DB")


def _sqlite_readonly(parsed: URL, url: str) -> str:
    database = parsed.database or ""
    if database.startswith("file:"):  # already a URI: keep its path, force mode=ro
        database = urllib.parse.unquote(database[5:])
    if database in ("", ":memory:"):
        raise StoreError(f"{url!r} is an in-memory database, which is always empty: give a "
                         "database file, e.g. --db sqlite:///blocwatch.db")
    path = Path(database).expanduser().resolve()
    if not path.is_file():
        raise StoreError(f"no database at {path}: run 'blocwatch ingest' first or give --db")
    return "sqlite:///file:" + urllib.parse.quote(str(path)) + "?mode=ro&uri=true"


def _readonly_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # BEGIN is issued by the store (see store.py)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def open_readonly(url: str) -> Store:
    """A :class:`~blocwatch.store.database.Store` that can only read; checks that it is a blocwatch
    database."""
    store = Store(readonly_url(url), migrate=False)
    if store.dialect == "sqlite":
        # the store's own pragmas switch the journal to WAL, a write that a read-only
        # connection to a database in another journal mode (a backup copy) refuses
        event.remove(store.engine, "connect", sqlite_pragmas)
        event.listen(store.engine, "connect", _readonly_pragmas)
    try:
        applied = store.applied_migrations()
    except StoreError:
        store.close()
        raise
    except SQLAlchemyError as err:
        store.close()
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        raise StoreError(f"{url}: cannot read the database ({reason}): check --db") from None
    if not applied:
        store.close()
        raise StoreError(f"{url}: not a blocwatch database (no tables): run "
                         "'blocwatch ingest --db URL' to create one")
    pending = [m.name for m in MIGRATIONS if m.name not in applied]
    if pending:
        log.warning("%s: migrations %s not applied (the dashboard cannot apply them); "
                    "run 'blocwatch ingest' once to update it", url, ", ".join(pending))
    return store
