"""The company x month rollup: kept by ingest, read by scoring instead of every complaint.

A rollup row holds the counts of one firm's complaints received in one month. Everything in it
is fixed once the complaint is loaded, except two things that depend on the as-of date: whether
a complaint still in progress, or one with no answer and no timeliness verdict, is past the
response deadline. The rollup keeps those complaints as `in_progress` and `pending`; a month that
ended before `as_of - deadline` has all of them overdue, so it is answered from the rollup. In
the one or two months after that, only the complaints received within the deadline of `as_of`
are not: those few are counted from the complaints and taken off the rollup's overdue counts.
The result equals `aggregates.company_period_counts(period="month")` exactly
(tests/test_rollups.py).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import partial

import polars as pl
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Engine,
    MetaData,
    String,
    Table,
    and_,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from queries.aggregates import (
    COUNT_SCHEMA,
    company_issue_counts,
    company_period_counts,
    count_if,
    late_expression,
)
from queries.bulk import bulk_insert, fetch_frame
from queries.concurrency import concurrently
from queries.filters import ComplaintFilter
from queries.schema import (
    company_issue_rollup,
    company_month_rollup,
    complaints,
    rollup_builds,
    rollup_deadlines,
    rollup_month_versions,
)
from queries.sqlfunctions import days_between, period_start

DEFAULT_DEADLINE_DAYS = 14
MONTH_SCHEMA: dict[str, pl.DataType] = {
    "company_id": pl.String(),
    "period_start": pl.Date(),
    **COUNT_SCHEMA,
}
ROLLUP_COUNTS: tuple[str, ...] = (
    "complaints",
    "resolved",
    "unresolved",
    "in_progress",
    "withdrawn",
    "responded",
    "timely_known_fixed",
    "late_fixed",
    "pending",
    "amount_n",
)


def _rollup_columns(deadline_days: int) -> list[ColumnElement]:
    """The rollup's counts of a group of complaints, in company_month_rollup's column order."""
    c = complaints.c
    response_days = days_between(c.responded_date, c.received_date)
    late_fixed = late_expression(deadline_days, as_of=None)
    return [
        func.count().label("complaints"),
        count_if(c.status == "resolved").label("resolved"),
        count_if(c.status == "unresolved").label("unresolved"),
        count_if(c.status == "in_progress").label("in_progress"),
        count_if(c.status == "withdrawn").label("withdrawn"),
        count_if(c.responded_date.is_not(None)).label("responded"),
        count_if(c.timely.is_not(None) | c.responded_date.is_not(None)).label("timely_known_fixed"),
        count_if(late_fixed == true()).label("late_fixed"),
        count_if(_unanswered()).label("pending"),
        func.sum(response_days).label("response_days_sum"),
        func.sum(c.amount).label("amount_sum"),
        func.count(c.amount).label("amount_n"),
    ]


def _unanswered() -> ColumnElement[bool]:
    """A complaint with no answer and no timeliness verdict: the rollup's `pending`, whose
    lateness depends on the as-of date."""
    return complaints.c.timely.is_(None) & complaints.c.responded_date.is_(None)


def _aggregate_into_rollup(
    connection: Connection, deadline_days: int, where: ColumnElement[bool] | None
) -> None:
    """INSERT the rollup rows of the complaints matching `where` (all when None)."""
    month = period_start(complaints.c.received_date, "month")
    query = select(
        literal(deadline_days).label("deadline_days"),
        complaints.c.company_id,
        month.label("month_start"),
        *_rollup_columns(deadline_days),
    )
    if where is not None:
        query = query.where(where)
    query = query.group_by(complaints.c.company_id, month)
    names = [column.name for column in company_month_rollup.columns]
    connection.execute(insert(company_month_rollup).from_select(names, query))


def _new_versions(connection: Connection, months: Select | None) -> None:
    """Draw a new version for the rollup's months among `months` (a select of month starts;
    every month when None) in rollup_month_versions, where the warehouse has that table."""
    versions = rollup_month_versions
    if not connection.dialect.has_table(connection, versions.name):
        return
    month = company_month_rollup.c.month_start
    held = select(month).distinct()
    if months is None:
        connection.execute(delete(versions))
    else:
        held = held.where(month.in_(months))
        connection.execute(delete(versions).where(versions.c.month_start.in_(months)))
    drawn = literal(secrets.randbits(62), BigInteger)
    touched = held.subquery()
    connection.execute(
        insert(versions).from_select(
            ["month_start", "version"], select(touched.c.month_start, drawn)
        )
    )


def has_rollup_tables(connection: Connection) -> bool:
    """Whether the warehouse has the rollup tables (older warehouses may not)."""
    present = set(inspect(connection).get_table_names())
    return {company_month_rollup.name, rollup_deadlines.name} <= present


def maintained_deadlines(connection: Connection) -> list[int]:
    """The deadlines whose rollup is complete and kept up to date by ingest."""
    if not has_rollup_tables(connection):
        return []
    column = rollup_deadlines.c.deadline_days
    rows = connection.execute(select(column).order_by(column))
    return [int(value) for (value,) in rows]


def rebuild_rollup(connection: Connection, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> None:
    """Recompute the whole rollup for one deadline, and the issue rollup, from the complaints;
    ingest keeps both from now on."""
    _rebuild_month_rollup(connection, deadline_days)
    rebuild_issue_rollup(connection)


def _rebuild_month_rollup(connection: Connection, deadline_days: int) -> None:
    """Recompute the company x month rollup for one deadline from the complaints."""
    if deadline_days < 0:
        raise ValueError(f"deadline_days must be >= 0; got {deadline_days}.")
    table = company_month_rollup
    connection.execute(delete(table).where(table.c.deadline_days == deadline_days))
    _aggregate_into_rollup(connection, deadline_days, None)
    _new_versions(connection, None)
    connection.execute(
        delete(rollup_deadlines).where(rollup_deadlines.c.deadline_days == deadline_days)
    )
    connection.execute(
        insert(rollup_deadlines).values(deadline_days=deadline_days, built_at=datetime.now())
    )


ISSUE_ROLLUP = "company_issue_rollup"


def rebuild_issue_rollup(connection: Connection) -> None:
    """Recount complaints per firm, month and issue, and keep them up to date from now on."""
    connection.execute(delete(company_issue_rollup))
    _aggregate_issues(connection, None)
    connection.execute(delete(rollup_builds).where(rollup_builds.c.name == ISSUE_ROLLUP))
    connection.execute(insert(rollup_builds).values(name=ISSUE_ROLLUP, built_at=datetime.now()))


def _aggregate_issues(connection: Connection, where: ColumnElement[bool] | None) -> None:
    """INSERT the issue rollup rows of the complaints matching `where` (all when None)."""
    c = complaints.c
    month = period_start(c.received_date, "month")
    query = select(c.company_id, month.label("month_start"), c.issue, func.count())
    if where is not None:
        query = query.where(where)
    names = [column.name for column in company_issue_rollup.columns]
    connection.execute(
        insert(company_issue_rollup).from_select(
            names, query.group_by(c.company_id, month, c.issue)
        )
    )


def has_issue_rollup(connection: Connection) -> bool:
    """Whether the issue rollup is complete and kept up to date by ingest."""
    if rollup_builds.name not in inspect(connection).get_table_names():
        return False
    found = select(rollup_builds.c.name).where(rollup_builds.c.name == ISSUE_ROLLUP)
    return len(connection.execute(found).all()) > 0


def rebuild_rollups(connection: Connection) -> list[int]:
    """Rebuild every maintained rollup (the default deadline's when there is none); their list."""
    deadlines = maintained_deadlines(connection) or [DEFAULT_DEADLINE_DAYS]
    for deadline_days in deadlines:
        _rebuild_month_rollup(connection, deadline_days)
    rebuild_issue_rollup(connection)
    return deadlines


def refresh_rollups(connection: Connection, loaded: pl.DataFrame) -> None:
    """Bring every maintained rollup up to date after `loaded` complaints were inserted.

    The firm-months the loaded rows fall in are recounted from the complaints table, so a
    refresh is exact however many of the rows were new. A warehouse with no rollup yet gets one
    for DEFAULT_DEADLINE_DAYS, built from all its complaints.
    """
    deadlines = maintained_deadlines(connection)
    if not deadlines:
        rebuild_rollup(connection, DEFAULT_DEADLINE_DAYS)
        return
    if loaded.height == 0:
        return
    keys = (
        loaded.select(
            pl.col("company_id").cast(pl.String),
            pl.col("received_date").cast(pl.Date).dt.truncate("1mo").alias("month_start"),
        )
        .unique()
        .drop_nulls()
    )
    stage = Table(
        f"stage_rollup_keys_{uuid.uuid4().hex[:8]}",
        MetaData(),
        Column("company_id", String),
        Column("month_start", Date),
        prefixes=["TEMPORARY"],
    )
    stage.create(connection)
    try:
        bulk_insert(connection, stage, keys)
        table = company_month_rollup

        def touched(rollup: Table) -> ColumnElement[bool]:
            """The rollup's rows for a firm-month the loaded complaints fall in."""
            return exists().where(
                and_(
                    stage.c.company_id == rollup.c.company_id,
                    stage.c.month_start == rollup.c.month_start,
                )
            )

        in_complaints = exists().where(
            and_(
                stage.c.company_id == complaints.c.company_id,
                stage.c.month_start == period_start(complaints.c.received_date, "month"),
            )
        )
        for deadline_days in deadlines:
            connection.execute(
                delete(table).where(table.c.deadline_days == deadline_days).where(touched(table))
            )
            _aggregate_into_rollup(connection, deadline_days, in_complaints)
        _new_versions(connection, select(stage.c.month_start))
        if has_issue_rollup(connection):
            issues = company_issue_rollup
            connection.execute(delete(issues).where(touched(issues)))
            _aggregate_issues(connection, in_complaints)
        else:
            rebuild_issue_rollup(connection)
    finally:
        stage.drop(connection)


def company_month_counts(
    engine: Engine,
    *,
    start: date,
    end: date,
    as_of: date,
    deadline_days: int,
    status_ranges: Sequence[tuple[date, date]] | None = None,
    segment_starts: Sequence[date] = (),
) -> pl.DataFrame:
    """company_period_counts(period="month") for [start, end], read from the rollup when kept.

    Falls back to counting the complaints when the warehouse keeps no rollup for this deadline.
    Bounds that cut a month in two are counted from the complaints too. Rows come in no
    particular order: sorting ~900K firm-months by a text id would cost more than reading them.

    With `status_ranges`, rollup months outside them carry `complaints` only (every other count
    is null): a score reads statuses for three quarters out of five years, so a third of the
    values is read. With `segment_starts` too, those complaints-only months are also added up
    in the warehouse between consecutive segment starts, each sum dated by the segment's start
    (or by `start`): a caller that only ever sums whole segments gets the same totals from
    half the rows (at 10M complaints 0.93M firm-months become 0.46M rows, and the frame's 95 MB
    47 MB). The parts are read side by side (queries.concurrency).
    """
    full = ComplaintFilter(start=start, end=end)
    with engine.connect() as connection:
        if not _whole_months(start, end) or deadline_days not in maintained_deadlines(connection):
            return company_period_counts(
                engine,
                period="month",
                complaint_filter=full,
                as_of=as_of,
                deadline_days=deadline_days,
            )
    open_from = max(first_open_month(as_of, deadline_days), start)
    settled_end = min(end, open_from - timedelta(days=1))
    reads = [
        partial(
            _settled_months,
            engine,
            first,
            last,
            deadline_days,
            statuses,
            () if statuses else segments_from(start, end, segment_starts),
        )
        for first, last, statuses in _settled_parts(start, settled_end, status_ranges)
    ]
    still_open = open_from <= end
    if still_open:
        reads.append(partial(_settled_months, engine, open_from, end, deadline_days))
        reads.append(partial(_not_yet_overdue, engine, open_from, end, as_of, deadline_days))
    parts = concurrently(engine, *reads)
    if still_open:
        *parts, open_months, young = parts
        parts.append(_less_not_yet_overdue(open_months, young))
    return pl.concat(parts) if parts else pl.DataFrame(schema=MONTH_SCHEMA)


def fingerprints_rollup(engine: Engine) -> bool:
    """Whether scoring fingerprints the settled months on this warehouse: DuckDB only, whose
    hash() is the fallback where no month versions are kept (PostgreSQL and SQLite read every
    month each time, though the versions alone would serve them too)."""
    return engine.dialect.name == "duckdb"


def rollup_fingerprint(
    engine: Engine,
    *,
    start: date,
    end: date,
    deadline_days: int,
    status_ranges: Sequence[tuple[date, date]],
) -> tuple[int, int] | None:
    """What identifies the rollup's months in [start, end]: equal fingerprints mean the same
    values of everything `company_month_counts` reads from those months with those status ranges.

    Where the warehouse keeps rollup_month_versions: the number of those months it holds and a
    64-bit digest of their versions, which every write of this module draws afresh for the
    months it touches (~1 ms to read, where hashing the rows takes ~35 ms of CPU at 10M
    complaints). Equal, then, unless the rollup was written around this module. Otherwise: the
    row count and the XOR of the row hashes, each row hashed on its firm, month and complaints,
    and on its other counts in `status_ranges`; equal unless 64-bit hashes collide (rows are
    unique per firm and month, so none cancels another). None when the months are not all
    settled rollup rows (no rollup for this deadline, or bounds that cut a month), or off DuckDB.
    """
    if not fingerprints_rollup(engine) or not _whole_months(start, end):
        return None
    with engine.connect() as connection:
        if deadline_days not in maintained_deadlines(connection):
            return None
        if connection.dialect.has_table(connection, rollup_month_versions.name):
            return _versions_fingerprint(connection, start, end)
        return _hashed_fingerprint(connection, start, end, deadline_days, status_ranges)


def _versions_fingerprint(connection: Connection, start: date, end: date) -> tuple[int, int]:
    """The number of months in [start, end] with a version, and a digest of them all."""
    v = rollup_month_versions.c
    query = select(v.month_start, v.version).where(v.month_start.between(start, end))
    months = sorted(connection.execute(query).tuples())
    digest = hashlib.blake2b(repr(months).encode(), digest_size=8).digest()
    return len(months), int.from_bytes(digest, "big")


def _hashed_fingerprint(
    connection: Connection,
    start: date,
    end: date,
    deadline_days: int,
    status_ranges: Sequence[tuple[date, date]],
) -> tuple[int, int]:
    """The row count and XOR of row hashes `rollup_fingerprint` describes."""
    r = company_month_rollup.c
    in_status = or_(*[r.month_start.between(_month_start(a), b) for a, b in status_ranges], false())
    keys = ("deadline_days", "company_id", "month_start", "complaints")
    statuses = func.hash(*[column for column in r if column.name not in keys])
    row = func.hash(r.company_id, r.month_start, r.complaints, case((in_status, statuses)))
    query = (
        select(func.count(), func.bit_xor(row))
        .where(r.deadline_days == deadline_days)
        .where(r.month_start >= start)
        .where(r.month_start <= end)
    )
    rows, hashed = connection.execute(query).one()
    return int(rows), int(hashed or 0)


def first_open_month(as_of: date, deadline_days: int) -> date:
    """The first month whose complaints may still be within the deadline at `as_of`: from it on
    the rollup's overdue counts need the young complaints taken off (company_month_counts)."""
    return _month_start(as_of - timedelta(days=deadline_days))


def _not_yet_overdue(
    engine: Engine, start: date, end: date, as_of: date, deadline_days: int
) -> pl.DataFrame:
    """Per firm and month in [start, end]: complaints in progress, and complaints with no
    answer and no timeliness verdict, that are still within the deadline at `as_of`."""
    c = complaints.c
    month = period_start(c.received_date, "month")
    unanswered = _unanswered()
    query = (
        select(
            c.company_id,
            month.label("period_start"),
            count_if(c.status == "in_progress").label("young_in_progress"),
            count_if(unanswered).label("young_unanswered"),
        )
        # Within the deadline: as_of - received <= deadline_days, whole days.
        .where(c.received_date >= max(start, as_of - timedelta(days=deadline_days)))
        .where(c.received_date <= end)
        .where((c.status == "in_progress") | unanswered)
        .group_by(c.company_id, month)
    )
    schema = {
        "company_id": pl.String(),
        "period_start": pl.Date(),
        "young_in_progress": pl.Int64(),
        "young_unanswered": pl.Int64(),
    }
    with engine.connect() as connection:
        return fetch_frame(connection, query, schema)


def _less_not_yet_overdue(months: pl.DataFrame, young: pl.DataFrame) -> pl.DataFrame:
    """Rollup months read as settled (every complaint in progress or unanswered counted as
    overdue), with those still within the deadline (`_not_yet_overdue`) taken off again."""
    in_progress = pl.col("young_in_progress").fill_null(0)
    unanswered = pl.col("young_unanswered").fill_null(0)
    return (
        months.join(young, on=["company_id", "period_start"], how="left")
        .with_columns(
            pl.col("overdue_in_progress") - in_progress,
            pl.col("timely_known") - unanswered,
            pl.col("late") - unanswered,
        )
        .select(list(MONTH_SCHEMA))
    )


def _settled_parts(
    start: date, end: date, status_ranges: Sequence[tuple[date, date]] | None
) -> list[tuple[date, date, bool]]:
    """Runs of whole months in [start, end], each with whether its status counts are read."""
    if end < start:
        return []
    if status_ranges is None:
        return [(start, end, True)]
    months = _months_between(start, end)
    wanted = [
        any(a <= _month_end(month) and month <= b for a, b in status_ranges) for month in months
    ]
    runs: list[tuple[date, date, bool]] = []
    for month, statuses in zip(months, wanted, strict=True):
        last = _month_end(month)
        if runs and runs[-1][2] == statuses:
            runs[-1] = (runs[-1][0], last, statuses)
        else:
            runs.append((month, last, statuses))
    return runs


def segments_from(start: date, end: date, segment_starts: Sequence[date]) -> tuple[date, ...]:
    """`start` and the segment starts after it up to `end`, sorted (none without any)."""
    if not segment_starts:
        return ()
    return tuple(sorted({start, *(day for day in segment_starts if start < day <= end)}))


def _months_between(start: date, end: date) -> list[date]:
    """The first day of every month that starts in [start, end] (start is a month's first)."""
    months, month = [], start
    while month <= end:
        months.append(month)
        month = _month_end(month) + timedelta(days=1)
    return months


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def company_issue_month_counts(engine: Engine, *, start: date, end: date) -> pl.DataFrame:
    """Complaints per company and issue received in [start, end], in no particular order and
    not added up: a firm and issue has a row per month when read from the issue rollup (kept,
    and the bounds whole months), one row when counted from the complaints. Callers sum them.

    Adding up a quarter's ~260,000 rollup rows is cheaper where they are summed anyway (per
    firm, for severity) than grouping them by two text keys in the warehouse.
    """
    with engine.connect() as connection:
        if _whole_months(start, end) and has_issue_rollup(connection):
            r = company_issue_rollup.c
            query = (
                select(r.company_id, r.issue, r.complaints)
                .where(r.month_start >= start)
                .where(r.month_start <= end)
            )
            schema = {"company_id": pl.String(), "issue": pl.String(), "complaints": pl.Int64()}
            return fetch_frame(connection, query, schema)
    return company_issue_counts(engine, complaint_filter=ComplaintFilter(start=start, end=end))


def _whole_months(start: date, end: date) -> bool:
    """Whether [start, end] begins on a month's first day and ends on a month's last."""
    return start.day == 1 and (end + timedelta(days=1)).day == 1


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _segment_start(month: ColumnElement, segment_starts: Sequence[date]) -> ColumnElement:
    """The last of the sorted `segment_starts` on or before `month` (the first one for any
    earlier month); the month itself when there are none."""
    if not segment_starts:
        return month
    later_first = segment_starts[::-1]
    return case(
        *[(month >= day, literal(day, Date)) for day in later_first[:-1]],
        else_=literal(later_first[-1], Date),
    )


def _settled_months(
    engine: Engine,
    start: date,
    end: date,
    deadline_days: int,
    statuses: bool = True,
    segment_starts: Sequence[date] = (),
) -> pl.DataFrame:
    """Rollup months in [start, end] whose complaints are all past the deadline.

    Without `statuses` only `complaints` is read; the other counts are null. With
    `segment_starts` (sorted; the first on or before `start`) each firm's months are summed per
    segment, the row dated by the segment's start.
    """
    r = company_month_rollup.c
    if end < start:
        return pl.DataFrame(schema=MONTH_SCHEMA)
    counts = {
        "complaints": r.complaints,
        "resolved": r.resolved,
        "unresolved": r.unresolved,
        "in_progress": r.in_progress,
        "withdrawn": r.withdrawn,
        "overdue_in_progress": r.in_progress,
        "responded": r.responded,
        "timely_known": r.timely_known_fixed + r.pending,
        "late": r.late_fixed + r.pending,
        "response_days_sum": r.response_days_sum,
        "amount_sum": r.amount_sum,
        "amount_n": r.amount_n,
    }
    read = list(counts) if statuses else ["complaints"]
    query_columns = ["company_id", "period_start", *read]
    period = _segment_start(r.month_start, segment_starts)
    values = {name: counts[name] for name in read}
    if segment_starts:
        # Whole numbers: DuckDB would sum 32-bit counts into 128-bit ones.
        values = {
            name: func.sum(value).cast(BigInteger)
            if MONTH_SCHEMA[name] == pl.Int64()
            else func.sum(value)
            for name, value in values.items()
        }
    query = (
        select(
            r.company_id,
            period.label("period_start"),
            *[value.label(name) for name, value in values.items()],
        )
        .where(r.deadline_days == deadline_days)
        .where(r.month_start >= _month_start(start))
        .where(r.month_start <= end)
    )
    if segment_starts:
        query = query.group_by(r.company_id, period)
    with engine.connect() as connection:
        frame = fetch_frame(connection, query, {name: MONTH_SCHEMA[name] for name in query_columns})
    return frame.with_columns(
        pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in MONTH_SCHEMA.items()
        if name not in frame.columns
    ).select(list(MONTH_SCHEMA))
