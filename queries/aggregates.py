"""Aggregates pushed down to the warehouse; Python only ever sees the grouped rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from sqlalchemy import Date, Engine, case, func, literal, select, true
from sqlalchemy.sql.elements import ColumnElement

from privacy.masking import mask_frame
from queries.bulk import conform, fetch_frame, table_schema
from queries.filters import ComplaintFilter, apply_filter
from queries.schema import (
    companies,
    company_relations,
    complaints,
    enforcement_actions,
    ingest_runs,
    issue_statutes,
    present_columns,
    rejected_rows,
)
from queries.sqlfunctions import days_between, period_start

DEFAULT_RESPONSE_DEADLINE_DAYS = 14
NO_FILTER = ComplaintFilter()
BREAKDOWN_DIMENSIONS = {
    "product": complaints.c.product,
    "issue": complaints.c.issue,
    "channel": complaints.c.channel,
    "region": complaints.c.region,
}

COUNT_SCHEMA: dict[str, pl.DataType] = {
    "complaints": pl.Int64(),
    "resolved": pl.Int64(),
    "unresolved": pl.Int64(),
    "in_progress": pl.Int64(),
    "withdrawn": pl.Int64(),
    "overdue_in_progress": pl.Int64(),
    "responded": pl.Int64(),
    "timely_known": pl.Int64(),
    "late": pl.Int64(),
    "response_days_sum": pl.Float64(),
    "amount_sum": pl.Float64(),
    "amount_n": pl.Int64(),
}


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of the group meet the condition."""
    return func.sum(case((condition, 1), else_=0))


def late_expression(deadline_days: int, as_of: date | None) -> ColumnElement[bool]:
    """Whether a complaint was answered late: the source's verdict, else its answer date, else
    (with an as-of date) still unanswered past the deadline; null when not known yet.

    Without an as-of date the last rule is left out: the rollup keeps those complaints apart.
    """
    c = complaints.c
    rules = [
        (c.timely.is_not(None), ~c.timely),
        (
            c.responded_date.is_not(None),
            days_between(c.responded_date, c.received_date) > deadline_days,
        ),
    ]
    if as_of is not None:
        age = days_between(literal(as_of, Date), c.received_date)
        rules.append((age > deadline_days, true()))
    return case(*rules, else_=None)


def _status_counts(as_of: date, deadline_days: int) -> list[ColumnElement]:
    """The per-group complaint counts every scoring factor is built from."""
    c = complaints.c
    as_of_value = literal(as_of, Date)
    response_days = days_between(c.responded_date, c.received_date)
    is_late = late_expression(deadline_days, as_of)
    return [
        func.count().label("complaints"),
        count_if(c.status == "resolved").label("resolved"),
        count_if(c.status == "unresolved").label("unresolved"),
        count_if(c.status == "in_progress").label("in_progress"),
        count_if(c.status == "withdrawn").label("withdrawn"),
        count_if(
            (c.status == "in_progress")
            & (days_between(as_of_value, c.received_date) > deadline_days)
        ).label("overdue_in_progress"),
        count_if(c.responded_date.is_not(None)).label("responded"),
        count_if(is_late.is_not(None)).label("timely_known"),
        count_if(is_late == true()).label("late"),
        func.sum(response_days).label("response_days_sum"),
        func.sum(c.amount).label("amount_sum"),
        func.count(c.amount).label("amount_n"),
    ]


def _key_period_counts(
    engine: Engine,
    key: ColumnElement,
    *,
    period: str,
    complaint_filter: ComplaintFilter,
    as_of: date | None,
    deadline_days: int,
) -> pl.DataFrame:
    """Status counts per key (a labelled column) and period, sorted by key then period."""
    as_of = as_of or complaint_filter.end or date.today()
    bucket = period_start(complaints.c.received_date, period).label("period_start")
    query = select(key, bucket, *_status_counts(as_of, deadline_days))
    if companies.c.industry in key.base_columns:
        query = query.join_from(
            complaints, companies, complaints.c.company_id == companies.c.company_id
        )
    query = apply_filter(query, complaint_filter).group_by(key, bucket).order_by(key, bucket)
    schema = {key.name: pl.String(), "period_start": pl.Date(), **COUNT_SCHEMA}
    with engine.connect() as connection:
        return fetch_frame(connection, query, schema)


def company_period_counts(
    engine: Engine,
    *,
    period: str = "month",
    complaint_filter: ComplaintFilter = NO_FILTER,
    as_of: date | None = None,
    deadline_days: int = DEFAULT_RESPONSE_DEADLINE_DAYS,
) -> pl.DataFrame:
    """Complaint counts per company and week/month/quarter, sorted by company then period."""
    return _key_period_counts(
        engine,
        complaints.c.company_id.label("company_id"),
        period=period,
        complaint_filter=complaint_filter,
        as_of=as_of,
        deadline_days=deadline_days,
    )


def product_period_counts(
    engine: Engine,
    *,
    period: str = "week",
    complaint_filter: ComplaintFilter = NO_FILTER,
) -> pl.DataFrame:
    """Complaints per product and period, with how many firms they concern."""
    bucket = period_start(complaints.c.received_date, period).label("period_start")
    query = (
        apply_filter(
            select(
                complaints.c.product,
                bucket,
                func.count().label("complaints"),
                func.count(complaints.c.company_id.distinct()).label("companies"),
            ),
            complaint_filter,
        )
        .group_by(complaints.c.product, bucket)
        .order_by(complaints.c.product, bucket)
    )
    schema = {
        "product": pl.String(),
        "period_start": pl.Date(),
        "complaints": pl.Int64(),
        "companies": pl.Int64(),
    }
    with engine.connect() as connection:
        return fetch_frame(connection, query, schema)


def breakdown(
    engine: Engine,
    dimension: str,
    *,
    complaint_filter: ComplaintFilter = NO_FILTER,
    as_of: date | None = None,
    by_company: bool = True,
    deadline_days: int = DEFAULT_RESPONSE_DEADLINE_DAYS,
) -> pl.DataFrame:
    """Counts per company (optionally) and product, issue, channel or region."""
    if dimension not in BREAKDOWN_DIMENSIONS:
        raise ValueError(
            f"dimension must be one of {tuple(BREAKDOWN_DIMENSIONS)}; got {dimension!r}."
        )
    as_of = as_of or complaint_filter.end or date.today()
    key = BREAKDOWN_DIMENSIONS[dimension].label(dimension)
    keys = [complaints.c.company_id, key] if by_company else [key]
    query = (
        apply_filter(select(*keys, *_status_counts(as_of, deadline_days)), complaint_filter)
        .group_by(*keys)
        .order_by(*keys)
    )
    schema = {"company_id": pl.String()} if by_company else {}
    schema = {**schema, dimension: pl.String(), **COUNT_SCHEMA}
    with engine.connect() as connection:
        return fetch_frame(connection, query, schema)


def company_issue_counts(
    engine: Engine, *, complaint_filter: ComplaintFilter = NO_FILTER
) -> pl.DataFrame:
    """Complaints per company and issue, in no particular order (all severity scoring needs)."""
    keys = [complaints.c.company_id, complaints.c.issue]
    query = apply_filter(select(*keys, func.count().label("complaints")), complaint_filter)
    schema = {"company_id": pl.String(), "issue": pl.String(), "complaints": pl.Int64()}
    with engine.connect() as connection:
        return fetch_frame(connection, query.group_by(*keys), schema)


CONTACT_COLUMNS: tuple[str, ...] = ("representative", "phone", "address")


def company_table(
    engine: Engine,
    *,
    contacts: bool = False,
    columns: Sequence[str] | None = None,
    ordered: bool = True,
) -> pl.DataFrame:
    """Every company with its industry, parent and exposure; with `contacts`, also the
    optional representative, phone and address (personal data: only link suggestions read
    them). A warehouse created before the contact columns existed gets them empty.

    `columns` keeps only those; unordered, the rows come in no particular order (sorting
    50,000 text ids was two thirds of a scoring run's read of this table).
    """
    schema = table_schema(companies)
    if not contacts:
        schema = {name: dtype for name, dtype in schema.items() if name not in CONTACT_COLUMNS}
    if columns is not None:
        schema = {name: schema[name] for name in columns}
    present = [name for name in present_columns(engine, companies) if name in schema]
    with engine.connect() as connection:
        query = select(*(companies.c[name] for name in present))
        if ordered:
            query = query.order_by(companies.c.company_id)
        frame = fetch_frame(connection, query, {name: schema[name] for name in present})
    return conform(frame, schema)


# What a score reads of each company (scoring.counts, scoring.network, the calibration key).
SCORING_COMPANY_COLUMNS = ("company_id", "name", "industry", "parent_id", "exposure")


def enforcement_table(engine: Engine) -> pl.DataFrame:
    """Every enforcement action, oldest first."""
    t = enforcement_actions.c
    schema = {
        "action_id": pl.String(),
        "company_id": pl.String(),
        "action_date": pl.Date(),
        "statute": pl.String(),
        "action": pl.String(),
        "fine_amount": pl.Float64(),
    }
    query = select(*(t[name] for name in schema)).order_by(t.action_date, t.action_id)
    with engine.connect() as connection:
        return fetch_frame(connection, query, schema)


def relations_table(engine: Engine) -> pl.DataFrame:
    """Every company relation."""
    t = company_relations.c
    schema = {"src_company_id": pl.String(), "dst_company_id": pl.String(), "relation": pl.String()}
    query = select(t.src_company_id, t.dst_company_id, t.relation).order_by(
        t.src_company_id, t.dst_company_id, t.relation
    )
    with engine.connect() as connection:
        return fetch_frame(connection, query, schema)


def issue_statute_table(engine: Engine) -> pl.DataFrame:
    """Which statute each issue type concerns."""
    schema = {"issue": pl.String(), "statute": pl.String()}
    query = select(issue_statutes.c.issue, issue_statutes.c.statute).order_by(
        issue_statutes.c.issue
    )
    with engine.connect() as connection:
        return fetch_frame(connection, query, schema)


def warehouse_summary(engine: Engine) -> dict[str, object]:
    """Row counts and the complaint date range: what the warehouse holds, at a glance."""
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (companies, complaints, enforcement_actions, company_relations)
        }
        first, last = connection.execute(
            select(func.min(complaints.c.received_date), func.max(complaints.c.received_date))
        ).one()
    return {**counts, "first_received": _as_date(first), "last_received": _as_date(last)}


def top_companies(
    engine: Engine, *, limit: int = 10, complaint_filter: ComplaintFilter = NO_FILTER
) -> pl.DataFrame:
    """The companies with the most complaints, with name and industry."""
    count = func.count().label("complaints")
    query = (
        apply_filter(
            select(
                complaints.c.company_id, companies.c.name, companies.c.industry, count
            ).join_from(complaints, companies, complaints.c.company_id == companies.c.company_id),
            complaint_filter,
        )
        .group_by(complaints.c.company_id, companies.c.name, companies.c.industry)
        .order_by(count.desc(), complaints.c.company_id)
        .limit(limit)
    )
    schema = {
        "company_id": pl.String(),
        "name": pl.String(),
        "industry": pl.String(),
        "complaints": pl.Int64(),
    }
    with engine.connect() as connection:
        return fetch_frame(connection, query, schema)


def recent_ingests(engine: Engine, *, limit: int = 20) -> pl.DataFrame:
    """The latest ingest runs, newest first."""
    r = ingest_runs.c
    schema = {
        "run_id": pl.String(),
        "started_at": pl.Datetime("us"),
        "path": pl.String(),
        "table_name": pl.String(),
        "source_format": pl.String(),
        "rows_read": pl.Int64(),
        "rows_loaded": pl.Int64(),
        "rows_rejected": pl.Int64(),
        "rows_skipped": pl.Int64(),
        "outcome": pl.String(),
        "message": pl.String(),
    }
    query = select(*(r[name] for name in schema)).order_by(r.started_at.desc()).limit(limit)
    with engine.connect() as connection:
        return fetch_frame(connection, query, schema)


def rejected_for_run(engine: Engine, run_id: str, *, limit: int = 1000) -> pl.DataFrame:
    """The rejected rows of one ingest run, in file order, personal data in values masked."""
    r = rejected_rows.c
    schema = {
        "row_number": pl.Int64(),
        "field": pl.String(),
        "value": pl.String(),
        "reason": pl.String(),
    }
    query = (
        select(r.row_number, r.field, r.value, r.reason)
        .where(r.run_id == run_id)
        .order_by(r.row_number, r.field)
        .limit(limit)
    )
    with engine.connect() as connection:
        return mask_frame(fetch_frame(connection, query, schema), ("value", "reason"))


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value  # type: ignore[return-value]
    return date.fromisoformat(str(value)[:10])


def weekly_totals(engine: Engine, complaint_filter: ComplaintFilter = NO_FILTER) -> pl.DataFrame:
    """All complaints per ISO week (Monday), oldest first; weeks without complaints are absent."""
    bucket = period_start(complaints.c.received_date, "week").label("period_start")
    query = (
        apply_filter(select(bucket, func.count().label("complaints")), complaint_filter)
        .group_by(bucket)
        .order_by(bucket)
    )
    with engine.connect() as connection:
        return fetch_frame(connection, query, {"period_start": pl.Date(), "complaints": pl.Int64()})


def industry_period_counts(
    engine: Engine,
    *,
    period: str = "month",
    complaint_filter: ComplaintFilter = NO_FILTER,
    as_of: date | None = None,
    deadline_days: int = DEFAULT_RESPONSE_DEADLINE_DAYS,
) -> pl.DataFrame:
    """Complaint counts per industry and period: the baseline a firm's timeline is read against."""
    return _key_period_counts(
        engine,
        companies.c.industry.label("industry"),
        period=period,
        complaint_filter=complaint_filter,
        as_of=as_of,
        deadline_days=deadline_days,
    )


RESPONSE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-1", 0, 1),
    ("2-3", 2, 3),
    ("4-7", 4, 7),
    ("8-14", 8, 14),
    ("15-30", 15, 30),
    ("31+", 31, None),
)


def response_time_histogram(
    engine: Engine, *, complaint_filter: ComplaintFilter = NO_FILTER
) -> pl.DataFrame:
    """How many answered complaints took 0-1, 2-3, 4-7, 8-14, 15-30 and 31+ days."""
    days = days_between(complaints.c.responded_date, complaints.c.received_date)
    whens = [
        (days <= high if high is not None else days >= low, label)
        for label, low, high in RESPONSE_BUCKETS
    ]
    bucket = case(*whens).label("bucket")
    query = (
        apply_filter(select(bucket, func.count().label("complaints")), complaint_filter)
        .where(complaints.c.responded_date.is_not(None))
        .group_by(bucket)
    )
    with engine.connect() as connection:
        counts = fetch_frame(connection, query, {"bucket": pl.String(), "complaints": pl.Int64()})
    order = pl.DataFrame({"bucket": [label for label, _, _ in RESPONSE_BUCKETS]})
    return order.join(counts, on="bucket", how="left").with_columns(
        pl.col("complaints").fill_null(0)
    )


def company_counts(
    engine: Engine, *, complaint_filter: ComplaintFilter = NO_FILTER
) -> pl.DataFrame:
    """Complaints per company within a filter (used to narrow a list to one product or region)."""
    query = (
        apply_filter(
            select(complaints.c.company_id, func.count().label("complaints")), complaint_filter
        )
        .group_by(complaints.c.company_id)
        .order_by(complaints.c.company_id)
    )
    with engine.connect() as connection:
        return fetch_frame(connection, query, {"company_id": pl.String(), "complaints": pl.Int64()})


def filter_options(engine: Engine) -> dict[str, list[str]]:
    """The values a user can filter on: industries, products, regions and statutes."""
    columns = {
        "industry": companies.c.industry,
        "product": complaints.c.product,
        "region": complaints.c.region,
        "statute": issue_statutes.c.statute,
    }
    options = {}
    with engine.connect() as connection:
        for name, column in columns.items():
            query = select(column).where(column.is_not(None)).distinct().order_by(column)
            options[name] = [str(value) for value in connection.execute(query).scalars()]
    return options
