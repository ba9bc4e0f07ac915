"""Shared fixtures: warehouses on every tested engine, and the rule that CI never skips."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from queries.schema import create_schema
from queries.warehouse import make_engine

PG_URL_VAR = "RADAR_TEST_PG_URL"
ENGINE_KINDS = ("duckdb", "sqlite", "postgresql")


def in_ci() -> bool:
    """True under CI, where a missing server or browser must fail rather than skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, reason: str) -> None:
    """Skip locally when a real part is missing; fail under CI."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """URL of the throwaway PostgreSQL server that scripts/test.sh starts."""
    url = os.environ.get(PG_URL_VAR)
    require(bool(url), f"{PG_URL_VAR} is not set; run the tests with scripts/test.sh")
    assert url
    return url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"radar_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def engine_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL for an empty warehouse of the given kind."""
    if kind == "duckdb":
        return f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(params=ENGINE_KINDS)
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty warehouse with the schema, once per tested engine."""
    if request.param == "postgresql":
        request.node.add_marker(pytest.mark.postgres)
    engine = make_engine(engine_url(request.param, tmp_path, request))
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def duck_engine(tmp_path: Path) -> Iterator[Engine]:
    """An empty DuckDB warehouse with the schema."""
    engine = make_engine(f"duckdb:///{tmp_path / 'warehouse.duckdb'}")
    create_schema(engine)
    yield engine
    engine.dispose()
