"""Databases for the store tests: a SQLite file in a temporary folder, or a fresh database on
the PostgreSQL server named by ``BLOCWATCH_TEST_PG_URL`` (``scripts/pg-test-server start``
runs one; ``.ci/run`` does).  With CI set, a missing server fails the tests, never skips them.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from blocwatch.store.database import Store, normalise_url

BACKENDS = ("sqlite", "postgresql")
PG_ENV = "BLOCWATCH_TEST_PG_URL"


def pg_server_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        message = (f"{PG_ENV} is not set: start a test server with "
                   f"'eval \"$(scripts/pg-test-server start)\"'")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextlib.contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of ``backend``, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = make_url(normalise_url(pg_server_url()))
    name = f"bw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def event_snapshot(store: Store) -> list[tuple[Any, ...]]:
    """Every stored event and its reports, without database ids: equal for two stores that
    hold the same events."""
    rows = []
    for row in store.events():
        reports = tuple((r.document_key, r.sentence_index, r.verb, r.sentence)
                        for r in store.reports(row.id))
        data = row.event.to_dict()
        rows.append((repr(sorted(data.items())), row.report_count, row.mention_count, reports))
    return sorted(rows)


def document_snapshot(store: Store) -> list[tuple[Any, ...]]:
    return sorted((d.key, d.status, d.duplicate_kind, d.error, d.reports)
                  for d in store.documents())
