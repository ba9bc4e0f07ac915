"""Surge alerts on the real CFPB samples, whose coverage jumps are sampling, not events.

../shared/data/cfpb/cfpb_complaints_combined.parquet holds one month of 2014 (8,340 rows in
October and November), a trickle through 2015-2018, most of 2019 (rising to 2,130 in April,
then falling) and a spike in April 2023. A detector run over it sees sampling: the jumps must
come out as data events, not as hundreds of company surges.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from queries.alert_inputs import fetch_alert_inputs
from queries.ingest import ingest_file
from queries.warehouse import make_engine
from scoring.alerts import backfill_alerts, detect_alerts
from tests.conftest import require

CFPB = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "cfpb"
    / "cfpb_complaints_combined.parquet"
)
MAX_DISTINCT_FIRMS_ALERTED = 5  # of the hundreds of firms in the 2019 sample


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The combined CFPB sample ingested into a temporary DuckDB warehouse."""
    require(CFPB.exists(), f"{CFPB} is missing")
    engine = make_engine(f"duckdb:///{tmp_path_factory.mktemp('cfpb') / 'cfpb.duckdb'}")
    result = ingest_file(engine, CFPB, source_format="cfpb")
    assert result.rows_loaded == 18_962
    yield engine
    engine.dispose()


def _sundays(first: date, last: date) -> list[date]:
    return [first + timedelta(weeks=k) for k in range((last - first).days // 7 + 1)]


def _show(title: str, alerts: pl.DataFrame) -> None:
    print(f"\n{title}: {alerts.height} alert(s)")
    for row in alerts.iter_rows(named=True):
        print(f"  [{row['level']}] {row['name']}: {row['evidence']}")


@pytest.mark.parametrize("as_of", [date(2014, 11, 30), date(2019, 4, 30), date(2019, 12, 31)])
def test_alerts_as_of_a_date(engine: Engine, as_of: date) -> None:
    report = detect_alerts(fetch_alert_inputs(engine, as_of))
    _show(
        f"CFPB as of {as_of} ({report.metadata['companies_tested']} firms tested; "
        f"{' '.join(report.notes)})",
        report.alerts,
    )
    firms = report.alerts.filter(pl.col("level") == "company")
    assert firms.height <= MAX_DISTINCT_FIRMS_ALERTED
    if as_of == date(2014, 11, 30):
        data = report.alerts.filter(pl.col("level") == "data")
        # the whole one-month extract is one data event, and no firm can be judged on it
        assert data.height == 1 and data["observed"][0] == 8340 and firms.height == 0
    if as_of == date(2019, 4, 30):
        assert report.alerts.filter(pl.col("level") == "data")["ratio"].to_list()[0] > 5


def test_weekly_checks_report_the_sampling_jumps_as_data_events(engine: Engine) -> None:
    checks = {
        "2014": _sundays(date(2014, 9, 7), date(2014, 12, 28)),
        "2018-2020": _sundays(date(2018, 9, 2), date(2020, 3, 29)),
    }
    for label, days in checks.items():
        alerts = backfill_alerts(fetch_alert_inputs(engine, days[-1]), days)
        distinct = alerts.unique(["level", "key", "start"], keep="last", maintain_order=True)
        counts = alerts.group_by("level").agg(pl.col("key").n_unique().alias("distinct"))
        with pl.Config(tbl_cols=10, tbl_width_chars=200, fmt_str_lengths=50, tbl_rows=40):
            print(f"\nCFPB {label}: {len(days)} weekly checks; distinct alerts:")
            print(
                distinct.select(
                    "as_of", "level", "name", "start", "last_week", "observed", "expected"
                )
            )
            print(counts.sort("level"))
        data = distinct.filter(pl.col("level") == "data")
        firms = alerts.filter(pl.col("level") == "company")["key"].unique()
        assert data.filter(pl.col("ratio") > 1).height >= 1
        assert firms.len() <= MAX_DISTINCT_FIRMS_ALERTED
