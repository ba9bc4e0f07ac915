"""Surge alerts on a generated sample warehouse: planted surges, stable firms, data events.

One default-size sample (2,000 firms, about 300,000 complaints, seed 1372) is generated into a
temporary DuckDB file per module. Its answer key (`sample_stories`) plants 4 company surges
and 3 product surges; the tests print recall and start-week errors, the share of stable firms
alerted over a year of weekly checks, and what a synthetic data event gives.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, select

from queries.aggregates import (
    breakdown,
    company_period_counts,
    product_period_counts,
    weekly_totals,
)
from queries.alert_inputs import AlertInputs, fetch_alert_inputs
from queries.bulk import fetch_frame
from queries.filters import ComplaintFilter
from queries.schema import sample_stories
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from scoring.alerts import AlertSettings, backfill_alerts, detect_alerts, last_complete_week

END = date(2026, 10, 31)  # the generator's last day
YEAR = [date(2025, 11, 2) + timedelta(weeks=k) for k in range(52)]  # Sundays of the last year
PREVIOUS_YEAR = [d - timedelta(weeks=52) for d in YEAR]
START_TOLERANCE_WEEKS = 2
STABLE_ALERT_SHARE_LIMIT = 0.05


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The default sample, generated once for the module."""
    path = tmp_path_factory.mktemp("alerts") / "sample.duckdb"
    engine = make_engine(f"duckdb:///{path}")
    generate_warehouse(engine, companies=2000, complaints=300_000, seed=1372)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def stories(engine: Engine) -> pl.DataFrame:
    """The answer key."""
    schema = {
        "kind": pl.String(),
        "company_id": pl.String(),
        "product": pl.String(),
        "onset_date": pl.Date(),
        "detail": pl.String(),
    }
    s = sample_stories.c
    with engine.connect() as connection:
        return fetch_frame(
            connection, select(s.kind, s.company_id, s.product, s.onset_date, s.detail), schema
        )


@pytest.fixture(scope="module")
def end_inputs(engine: Engine) -> AlertInputs:
    """Inputs as of the last day of the sample."""
    return fetch_alert_inputs(engine, END)


def _surge_weeks(detail: str) -> int:
    """The planted length in weeks, from 'for N weeks' in the story text."""
    words = detail.split()
    return int(words[words.index("weeks") - 1])


# --- (a) planted surges ----------------------------------------------------------------------


def test_planted_surges_are_found_young_with_their_start_week(
    engine: Engine, stories: pl.DataFrame
) -> None:
    planted = stories.filter(pl.col("kind").is_in(["company_surge", "product_surge"]))
    rows = []
    for story in planted.iter_rows(named=True):
        level = "company" if story["kind"] == "company_surge" else "product"
        key = story["company_id"] if level == "company" else story["product"]
        onset: date = story["onset_date"]
        as_of = onset + timedelta(days=20)  # the Sunday that closes the surge's third week
        report = detect_alerts(fetch_alert_inputs(engine, as_of))
        hit = report.alerts.filter((pl.col("level") == level) & (pl.col("key") == key))
        found = hit.row(0, named=True) if hit.height else None
        rows.append(
            {
                "level": level,
                "key": key,
                "onset": onset,
                "as_of": as_of,
                "found": found is not None,
                "start": found and found["start"],
                "error_weeks": found and (found["start"] - onset).days // 7,
                "first_flagged": found and found["first_flagged"],
                "observed": found and found["observed"],
                "expected": found and round(found["expected"], 1),
                "q_value": found and found["q_value"],
                "advisory": found and found["advisory_candidate"],
                "alerts_listed": report.alerts.height,
            }
        )
    table = pl.DataFrame(rows)
    recall = table["found"].mean()
    with pl.Config(tbl_cols=20, tbl_width_chars=200):
        print("\nplanted surges, each judged as of onset + 20 days:\n", table)
    print(f"recall {recall:.0%} ({table['found'].sum()} of {table.height})")
    print("start-week errors (weeks, start - onset):", table["error_weeks"].to_list())
    assert recall == 1.0
    assert all(abs(e) <= START_TOLERANCE_WEEKS for e in table["error_weeks"].to_list())
    products = table.filter(pl.col("level") == "product")
    assert products["advisory"].to_list() == [True] * products.height


def test_product_surge_lists_the_firms_involved(engine: Engine, stories: pl.DataFrame) -> None:
    story = stories.filter(pl.col("kind") == "product_surge").row(-1, named=True)
    report = detect_alerts(fetch_alert_inputs(engine, story["onset_date"] + timedelta(days=13)))
    row = report.alerts.filter(pl.col("key") == story["product"]).row(0, named=True)
    print(f"\n{story['product']}: {row['evidence']}\n  top firms: {row['top_firms']}")
    assert row["advisory_candidate"] and row["firms_rising"] >= 3 and row["top_share"] <= 0.5
    assert row["top_firms"].count("%") == 5


# --- (b) stable firms over a year of weekly checks ---------------------------------------------


@dataclass(frozen=True)
class FalseAlarms:
    """Stable firms alerted at least once over a set of weekly checks."""

    stable: int
    alerted: list[str]
    stable_products: int
    alerted_products: list[str]

    @property
    def share(self) -> float:
        """Alerted / stable."""
        return len(self.alerted) / self.stable


def _stable_false_alarms(
    engine: Engine,
    inputs: AlertInputs,
    stories: pl.DataFrame,
    checks: list[date],
    settings: AlertSettings | None = None,
) -> FalseAlarms:
    """Firms without a story that do not sell a product surging during the checked year."""
    first, last = checks[0] - timedelta(days=6), checks[-1]
    story_firms = set(stories["company_id"].drop_nulls().to_list())
    surging = [
        s["product"]
        for s in stories.filter(pl.col("kind") == "product_surge").iter_rows(named=True)
        if s["onset_date"] <= last
        and s["onset_date"] + timedelta(weeks=_surge_weeks(s["detail"]) + 3) >= first
    ]
    sellers = set(
        breakdown(engine, "product").filter(pl.col("product").is_in(surging))["company_id"]
    )
    active = set(
        inputs.company_weeks.filter(pl.col("period_start").is_between(first, last))["company_id"]
    )
    stable = active - story_firms - sellers
    alerts = backfill_alerts(inputs, checks, settings)
    alerted = sorted(set(alerts.filter(pl.col("level") == "company")["key"].to_list()) & stable)
    products = set(inputs.product_weeks["product"].drop_nulls().to_list()) - set(
        stories["product"].drop_nulls().to_list()
    )
    products_alerted = sorted(
        set(alerts.filter(pl.col("level") == "product")["key"].to_list()) & products
    )
    return FalseAlarms(len(stable), alerted, len(products), products_alerted)


def test_stable_firms_are_rarely_alerted_in_a_year_of_weekly_checks(
    engine: Engine, end_inputs: AlertInputs, stories: pl.DataFrame
) -> None:
    started = time.perf_counter()
    last_year = _stable_false_alarms(engine, end_inputs, stories, YEAR)
    year_before = _stable_false_alarms(engine, end_inputs, stories, PREVIOUS_YEAR)
    seconds = time.perf_counter() - started
    for label, result, checks in (
        ("last year", last_year, YEAR),
        ("year before", year_before, PREVIOUS_YEAR),
    ):
        print(
            f"\n{label} ({checks[0]} .. {checks[-1]}, {len(checks)} weekly checks): "
            f"{len(result.alerted)} of {result.stable} stable firms alerted at least once "
            f"= {result.share:.2%} {result.alerted}; products without a planted surge: "
            f"{len(result.alerted_products)} of {result.stable_products} "
            f"{result.alerted_products}"
        )
    print(f"two years of weekly checks replayed in {seconds:.1f} s")
    loose = _stable_false_alarms(engine, end_inputs, stories, YEAR, AlertSettings(fdr=0.05))
    print(
        f"last year with fdr=0.05 instead of 0.01: {len(loose.alerted)} of {loose.stable} "
        f"= {loose.share:.2%} {loose.alerted}"
    )
    assert last_year.share < STABLE_ALERT_SHARE_LIMIT
    assert year_before.share < STABLE_ALERT_SHARE_LIMIT
    assert loose.share < STABLE_ALERT_SHARE_LIMIT
    assert len(last_year.alerted_products) <= 2 and len(year_before.alerted_products) <= 2


def test_story_firms_that_alert_over_the_last_year(
    end_inputs: AlertInputs, stories: pl.DataFrame
) -> None:
    alerts = backfill_alerts(end_inputs, YEAR).filter(pl.col("level") == "company")
    first = alerts.group_by("key").agg(
        pl.col("as_of").min().alias("first_listed"), pl.col("start").min().alias("first_start")
    )
    table = (
        stories.filter(pl.col("company_id").is_not_null())
        .join(first, left_on="company_id", right_on="key", how="left")
        .group_by("kind")
        .agg(
            pl.len().cast(pl.Int64).alias("firms"),
            pl.col("first_listed").is_not_null().sum().cast(pl.Int64).alias("alerted"),
            ((pl.col("first_listed") - pl.col("onset_date")).dt.total_days() // 7)
            .median()
            .alias("median_weeks_onset_to_listed"),
        )
        .sort("kind")
    )
    with pl.Config(tbl_rows=20):
        print(f"\nstory firms alerted in the weekly checks {YEAR[0]} .. {YEAR[-1]}:\n{table}")
    surges = table.filter(pl.col("kind") == "company_surge")
    assert surges["alerted"][0] >= 2  # the two planted in the last year


def _up_to(inputs: AlertInputs, day: date) -> AlertInputs:
    """The inputs as a run on `day` would see them, cut from later inputs."""
    cut = last_complete_week(day)

    def upto(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(pl.col("period_start") <= cut)

    return replace(
        inputs,
        as_of=day,
        company_weeks=upto(inputs.company_weeks),
        product_weeks=upto(inputs.product_weeks),
        total_weeks=upto(inputs.total_weeks),
        company_product_weeks=upto(inputs.company_product_weeks),
    )


def test_backfill_uses_only_data_up_to_each_date(end_inputs: AlertInputs) -> None:
    for day in (date(2025, 2, 16), date(2026, 8, 30)):
        direct = detect_alerts(_up_to(end_inputs, day)).alerts
        replayed = backfill_alerts(end_inputs, [day]).drop("as_of")
        assert direct.height > 0
        assert_frame_equal(replayed, direct)


# --- (c) a jump in everything is one data event ------------------------------------------------


def _scaled_week(inputs: AlertInputs, week: date, factor: int, as_of: date) -> AlertInputs:
    """The inputs with every count of one week multiplied (0 removes the week)."""

    def scale(frame: pl.DataFrame) -> pl.DataFrame:
        scaled = frame.with_columns(
            pl.when(pl.col("period_start") == week)
            .then(pl.col("complaints") * factor)
            .otherwise(pl.col("complaints"))
            .alias("complaints")
        )
        return scaled.filter(pl.col("complaints") > 0)

    return replace(
        inputs,
        as_of=as_of,
        company_weeks=scale(inputs.company_weeks),
        product_weeks=scale(inputs.product_weeks),
        total_weeks=scale(inputs.total_weeks),
        company_product_weeks=scale(inputs.company_product_weeks),
    )


def _counts(alerts: pl.DataFrame) -> dict[str, int]:
    return {
        level: alerts.filter(pl.col("level") == level).height
        for level in ("data", "company", "product")
    }


def test_everything_x3_for_a_week_is_one_data_event_not_hundreds_of_surges(
    end_inputs: AlertInputs,
) -> None:
    week, as_of = date(2026, 6, 1), date(2026, 6, 7)
    plain = backfill_alerts(end_inputs, [as_of]).drop("as_of")
    tripled = detect_alerts(_scaled_week(end_inputs, week, 3, as_of)).alerts
    print(
        f"\nas of {as_of}: plain {_counts(plain)}; everything x3 in the week of {week}: "
        f"{_counts(tripled)}"
    )
    data = tripled.filter(pl.col("level") == "data")
    print(data["evidence"].to_list())
    assert data.height == 1 and data["ratio"][0] > 2.5 and data["start"][0] == week
    assert _counts(tripled)["company"] <= _counts(plain)["company"] + 2
    assert _counts(tripled)["product"] <= _counts(plain)["product"] + 1


def test_a_missing_month_is_one_data_event_and_its_end_is_no_jump(
    end_inputs: AlertInputs,
) -> None:
    gap = [date(2026, 3, 2) + timedelta(weeks=k) for k in range(4)]
    inputs = end_inputs
    for week in gap:
        inputs = _scaled_week(inputs, week, 0, END)
    during = detect_alerts(replace(inputs, as_of=date(2026, 3, 29))).alerts
    plain = backfill_alerts(end_inputs, [date(2026, 3, 29)]).drop("as_of")
    after = backfill_alerts(inputs, [date(2026, 4, 5) + timedelta(weeks=k) for k in range(6)])
    print(f"\nmonth missing from {gap[0]}: {_counts(during)} (plain {_counts(plain)})")
    data = during.filter(pl.col("level") == "data")
    print(data["evidence"].to_list())
    assert data.height == 1 and data["ratio"][0] == 0.0 and data["start"][0] == gap[0]
    assert _counts(during)["company"] <= _counts(plain)["company"] + 2
    returning = after.filter((pl.col("level") == "data") & (pl.col("ratio") > 1))
    assert returning.height == 0


def test_the_alert_fetch_counts_what_the_general_aggregates_count(
    engine: Engine, end_inputs: AlertInputs
) -> None:
    """The alerts read lean count-only queries (half a year at a time on an embedded warehouse);
    they must agree with the dashboard's own."""
    history = ComplaintFilter(start=end_inputs.history_start, end=END)
    firms = company_period_counts(engine, period="week", complaint_filter=history, as_of=END)
    by_firm = ["company_id", "period_start"]
    assert_frame_equal(
        end_inputs.company_weeks.sort(by_firm),
        firms.select(*by_firm, "complaints").sort(by_firm),
    )
    products = product_period_counts(engine, period="week", complaint_filter=history)
    by_product = ["product", "period_start"]
    assert_frame_equal(
        end_inputs.product_weeks.sort(by_product, nulls_last=True),
        products.select(*by_product, "complaints").sort(by_product, nulls_last=True),
    )
    assert_frame_equal(end_inputs.total_weeks, weekly_totals(engine, history))


# --- speed ---------------------------------------------------------------------------------


def test_a_run_on_the_default_sample_is_quick(engine: Engine, end_inputs: AlertInputs) -> None:
    started = time.perf_counter()
    inputs = fetch_alert_inputs(engine, END)
    fetched = time.perf_counter()
    report = detect_alerts(inputs, AlertSettings())
    done = time.perf_counter()
    print(
        f"\nfetch {fetched - started:.2f} s, detect {done - fetched:.2f} s "
        f"({report.metadata['companies_tested']} firms tested, {inputs.company_weeks.height} "
        "firm-weeks); alerts as of the end:"
    )
    with pl.Config(tbl_cols=12, tbl_width_chars=200, fmt_str_lengths=60):
        print(
            report.alerts.select(
                "level", "key", "name", "start", "last_week", "observed", "expected", "q_value"
            )
        )
    assert done - fetched < 10.0
