"""Roles, passwords, accounts and the append-only audit log; the CLI that manages accounts."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select, text, update

from access.passwords import check_password, hash_password, needs_rehash, verify_password
from access.roles import ROLES, allows, check_reason, check_role, may
from queries import accounts, audit
from queries.audit import AuditFilter
from queries.schema import audit_log, create_security_schema, users
from queries.warehouse import (
    WarehouseError,
    ingest_url,
    make_engine,
    security_url,
)
from tests.conftest import engine_url

PASSWORD = "correct horse battery staple"


@pytest.fixture(params=("sqlite", "postgresql"))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty account-and-audit store on each engine that can hold one."""
    engine = make_engine(engine_url(request.param, tmp_path, request))
    create_security_schema(engine)
    yield engine
    engine.dispose()


# --- roles and reasons -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("viewer", {"viewer"}),
        ("analyst", {"viewer", "analyst"}),
        ("investigator", {"viewer", "analyst", "investigator"}),
        ("admin", set(ROLES)),
        (None, set()),
        ("superuser", set()),
    ],
)
def test_roles_are_cumulative(role: str | None, allowed: set[str]) -> None:
    assert {needed for needed in ROLES if allows(role, needed)} == allowed


def test_permissions_follow_the_issue() -> None:
    assert not may("viewer", "view_masked_narratives")
    assert may("analyst", "view_masked_narratives") and not may("analyst", "reveal_narrative")
    assert may("investigator", "reveal_narrative") and not may("investigator", "ingest")
    assert all(may("admin", p) for p in ("ingest", "read_audit_log", "manage_users"))


def test_unknown_role_and_short_reason_are_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match=r"^unknown role 'boss'; use one of viewer, analyst"):
        check_role("boss")
    with pytest.raises(ValueError, match="at least 10 characters"):
        check_reason("   because ")
    assert (
        check_reason("  case 2026-118: refund fraud check ") == "case 2026-118: refund fraud check"
    )


# --- passwords -------------------------------------------------------------------------------


def test_passwords_are_argon2id_hashes_that_verify_only_the_right_password() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert hash_password(PASSWORD) != stored  # salted
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "!")
    assert not verify_password(None, PASSWORD)
    assert not verify_password("not a hash", PASSWORD)
    assert not needs_rehash(stored)


def test_weak_passwords_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 12 characters; got 5"):
        check_password("short")
    with pytest.raises(ValueError, match="spaces"):
        check_password(" leading space ok?")


# --- accounts --------------------------------------------------------------------------------


def test_accounts_sign_in_only_with_the_right_password_while_enabled(store: Engine) -> None:
    assert accounts.count_users(store) == 0
    name = accounts.add_user(store, " Kim.Analyst ", "analyst", hash_password(PASSWORD))
    assert name == "kim.analyst"
    assert accounts.authenticate(store, "KIM.ANALYST", PASSWORD) == accounts.Account(
        "kim.analyst", "analyst", "local"
    )
    assert accounts.authenticate(store, "kim.analyst", "wrong password!!") is None
    assert accounts.authenticate(store, "nobody", PASSWORD) is None
    assert accounts.authenticate(store, "'; DROP TABLE users; --", PASSWORD) is None

    assert accounts.set_role(store, name, "investigator") == "analyst"
    assert accounts.authenticate(store, name, PASSWORD).role == "investigator"  # type: ignore[union-attr]
    accounts.set_disabled(store, name, True)
    assert accounts.authenticate(store, name, PASSWORD) is None
    accounts.set_disabled(store, name, False)
    assert accounts.authenticate(store, name, PASSWORD) is not None

    listing = accounts.list_users(store)
    assert listing.columns == [*accounts.USER_COLUMNS, "local_password"]
    assert "password_hash" not in listing.columns
    assert listing.row(0, named=True)["local_password"] is True


def test_identity_provider_accounts_have_no_password(store: Engine) -> None:
    accounts.add_user(store, "lee@agency.go.kr", "viewer", None)
    assert accounts.authenticate(store, "lee@agency.go.kr", "") is None
    assert accounts.lookup(store, "Lee@Agency.go.kr") == accounts.Account(
        "lee@agency.go.kr", "viewer", "oidc"
    )
    accounts.set_disabled(store, "lee@agency.go.kr", True)
    assert accounts.lookup(store, "lee@agency.go.kr") is None


def test_account_errors_are_one_readable_line(store: Engine) -> None:
    accounts.add_user(store, "park", "viewer", None)
    with pytest.raises(accounts.AccountError, match=r"^user 'park' already exists$"):
        accounts.add_user(store, "PARK", "viewer", None)
    with pytest.raises(accounts.AccountError, match=r"^no user 'choi'$"):
        accounts.set_role(store, "choi", "admin")
    with pytest.raises(accounts.AccountError, match="unknown role 'boss'"):
        accounts.set_role(store, "park", "boss")
    with pytest.raises(accounts.AccountError, match="must be 1-128 characters"):
        accounts.add_user(store, "has space", "viewer", None)


# --- audit log -------------------------------------------------------------------------------


def test_audit_rows_are_appended_and_searchable(store: Engine) -> None:
    first = audit.record(
        store,
        username="kim",
        role="investigator",
        action="reveal_narrative",
        target="K123",
        reason="case 2026-118 refund fraud",
    )
    audit.record(store, username="lee", role="analyst", action="view_profile", target="C00204")
    audit.record(store, username="kim", role="analyst", action="export", outcome="denied")
    assert audit.search(store, AuditFilter()).height == 3
    kim = audit.search(store, AuditFilter(username="KIM"))
    assert kim["action"].to_list() == ["export", "reveal_narrative"]  # newest first
    found = audit.search(store, AuditFilter(text="REFUND"))
    assert found["audit_id"].to_list() == [first]
    assert found.row(0, named=True)["reason"] == "case 2026-118 refund fraud"
    assert audit.search(store, AuditFilter(outcome="denied"))["username"].to_list() == ["kim"]
    today = date.today()
    assert audit.search(store, AuditFilter(start=today + timedelta(days=2))).height == 0
    assert audit.search(store, AuditFilter(end=today - timedelta(days=2))).height == 0
    with pytest.raises(ValueError, match="unknown audit action 'peek'"):
        audit.record(store, username="kim", role=None, action="peek")


def test_audit_rows_cannot_be_changed_or_deleted_even_by_the_owner(store: Engine) -> None:
    audit.record(store, username="kim", role="admin", action="ingest", target="complaints.csv")
    for statement in (
        update(audit_log).values(reason="nothing to see"),
        delete(audit_log),
    ):
        with pytest.raises(Exception, match="append-only"):
            with store.begin() as connection:
                connection.execute(statement)
    if store.dialect.name == "postgresql":
        with pytest.raises(Exception, match="append-only"):
            with store.begin() as connection:
                connection.execute(text("TRUNCATE audit_log"))
    with store.connect() as connection:
        row = connection.execute(select(audit_log.c.reason, audit_log.c.object)).one()
    assert tuple(row) == (None, "complaints.csv")


def test_failed_sign_ins_are_counted_per_name(store: Engine) -> None:
    for _ in range(3):
        audit.record(
            store, username="-", role=None, action="sign_in", target="kim", outcome="failed"
        )
    audit.record(store, username="kim", role="analyst", action="sign_in", target="kim")
    since = accounts.now_utc() - timedelta(minutes=5)
    assert audit.failed_sign_ins(store, "KIM", since) == 3
    assert audit.failed_sign_ins(store, "lee", since) == 0


def test_duckdb_cannot_hold_the_audit_log(tmp_path: Path) -> None:
    engine = make_engine(f"duckdb:///{tmp_path / 'audit.duckdb'}")
    with pytest.raises(ValueError, match="needs SQLite or PostgreSQL"):
        create_security_schema(engine)
    engine.dispose()


# --- where the store and the ingest connection are ---------------------------------------------


def test_file_warehouses_keep_accounts_in_a_sqlite_file_beside_them(tmp_path: Path) -> None:
    none = tmp_path / "none.toml"
    assert security_url("duckdb:////srv/radar/w.duckdb", environ={}, secrets_path=none) == (
        "sqlite:////srv/radar/w.audit.sqlite"
    )
    pg = "postgresql+psycopg://radar_dashboard@db/complaints"
    assert security_url(pg, environ={}, secrets_path=none) == pg
    assert security_url(pg, environ={"RADAR_AUDIT_DB_URL": "sqlite:///a.sqlite"}) == (
        "sqlite:///a.sqlite"
    )
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.audit]\nurl = "postgresql://audit@h/log"\n')
    assert security_url(pg, environ={}, secrets_path=secrets) == "postgresql://audit@h/log"
    with pytest.raises(WarehouseError, match="in-memory"):
        security_url("duckdb:///:memory:", environ={}, secrets_path=none)

    assert ingest_url("duckdb:////srv/w.duckdb", environ={}, secrets_path=none) == (
        "duckdb:////srv/w.duckdb"
    )
    assert ingest_url(pg, environ={}, secrets_path=none) is None
    assert ingest_url(pg, environ={"RADAR_INGEST_DB_URL": "postgresql://radar_ingest@db/c"}) == (
        "postgresql://radar_ingest@db/c"
    )


# --- the command line --------------------------------------------------------------------------


def run_cli(monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str = "") -> int:
    """Run cli.main with the given standard input (not a terminal)."""
    import cli

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli.main(args)


def test_cli_manages_accounts_and_audits_every_change(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    assert (
        run_cli(
            monkeypatch, ["user", "add", "Kim", "--role", "analyst", "--db", db], PASSWORD + "\n"
        )
        == 0
    )
    assert run_cli(monkeypatch, ["user", "role", "kim", "investigator", "--db", db]) == 0
    assert run_cli(monkeypatch, ["user", "disable", "kim", "--db", db]) == 0
    assert (
        run_cli(
            monkeypatch,
            ["user", "add", "lee@agency.go.kr", "--role", "viewer", "--oidc", "--db", db],
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "user kim: added with role analyst" in out
    assert "user kim: role analyst -> investigator" in out
    assert PASSWORD not in out

    store = make_engine(f"sqlite:///{tmp_path / 'w.audit.sqlite'}")
    with store.connect() as connection:
        stored = connection.execute(
            select(users.c.password_hash, users.c.role, users.c.disabled).where(
                users.c.username == "kim"
            )
        ).one()
        logged = connection.execute(
            select(audit_log.c.action, audit_log.c.object, audit_log.c.detail).order_by(
                audit_log.c.audit_id
            )
        ).all()
    assert stored.role == "investigator" and stored.disabled is True
    assert verify_password(stored.password_hash, PASSWORD)
    assert [tuple(row) for row in logged] == [
        ("user_change", "kim", "added with role analyst"),
        ("user_change", "kim", "role analyst -> investigator"),
        ("user_change", "kim", "disabled"),
        ("user_change", "lee@agency.go.kr", "added with role viewer (identity provider)"),
    ]
    store.dispose()


def test_cli_refuses_weak_or_missing_passwords_and_unknown_users(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    assert (
        run_cli(monkeypatch, ["user", "add", "kim", "--role", "viewer", "--db", db], "short\n") == 2
    )
    assert run_cli(monkeypatch, ["user", "add", "kim", "--role", "viewer", "--db", db], "") == 2
    assert run_cli(monkeypatch, ["user", "disable", "ghost", "--db", db]) == 2
    assert run_cli(monkeypatch, ["user", "add", "kim", "--role", "boss", "--db", db], PASSWORD) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("error: password must have at least 12 characters")
    assert err[1].startswith("error: no password on standard input")
    assert err[2] == "error: no user 'ghost'"
    assert "invalid choice: 'boss'" in err[3]
    store = make_engine(f"sqlite:///{tmp_path / 'w.audit.sqlite'}")
    with store.connect() as connection:
        assert connection.execute(select(func.count()).select_from(users)).scalar_one() == 0
    store.dispose()


def test_cli_ingest_is_audited(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    companies = tmp_path / "companies.csv"
    companies.write_text("company_id,name\nC1,Hanbit Commerce Co.\n", encoding="utf-8")
    noise = tmp_path / "noise.csv"
    noise.write_bytes(b"%PDF-1.7\n" + bytes(100))
    assert run_cli(monkeypatch, ["ingest", str(companies), "--db", db]) == 0
    assert run_cli(monkeypatch, ["ingest", str(noise), "--db", db]) == 1
    store = make_engine(f"sqlite:///{tmp_path / 'w.audit.sqlite'}")
    rows = audit.search(store, AuditFilter(action="ingest"))
    store.dispose()
    assert rows.select("object", "outcome").rows() == [
        (str(noise), "failed"),
        (str(companies), "ok"),
    ]
    assert rows["username"][0].startswith("cli:")
    assert "a PDF document" in rows["detail"][0]
