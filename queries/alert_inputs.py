"""Everything the surge alerts read from the warehouse for one as-of date: weekly aggregates only.

The frames stay small whatever the warehouse size (firm x week, product x week, one weekly total,
and firm x product x week for a recent window), so the alert engine in `scoring.alerts` never
sees a complaint row. The week holding `as_of` is fetched up to `as_of` as it is; deciding that
it is still filling (and dropping it) is the engine's job, so that the choice is stated in one
place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import polars as pl
from sqlalchemy import Engine, Select, func, select

from queries.aggregates import company_table
from queries.bulk import fetch_frame
from queries.filters import ComplaintFilter, apply_filter
from queries.schema import complaints
from queries.sqlfunctions import period_start
from queries.warehouse import FILE_DIALECTS

DEFAULT_HISTORY_WEEKS = 156  # three years: two past years of the same season for the baseline
DEFAULT_ADVISORY_WEEKS = 39  # firm x product detail: a surge's weeks and half a year before them
# An embedded warehouse groups in the dashboard's own process: at 10M complaints one firm x week
# group-by over three years held ~250 MB of hash table at once, in half-year spans ~90 MB.
SPAN_WEEKS = 26

WEEK_COUNT_SCHEMA: dict[str, pl.DataType] = {"period_start": pl.Date(), "complaints": pl.Int64()}


@dataclass(frozen=True, eq=False)
class AlertInputs:
    """Weekly aggregates behind one alerts run; identity-hashed (frames are not comparable)."""

    as_of: date
    history_start: date  # Monday of the first week fetched
    company_weeks: pl.DataFrame  # company_id, period_start, complaints
    product_weeks: pl.DataFrame  # product, period_start, complaints
    total_weeks: pl.DataFrame  # period_start, complaints (every complaint, whatever its firm)
    companies: pl.DataFrame  # company_id, name, industry
    company_product_weeks: pl.DataFrame  # company_id, product, period_start, complaints (recent)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _check_weeks(name: str, weeks: int) -> None:
    if weeks < 1:
        raise ValueError(f"{name} must be >= 1; got {weeks}.")


def week_counts(
    engine: Engine, keys: tuple[str, ...], complaint_filter: ComplaintFilter
) -> pl.DataFrame:
    """Complaints per ISO week and the named complaint columns (a null key is its own group).

    Only the count: the alerts read nothing else, and at 10M complaints the status columns of
    `aggregates.company_period_counts` cost the warehouse seconds and hundreds of MB of hash
    table for a result that was thrown away. In no particular order: the alert engine places
    each row by its key and week, and sorting ~2.2M firm-weeks by a text id (and ~0.95M firm x
    product weeks) took ~0.3 s of the ~1 s read at 10M complaints.
    """
    c = complaints.c
    columns = [c[key] for key in keys]
    bucket = period_start(c.received_date, "week").label("period_start")

    def counted(span: ComplaintFilter) -> Select:
        return apply_filter(
            select(*columns, bucket, func.count().label("complaints")), span
        ).group_by(*columns, bucket)

    schema = {**{key: pl.String() for key in keys}, **WEEK_COUNT_SCHEMA}
    return in_spans(engine, complaint_filter, counted, schema)


def company_product_week_counts(engine: Engine, complaint_filter: ComplaintFilter) -> pl.DataFrame:
    """Complaints per company, product and ISO week; a null product is kept as its own group.

    In no particular order (see `week_counts`).
    """
    c = complaints.c
    bucket = period_start(c.received_date, "week").label("period_start")

    def counted(span: ComplaintFilter) -> Select:
        return apply_filter(
            select(c.company_id, c.product, bucket, func.count().label("complaints")), span
        ).group_by(c.company_id, c.product, bucket)

    schema = {"company_id": pl.String(), "product": pl.String(), **WEEK_COUNT_SCHEMA}
    return in_spans(engine, complaint_filter, counted, schema)


def in_spans(
    engine: Engine,
    complaint_filter: ComplaintFilter,
    query: Callable[[ComplaintFilter], Select],
    schema: dict[str, pl.DataType],
) -> pl.DataFrame:
    """The rows of `query` over the filter's dates, read span by span of SPAN_WEEKS weeks on an
    embedded warehouse (its hash tables live in this process), in one go on a server.

    Spans break on Mondays, so no week is split between two of them.
    """
    start, end = complaint_filter.start, complaint_filter.end
    spans = [complaint_filter]
    if engine.dialect.name in FILE_DIALECTS and start is not None and end is not None:
        cuts = week_span_starts(start, end, SPAN_WEEKS)
        spans = [
            replace(complaint_filter, start=first, end=following - timedelta(days=1))
            for first, following in zip(cuts, [*cuts[1:], end + timedelta(days=1)], strict=True)
        ]
    with engine.connect() as connection:
        return pl.concat([fetch_frame(connection, query(span), schema) for span in spans])


def week_span_starts(start: date, end: date, span_weeks: int) -> list[date]:
    """Where the spans of [start, end] begin: `start`, then Mondays splitting its weeks into as
    few spans of at most `span_weeks` weeks as will do, of near-equal length."""
    weeks = (_monday(end) - _monday(start)).days // 7 + 1
    spans = -(-weeks // span_weeks)
    return [start] + [
        _monday(start) + timedelta(weeks=round(k * weeks / spans)) for k in range(1, spans)
    ]


def total_week_counts(product_weeks: pl.DataFrame) -> pl.DataFrame:
    """All complaints per week: products (a null product included) partition every complaint."""
    return (
        product_weeks.group_by("period_start")
        .agg(pl.col("complaints").sum())
        .sort("period_start")
        .select(list(WEEK_COUNT_SCHEMA))
    )


def fetch_alert_inputs(
    engine: Engine,
    as_of: date,
    *,
    history_weeks: int = DEFAULT_HISTORY_WEEKS,
    advisory_weeks: int = DEFAULT_ADVISORY_WEEKS,
) -> AlertInputs:
    """The weekly aggregates an alerts run as of `as_of` needs, from `history_weeks` back.

    Complaints received after `as_of` are never read, so a run as of a past date sees the
    warehouse as it would have looked then (apart from rows loaded late).
    """
    _check_weeks("history_weeks", history_weeks)
    _check_weeks("advisory_weeks", advisory_weeks)
    this_week = _monday(as_of)
    history_start = this_week - timedelta(weeks=history_weeks)
    history = ComplaintFilter(start=history_start, end=as_of)
    recent = ComplaintFilter(
        start=max(history_start, this_week - timedelta(weeks=advisory_weeks)), end=as_of
    )
    product_weeks = week_counts(engine, ("product",), history)
    return AlertInputs(
        as_of=as_of,
        history_start=history_start,
        company_weeks=week_counts(engine, ("company_id",), history),
        product_weeks=product_weeks,
        total_weeks=total_week_counts(product_weeks),
        companies=company_table(engine).select("company_id", "name", "industry"),
        company_product_weeks=company_product_week_counts(engine, recent),
    )
