"""PostgreSQL roles for least privilege: the dashboard reads, ingest loads, nobody edits the log.

`cli.py roles` runs these statements as the database owner. Role names are checked against a
strict identifier pattern before they are written into the SQL (DDL takes no bound values).
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from queries.schema import (
    audit_log,
    company_issue_rollup,
    company_month_rollup,
    create_schema,
    create_security_schema,
    metadata,
    rollup_builds,
    rollup_deadlines,
    rollup_month_versions,
    users,
)

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
DEFAULT_DASHBOARD_ROLE = "radar_dashboard"
DEFAULT_INGEST_ROLE = "radar_ingest"
AUDIT_SEQUENCE = "audit_log_audit_id_seq"
# Aggregates recomputed from the complaints at every load: ingest replaces their rows.
DERIVED_TABLES = frozenset(
    t.name
    for t in (
        company_month_rollup,
        rollup_deadlines,
        rollup_month_versions,
        company_issue_rollup,
        rollup_builds,
    )
)


def check_role_name(name: str) -> str:
    """The name itself when it is a plain lower-case SQL identifier, else ValueError."""
    if not ROLE_NAME.match(name):
        raise ValueError(
            f"role name {name!r} must be lower-case letters, digits and _ (at most 63), "
            "starting with a letter or _."
        )
    return name


def grant_statements(dashboard_role: str, ingest_role: str) -> list[str]:
    """The SQL that creates both roles (if missing) and gives each exactly what it needs."""
    dash, ingest = check_role_name(dashboard_role), check_role_name(ingest_role)
    if dash == ingest:
        raise ValueError("the dashboard and ingest roles must be different roles.")
    derived = ", ".join(sorted(DERIVED_TABLES))
    warehouse = ", ".join(sorted(set(metadata.tables) - DERIVED_TABLES))
    statements = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
        f"THEN CREATE ROLE {role} LOGIN; END IF; END $$"
        for role in (dash, ingest)
    ]
    statements += [
        # Start from nothing, so rerunning after a change of policy leaves no stale grant.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {dash}, {ingest}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {dash}, {ingest}",
        # PostgreSQL 15 and later already keep PUBLIC from creating tables in public.
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {dash}, {ingest}",
        f"DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO {dash}, {ingest}', "
        "current_database()); END $$",
        # The dashboard: read the warehouse and the accounts, append to the audit log.
        f"GRANT SELECT ON {warehouse} TO {dash}",
        f"GRANT SELECT ON {users.name} TO {dash}",
        f"GRANT SELECT, INSERT ON {audit_log.name} TO {dash}",
        f"GRANT USAGE ON SEQUENCE {AUDIT_SEQUENCE} TO {dash}",
        f"GRANT SELECT ON {derived} TO {dash}",
        # Ingest: add rows (loading never updates or deletes records), recount the rollups it
        # keeps up to date, and log what it loaded.
        f"GRANT SELECT, INSERT ON {warehouse} TO {ingest}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {derived} TO {ingest}",
        f"GRANT SELECT, INSERT ON {audit_log.name} TO {ingest}",
        f"GRANT USAGE ON SEQUENCE {AUDIT_SEQUENCE} TO {ingest}",
    ]
    return statements


def setup_roles(engine: Engine, dashboard_role: str, ingest_role: str) -> list[str]:
    """Create every table and trigger, then the roles and their grants; return the SQL run."""
    if engine.dialect.name != "postgresql":
        raise ValueError(
            f"roles and grants are for PostgreSQL; this warehouse is {engine.dialect.name} "
            "(a DuckDB or SQLite file is opened read-only by the dashboard instead)."
        )
    statements = grant_statements(dashboard_role, ingest_role)
    create_schema(engine)
    create_security_schema(engine)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    return statements
