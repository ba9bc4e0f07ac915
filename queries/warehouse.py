"""Where the warehouse is, and the one engine that talks to it."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE_PATH = PROJECT_ROOT / "data" / "sample_warehouse.duckdb"
DEFAULT_DB_URL = f"duckdb:///{DEFAULT_WAREHOUSE_PATH}"
ENV_VAR = "RADAR_DB_URL"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"


class WarehouseError(Exception):
    """A warehouse URL or connection problem, worded for the person running the tool."""


def url_from_secrets(secrets_path: Path = SECRETS_PATH) -> str | None:
    """Return `[connections.warehouse] url` from a Streamlit secrets file, if set."""
    if not secrets_path.is_file():
        return None
    with secrets_path.open("rb") as handle:
        secrets = tomllib.load(handle)
    url = secrets.get("connections", {}).get("warehouse", {}).get("url")
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


def is_default_warehouse(url: str) -> bool:
    """True when the URL names the embedded sample warehouse."""
    return url == DEFAULT_DB_URL


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def make_engine(url: str) -> Engine:
    """Create an engine for any SQLAlchemy URL; the embedded DuckDB file's folder is created."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise WarehouseError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "duckdb" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed)
    except NoSuchModuleError as exc:
        raise WarehouseError(f"no driver installed for {parsed.drivername!r}") from exc
    return engine


def check_connection(engine: Engine) -> None:
    """Run a trivial query so an unreachable warehouse fails early with a readable message."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # every driver raises its own error types
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WarehouseError(
            f"cannot reach the warehouse at {describe_url(str(engine.url))}: {first_line}"
        ) from exc
