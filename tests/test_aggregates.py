"""The same aggregates, to the row, on DuckDB, SQLite and PostgreSQL for the same sample."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from queries import aggregates
from queries.filters import ComplaintFilter
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse

SAMPLE = {"companies": 150, "complaints": 6000, "seed": 7}
AS_OF = date(2026, 9, 30)
WINDOW = ComplaintFilter(start=date(2025, 7, 1), end=AS_OF)

AGGREGATES: dict[str, Callable[[Engine], pl.DataFrame]] = {
    "company x month": lambda e: aggregates.company_period_counts(e, period="month", as_of=AS_OF),
    "company x week": lambda e: aggregates.company_period_counts(
        e, period="week", complaint_filter=WINDOW, as_of=AS_OF
    ),
    "company x quarter": lambda e: aggregates.company_period_counts(
        e, period="quarter", as_of=AS_OF
    ),
    "product x week": lambda e: aggregates.product_period_counts(e, period="week"),
    "company x issue": lambda e: aggregates.breakdown(
        e, "issue", complaint_filter=WINDOW, as_of=AS_OF
    ),
    "region": lambda e: aggregates.breakdown(e, "region", by_company=False, as_of=AS_OF),
    "top companies": lambda e: aggregates.top_companies(e, limit=20),
    "companies": aggregates.company_table,
    "companies as scored": lambda e: aggregates.company_table(
        e, columns=aggregates.SCORING_COMPANY_COLUMNS, ordered=False
    ).sort("company_id"),
    "enforcement": aggregates.enforcement_table,
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    """Every aggregate computed on a DuckDB copy of the sample."""
    engine = make_engine(f"duckdb:///{tmp_path_factory.mktemp('ref') / 'ref.duckdb'}")
    generate_warehouse(engine, **SAMPLE)
    frames = {name: compute(engine) for name, compute in AGGREGATES.items()}
    frames["summary"] = pl.DataFrame([aggregates.warehouse_summary(engine)])
    engine.dispose()
    return frames


def test_the_reference_sample_is_not_trivial(reference: dict[str, pl.DataFrame]) -> None:
    monthly = reference["company x month"]
    assert monthly.height > 500
    assert monthly["complaints"].sum() > 0.9 * SAMPLE["complaints"]
    assert monthly["overdue_in_progress"].sum() >= 0
    assert reference["company x week"]["period_start"].dt.weekday().unique().to_list() == [1]


def test_scoring_reads_the_same_companies_with_fewer_columns(
    reference: dict[str, pl.DataFrame],
) -> None:
    scored = reference["companies as scored"]
    assert scored.columns == list(aggregates.SCORING_COMPANY_COLUMNS)
    assert "business_no" not in scored.columns
    assert_frame_equal(scored, reference["companies"].select(scored.columns))


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_aggregates_match_duckdb_row_for_row(
    kind: str,
    reference: dict[str, pl.DataFrame],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'sample.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    generate_warehouse(engine, **SAMPLE)
    computed = {name: compute(engine) for name, compute in AGGREGATES.items()}
    computed["summary"] = pl.DataFrame([aggregates.warehouse_summary(engine)])
    engine.dispose()
    for name, frame in computed.items():
        try:
            assert_frame_equal(frame, reference[name], check_exact=False, rel_tol=1e-9)
        except AssertionError as difference:
            raise AssertionError(f"{name} differs on {kind}: {difference}") from None
