"""Where the warehouse is, and the one engine that talks to it."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE_PATH = PROJECT_ROOT / "data" / "sample_warehouse.duckdb"
DEFAULT_DB_URL = f"duckdb:///{DEFAULT_WAREHOUSE_PATH}"
ENV_VAR = "RADAR_DB_URL"
AUDIT_ENV_VAR = "RADAR_AUDIT_DB_URL"
INGEST_ENV_VAR = "RADAR_INGEST_DB_URL"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"
FILE_DIALECTS: tuple[str, ...] = ("duckdb", "sqlite")
SECURITY_FILE_SUFFIX = ".audit.sqlite"
DUCKDB_MEMORY_VAR = "RADAR_DUCKDB_MEMORY_LIMIT"
# The dashboard's read-only DuckDB: without a cap DuckDB keeps up to 80% of RAM as buffer pool
# and hash tables, so every big aggregate left the server process hundreds of MB larger. With
# it, large group-bys spill to a temporary folder instead (measured at 10M: the alert fetch
# peaked at 1.6 GB without, well under 1 GB with 512MB, at the same speed).
DEFAULT_DUCKDB_MEMORY_LIMIT = "512MB"


class WarehouseError(Exception):
    """A warehouse URL or connection problem, worded for the person running the tool."""


def first_line(exc: BaseException) -> str:
    """An exception's first line of text (drivers add SQL and links below it), or its type."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def read_secrets(secrets_path: Path = SECRETS_PATH) -> dict[str, object]:
    """The Streamlit secrets file as a dict, or an empty dict when there is none."""
    if not secrets_path.is_file():
        return {}
    with secrets_path.open("rb") as handle:
        return tomllib.load(handle)


def url_from_secrets(
    secrets_path: Path = SECRETS_PATH, connection: str = "warehouse"
) -> str | None:
    """Return `[connections.<connection>] url` from a Streamlit secrets file, if set."""
    connections = read_secrets(secrets_path).get("connections", {})
    url = connections.get(connection, {}).get("url") if isinstance(connections, dict) else None
    return str(url) if url else None


def resolve_db_url(
    cli_url: str | None = None,
    *,
    environ: dict[str, str] | None = None,
    secrets_path: Path = SECRETS_PATH,
) -> str:
    """Pick the warehouse URL: --db, else RADAR_DB_URL, else secrets.toml, else the sample."""
    if cli_url:
        return cli_url
    env = os.environ if environ is None else environ
    if env.get(ENV_VAR):
        return env[ENV_VAR]
    return url_from_secrets(secrets_path) or DEFAULT_DB_URL


def _file_database(url: str) -> Path | None:
    """The file a DuckDB or SQLite URL names, or None for servers and in-memory databases."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() not in FILE_DIALECTS:
        return None
    if parsed.database in (None, "", ":memory:") or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def security_url(
    warehouse_url: str,
    *,
    environ: dict[str, str] | None = None,
    secrets_path: Path = SECRETS_PATH,
) -> str:
    """Where accounts and the audit log live: RADAR_AUDIT_DB_URL, secrets, else by warehouse.

    A server warehouse (PostgreSQL) keeps them in its own database, where roles and grants
    protect them. A DuckDB or SQLite file gets a SQLite file beside it
    (`warehouse.duckdb` -> `warehouse.audit.sqlite`): the dashboard opens the warehouse
    read-only, DuckDB lets no other process write while it is open, and SQLite lets the
    dashboard and the command line append to the log at the same time.
    """
    env = os.environ if environ is None else environ
    if env.get(AUDIT_ENV_VAR):
        return env[AUDIT_ENV_VAR]
    configured = url_from_secrets(secrets_path, "audit")
    if configured:
        return configured
    path = _file_database(warehouse_url)
    if path is not None:
        return f"sqlite:///{path.with_suffix(SECURITY_FILE_SUFFIX)}"
    if warehouse_url.startswith("duckdb"):
        raise WarehouseError(
            f"an in-memory warehouse has no place for the audit log; set {AUDIT_ENV_VAR}"
        )
    return warehouse_url


def ingest_url(
    warehouse_url: str,
    *,
    environ: dict[str, str] | None = None,
    secrets_path: Path = SECRETS_PATH,
) -> str | None:
    """The URL the Ingest page writes with: RADAR_INGEST_DB_URL, secrets, or the file itself.

    A server warehouse needs its own URL naming the ingest role (the dashboard's role may not
    write); None means none is configured. A DuckDB or SQLite file is written through its own
    URL, opened read-write only while a file loads.
    """
    env = os.environ if environ is None else environ
    if env.get(INGEST_ENV_VAR):
        return env[INGEST_ENV_VAR]
    configured = url_from_secrets(secrets_path, "ingest")
    if configured:
        return configured
    return warehouse_url if _file_database(warehouse_url) is not None else None


def is_default_warehouse(url: str) -> bool:
    """True when the URL names the embedded sample warehouse."""
    return url == DEFAULT_DB_URL


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """Create an engine for any SQLAlchemy URL; the embedded DuckDB file's folder is created.

    read_only=True is how the dashboard connects: DuckDB opens the file read-only with
    external access (files, extensions, ATTACH, COPY) disabled, SQLite opens it in mode=ro,
    PostgreSQL sessions start with default_transaction_read_only (the role's grants are what
    really stop writes there; see `cli.py roles`).
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise WarehouseError(f"not a database URL: {url!r}") from exc
    path = _file_database(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if read_only and not path.exists():
            # A read-only connection cannot create the file; an empty database reads as
            # "no complaints yet", as a new warehouse did before.
            _create_empty(parsed)
    connect_args: dict[str, object] = {}
    if read_only:
        parsed, connect_args = _read_only(parsed)
    try:
        engine = create_engine(parsed, connect_args=connect_args)
    except NoSuchModuleError as exc:
        raise WarehouseError(f"no driver installed for {parsed.drivername!r}") from exc
    return engine


def _create_empty(parsed: URL) -> None:
    """Create an empty database file by connecting to it once."""
    engine = create_engine(parsed)
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


def duckdb_read_only_config(environ: dict[str, str] | None = None) -> dict[str, object]:
    """DuckDB settings of a read-only connection: no external access, capped memory.

    RADAR_DUCKDB_MEMORY_LIMIT overrides the cap (any DuckDB size such as "1GB"; empty: DuckDB's
    own default of 80% of RAM).
    """
    env = os.environ if environ is None else environ
    # Background threads hand the memory a finished query freed back to the system within a
    # second or two; without them DuckDB kept ~250 MB after one 10M-row weekly group-by.
    config: dict[str, object] = {
        "enable_external_access": False,
        "allocator_background_threads": True,
    }
    limit = env.get(DUCKDB_MEMORY_VAR, DEFAULT_DUCKDB_MEMORY_LIMIT).strip()
    if limit:
        config["memory_limit"] = limit
    return config


def _read_only(parsed: URL) -> tuple[URL, dict[str, object]]:
    """The URL and connect arguments that open a database read-only."""
    backend = parsed.get_backend_name()
    if backend == "duckdb":
        return parsed, {"read_only": True, "config": duckdb_read_only_config()}
    if backend == "sqlite" and parsed.database and not parsed.database.startswith("file:"):
        query = {**parsed.query, "mode": "ro", "uri": "true"}
        return parsed.set(database=f"file:{parsed.database}", query=query), {}
    if backend == "postgresql":
        return parsed, {"options": "-c default_transaction_read_only=on"}
    return parsed, {}


def check_connection(engine: Engine) -> None:
    """Run a trivial query so an unreachable warehouse fails early with a readable message."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # every driver raises its own error types
        raise WarehouseError(
            f"cannot reach the warehouse at {describe_url(str(engine.url))}: {first_line(exc)}"
        ) from exc
