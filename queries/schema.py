"""Warehouse tables, declared once: the DESIGN.md contract plus the project's own tables."""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    Engine,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    event,
    inspect,
    literal_column,
    select,
)
from sqlalchemy.schema import CreateColumn

from access.roles import ROLES

metadata = MetaData()

STATUSES: tuple[str, ...] = ("resolved", "unresolved", "in_progress", "withdrawn")

# DuckDB answers range scans from min-max zone maps; its ART indexes slow bulk loads and are
# not used by the aggregates, so secondary indexes are created only on row-store engines.
ROW_STORE_DIALECTS: tuple[str, ...] = ("postgresql", "sqlite")

companies = Table(
    "companies",
    metadata,
    Column("company_id", String, primary_key=True),
    Column("name", Text, nullable=False),
    Column("business_no", String),
    Column("industry", String),
    Column("parent_id", String),
    Column("exposure", Double),
    # Optional contact details, used only to suggest links between firms (same representative,
    # phone or address). The representative's name is personal data: never shown or exported.
    Column("representative", Text),
    Column("phone", String),
    Column("address", Text),
)

complaints = Table(
    "complaints",
    metadata,
    Column("complaint_id", String, nullable=False),
    Column("received_date", Date, nullable=False),
    Column("company_id", String, nullable=False),
    Column("product", Text),
    Column("issue", Text),
    Column("channel", String),
    Column("region", String),
    Column("status", String, nullable=False),
    Column("responded_date", Date),
    Column("closed_date", Date),
    Column("amount", Double),
    Column("narrative", Text),
    # Extensions for sources that publish a verdict instead of dates (the CFPB export): the date
    # the complaint was sent to the firm, the source's own "timely response" flag, and whether
    # the consumer disputed the firm's answer.
    Column("sent_date", Date),
    Column("timely", Boolean),
    Column("disputed", Boolean),
    CheckConstraint(
        "status IN ('resolved', 'unresolved', 'in_progress', 'withdrawn')",
        name="ck_complaints_status",
    ),
    # Ingest only ever inserts ids it has not seen (an anti-join), so the key holds everywhere;
    # on DuckDB the constraint's index would double the cost of a bulk load for no gain.
    PrimaryKeyConstraint("complaint_id").ddl_if(dialect=ROW_STORE_DIALECTS),
)

enforcement_actions = Table(
    "enforcement_actions",
    metadata,
    Column("action_id", String, primary_key=True),
    Column("company_id", String, nullable=False),
    Column("action_date", Date, nullable=False),
    Column("statute", String),
    Column("action", String),
    Column("fine_amount", Double),
)

company_relations = Table(
    "company_relations",
    metadata,
    Column("src_company_id", String, nullable=False),
    Column("dst_company_id", String, nullable=False),
    Column("relation", String, nullable=False),
    PrimaryKeyConstraint("src_company_id", "dst_company_id", "relation"),
)

# --- the project's own tables -------------------------------------------------------------

company_aliases = Table(
    "company_aliases",
    metadata,
    Column("alias", Text, primary_key=True),
    Column("company_id", String, nullable=False),
    Column("source", String),
)

issue_statutes = Table(
    "issue_statutes",
    metadata,
    Column("issue", Text, primary_key=True),
    Column("statute", String, nullable=False),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("run_id", String, primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("path", Text, nullable=False),
    Column("table_name", String),
    Column("source_format", String),
    Column("encoding", String),
    Column("rows_read", Integer),
    Column("rows_loaded", Integer),
    Column("rows_rejected", Integer),
    Column("rows_skipped", Integer),
    Column("companies_created", Integer),
    Column("outcome", String, nullable=False),
    Column("message", Text),
)

rejected_rows = Table(
    "rejected_rows",
    metadata,
    Column("run_id", String, nullable=False),
    Column("path", Text, nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("field", String),
    Column("value", Text),
    Column("reason", Text, nullable=False),
)

# Every analyst decision on a suggested link between two firms, appended, never changed: the
# accepted ones are also written to company_relations (in the same transaction).
link_decisions = Table(
    "link_decisions",
    metadata,
    Column("decision_id", String, primary_key=True),
    Column("src_company_id", String, nullable=False),
    Column("dst_company_id", String, nullable=False),
    Column("relation", String, nullable=False),
    Column("decision", String, nullable=False),
    Column("evidence", Text),
    Column("decided_by", String, nullable=False),
    Column("decided_at", DateTime, nullable=False),
    CheckConstraint("decision IN ('accepted', 'rejected')", name="ck_link_decisions_decision"),
)

sample_stories = Table(
    "sample_stories",
    metadata,
    Column("story_id", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("company_id", String),
    Column("product", Text),
    Column("onset_date", Date),
    Column("detail", Text),
)

# Company x month counts kept by ingest, so ranking reads about a row per firm and month instead of
# every complaint. Counts that depend on the response deadline are kept per deadline; counts that
# depend on the as-of date ("still open past the deadline") are kept as `pending` and
# `in_progress`, and resolved against the as-of date when read (see queries/rollups.py).
company_month_rollup = Table(
    "company_month_rollup",
    metadata,
    Column("deadline_days", Integer, nullable=False),
    Column("company_id", String, nullable=False),
    Column("month_start", Date, nullable=False),
    Column("complaints", Integer, nullable=False),
    Column("resolved", Integer, nullable=False),
    Column("unresolved", Integer, nullable=False),
    Column("in_progress", Integer, nullable=False),
    Column("withdrawn", Integer, nullable=False),
    Column("responded", Integer, nullable=False),
    Column("timely_known_fixed", Integer, nullable=False),
    Column("late_fixed", Integer, nullable=False),
    Column("pending", Integer, nullable=False),
    Column("response_days_sum", Double),
    Column("amount_sum", Double),
    Column("amount_n", Integer, nullable=False),
    PrimaryKeyConstraint("deadline_days", "company_id", "month_start"),
)

# The deadlines whose rollup is complete and kept up to date by every ingest.
rollup_deadlines = Table(
    "rollup_deadlines",
    metadata,
    Column("deadline_days", Integer, primary_key=True, autoincrement=False),
    Column("built_at", DateTime, nullable=False),
)

# One row per month the month rollup holds, with a number drawn afresh by every rollup write that
# touches the month (queries.rollups, the rollup's only writer): equal numbers over a run of
# months mean none of its rollup rows was rewritten since, without reading them.
rollup_month_versions = Table(
    "rollup_month_versions",
    metadata,
    Column("month_start", Date, primary_key=True),
    Column("version", BigInteger, nullable=False),
)

# Complaints per firm, month and issue: what severity scoring reads for a quarter. Nothing in it
# depends on an as-of date, so every month is answered from it once it is built.
company_issue_rollup = Table(
    "company_issue_rollup",
    metadata,
    Column("company_id", String, nullable=False),
    Column("month_start", Date, nullable=False),
    Column("issue", String),
    Column("complaints", Integer, nullable=False),
)

# Rollups other than the per-deadline company x month one, by name, once complete and kept up to
# date by ingest (a warehouse from before a rollup existed has no row for it).
rollup_builds = Table(
    "rollup_builds",
    metadata,
    Column("name", String, primary_key=True),
    Column("built_at", DateTime, nullable=False),
)

for _index in (
    Index("ix_complaints_company_date", complaints.c.company_id, complaints.c.received_date),
    Index("ix_complaints_product_date", complaints.c.product, complaints.c.received_date),
    Index("ix_complaints_date", complaints.c.received_date),
    Index("ix_issue_rollup_month", company_issue_rollup.c.month_start),
    Index("ix_enforcement_company", enforcement_actions.c.company_id),
    Index("ix_rejected_run", rejected_rows.c.run_id),
):
    _index.ddl_if(dialect=ROW_STORE_DIALECTS)

CONTRACT_TABLES: dict[str, Table] = {
    t.name: t for t in (companies, complaints, enforcement_actions, company_relations)
}
INGESTIBLE_TABLES: dict[str, Table] = {
    **CONTRACT_TABLES,
    company_aliases.name: company_aliases,
    issue_statutes.name: issue_statutes,
}


# --- access control: accounts and the audit log ------------------------------------------------
# Kept in their own MetaData: with a PostgreSQL warehouse they live in the same database (the
# dashboard's role may only SELECT users and INSERT into audit_log); with a DuckDB or SQLite
# warehouse file they live in a small SQLite file beside it, because the dashboard opens the
# warehouse read-only (see queries.warehouse.security_url).
security_metadata = MetaData()

users = Table(
    "users",
    security_metadata,
    Column("username", String, primary_key=True),
    # Argon2id hash; empty for accounts that sign in through the identity provider (st.login).
    Column("password_hash", Text),
    Column("role", String, nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    CheckConstraint(
        "role IN (" + ", ".join(f"'{role}'" for role in ROLES) + ")", name="ck_users_role"
    ),
)

# Append-only: a trigger refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) for everyone,
# and on PostgreSQL the dashboard's role is granted only SELECT and INSERT on it.
audit_log = Table(
    "audit_log",
    security_metadata,
    Column("audit_id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),  # UTC
    Column("username", String, nullable=False),
    Column("role", String),
    Column("action", String, nullable=False),
    Column("object", Text),
    Column("reason", Text),
    Column("outcome", String, nullable=False),
    Column("detail", Text),
)
Index("ix_audit_at", audit_log.c.at)
Index("ix_audit_user_at", audit_log.c.username, audit_log.c.at)

_APPEND_ONLY_SQLITE = [
    DDL(
        f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    ).execute_if(dialect="sqlite")
    for verb in ("UPDATE", "DELETE")
]
_APPEND_ONLY_POSTGRESQL = [
    DDL(
        "CREATE OR REPLACE FUNCTION radar_audit_append_only() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
    ).execute_if(dialect="postgresql"),
    DDL(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION radar_audit_append_only()"
    ).execute_if(dialect="postgresql"),
    DDL(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION radar_audit_append_only()"
    ).execute_if(dialect="postgresql"),
]
for _ddl in (*_APPEND_ONLY_SQLITE, *_APPEND_ONLY_POSTGRESQL):
    event.listen(audit_log, "after_create", _ddl)


def create_security_schema(engine: Engine) -> None:
    """Create the users and audit_log tables (with the append-only triggers) if missing."""
    if engine.dialect.name == "duckdb":
        # DuckDB has no triggers, so an audit log there could be edited at will.
        raise ValueError(
            "the audit log needs SQLite or PostgreSQL, not DuckDB; "
            "set RADAR_AUDIT_DB_URL to a sqlite:/// or postgresql:// URL."
        )
    security_metadata.create_all(engine, checkfirst=True)


def create_schema(engine: Engine) -> None:
    """Create every table and index that is missing, and add columns a newer version declares.

    Existing tables keep their rows; a column added since a warehouse was created (such as the
    optional contact columns of companies) is added empty, so older warehouses keep working.
    """
    metadata.create_all(engine, checkfirst=True)
    for table in metadata.sorted_tables:
        missing = missing_columns(engine, table)
        if not missing:
            continue
        with engine.begin() as connection:
            for column in missing:
                # Identifiers and types come from this module, never from input.
                ddl = CreateColumn(column).compile(dialect=connection.dialect)
                connection.exec_driver_sql(
                    f"ALTER TABLE {connection.dialect.identifier_preparer.format_table(table)} "
                    f"ADD COLUMN {ddl}"
                )


def table_exists(engine: Engine, name: str) -> bool:
    """Whether the warehouse has a table (asked on a connection of its own: DuckDB refuses
    other work on a connection whose catalogue query is still open)."""
    with engine.connect() as connection:
        return connection.dialect.has_table(connection, name)


def present_columns(engine: Engine, table: Table) -> list[str]:
    """The table's declared columns that the warehouse has ([] if the table is missing)."""
    if not table_exists(engine, table.name):
        return []
    # Column reflection is not implemented by every dialect (duckdb-engine's fails on DuckDB
    # 2.0); the names of an empty SELECT * result are portable.
    with engine.connect() as connection:
        result = connection.execute(select(literal_column("*")).select_from(table).limit(0))
        have = set(result.keys())
        result.close()
    return [column.name for column in table.columns if column.name in have]


def missing_columns(engine: Engine, table: Table) -> list[Column]:
    """Nullable declared columns an existing table lacks (none for a missing table)."""
    present = present_columns(engine, table)
    if not present:
        return []
    return [c for c in table.columns if c.name not in present and c.nullable]


def missing_tables(engine: Engine) -> list[str]:
    """Contract tables the warehouse does not have (all of them for a new, empty database)."""
    present = set(inspect(engine).get_table_names())
    return [name for name in CONTRACT_TABLES if name not in present]
