"""Shared fixtures: one Coder per test session (the model loads once), and the path to
the read-only shared data (``BLOCWATCH_SHARED``, default ``../shared``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from blocwatch import Coder

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BLOCWATCH_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def coder() -> Coder:
    return Coder()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared data not found at {SHARED}: set BLOCWATCH_SHARED")
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


# -- event database (store, ingest): every such test runs on SQLite and on PostgreSQL ------
@pytest.fixture(params=("sqlite", "postgresql"))
def db_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """URL of an empty database: a SQLite file, or a new database on the PostgreSQL test
    server (BLOCWATCH_TEST_PG_URL; see scripts/pg-test-server)."""
    from storedb import database_url

    with database_url(request.param, tmp_path) as url:
        yield url
