"""One place decides the warehouse URL; schema creation works on every engine."""

from __future__ import annotations

import threading
from datetime import date
from functools import partial
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Double,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import ProgrammingError

from queries.bulk import fetch_frame
from queries.concurrency import concurrently
from queries.schema import CONTRACT_TABLES, complaints, create_schema, metadata
from queries.warehouse import (
    DEFAULT_DB_URL,
    WarehouseError,
    check_connection,
    describe_url,
    make_engine,
    resolve_db_url,
)


def test_cli_flag_wins_then_environment_then_secrets_then_default(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.warehouse]\nurl = "sqlite:///from-secrets.sqlite"\n')
    env = {"RADAR_DB_URL": "sqlite:///from-env.sqlite"}

    assert resolve_db_url("sqlite:///flag.sqlite", environ=env, secrets_path=secrets) == (
        "sqlite:///flag.sqlite"
    )
    assert resolve_db_url(None, environ=env, secrets_path=secrets) == "sqlite:///from-env.sqlite"
    assert resolve_db_url(None, environ={}, secrets_path=secrets) == "sqlite:///from-secrets.sqlite"
    assert resolve_db_url(None, environ={}, secrets_path=tmp_path / "none.toml") == DEFAULT_DB_URL


def test_schema_is_created_with_every_table_and_is_idempotent(any_engine: Engine) -> None:
    create_schema(any_engine)  # a second time: nothing to do, no error
    tables = set(inspect(any_engine).get_table_names())
    assert set(metadata.tables) <= tables
    # duckdb-engine's inspector cannot list columns under SQLAlchemy 2.1: read a result's keys.
    with any_engine.connect() as connection:
        columns = set(connection.execute(select(complaints).limit(0)).keys())
    assert {c.name for c in CONTRACT_TABLES["complaints"].columns} == columns


def test_row_store_engines_get_the_aggregate_indexes(any_engine: Engine) -> None:
    if any_engine.dialect.name == "duckdb":
        with any_engine.connect() as connection:
            indexes = set(
                connection.execute(text("SELECT index_name FROM duckdb_indexes()")).scalars()
            )
        assert "ix_complaints_company_date" not in indexes
    else:
        indexes = {i["name"] for i in inspect(any_engine).get_indexes("complaints")}
        assert {"ix_complaints_company_date", "ix_complaints_product_date"} <= indexes


def test_unreachable_warehouse_gives_a_readable_error() -> None:
    engine = make_engine("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(WarehouseError, match="cannot reach the warehouse") as error:
        check_connection(engine)
    assert "secret" not in str(error.value)
    assert describe_url("postgresql+psycopg://u:secret@h/db") == "postgresql+psycopg://u:***@h/db"


def test_fetched_frames_keep_nulls_empty_text_booleans_dates_and_floats(any_engine: Engine) -> None:
    # PostgreSQL results arrive as CSV through COPY: NULL and '' must stay apart, 't'/'f' must
    # become booleans and floats must keep every digit, as DuckDB and SQLite return them.
    probe = Table(
        "fetch_probe",
        MetaData(),
        Column("k", Integer),
        Column("label", String),
        Column("flag", Boolean),
        Column("day", Date),
        Column("value", Double),
    )
    rows = [
        {"k": 1, "label": None, "flag": True, "day": date(2026, 9, 30), "value": 0.1 + 0.2},
        {"k": 2, "label": "", "flag": False, "day": None, "value": 1e-300},
        {
            "k": 3,
            "label": 'a "quoted", text\nline',
            "flag": None,
            "day": date(1999, 1, 1),
            "value": None,
        },
    ]
    with any_engine.begin() as connection:
        probe.create(connection)
        connection.execute(insert(probe), rows)
        schema = {
            "k": pl.Int64(),
            "label": pl.String(),
            "flag": pl.Boolean(),
            "day": pl.Date(),
            "value": pl.Float64(),
        }
        frame = fetch_frame(
            connection, select(probe).where(probe.c.k <= 3).order_by(probe.c.k), schema
        )
    assert frame.to_dicts() == rows


def test_independent_reads_run_side_by_side_and_keep_their_order(tmp_path: Path) -> None:
    engine = make_engine(f"duckdb:///{tmp_path / 'w.duckdb'}")
    both_running = threading.Barrier(2, timeout=10)

    def read(value: int) -> int:
        both_running.wait()  # would time out if the reads ran one after the other
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT {value}")).scalar_one()

    assert concurrently(engine, partial(read, 1), partial(read, 2)) == [1, 2]
    engine.dispose()


def test_reads_of_an_in_memory_database_stay_on_one_connection() -> None:
    engine = make_engine("duckdb:///:memory:")
    with engine.connect() as connection:
        connection.execute(text("CREATE TABLE t AS SELECT 7 AS v"))
        connection.commit()

    def read() -> int:
        with engine.connect() as connection:
            return connection.execute(text("SELECT v FROM t")).scalar_one()

    assert concurrently(engine, read, read) == [7, 7]


def test_a_failing_read_raises_its_error(tmp_path: Path) -> None:
    engine = make_engine(f"duckdb:///{tmp_path / 'w.duckdb'}")

    def broken() -> int:
        with engine.connect() as connection:
            return connection.execute(text("SELECT * FROM missing_table")).scalar_one()

    with pytest.raises(ProgrammingError):
        concurrently(engine, lambda: 1, broken)
    engine.dispose()


def _duckdb_setting(engine: Engine, name: str) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text(f"SELECT current_setting('{name}')")).scalar_one())


def test_read_only_duckdb_caps_its_memory_and_the_environment_changes_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    make_engine(url).dispose()  # creates the file
    monkeypatch.delenv("RADAR_DUCKDB_MEMORY_LIMIT", raising=False)
    capped = make_engine(url, read_only=True)
    assert _duckdb_setting(capped, "memory_limit") == "488.2 MiB"  # 512MB in DuckDB's units
    assert _duckdb_setting(capped, "enable_external_access").lower() == "false"
    assert _duckdb_setting(capped, "allocator_background_threads").lower() == "true"
    capped.dispose()
    monkeypatch.setenv("RADAR_DUCKDB_MEMORY_LIMIT", "1GB")
    wider = make_engine(url, read_only=True)
    assert _duckdb_setting(wider, "memory_limit") == "953.6 MiB"
    wider.dispose()
    writer = make_engine(url)  # ingest and the CLI keep DuckDB's own default
    assert _duckdb_setting(writer, "memory_limit") not in ("488.2 MiB", "953.6 MiB")
    writer.dispose()
