"""Everything the scoring layer reads from the warehouse, fetched once per as-of date.

The frames are small (firm x month counts, the company and enforcement tables, firm x issue
counts for one quarter), so a dashboard can cache them and re-rank after a weight change
without touching the warehouse again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

import polars as pl
from sqlalchemy import Engine

from queries.aggregates import (
    company_issue_counts,
    company_table,
    enforcement_table,
    issue_statute_table,
    relations_table,
)
from queries.filters import ComplaintFilter
from queries.rollups import company_month_counts


class WindowBounds(Protocol):
    """The dates the inputs cover (scoring.windows.Windows satisfies it)."""

    history_start: date
    current_start: date
    current_end: date


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
    monthly: pl.DataFrame  # company_id, period_start, COUNT_SCHEMA; history_start..current_end
    companies: pl.DataFrame  # company_table
    enforcement: pl.DataFrame  # enforcement_table, every date (scoring only looks back)
    relations: pl.DataFrame  # relations_table
    issues: pl.DataFrame  # company_id, issue, complaints in the current window
    issue_statutes: pl.DataFrame  # issue, statute


def fetch_scoring_inputs(engine: Engine, as_of: date, config: InputSettings) -> ScoringInputs:
    """Run the few aggregate queries a score needs, for the windows of `as_of`."""
    windows = config.windows(as_of)
    history = ComplaintFilter(start=windows.history_start, end=windows.current_end)
    current = ComplaintFilter(start=windows.current_start, end=windows.current_end)
    return ScoringInputs(
        as_of=as_of,
        deadline_days=config.deadline_days,
        monthly=company_month_counts(
            engine,
            start=history.start,
            end=history.end,
            as_of=as_of,
            deadline_days=config.deadline_days,
        ),
        companies=company_table(engine),
        enforcement=enforcement_table(engine),
        relations=relations_table(engine),
        issues=company_issue_counts(engine, complaint_filter=current),
        issue_statutes=issue_statute_table(engine),
    )
