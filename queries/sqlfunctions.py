"""Date arithmetic that every warehouse dialect spells differently, compiled per dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Double, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

PERIODS = ("week", "month", "quarter")


class period_start(FunctionElement):  # noqa: N801 - reads like the SQL function it renders
    """First day of the date's ISO week (Monday), month or quarter, as a DATE."""

    type = Date()
    inherit_cache = True

    def __init__(self, value: ColumnElement[Any], period: str) -> None:
        if period not in PERIODS:
            raise ValueError(f"period must be one of {PERIODS}; got {period!r}.")
        self.period = period
        super().__init__(value, literal_column(f"'{period}'"))


@compiles(period_start)
def _period_start_default(element: period_start, compiler, **kw) -> str:  # noqa: ANN001
    value = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST(date_trunc('{element.period}', {value}) AS DATE)"


@compiles(period_start, "postgresql")
def _period_start_postgresql(element: period_start, compiler, **kw) -> str:  # noqa: ANN001
    # date_trunc(text, date) would go through timestamptz, in the session's time zone, and
    # cost a fifth of a grouped read of the complaints; a plain timestamp is exact and cheaper.
    value = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST(date_trunc('{element.period}', CAST({value} AS TIMESTAMP)) AS DATE)"


@compiles(period_start, "sqlite")
def _period_start_sqlite(element: period_start, compiler, **kw) -> str:  # noqa: ANN001
    value = compiler.process(list(element.clauses)[0], **kw)
    if element.period == "week":
        return f"date({value}, 'weekday 0', '-6 days')"
    if element.period == "month":
        return f"date({value}, 'start of month')"
    month = f"CAST(strftime('%m', {value}) AS INTEGER)"
    return f"date({value}, 'start of month', '-' || (({month} - 1) % 3) || ' months')"


class days_between(FunctionElement):  # noqa: N801
    """Whole days from `earlier` to `later` (negative if later comes first)."""

    type = Double()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element: days_between, compiler, **kw) -> str:  # noqa: ANN001
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(({later}) - ({earlier}) AS DOUBLE PRECISION)"


@compiles(days_between, "duckdb")
def _days_between_duckdb(element: days_between, compiler, **kw) -> str:  # noqa: ANN001
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(date_diff('day', {earlier}, {later}) AS DOUBLE)"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler, **kw) -> str:  # noqa: ANN001
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"
