"""The company x month rollup gives the same counts and the same ranking as the raw complaints."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, delete, func, select, update

from queries import scoring_inputs
from queries.aggregates import company_issue_counts, company_period_counts
from queries.bulk import fetch_frame
from queries.filters import ComplaintFilter
from queries.ingest import ingest_file
from queries.rollups import (
    company_issue_month_counts,
    company_month_counts,
    has_issue_rollup,
    maintained_deadlines,
    rebuild_rollup,
)
from queries.schema import (
    companies,
    company_issue_rollup,
    company_month_rollup,
    complaints,
    rollup_builds,
    rollup_deadlines,
    rollup_month_versions,
)
from queries.scoring_inputs import ScoringInputs, fetch_scoring_inputs, forget_settled_history
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from scoring.combine import combine
from scoring.config import ScoringConfig, load_config
from scoring.factors import compute_factors

HISTORY = (date(2024, 1, 1), date(2026, 9, 30))
# A quarter end, a mid-month date and a date whose deadline cutoff falls in an earlier month.
AS_OF_DATES = (date(2026, 9, 30), date(2026, 10, 17), date(2026, 10, 5))


def raw_months(engine: Engine, as_of: date, deadline_days: int = 14) -> pl.DataFrame:
    """The monthly counts straight from the complaints."""
    return company_period_counts(
        engine,
        period="month",
        complaint_filter=ComplaintFilter(start=HISTORY[0], end=HISTORY[1]),
        as_of=as_of,
        deadline_days=deadline_days,
    )


def rollup_months(
    engine: Engine, as_of: date, deadline_days: int = 14, **options: Any
) -> pl.DataFrame:
    """The monthly counts through the rollup (`options`: company_month_counts' keywords)."""
    return company_month_counts(
        engine,
        start=HISTORY[0],
        end=HISTORY[1],
        as_of=as_of,
        deadline_days=deadline_days,
        **options,
    ).sort("company_id", "period_start")


def rollup_total(engine: Engine) -> tuple[int, int]:
    """(complaints in the rollup, complaints in the table) for the default deadline."""
    with engine.connect() as connection:
        kept = connection.execute(
            select(func.sum(company_month_rollup.c.complaints)).where(
                company_month_rollup.c.deadline_days == 14
            )
        ).scalar_one()
        total = connection.execute(select(func.count()).select_from(complaints)).scalar_one()
    return int(kept or 0), int(total)


@pytest.fixture
def sample(any_engine: Engine) -> Engine:
    """A small generated warehouse; generating it builds the rollup."""
    generate_warehouse(any_engine, companies=150, complaints=6000, seed=11)
    return any_engine


def test_generated_warehouse_keeps_a_complete_rollup(sample: Engine) -> None:
    with sample.connect() as connection:
        assert maintained_deadlines(connection) == [14]
    kept, total = rollup_total(sample)
    assert kept == total > 5000


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_rollup_counts_equal_raw_counts(sample: Engine, as_of: date) -> None:
    expected = raw_months(sample, as_of)
    assert expected["overdue_in_progress"].sum() > 0 and expected["late"].sum() > 0
    assert_frame_equal(rollup_months(sample, as_of), expected, check_exact=False, rel_tol=1e-9)


STATUS_RANGES = ((date(2025, 7, 1), date(2025, 9, 30)), (date(2026, 4, 1), date(2026, 8, 31)))


def read_in_full(as_of: date) -> pl.Expr:
    """The months read with every count: inside STATUS_RANGES, or still open at `as_of` (those
    are counted from the complaints, statuses included)."""
    month = pl.col("period_start")
    inside = pl.any_horizontal([month.is_between(a, b) for a, b in STATUS_RANGES])
    return inside | (month >= (as_of - timedelta(days=14)).replace(day=1))


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_months_outside_the_status_ranges_carry_complaints_only(
    sample: Engine, as_of: date
) -> None:
    expected = raw_months(sample, as_of)
    read = rollup_months(sample, as_of, status_ranges=STATUS_RANGES)
    assert_frame_equal(
        read.select("company_id", "period_start", "complaints"),
        expected.select("company_id", "period_start", "complaints"),
    )
    full = read_in_full(as_of)
    assert_frame_equal(read.filter(full), expected.filter(full), check_exact=False, rel_tol=1e-9)
    outside = read.filter(~full).drop("company_id", "period_start", "complaints")
    assert outside.height > 1000
    assert all(outside[column].null_count() == outside.height for column in outside.columns)


# Segment starts on the status ranges' edges, as a score's windows give them.
SEGMENT_STARTS = tuple(
    date(*ymd)
    for ymd in ((2024, 7, 1), (2025, 1, 1), (2025, 7, 1), (2025, 10, 1), (2026, 4, 1), (2026, 9, 1))
)


def segment_of(month: date) -> date:
    """The segment start a complaints-only month is summed under (the history's start first)."""
    return max(day for day in (HISTORY[0], *SEGMENT_STARTS) if day <= month)


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_complaints_only_months_are_added_up_per_segment(sample: Engine, as_of: date) -> None:
    expected = raw_months(sample, as_of)
    read = rollup_months(sample, as_of, status_ranges=STATUS_RANGES, segment_starts=SEGMENT_STARTS)
    full = read_in_full(as_of)
    assert_frame_equal(read.filter(full), expected.filter(full), check_exact=False, rel_tol=1e-9)
    summed = (
        expected.filter(~full)
        .with_columns(pl.col("period_start").map_elements(segment_of, return_dtype=pl.Date))
        .group_by("company_id", "period_start")
        .agg(pl.col("complaints").sum())
        .sort("company_id", "period_start")
    )
    folded = read.filter(~full)
    assert_frame_equal(folded.select(summed.columns), summed)
    assert folded.height < expected.filter(~full).height // 2
    others = folded.drop("company_id", "period_start", "complaints")
    assert all(others[column].null_count() == others.height for column in others.columns)


QUARTERS = [(date(2026, 7, 1), date(2026, 9, 30)), (date(2025, 10, 1), date(2026, 3, 31))]


def issue_counts(engine: Engine, start: date, end: date, *, raw: bool) -> pl.DataFrame:
    """Complaints per firm and issue in [start, end], from the complaints or the issue rollup."""
    if raw:
        counted = company_issue_counts(
            engine, complaint_filter=ComplaintFilter(start=start, end=end)
        )
    else:
        months = company_issue_month_counts(engine, start=start, end=end)
        # A row per month from the rollup, added up per firm and issue here as its callers do.
        counted = months.group_by("company_id", "issue").agg(pl.col("complaints").sum())
    return counted.sort("company_id", "issue", nulls_last=True)


def test_issue_counts_from_the_rollup_equal_raw_counts(sample: Engine) -> None:
    with sample.connect() as connection:
        assert has_issue_rollup(connection)
    for start, end in QUARTERS:
        expected = issue_counts(sample, start, end, raw=True)
        assert expected["complaints"].sum() > 300 and expected["issue"].n_unique() > 5
        assert_frame_equal(issue_counts(sample, start, end, raw=False), expected)


def test_ranking_from_rollups_equals_ranking_from_raw_complaints(sample: Engine) -> None:
    config = load_config()
    as_of = date(2026, 9, 30)
    with sample.connect() as connection:
        assert config.deadline_days in maintained_deadlines(connection)  # the rollup is read
    from_rollup = fetch_scoring_inputs(sample, as_of, config)
    windows = config.windows(as_of)
    raw = company_period_counts(
        sample,
        period="month",
        complaint_filter=ComplaintFilter(start=windows.history_start, end=windows.current_end),
        as_of=as_of,
        deadline_days=config.deadline_days,
    )
    # On DuckDB the baseline quarters' months are read only if no priors were fitted under
    # their fingerprint; the raw months cover them, and their priors are fitted from them.
    assert (from_rollup.calibration_key is not None) == (sample.dialect.name == "duckdb")
    # The issue rollup gives a row per month, the complaints one per firm and issue.
    assert from_rollup.issues.select("company_id", "issue").is_duplicated().any()
    issues = company_issue_counts(
        sample,
        complaint_filter=ComplaintFilter(start=windows.current_start, end=windows.current_end),
    )
    from_raw = replace(
        from_rollup, monthly=raw, issues=issues, calibration_monthly=None, calibration_key=None
    )
    ranked_rollup = combine(compute_factors(from_rollup, config), None, config)
    ranked_raw = combine(compute_factors(from_raw, config), None, config)
    assert ranked_rollup["tier"].value_counts()["count"].sum() == ranked_raw.height
    assert_frame_equal(ranked_rollup, ranked_raw)


def test_another_deadline_is_counted_raw_until_its_rollup_is_built(sample: Engine) -> None:
    as_of = date(2026, 9, 30)
    expected = raw_months(sample, as_of, deadline_days=30)
    assert_frame_equal(rollup_months(sample, as_of, 30), expected)  # falls back to raw
    with sample.begin() as connection:
        rebuild_rollup(connection, 30)
        assert maintained_deadlines(connection) == [14, 30]
    assert_frame_equal(rollup_months(sample, as_of, 30), expected, check_exact=False)


def more_complaints(
    engine: Engine,
    path: Path,
    *,
    count: int = 1500,
    days: int = 40,
    received: tuple[date, date] | None = None,
) -> Path:
    """Copies of `count` loaded complaints (received in `received`, inclusive, if given) moved
    `days` later under new ids, as a Parquet file."""
    query = select(complaints).order_by(complaints.c.complaint_id).limit(count)
    if received is not None:
        query = query.where(complaints.c.received_date.between(*received))
    schema = {column.name: None for column in complaints.columns}
    with engine.connect() as connection:
        rows = fetch_frame(connection, query, {k: pl.String() for k in schema})
    shift = pl.duration(days=days)
    moved = rows.with_columns(
        (f"later{days}-" + pl.col("complaint_id")).alias("complaint_id"),
        (pl.col("received_date").str.to_date() + shift).alias("received_date"),
        (pl.col("responded_date").str.to_date() + shift).alias("responded_date"),
        (pl.col("closed_date").str.to_date() + shift).alias("closed_date"),
        (pl.col("sent_date").str.to_date() + shift).alias("sent_date"),
        pl.col("amount").cast(pl.Float64),
        pl.col("timely").replace_strict(
            {"true": True, "false": False, "True": True, "False": False},
            default=None,
            return_dtype=pl.Boolean,
        ),
        pl.col("disputed").replace_strict(
            {"true": True, "false": False, "True": True, "False": False},
            default=None,
            return_dtype=pl.Boolean,
        ),
    )
    moved.write_parquet(path)
    return path


def test_ingesting_more_complaints_updates_the_rollup(sample: Engine, tmp_path: Path) -> None:
    before = raw_months(sample, date(2026, 12, 31))
    _, loaded = rollup_total(sample)
    result = ingest_file(
        sample, more_complaints(sample, tmp_path / "more.parquet"), today=date(2027, 1, 31)
    )
    assert (result.rows_loaded, result.rows_rejected) == (1500, 0)
    kept, total = rollup_total(sample)
    assert kept == total == loaded + 1500
    for as_of in (date(2026, 12, 31), date(2026, 11, 20)):
        expected = raw_months(sample, as_of)
        assert_frame_equal(rollup_months(sample, as_of), expected, check_exact=False)
    assert raw_months(sample, date(2026, 12, 31))["complaints"].sum() > before["complaints"].sum()
    for start, end in [*QUARTERS, (date(2026, 10, 1), date(2026, 12, 31))]:
        assert_frame_equal(
            issue_counts(sample, start, end, raw=False), issue_counts(sample, start, end, raw=True)
        )


def month_versions(engine: Engine) -> dict[date, int]:
    """rollup_month_versions as month -> version."""
    v = rollup_month_versions.c
    with engine.connect() as connection:
        return dict(connection.execute(select(v.month_start, v.version)).tuples().all())


def test_every_rollup_write_draws_new_versions_for_the_months_it_touched(
    sample: Engine, tmp_path: Path
) -> None:
    before = month_versions(sample)
    with sample.connect() as connection:
        held = select(company_month_rollup.c.month_start).distinct()
        assert set(before) == set(connection.execute(held).scalars())
    july = date(2026, 7, 1)
    # Complaints received 1-15 July moved ten days later: July's rollup rows alone are rewritten.
    path = more_complaints(
        sample, tmp_path / "july.parquet", days=10, received=(july, july + timedelta(days=14))
    )
    assert ingest_file(sample, path, today=date(2027, 1, 31)).rows_loaded > 0
    after = month_versions(sample)
    assert after[july] != before[july]
    assert {m: v for m, v in after.items() if m != july} == {
        m: v for m, v in before.items() if m != july
    }
    with sample.begin() as connection:
        rebuild_rollup(connection)
    rebuilt = month_versions(sample)
    assert set(rebuilt) == set(after)
    assert all(rebuilt[month] != after[month] for month in after)


def test_first_ingest_into_an_older_warehouse_builds_the_rollup(
    sample: Engine, tmp_path: Path
) -> None:
    with sample.begin() as connection:  # a warehouse from before rollups existed
        connection.execute(delete(company_month_rollup))
        connection.execute(delete(rollup_deadlines))
        connection.execute(delete(company_issue_rollup))
        connection.execute(delete(rollup_builds))
    start, end = QUARTERS[0]
    assert_frame_equal(  # counted from the complaints meanwhile
        issue_counts(sample, start, end, raw=False), issue_counts(sample, start, end, raw=True)
    )
    assert_frame_equal(
        rollup_months(sample, date(2026, 9, 30)), raw_months(sample, date(2026, 9, 30))
    )
    ingest_file(sample, more_complaints(sample, tmp_path / "more.parquet"), today=date(2027, 1, 31))
    with sample.connect() as connection:
        assert maintained_deadlines(connection) == [14]
    kept, total = rollup_total(sample)
    assert kept == total > 7000
    with sample.connect() as connection:
        assert has_issue_rollup(connection)
    assert_frame_equal(
        issue_counts(sample, start, end, raw=False), issue_counts(sample, start, end, raw=True)
    )


def test_rollup_command_rebuilds_for_a_deadline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import cli

    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=150, complaints=3000, seed=3)
    assert cli.main(["rollup", "--db", url, "--deadline-days", "30"]) == 0
    assert "rollup for a 30-day deadline" in capsys.readouterr().out
    with engine.connect() as connection:
        assert maintained_deadlines(connection) == [14, 30]
    assert_frame_equal(
        rollup_months(engine, date(2026, 9, 30), 30),
        raw_months(engine, date(2026, 9, 30), 30),
        check_exact=False,
    )
    engine.dispose()
    assert cli.main(["rollup", "--db", url, "--deadline-days", "-1"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def factors_read_whole(
    engine: Engine, inputs: ScoringInputs, config: ScoringConfig
) -> pl.DataFrame:
    """The factors of `inputs` with every month read at once and no key: the priors are fitted
    from these months' own counts."""
    windows = config.windows(inputs.as_of)
    every_month = company_month_counts(
        engine,
        start=windows.history_start,
        end=windows.current_end,
        as_of=inputs.as_of,
        deadline_days=inputs.deadline_days,
        status_ranges=windows.status_ranges(),
        segment_starts=windows.segment_starts(),
    )
    whole = replace(inputs, monthly=every_month, calibration_monthly=None, calibration_key=None)
    return compute_factors(whole, config)


def test_a_known_calibration_key_spares_reading_the_baseline_quarters(
    duck_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_warehouse(duck_engine, companies=150, complaints=6000, seed=11)
    config, as_of = load_config(), date(2026, 9, 30)
    windows = config.windows(as_of)
    # The first ranking of a quarter reads every month, and its fingerprint beside them.
    inputs = fetch_scoring_inputs(duck_engine, as_of, config)
    assert inputs.calibration_key is not None and inputs.calibration_monthly is None
    expected = factors_read_whole(duck_engine, inputs, config)
    assert_frame_equal(compute_factors(inputs, config), expected)

    def unread() -> pl.DataFrame:
        raise AssertionError("the baseline quarters were read again")

    reads: list[tuple[date, date]] = []

    def counted(engine: Engine, *, start: date, end: date, **options: Any) -> pl.DataFrame:
        reads.append((start, end))
        return company_month_counts(engine, start=start, end=end, **options)

    monkeypatch.setattr(scoring_inputs, "company_month_counts", counted)
    again = fetch_scoring_inputs(duck_engine, as_of, config)
    assert again.calibration_key == inputs.calibration_key
    assert reads == [(windows.current_start, windows.current_end)]  # the settled months: kept
    assert again.calibration_monthly is not None
    # The kept months are those the warehouse sums for the current windows' segments alone.
    months = partial(company_month_counts, duck_engine, as_of=as_of, deadline_days=14)
    settled = months(
        start=windows.history_start,
        end=windows.previous_end,
        status_ranges=(),
        segment_starts=windows.segment_starts("own"),
    )
    current = months(
        start=windows.current_start,
        end=windows.current_end,
        status_ranges=windows.status_ranges("own"),
    )
    by_month = ["company_id", "period_start"]
    assert settled.height > 0 and settled["period_start"].n_unique() > 2
    assert_frame_equal(again.monthly.sort(by_month), pl.concat([settled, current]).sort(by_month))
    assert_frame_equal(
        compute_factors(replace(again, calibration_monthly=unread), config), expected
    )


def test_the_calibration_key_follows_the_months_it_stands_for(
    duck_engine: Engine, tmp_path: Path
) -> None:
    generate_warehouse(duck_engine, companies=150, complaints=6000, seed=11)
    config, as_of = load_config(), date(2026, 9, 30)

    def key() -> bytes | None:
        return fetch_scoring_inputs(duck_engine, as_of, config).calibration_key

    def add(name: str, received: tuple[date, date]) -> None:
        path = more_complaints(duck_engine, tmp_path / name, count=1, days=10, received=received)
        assert ingest_file(duck_engine, path, today=date(2027, 1, 31)).rows_loaded == 1

    before = key()
    add("current.parquet", (date(2026, 7, 1), date(2026, 7, 15)))  # into the quarter scored
    assert key() == before
    add("previous.parquet", (date(2026, 4, 1), date(2026, 4, 15)))  # into a baseline quarter
    changed = key()
    assert changed != before
    counted_before = fetch_scoring_inputs(duck_engine, as_of, config).monthly
    add("old.parquet", (date(2024, 3, 1), date(2024, 3, 15)))  # history: the older months
    assert key() not in (before, changed)
    kept_or_read = fetch_scoring_inputs(duck_engine, as_of, config).monthly
    assert kept_or_read["complaints"].sum() == counted_before["complaints"].sum() + 1
    forget_settled_history()
    fetch_scoring_inputs(duck_engine, as_of, config)  # read whole, and kept from that read
    by_month = ["company_id", "period_start"]
    kept_afresh = fetch_scoring_inputs(duck_engine, as_of, config).monthly
    assert_frame_equal(kept_or_read.sort(by_month), kept_afresh.sort(by_month))
    changed = key()
    with duck_engine.begin() as connection:  # a verdict in a baseline quarter, changed in place
        c = complaints.c
        first = (
            select(c.complaint_id)
            .where(c.received_date.between(date(2026, 5, 1), date(2026, 5, 31)))
            .where(c.status == "resolved")
            .order_by(c.complaint_id)
            .limit(1)
        ).scalar_subquery()
        reopened = update(complaints).where(c.complaint_id == first).values(status="unresolved")
        assert connection.execute(reopened).rowcount == 1
        rebuild_rollup(connection)
    assert key() != changed
    changed = key()
    with duck_engine.begin() as connection:
        moved = update(companies).where(companies.c.company_id == "C00003")
        assert connection.execute(moved.values(industry="fitness")).rowcount == 1
    assert key() != changed
    # The refitted priors are those of the new months.
    inputs = fetch_scoring_inputs(duck_engine, as_of, config)
    assert inputs.calibration_monthly is not None  # read when scored: the key is new
    assert_frame_equal(
        compute_factors(inputs, config), factors_read_whole(duck_engine, inputs, config)
    )


def test_without_month_versions_the_calibration_key_hashes_the_rollup_rows(
    duck_engine: Engine, tmp_path: Path
) -> None:
    generate_warehouse(duck_engine, companies=150, complaints=6000, seed=11)
    with duck_engine.begin() as connection:  # a warehouse from before the versions were kept
        rollup_month_versions.drop(connection)
    config, as_of = load_config(), date(2026, 9, 30)

    def key() -> bytes | None:
        return fetch_scoring_inputs(duck_engine, as_of, config).calibration_key

    before = key()
    assert before is not None
    with duck_engine.begin() as connection:  # a rollup row of a baseline month, one more
        r = company_month_rollup.c
        row = (
            select(r.company_id, r.month_start)
            .where(r.month_start == date(2026, 5, 1))
            .order_by(r.company_id)
            .limit(1)
        )
        firm, month = connection.execute(row).one()
        bumped = (
            update(company_month_rollup)
            .where(r.company_id == firm, r.month_start == month)
            .values(complaints=r.complaints + 1)
        )
        assert connection.execute(bumped).rowcount == 1
    assert key() != before


def test_without_a_rollup_for_the_deadline_every_month_is_read_each_time(
    duck_engine: Engine,
) -> None:
    generate_warehouse(duck_engine, companies=150, complaints=6000, seed=11)
    config, as_of = replace(load_config(), deadline_days=30), date(2026, 9, 30)
    fetch_scoring_inputs(duck_engine, as_of, config)
    inputs = fetch_scoring_inputs(duck_engine, as_of, config)  # nothing to fingerprint, or keep
    assert inputs.calibration_key is None and inputs.calibration_monthly is None
    windows = config.windows(as_of)
    whole = company_period_counts(
        duck_engine,
        period="month",
        complaint_filter=ComplaintFilter(start=windows.history_start, end=windows.current_end),
        as_of=as_of,
        deadline_days=30,
    )
    expected = compute_factors(replace(inputs, monthly=whole), config)
    assert_frame_equal(compute_factors(inputs, config), expected)


def test_a_deadline_reaching_into_a_baseline_quarter_is_never_fingerprinted(
    duck_engine: Engine,
) -> None:
    generate_warehouse(duck_engine, companies=150, complaints=6000, seed=11)
    with duck_engine.begin() as connection:
        rebuild_rollup(connection, 100)  # kept by ingest from now on, like the default's
    # 100 days before 2026-09-30 is in June, a baseline month: complaints received then may
    # still be in time, and those are counted from the complaints, which no fingerprint covers.
    config, as_of = replace(load_config(), deadline_days=100), date(2026, 9, 30)
    for _ in range(2):
        inputs = fetch_scoring_inputs(duck_engine, as_of, config)
        assert inputs.calibration_key is None and inputs.calibration_monthly is None
