"""Local accounts: who may sign in, with which role; passwords are stored only as Argon2 hashes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Engine, func, insert, select, update

from access.passwords import verify_password
from access.roles import check_role
from queries.bulk import fetch_frame
from queries.schema import users

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,127}$")
USER_COLUMNS: dict[str, pl.DataType] = {
    "username": pl.String(),
    "role": pl.String(),
    "disabled": pl.Boolean(),
    "created_at": pl.Datetime("us"),
    "updated_at": pl.Datetime("us"),
}


class AccountError(Exception):
    """An account change that cannot be made; the message is one readable line."""


@dataclass(frozen=True)
class Account:
    """A signed-in user as the dashboard keeps them: name, role and where the identity came from."""

    username: str
    role: str
    source: str  # "local", "oidc" or "demo"


def now_utc() -> datetime:
    """The current time in UTC, without a time zone (as every table stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_username(name: str) -> str:
    """The stored form of a user name (lower case, trimmed), or AccountError."""
    clean = name.strip().lower()
    if not USERNAME.match(clean):
        raise AccountError(
            f"user name {name!r} must be 1-128 characters: letters, digits and . _ @ + -"
        )
    return clean


def add_user(engine: Engine, username: str, role: str, password_hash: str | None) -> str:
    """Create an account (no password hash: signs in through the identity provider only)."""
    name = normalise_username(username)
    _check_role(role)
    with engine.begin() as connection:
        exists = connection.execute(select(users.c.username).where(users.c.username == name))
        if exists.first() is not None:
            raise AccountError(f"user {name!r} already exists")
        stamp = now_utc()
        connection.execute(
            insert(users).values(
                username=name,
                password_hash=password_hash,
                role=role,
                disabled=False,
                created_at=stamp,
                updated_at=stamp,
            )
        )
    return name


def _check_role(role: str) -> None:
    try:
        check_role(role)
    except ValueError as exc:
        raise AccountError(str(exc)) from exc


def _change(engine: Engine, username: str, **values: object) -> tuple[str, dict[str, object]]:
    """Update one account's columns; return its name and the previous values."""
    name = normalise_username(username)
    with engine.begin() as connection:
        row = connection.execute(select(users).where(users.c.username == name)).one_or_none()
        if row is None:
            raise AccountError(f"no user {name!r}")
        before = {key: row._mapping[key] for key in values}
        connection.execute(
            update(users).where(users.c.username == name).values(**values, updated_at=now_utc())
        )
    return name, before


def set_role(engine: Engine, username: str, role: str) -> str:
    """Give an account another role; return the previous one."""
    _check_role(role)
    _, before = _change(engine, username, role=role)
    return str(before["role"])


def set_disabled(engine: Engine, username: str, disabled: bool) -> bool:
    """Disable (or enable again) an account; return whether it was disabled before."""
    _, before = _change(engine, username, disabled=disabled)
    return bool(before["disabled"])


def set_password_hash(engine: Engine, username: str, password_hash: str | None) -> None:
    """Replace an account's password hash."""
    _change(engine, username, password_hash=password_hash)


def list_users(engine: Engine) -> pl.DataFrame:
    """Every account without its hash, by name, with whether it has a local password."""
    query = select(
        *(users.c[name] for name in USER_COLUMNS),
        users.c.password_hash.is_not(None).label("local_password"),
    ).order_by(users.c.username)
    with engine.connect() as connection:
        return fetch_frame(connection, query, {**USER_COLUMNS, "local_password": pl.Boolean()})


def count_users(engine: Engine) -> int:
    """How many accounts exist (disabled ones too): none means the dashboard may run as a demo."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(users)).scalar_one())


def lookup(engine: Engine, username: str) -> Account | None:
    """The enabled account of that name (for identity-provider sign-ins), or None."""
    try:
        name = normalise_username(username)
    except AccountError:
        return None
    with engine.connect() as connection:
        row = connection.execute(
            select(users.c.role).where(users.c.username == name, users.c.disabled.is_(False))
        ).one_or_none()
    return Account(name, row.role, "oidc") if row is not None else None


def authenticate(engine: Engine, username: str, password: str) -> Account | None:
    """The account when the name and password match an enabled local account, else None.

    A wrong name, a wrong password, a disabled account and an identity-provider account all
    cost one Argon2 verification and give the same None, so none of them can be told apart.
    """
    try:
        name = normalise_username(username)
    except AccountError:
        verify_password(None, password)
        return None
    with engine.connect() as connection:
        row = connection.execute(
            select(users.c.password_hash, users.c.role, users.c.disabled).where(
                users.c.username == name
            )
        ).one_or_none()
    stored = row.password_hash if row is not None else None
    if not verify_password(stored, password) or row is None or row.disabled:
        return None
    return Account(name, row.role, "local")
