"""The dashboard's connection cannot write: DuckDB and SQLite read-only, PostgreSQL by role grants."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from queries import audit
from queries.db_roles import check_role_name, grant_statements, setup_roles
from queries.ingest import ingest_file
from queries.schema import audit_log, complaints, create_schema, users
from queries.warehouse import make_engine

COMPANIES_CSV = "company_id,name,industry\nC1,Hanbit Commerce Co.,e-commerce\n"
COMPLAINTS_CSV = (
    "complaint_id,received_date,company_id,status,narrative\n"
    "K1,2024-01-03,C1,resolved,연락처 010-1234-5678\n"
    "K2,2024-01-04,C1,unresolved,\n"
)
WRITES = {
    "insert": "INSERT INTO complaints (complaint_id, received_date, company_id, status) "
    "VALUES ('X1', CAST('2024-01-01' AS DATE), 'C1', 'resolved')",
    "update": "UPDATE complaints SET status = 'withdrawn'",
    "delete": "DELETE FROM complaints",
    "create": "CREATE TABLE sneaky (a INTEGER)",
    "drop": "DROP TABLE complaints",
}


def load_sample(url: str, tmp_path: Path) -> None:
    """Two companies' worth of rows through the real ingest."""
    engine = make_engine(url)
    for name, body in (("companies.csv", COMPANIES_CSV), ("complaints.csv", COMPLAINTS_CSV)):
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        ingest_file(engine, path)
    engine.dispose()


def attempt(engine: Engine, sql: str) -> Exception | None:
    """Run one statement in its own transaction; the error it raised, or None."""
    try:
        with engine.begin() as connection:
            connection.execute(text(sql))
    except Exception as exc:  # every driver has its own error classes
        return exc
    return None


def complaint_count(engine: Engine) -> int:
    """Rows in complaints."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(complaints)).scalar_one()


# --- embedded files --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["duckdb", "sqlite"])
def test_read_only_file_warehouse_refuses_every_write(kind: str, tmp_path: Path) -> None:
    url = f"{kind}:///{tmp_path / ('w.' + kind)}"
    load_sample(url, tmp_path)
    reader = make_engine(url, read_only=True)
    assert complaint_count(reader) == 2
    for verb, sql in WRITES.items():
        error = attempt(reader, sql)
        assert error is not None, f"{kind} read-only connection allowed {verb}"
        assert "read-only" in str(error).lower() or "readonly" in str(error).lower(), error
    assert complaint_count(reader) == 2
    reader.dispose()


def test_duckdb_dashboard_connection_has_no_external_access(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    load_sample(url, tmp_path)
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    reader = make_engine(url, read_only=True)
    for sql in (
        f"SELECT * FROM read_csv('{secret}')",
        f"COPY complaints TO '{tmp_path / 'leak.csv'}'",
        f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
        "INSTALL httpfs",
        "SET enable_external_access = true",
    ):
        error = attempt(reader, sql)
        assert error is not None, sql
    assert not (tmp_path / "leak.csv").exists()
    reader.dispose()


# --- PostgreSQL roles --------------------------------------------------------------------------


@pytest.fixture
def pg_roles(postgres_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A warehouse with data, audit log and users, and fresh dashboard and ingest roles."""
    suffix = uuid.uuid4().hex[:8]
    names = {"dashboard": f"radar_dash_{suffix}", "ingest": f"radar_ingest_{suffix}"}
    load_sample(postgres_url, tmp_path)
    owner = make_engine(postgres_url)
    setup_roles(owner, names["dashboard"], names["ingest"])
    as_role = {
        kind: make_url(postgres_url).set(username=role, password=None).render_as_string(False)
        for kind, role in names.items()
    }
    try:
        yield {"owner": postgres_url, **as_role}
    finally:
        with owner.begin() as connection:
            for role in names.values():
                connection.execute(text(f"DROP OWNED BY {role}"))
        owner.dispose()
        server = create_engine(make_url(postgres_url).set(database="postgres"))
        with server.begin() as connection:
            for role in names.values():
                connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
        server.dispose()


def test_dashboard_role_can_read_and_append_to_the_audit_log_only(pg_roles) -> None:
    # A plain connection as the role (no read-only session setting): the grants alone decide.
    dashboard = create_engine(pg_roles["dashboard"])
    assert complaint_count(dashboard) == 2
    for verb, sql in {**WRITES, "truncate": "TRUNCATE complaints"}.items():
        error = attempt(dashboard, sql)
        assert error is not None, f"the dashboard role could {verb} complaints"
        assert "permission denied" in str(error) or "must be owner" in str(error), error
    assert complaint_count(dashboard) == 2

    audit_id = audit.record(
        dashboard,
        username="kim",
        role="investigator",
        action="reveal_narrative",
        target="K1",
        reason="case 2026-118 refund fraud",
    )
    for sql in (
        f"UPDATE audit_log SET reason = 'edited' WHERE audit_id = {audit_id}",
        f"DELETE FROM audit_log WHERE audit_id = {audit_id}",
        "TRUNCATE audit_log",
        "UPDATE users SET role = 'admin'",
        "INSERT INTO users (username, role, disabled, created_at, updated_at) "
        "VALUES ('me', 'admin', false, now(), now())",
    ):
        error = attempt(dashboard, sql)
        assert error is not None and "permission denied" in str(error), sql
    with dashboard.connect() as connection:
        reason = connection.execute(select(audit_log.c.reason)).scalar_one()
        connection.execute(select(users.c.username)).all()  # may read accounts to sign in
    assert reason == "case 2026-118 refund fraud"
    dashboard.dispose()


def test_the_dashboard_engine_is_read_only_even_where_grants_would_allow(pg_roles) -> None:
    reader = make_engine(pg_roles["owner"], read_only=True)  # the owner could write
    error = attempt(reader, WRITES["insert"])
    assert error is not None and "read-only transaction" in str(error)
    reader.dispose()


def test_ingest_role_loads_but_cannot_rewrite_history(pg_roles, tmp_path: Path) -> None:
    ingest = create_engine(pg_roles["ingest"])
    more = tmp_path / "more.csv"
    more.write_text("complaint_id,received_date,company_id,status\nK3,2024-01-05,C1,resolved\n")
    result = ingest_file(ingest, more)
    assert result.rows_loaded == 1
    audit.record(ingest, username="cli:ops", role=None, action="ingest", target="more.csv")
    for sql in (
        "UPDATE complaints SET status = 'withdrawn'",
        "DELETE FROM complaints",
        "DELETE FROM audit_log",
        "UPDATE users SET role = 'admin'",
    ):
        error = attempt(ingest, sql)
        assert error is not None and "permission denied" in str(error), sql
    assert complaint_count(ingest) == 3
    ingest.dispose()


def test_even_the_owner_cannot_edit_the_audit_log(pg_roles) -> None:
    owner = create_engine(pg_roles["owner"])
    audit.record(owner, username="kim", role="admin", action="user_change", target="lee")
    for sql in (
        "UPDATE audit_log SET outcome = 'ok'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        error = attempt(owner, sql)
        assert error is not None and "append-only" in str(error), sql
    owner.dispose()


def test_role_names_are_checked_before_they_reach_sql() -> None:
    with pytest.raises(ValueError, match="must be lower-case letters"):
        check_role_name("radar; DROP TABLE complaints")
    with pytest.raises(ValueError, match="must be different"):
        grant_statements("radar", "radar")
    statements = grant_statements("radar_dashboard", "radar_ingest")
    dashboard_grants = [s for s in statements if s.startswith("GRANT") and "radar_dashboard" in s]
    assert not any(
        verb in s for s in dashboard_grants for verb in ("UPDATE", "DELETE", "TRUNCATE", "ALL")
    )


def test_roles_are_for_postgresql_only(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    create_schema(engine)
    with pytest.raises(ValueError, match="roles and grants are for PostgreSQL"):
        setup_roles(engine, "radar_dashboard", "radar_ingest")
    engine.dispose()


# --- the dashboard itself on PostgreSQL, as the dashboard role -------------------------------------


@pytest.fixture
def pg_sample_roles(postgres_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A generated warehouse on PostgreSQL with dashboard and ingest roles and two accounts."""
    from access.passwords import hash_password
    from queries import accounts
    from sample_data.load import generate_warehouse
    from tests.signin import PASSWORD

    owner = make_engine(postgres_url)
    generate_warehouse(owner, companies=150, complaints=5000, seed=3)
    suffix = uuid.uuid4().hex[:8]
    names = {"dashboard": f"radar_dash_{suffix}", "ingest": f"radar_ingest_{suffix}"}
    setup_roles(owner, names["dashboard"], names["ingest"])
    for name, role in (("kim", "investigator"), ("park", "admin")):
        accounts.add_user(owner, name, role, hash_password(PASSWORD))
    urls = {
        kind: make_url(postgres_url).set(username=role, password=None).render_as_string(False)
        for kind, role in names.items()
    }
    try:
        yield {"owner": postgres_url, **urls}
    finally:
        with owner.begin() as connection:
            for role in names.values():
                connection.execute(text(f"DROP OWNED BY {role}"))
        owner.dispose()
        server = create_engine(make_url(postgres_url).set(database="postgres"))
        with server.begin() as connection:
            for role in names.values():
                connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
        server.dispose()


@pytest.mark.usefixtures("fresh_streamlit_caches")
def test_dashboard_runs_as_the_dashboard_role_and_logs_a_reveal(
    monkeypatch: pytest.MonkeyPatch, pg_sample_roles: dict[str, str]
) -> None:
    from queries import records
    from tests.signin import open_dashboard, sign_in

    owner = make_engine(pg_sample_roles["owner"])
    with owner.connect() as connection:
        company_id, complaint_id = connection.execute(
            select(complaints.c.company_id, complaints.c.complaint_id)
            .where(complaints.c.narrative.like("%010%"))
            .order_by(complaints.c.received_date.desc())
            .limit(1)
        ).one()
    assert records.unmasked_narrative(owner, company_id, complaint_id)

    app = open_dashboard(monkeypatch, pg_sample_roles["dashboard"], role=None, id=company_id)
    sign_in(app, "kim")
    app.switch_page("pages/company.py").run()
    assert not app.exception and not app.error
    app.selectbox(key="company.reveal_id").set_value(complaint_id)
    app.text_input(key="company.reveal_reason").input("case 2026-204: identity theft check")
    app.button(key="company.reveal_submit").click().run()
    assert not app.error
    assert [e.value for e in app.get("text")] == [
        records.unmasked_narrative(owner, company_id, complaint_id)
    ]
    with owner.connect() as connection:
        logged = connection.execute(
            select(audit_log.c.username, audit_log.c.action, audit_log.c.object)
            .order_by(audit_log.c.audit_id.desc())
            .limit(1)
        ).one()
    assert tuple(logged) == ("kim", "reveal_narrative", complaint_id)
    owner.dispose()


@pytest.mark.usefixtures("fresh_streamlit_caches")
def test_dashboard_ingest_uses_the_ingest_role_only_when_configured(
    monkeypatch: pytest.MonkeyPatch, pg_sample_roles: dict[str, str]
) -> None:
    from tests.signin import open_dashboard, sign_in

    monkeypatch.delenv("RADAR_INGEST_DB_URL", raising=False)
    app = open_dashboard(monkeypatch, pg_sample_roles["dashboard"], role=None)
    sign_in(app, "park")
    app.switch_page("pages/ingest.py").run()
    assert "RADAR_INGEST_DB_URL" in app.info[0].value

    monkeypatch.setenv("RADAR_INGEST_DB_URL", pg_sample_roles["ingest"])
    app = open_dashboard(monkeypatch, pg_sample_roles["dashboard"], role=None)
    sign_in(app, "park")
    app.switch_page("pages/ingest.py").run()
    upload = b"complaint_id,received_date,company_id,status\nPG1,2026-10-01,C00001,resolved\n"
    app.file_uploader(key="ingest.file").set_value(("pg.csv", upload, "text/csv"))
    app.button(key="ingest.submit").click().run()
    assert not app.error, app.error[0].value
    assert "read 1, loaded 1, rejected 0" in app.success[0].value
