"""Everything the scoring layer reads from the warehouse, fetched once per as-of date.

The frames are small (firm x month counts, the company and enforcement tables, firm x issue
counts for one quarter), so a dashboard can cache them and re-rank after a weight change
without touching the warehouse again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Protocol

import polars as pl
from sqlalchemy import Engine

from queries.aggregates import (
    company_table,
    enforcement_table,
    issue_statute_table,
    relations_table,
)
from queries.concurrency import concurrently
from queries.rollups import company_issue_month_counts, company_month_counts


class WindowBounds(Protocol):
    """The dates the inputs cover (scoring.windows.Windows satisfies it)."""

    history_start: date
    current_start: date
    current_end: date

    def status_ranges(self) -> tuple[tuple[date, date], ...]:
        """The date ranges whose status counts a score reads (complaints only elsewhere)."""
        ...

    def segment_starts(self) -> tuple[date, ...]:
        """The days between which a score only ever adds up whole runs of months."""
        ...


class InputSettings(Protocol):
    """What fetching needs from a scoring configuration (scoring.config.ScoringConfig has it)."""

    deadline_days: int

    def windows(self, as_of: date) -> WindowBounds:
        """The windows scored for an as-of date."""
        ...


@dataclass(frozen=True, eq=False)
class ScoringInputs:
    """The cached inputs of one scoring run; identity-hashed (frames are not comparable)."""

    as_of: date
    deadline_days: int
    # company_id, period_start, COUNT_SCHEMA; history_start..current_end. Outside the windows'
    # status_ranges() only `complaints` is sure to be there: other counts may be null, and the
    # months may come added up between the windows' segment_starts(), dated by the segment.
    monthly: pl.DataFrame
    companies: pl.DataFrame  # company_table
    enforcement: pl.DataFrame  # enforcement_table, every date (scoring only looks back)
    relations: pl.DataFrame  # relations_table
    issues: pl.DataFrame  # company_id, issue, complaints in the current window
    issue_statutes: pl.DataFrame  # issue, statute


def fetch_scoring_inputs(engine: Engine, as_of: date, config: InputSettings) -> ScoringInputs:
    """Run the few aggregate queries a score needs, for the windows of `as_of`, side by side."""
    windows = config.windows(as_of)
    monthly, companies, enforcement, relations, issues, issue_statutes = concurrently(
        engine,
        partial(
            company_month_counts,
            engine,
            start=windows.history_start,
            end=windows.current_end,
            as_of=as_of,
            deadline_days=config.deadline_days,
            status_ranges=windows.status_ranges(),
            segment_starts=windows.segment_starts(),
        ),
        partial(company_table, engine),
        partial(enforcement_table, engine),
        partial(relations_table, engine),
        partial(
            company_issue_month_counts,
            engine,
            start=windows.current_start,
            end=windows.current_end,
        ),
        partial(issue_statute_table, engine),
    )
    return ScoringInputs(
        as_of=as_of,
        deadline_days=config.deadline_days,
        monthly=monthly,
        companies=companies,
        enforcement=enforcement,
        relations=relations,
        issues=issues,
        issue_statutes=issue_statutes,
    )
