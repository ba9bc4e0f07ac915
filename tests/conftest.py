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


def _uses_postgres(item: pytest.Item) -> bool:
    """True for tests that talk to the PostgreSQL server."""
    if {"postgres_url", "postgres_server_url"} & set(getattr(item, "fixturenames", ())):
        callspec = getattr(item, "callspec", None)
        if callspec is None or "any_engine" not in callspec.params:
            return True
    callspec = getattr(item, "callspec", None)
    return bool(callspec) and "postgresql" in callspec.params.values()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every PostgreSQL test so the run can report how many there were."""
    for item in items:
        if _uses_postgres(item):
            item.add_marker(pytest.mark.postgres)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001, ARG001
    """Say how many PostgreSQL tests ran, so CI output shows the real server was used."""
    outcomes = {"passed": 0, "failed": 0, "skipped": 0}
    for outcome in outcomes:
        for report in terminalreporter.stats.get(outcome, []):
            if "postgres" in getattr(report, "keywords", {}) and report.when in ("call", "setup"):
                if outcome == "passed" and report.when != "call":
                    continue
                outcomes[outcome] += 1
    server = os.environ.get(PG_URL_VAR, "not configured")
    server = make_url(server).render_as_string(hide_password=True) if "://" in server else server
    terminalreporter.write_sep("-", "PostgreSQL")
    terminalreporter.write_line(
        f"PostgreSQL tests against {server}: {outcomes['passed']} passed, "
        f"{outcomes['failed']} failed, {outcomes['skipped']} skipped"
    )


def pytest_unconfigure(config) -> None:  # noqa: ANN001, ARG001
    """Collect reference cycles before exit, so DuckDB's bindings see no live objects at exit."""
    import gc

    gc.collect()


@pytest.fixture
def fresh_streamlit_caches() -> Iterator[None]:
    """Clear Streamlit's caches around a test: cached values would leak between AppTests."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    from pages.common import wait_for_warm_up

    wait_for_warm_up()  # a warm-up still running would fill the caches again after clearing
    st.cache_data.clear()
    st.cache_resource.clear()
    # The dashboard's cached engines hold read-only DuckDB connections until collected, and
    # DuckDB refuses a read-write open of the same file in this process while one is alive.
    import gc

    gc.collect()
