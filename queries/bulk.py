"""Bulk movement of polars frames into and out of the warehouse, per dialect's fastest path."""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping

import polars as pl
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Double,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    exists,
    insert,
    select,
)
from sqlalchemy.sql import Executable

SQLITE_BATCH_ROWS = 50_000


def polars_dtype(column: Column) -> pl.DataType:
    """The polars dtype a warehouse column is read into and written from."""
    column_type = column.type
    if isinstance(column_type, Boolean):
        return pl.Boolean()
    if isinstance(column_type, DateTime):
        return pl.Datetime("us")
    if isinstance(column_type, Date):
        return pl.Date()
    if isinstance(column_type, Double):
        return pl.Float64()
    if isinstance(column_type, Integer):
        return pl.Int64()
    if isinstance(column_type, String):
        return pl.String()
    raise TypeError(f"no polars dtype for column {column.name} of type {column_type!r}")


def table_schema(table: Table) -> dict[str, pl.DataType]:
    """Column name to polars dtype for a warehouse table."""
    return {column.name: polars_dtype(column) for column in table.columns}


def conform(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Select and cast a frame's columns to a schema; missing columns become nulls."""
    columns = []
    for name, dtype in schema.items():
        if name not in frame.columns:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
        elif frame.schema[name] == dtype:
            columns.append(pl.col(name))
        elif dtype == pl.Date() and frame.schema[name] == pl.String():
            columns.append(pl.col(name).str.to_date("%Y-%m-%d", strict=False).alias(name))
        elif dtype == pl.Boolean() and frame.schema[name] == pl.String():
            truth = {"t": True, "true": True, "f": False, "false": False}
            columns.append(pl.col(name).replace_strict(truth, return_dtype=pl.Boolean()))
        elif dtype == pl.Boolean() and frame.schema[name] in (pl.Int64(), pl.Int32()):
            columns.append((pl.col(name) != 0).alias(name))
        else:
            columns.append(pl.col(name).cast(dtype).alias(name))
    return frame.select(columns)


def _fetch_duckdb(connection: Connection, statement: Executable) -> pl.DataFrame:
    """DuckDB's own Arrow result: no per-row Python objects and no DB-API wrapper left alive."""
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    raw = connection.connection.dbapi_connection
    frame = pl.from_arrow(raw.sql(compiled.string, params=params).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame


def fetch_frame(
    connection: Connection, statement: Executable, schema: Mapping[str, pl.DataType]
) -> pl.DataFrame:
    """Run a query and return its rows as a polars frame with the given schema."""
    if connection.dialect.name == "duckdb":
        frame = _fetch_duckdb(connection, statement)
    elif connection.dialect.name == "postgresql" and _copyable(schema):
        frame = _fetch_postgresql(connection, statement)
    else:
        result = connection.execute(statement)
        frame = pl.DataFrame(
            [tuple(row) for row in result],
            schema=list(result.keys()),
            orient="row",
            infer_schema_length=None,
        )
    if frame.width == len(schema):
        frame = frame.rename(dict(zip(frame.columns, schema, strict=True)))
    return conform(frame, schema)


# Types whose PostgreSQL CSV text polars reads back exactly.
COPYABLE_TYPES = (pl.String(), pl.Int64(), pl.Float64(), pl.Date(), pl.Boolean())


def _copyable(schema: Mapping[str, pl.DataType]) -> bool:
    return all(dtype in COPYABLE_TYPES for dtype in schema.values())


def _fetch_postgresql(connection: Connection, statement: Executable) -> pl.DataFrame:
    """The rows as CSV through COPY ... TO STDOUT: ~10x faster than building a tuple per row.

    COPY takes no server-side parameters; psycopg binds them on the client, quoting each.
    Every column arrives as text and `conform` casts it; an unquoted empty field is NULL and
    a quoted one an empty string, as PostgreSQL writes them.
    """
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    buffer = io.BytesIO()
    raw = connection.connection.dbapi_connection
    with raw.cursor() as cursor:
        copy_sql = f"COPY ({compiled.string}) TO STDOUT WITH (FORMAT csv, HEADER)"
        with cursor.copy(copy_sql, compiled.params or None) as copy:
            for block in copy:
                buffer.write(block)
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        return pl.DataFrame()
    return pl.read_csv(buffer, infer_schema=False)


def _arrow_view(connection: Connection, table: Table, frame: pl.DataFrame) -> Table:
    """Register a frame with DuckDB (Arrow string views, no copy) as a table like `table`."""
    raw = connection.connection.dbapi_connection
    view_name = f"arrow_{uuid.uuid4().hex}"
    raw.register(view_name, frame.to_arrow(compat_level=pl.CompatLevel.newest()))
    return Table(view_name, MetaData(), *(Column(c, table.c[c].type) for c in frame.columns))


def _unregister(connection: Connection, view: Table) -> None:
    connection.connection.dbapi_connection.unregister(view.name)


def _insert_duckdb(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    source = _arrow_view(connection, table, frame)
    try:
        connection.execute(insert(table).from_select(frame.columns, select(source)))
    finally:
        _unregister(connection, source)


def _insert_postgresql(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    buffer = io.StringIO()
    frame.write_csv(buffer, include_header=False, null_value="", quote_style="non_numeric")
    column_list = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in frame.columns)
    table_name = connection.dialect.identifier_preparer.format_table(table)
    raw = connection.connection.dbapi_connection
    with raw.cursor() as cursor:
        copy_sql = f"COPY {table_name} ({column_list}) FROM STDIN WITH (FORMAT csv)"
        with cursor.copy(copy_sql) as copy:
            copy.write(buffer.getvalue())


def _insert_generic(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    for offset in range(0, frame.height, SQLITE_BATCH_ROWS):
        rows = frame.slice(offset, SQLITE_BATCH_ROWS).to_dicts()
        connection.execute(insert(table), rows)


def bulk_insert(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Append a frame's rows to a table: Arrow on DuckDB, COPY on PostgreSQL, executemany else."""
    if frame.height == 0:
        return
    frame = conform(frame, {c: polars_dtype(table.c[c]) for c in frame.columns})
    dialect = connection.dialect.name
    if dialect == "duckdb":
        _insert_duckdb(connection, table, frame)
    elif dialect == "postgresql":
        _insert_postgresql(connection, table, frame)
    else:
        _insert_generic(connection, table, frame)


def staging_table(target: Table) -> Table:
    """A temporary table shaped like `target`, without its constraints."""
    columns = [Column(c.name, c.type) for c in target.columns]
    return Table(
        f"stage_{target.name}_{uuid.uuid4().hex[:8]}",
        MetaData(),
        *columns,
        prefixes=["TEMPORARY"],
    )


def _insert_absent(
    connection: Connection,
    target: Table,
    source: Table,
    columns: list[str],
    key_columns: tuple[str, ...],
) -> int:
    """INSERT the rows of `source` whose key is not in `target`; how many were inserted."""
    key_match = and_(*(target.c[k] == source.c[k] for k in key_columns))
    statement = insert(target).from_select(
        columns, select(*(source.c[c] for c in columns)).where(~exists().where(key_match))
    )
    # duckdb-engine, psycopg and sqlite3 all report the rows an INSERT ... SELECT wrote;
    # SQLAlchemy passes the count on for an INSERT only when asked to keep it.
    result = connection.execute(statement.execution_options(preserve_rowcount=True))
    if result.rowcount < 0:
        raise RuntimeError(f"the {connection.dialect.name} driver did not count inserted rows")
    return int(result.rowcount)


def insert_new_rows(
    connection: Connection, target: Table, frame: pl.DataFrame, key_columns: tuple[str, ...]
) -> tuple[int, int]:
    """Insert the rows whose key is not in `target` yet; return (inserted, already present).

    The frame's keys are unique (ingest rejects repeats before this). DuckDB reads the frame
    in place through Arrow; other engines bulk-load it into a temporary table first.
    """
    if frame.height == 0:
        return 0, 0
    columns = [c.name for c in target.columns if c.name in frame.columns]
    if connection.dialect.name == "duckdb":
        source = _arrow_view(
            connection, target, conform(frame, {c: polars_dtype(target.c[c]) for c in columns})
        )
        try:
            inserted = _insert_absent(connection, target, source, columns, key_columns)
        finally:
            _unregister(connection, source)
        return inserted, frame.height - inserted
    stage = staging_table(target)
    stage.create(connection)
    try:
        bulk_insert(connection, stage, frame)
        inserted = _insert_absent(connection, target, stage, columns, key_columns)
    finally:
        stage.drop(connection)
    return inserted, frame.height - inserted
