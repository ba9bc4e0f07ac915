"""Where a report's frames come from: the same query and scoring calls the dashboard makes.

A report asks a `ReportSource` for rankings, weekly totals and the like; it never runs SQL of
its own. `WarehouseSource` answers from an engine (the command line); the dashboard answers
from its cached wrappers (`pages.common.DashboardSource`), which call the same functions with
the same arguments, so a report and the pages show the same numbers.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

import polars as pl

from queries import aggregates, records
from queries.alert_inputs import AlertInputs, fetch_alert_inputs
from queries.filters import ComplaintFilter
from queries.scoring_inputs import fetch_scoring_inputs
from queries.warehouse import Engine
from scoring.combine import combine
from scoring.config import ScoringConfig
from scoring.factors import compute_factors


class ReportSource(Protocol):
    """The frames a report is built from."""

    config: ScoringConfig

    def ranking(self, as_of: date, language: str) -> pl.DataFrame:
        """Every firm ranked as of a date with the configured weights (scoring.combine),
        explanations written in `language`."""
        ...

    def weekly_totals(self, complaint_filter: ComplaintFilter) -> pl.DataFrame:
        """All complaints per week within a filter."""
        ...

    def alert_inputs(self, as_of: date) -> AlertInputs:
        """The weekly counts an alerts run reads, as of a date."""
        ...

    def warehouse_summary(self) -> dict[str, object]:
        """Counts and date range of the warehouse."""
        ...

    def company_record(self, company_id: str) -> dict[str, object] | None:
        """One company's row, or None."""
        ...

    def firm_months(self, company_id: str, as_of: date) -> pl.DataFrame:
        """One firm's monthly counts up to a date."""
        ...

    def industry_months(self, industry: str, as_of: date) -> pl.DataFrame:
        """One industry's monthly counts up to a date (without the industry column)."""
        ...

    def breakdown(
        self, dimension: str, complaint_filter: ComplaintFilter, as_of: date
    ) -> pl.DataFrame:
        """Counts by product, issue, channel or region within a filter."""
        ...

    def response_histogram(self, complaint_filter: ComplaintFilter) -> pl.DataFrame:
        """Answered complaints by days to answer within a filter."""
        ...


class WarehouseSource:
    """A ReportSource reading one warehouse; factors are kept per date for the source's life."""

    def __init__(self, engine: Engine, config: ScoringConfig) -> None:
        self.engine = engine
        self.config = config
        self._factors: dict[tuple[date, str], pl.DataFrame] = {}

    def ranking(self, as_of: date, language: str) -> pl.DataFrame:
        """compute_factors then combine with the config's weights, as `cli.py rank` does."""
        key = (as_of, language)
        if key not in self._factors:
            inputs = fetch_scoring_inputs(self.engine, as_of, self.config)
            self._factors[key] = compute_factors(inputs, self.config, languages=[language])
        return combine(self._factors[key], None, self.config, language)

    def weekly_totals(self, complaint_filter: ComplaintFilter) -> pl.DataFrame:
        """aggregates.weekly_totals."""
        return aggregates.weekly_totals(self.engine, complaint_filter)

    def alert_inputs(self, as_of: date) -> AlertInputs:
        """fetch_alert_inputs with its defaults, as the alerts page and command use it."""
        return fetch_alert_inputs(self.engine, as_of)

    def warehouse_summary(self) -> dict[str, object]:
        """aggregates.warehouse_summary."""
        return aggregates.warehouse_summary(self.engine)

    def company_record(self, company_id: str) -> dict[str, object] | None:
        """records.company_record."""
        return records.company_record(self.engine, company_id)

    def firm_months(self, company_id: str, as_of: date) -> pl.DataFrame:
        """Monthly counts of one firm up to `as_of`, as the company profile fetches them."""
        return aggregates.company_period_counts(
            self.engine,
            period="month",
            complaint_filter=ComplaintFilter(company_ids=(company_id,), end=as_of),
            as_of=as_of,
            deadline_days=self.config.deadline_days,
        )

    def industry_months(self, industry: str, as_of: date) -> pl.DataFrame:
        """Monthly counts of one industry up to `as_of`, as the company profile fetches them."""
        return aggregates.industry_period_counts(
            self.engine,
            period="month",
            complaint_filter=ComplaintFilter(industry=industry, end=as_of),
            as_of=as_of,
            deadline_days=self.config.deadline_days,
        ).drop("industry")

    def breakdown(
        self, dimension: str, complaint_filter: ComplaintFilter, as_of: date
    ) -> pl.DataFrame:
        """aggregates.breakdown over all firms in the filter together."""
        return aggregates.breakdown(
            self.engine,
            dimension,
            complaint_filter=complaint_filter,
            as_of=as_of,
            by_company=False,
        )

    def response_histogram(self, complaint_filter: ComplaintFilter) -> pl.DataFrame:
        """aggregates.response_time_histogram."""
        return aggregates.response_time_histogram(self.engine, complaint_filter=complaint_filter)
