"""Early-warning surge alerts for companies and products, data events, advisory candidates.

Pure functions over polars frames (numpy and scipy inside, see `scoring.surveillance`):

    report = detect_alerts(inputs)                  # as of inputs.as_of
    report.alerts                                   # one row per alert (ALERT_SCHEMA)
    report.notes                                    # what was ignored and why, in sentences
    checks = backfill_alerts(inputs, as_of_dates)   # the same, as of each earlier date

Weekly series run from each series' first week with a complaint (missing weeks are 0). The
week holding `as_of` is still filling unless `as_of` is a Sunday: it is ignored, and so are
`delay_weeks` more weeks if the warehouse is known to load late; no nowcast is made. Each
company (product) week is judged against the company's (product's) share of all other
complaints in its reference weeks, so a jump in everything at once moves every expectation
with it; such a jump is reported once, as a "data" row. docs/alerts.md explains every rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Protocol

import numpy as np
import polars as pl

from scoring.phrases import DEFAULT_LANGUAGE, check_language, say
from scoring.stats import bh_qvalues, each_in_parallel
from scoring.surveillance import (
    BaselineSettings,
    Evidence,
    change_point,
    check_baseline_settings,
    robust_total_evidence,
    shift_log_likelihood,
    surveil,
    upper_tail,
)

LEVELS: tuple[str, ...] = ("company", "product", "data")
DATA_KEY = "all"
DATA_NAME = "All complaints"
NO_PRODUCT = "(no product)"
NO_INDUSTRY = "(no industry)"

ALERT_SCHEMA: dict[str, pl.DataType] = {
    "level": pl.String(),
    "key": pl.String(),
    "name": pl.String(),
    "start": pl.Date(),
    "last_week": pl.Date(),
    "weeks": pl.Int64(),
    "observed": pl.Int64(),
    "expected": pl.Float64(),
    "ratio": pl.Float64(),
    "p_value": pl.Float64(),
    "q_value": pl.Float64(),
    "evidence": pl.String(),
    "first_flagged": pl.Date(),
    "ongoing": pl.Boolean(),
    "industry": pl.String(),
    "firms": pl.Int64(),
    "firms_rising": pl.Int64(),
    "top_firms": pl.String(),
    "top_share": pl.Float64(),
    "advisory_candidate": pl.Boolean(),
    "peak_week": pl.Date(),
    "peak_observed": pl.Int64(),
    "peak_expected": pl.Float64(),
    "during_data_event": pl.Boolean(),
    "typical_ratio": pl.Float64(),
}


SERIES_SCHEMA: dict[str, pl.DataType] = {
    "level": pl.String(),
    "key": pl.String(),
    "period_start": pl.Date(),
    "observed": pl.Float64(),
    "expected": pl.Float64(),
}


@dataclass(frozen=True, kw_only=True)
class AlertSettings:
    """Every rule of the alerts, with the documented defaults (docs/alerts.md)."""

    baseline: BaselineSettings = field(default_factory=BaselineSettings)
    fdr: float = 0.01  # Benjamini-Hochberg level within each week and level
    min_count: int = 5  # complaints in a week, at least, for that week to be flagged
    min_ratio: float = 1.5  # observed / expected in a week, at least
    merge_gap_weeks: int = 1  # flagged weeks this far apart still make one alert
    recent_weeks: int = 4  # an alert is listed while its last flagged week is this recent
    start_shift: float = 2.0  # the rise the start-week (CUSUM) estimate is tuned to
    max_lookback_weeks: int = 8  # how far before the first flagged week a start may lie
    delay_weeks: int = 0  # complete weeks to ignore besides the still-filling one
    data_event_alpha: float = 0.001
    data_event_ratio: float = 1.5  # the total x1.5 (or / 1.5) against its own baseline
    data_event_min_series: int = 20  # series with >= 1 complaint a week to judge "typical"
    advisory_min_firms: int = 3  # firms whose complaints about the product rose
    advisory_max_share: float = 0.5  # largest single firm's share of the surge's complaints
    advisory_pre_weeks: int = 26  # weeks before a product surge that give each firm's pace
    top_firms: int = 5

    def __post_init__(self) -> None:
        check_alert_settings(self)


def check_alert_settings(settings: AlertSettings) -> None:
    """Raise ValueError naming the first setting that is out of range."""
    s = settings
    check_baseline_settings(s.baseline)
    checks: tuple[tuple[str, bool, str], ...] = (
        ("fdr", 0 < s.fdr < 1, "> 0 and < 1"),
        ("min_count", s.min_count >= 1, ">= 1"),
        ("min_ratio", s.min_ratio >= 1, ">= 1"),
        ("merge_gap_weeks", s.merge_gap_weeks >= 0, ">= 0"),
        ("recent_weeks", s.recent_weeks >= 1, ">= 1"),
        ("start_shift", s.start_shift > 1, "> 1"),
        ("max_lookback_weeks", s.max_lookback_weeks >= 0, ">= 0"),
        ("delay_weeks", s.delay_weeks >= 0, ">= 0"),
        ("data_event_alpha", 0 < s.data_event_alpha < 1, "> 0 and < 1"),
        ("data_event_ratio", s.data_event_ratio > 1, "> 1"),
        ("data_event_min_series", s.data_event_min_series >= 1, ">= 1"),
        ("advisory_min_firms", s.advisory_min_firms >= 1, ">= 1"),
        ("advisory_max_share", 0 < s.advisory_max_share <= 1, "> 0 and <= 1"),
        ("advisory_pre_weeks", s.advisory_pre_weeks >= 1, ">= 1"),
        ("top_firms", s.top_firms >= 1, ">= 1"),
    )
    for name, ok, rule in checks:
        if not ok:
            raise ValueError(f"{name} must be {rule}; got {getattr(s, name)}.")


class AlertFrames(Protocol):
    """The weekly aggregates an alerts run reads (queries.alert_inputs.AlertInputs has them)."""

    as_of: date
    company_weeks: pl.DataFrame  # company_id, period_start (Monday), complaints
    product_weeks: pl.DataFrame  # product, period_start, complaints
    total_weeks: pl.DataFrame  # period_start, complaints
    companies: pl.DataFrame  # company_id, name, industry
    company_product_weeks: pl.DataFrame  # company_id, product, period_start, complaints


@dataclass(frozen=True, eq=False)
class AlertReport:
    """The alerts as of one date, and what the run ignored or assumed, in plain sentences."""

    alerts: pl.DataFrame  # ALERT_SCHEMA
    metadata: dict[str, object]
    notes: tuple[str, ...]
    # level, key, period_start, observed, expected of every alerted company and product, as
    # `series_weeks` gives them: charting an alert then needs no second pass over the history.
    series: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SERIES_SCHEMA))

    def in_language(self, language: str) -> AlertReport:
        """The same report with evidence and notes written in `language`."""
        alerts = with_evidence(self.alerts, language)
        notes = alert_notes(self.metadata, language)
        return AlertReport(alerts, self.metadata, notes, self.series)

    def series_for(self, level: str, key: str) -> pl.DataFrame | None:
        """An alerted series' weeks (as `series_weeks`), or None when it was not alerted."""
        rows = self.series.filter((pl.col("level") == level) & (pl.col("key") == key))
        return rows.select("period_start", "observed", "expected") if rows.height else None

    def for_level(self, level: str) -> pl.DataFrame:
        """One level's alerts, preceded by the data events that qualify them."""
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}; got {level!r}.")
        return self.alerts.filter(pl.col("level").is_in([level, "data"]))


# --- weeks ---------------------------------------------------------------------------------


def monday(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def last_complete_week(as_of: date, delay_weeks: int = 0) -> date:
    """Monday of the last week that is complete on `as_of` (ends on or before it), minus delay.

    The week holding `as_of` counts as complete only when `as_of` is its Sunday.
    """
    this_week = monday(as_of)
    complete = this_week if as_of.weekday() == 6 else this_week - timedelta(weeks=1)
    return complete - timedelta(weeks=delay_weeks)


def week_index(first_week: date) -> pl.Expr:
    """Whole weeks from `first_week` to each row's period_start, as Int64."""
    return ((pl.col("period_start") - pl.lit(first_week)).dt.total_days() // 7).cast(pl.Int64)


def weekly_matrix(
    frame: pl.DataFrame, key: str, first_week: date, n_weeks: int
) -> tuple[list[str], np.ndarray]:
    """Sorted keys and a keys x weeks count matrix (column-major); weeks outside the range are
    dropped.

    A null key becomes its own series (NO_PRODUCT for products); absent weeks are 0. Rows of the
    same key and week add up. No hash grouping of the rows: at 2.2M firm-weeks a polars
    group_by and join took ~600 MB of allocator memory; a binary search into the sorted keys
    and one bincount take the matrix itself and a few flat columns.
    """
    rows = frame.select(
        pl.col(key).fill_null(NO_PRODUCT).alias("key"),
        week_index(first_week).alias("week"),
        pl.col("complaints").cast(pl.Int64),
    ).filter(pl.col("week").is_between(0, n_weeks - 1))
    keys = rows.get_column("key").unique().sort()
    row = keys.search_sorted(rows.get_column("key")).cast(pl.Int64).to_numpy()
    # Week-major cells: the matrix is column-major (a week's counts contiguous), the order in
    # which the surveillance loop reads it.
    cell = rows.get_column("week").to_numpy() * keys.len() + row
    # Float sums of whole counts are exact (far below 2^53), whatever the order.
    counts = rows.get_column("complaints").cast(pl.Float64).to_numpy()
    matrix = np.bincount(cell, weights=counts, minlength=keys.len() * n_weeks)
    return keys.to_list(), matrix.reshape(n_weeks, keys.len()).T


def complete_weekly(
    frame: pl.DataFrame, key: str, first_week: date, last_week: date
) -> pl.DataFrame:
    """Long form (key, period_start, complaints): every week from the series' first week with a
    complaint up to `last_week`, missing weeks as 0; weeks after `last_week` are dropped."""
    n_weeks = max((last_week - first_week).days // 7 + 1, 0)
    keys, matrix = weekly_matrix(frame, key, first_week, n_weeks)
    started = np.cumsum(matrix > 0, axis=1) > 0
    rows, cols = np.nonzero(started)
    weeks = pl.date_range(first_week, first_week + timedelta(weeks=n_weeks), "1w", eager=True)
    return pl.DataFrame(
        {
            key: pl.Series(keys, dtype=pl.String).gather(rows),
            "period_start": weeks.gather(cols),
            "complaints": pl.Series(matrix[rows, cols].astype(np.int64), dtype=pl.Int64),
        }
    )


# --- one pass over the history -------------------------------------------------------------


@dataclass(frozen=True)
class LevelScan:
    """Weekly evidence and flags of every series of one level over the whole history."""

    level: str
    keys: list[str]
    evidence: Evidence
    q_values: np.ndarray  # of increment_rows x weeks, at their flagged weeks (NaN elsewhere)
    flags: np.ndarray  # series x weeks, bool
    increments: np.ndarray  # CUSUM log-likelihood ratios of increment_rows, x weeks
    increment_rows: np.ndarray  # sorted series rows with a flagged week: only they need a start

    def row_increments(self, row: int) -> np.ndarray:
        """The CUSUM increments of a series with a flagged week, for its start-week estimate."""
        return self.increments[int(np.searchsorted(self.increment_rows, row))]

    def row_q_values(self, row: int) -> np.ndarray:
        """The q-values of a series with a flagged week, at its flagged weeks (NaN elsewhere)."""
        return self.q_values[int(np.searchsorted(self.increment_rows, row))]


@dataclass(frozen=True)
class Scan:
    """Everything the alert lists of any week in the history are assembled from."""

    first_week: date
    n_weeks: int
    total: np.ndarray
    company: LevelScan
    product: LevelScan
    data: LevelScan  # two series: jump and drop of the total
    data_typical: np.ndarray  # the typical firm's observed / own baseline, per week

    def week(self, index: int) -> date:
        """Monday of week `index`."""
        return self.first_week + timedelta(weeks=int(index))


def flag_week(
    observed: np.ndarray, expected: np.ndarray, q_values: np.ndarray, settings: AlertSettings
) -> np.ndarray:
    """Flag a series in one week when q <= fdr, observed >= min_count and observed/expected >=
    min_ratio; an untested week (NaN) is never flagged."""
    with np.errstate(invalid="ignore"):
        return (
            (q_values <= settings.fdr)
            & (observed >= settings.min_count)
            & (observed >= settings.min_ratio * expected)
        )


def weekly_flags(
    evidence: Evidence, settings: AlertSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every week's flags (`flag_week`, q-values by Benjamini-Hochberg within the week); the
    series with a flagged week; and their q-values at their flagged weeks (NaN elsewhere).

    A week at a time: no series x weeks matrix of q-values is made (60 MB at 50K firms, at
    the scan's peak), since nothing reads a q-value where nothing was flagged.
    """
    p_upper, observed, expected = evidence.p_upper, evidence.observed, evidence.expected
    n_series, n_weeks = p_upper.shape
    # Column-major: each week's thread writes a contiguous block of its own.
    flags = np.zeros((n_series, n_weeks), dtype=bool, order="F")

    def week(t: int) -> tuple[np.ndarray, np.ndarray]:
        """Week t's flags written into `flags`; the flagged rows and their q-values."""
        q_values = bh_qvalues(p_upper[:, t])
        flags[:, t] = flag_week(observed[:, t], expected[:, t], q_values, settings)
        hit = np.flatnonzero(flags[:, t])
        return hit, q_values[hit]

    # The weeks are independent (each is its own family of tests), so they run side by side.
    flagged_q = each_in_parallel(week, n_weeks)
    rows = np.flatnonzero(flags.any(axis=1))
    q_of_rows = np.full((rows.size, n_weeks), np.nan)
    for t, (hit, q_values) in enumerate(flagged_q):
        q_of_rows[np.searchsorted(rows, hit), t] = q_values
    return flags, rows, q_of_rows


def level_evidence(
    counts: np.ndarray,
    others: np.ndarray,
    groups: np.ndarray | None,
    settings: AlertSettings,
    reference_total: np.ndarray | None = None,
    typical_min_series: int | None = None,
) -> Evidence:
    """Judge every week of every series of a level against its share of all other complaints.

    `others` is what "all other complaints" means in the judged week: series x weeks, or one
    total per week from which each series' own count is taken (see `surveil`; no 60 MB matrix
    at 50K firms). The share itself is learned against `reference_total` (see `surveil`), or,
    when that is None, against the sum of the level's own cleaned counts, which needs series
    that partition all complaints (products). The cleaned counts are not kept: no alert row
    reads them. With `typical_min_series` the evidence carries each week's typical ratio
    (surveillance.typical_ratio_of_week) instead of a reference-mean matrix.
    """
    return surveil(
        counts,
        np.maximum(others, 0.0),
        diagnostics=False,
        keep_cleaned=False,
        groups=groups,
        reference_total=reference_total,
        trim_total=reference_total is None,
        settings=settings.baseline,
        typical_min_series=typical_min_series,
    )


def widen_for_data_events(evidence: Evidence, scale: np.ndarray) -> None:
    """Multiply each week's predictive variance by scale[week] (>= 1), in place.

    In a week where everything jumped by a factor s, how the extra complaints were counted is
    unknown: if they were duplicated or weighted, every count is s times an ordinary one and
    its variance s times that of an ordinary count at the new level. The NB size becomes
    mu^2 / (s V - mu), V the variance before, and the upper p-value follows; only the columns
    of weeks with scale > 1 are computed and overwritten (the scan's own evidence: copies
    would be two more 60 MB matrices at 50K firms).
    """
    factor = np.asarray(scale, dtype=float)
    weeks = np.flatnonzero(factor > 1)
    if weeks.size == 0:
        return
    s = factor[None, weeks]
    mu, size = evidence.expected[:, weeks], evidence.size[:, weeks]
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = mu + mu * mu / size
        wide = mu * mu / (s * variance - mu)
        evidence.size[:, weeks] = wide
        evidence.p_upper[:, weeks] = upper_tail(
            evidence.observed[:, weeks], wide, wide / (wide + mu)
        )


def finish_level(
    level: str, keys: list[str], evidence: Evidence, settings: AlertSettings
) -> LevelScan:
    """The flagged weeks, their q-values and the CUSUM increments of a level."""
    flags, rows, q_values = weekly_flags(evidence, settings)
    # Only series with a flagged week ever need a start: at 50K firms a few hundred rows
    # instead of three firms x weeks matrices.
    increments = shift_log_likelihood(
        evidence.observed[rows], evidence.expected[rows], evidence.size[rows], settings.start_shift
    )
    return LevelScan(level, keys, evidence, q_values, flags, increments, rows)


def scan_total(total: np.ndarray, typical: np.ndarray, settings: AlertSettings) -> LevelScan:
    """Data events: weeks where the total leaves its own baseline and the typical firm follows.

    Row 0 flags jumps (total >= ratio x expected, upper p <= alpha, at least min_count more),
    row 1 drops (total <= expected / ratio, lower p <= alpha, at least min_count fewer). When
    too few firms are big enough to say what the typical firm did, the total decides alone.
    The total's baseline is robust (`robust_total_evidence`): a lasting change of intake
    becomes the new normal after about half a window instead of being reported for ever.
    """
    s = settings
    evidence = robust_total_evidence(total, s.baseline)
    y, mu = evidence.observed[0], evidence.expected[0]
    root = math.sqrt(s.data_event_ratio)
    unknown = ~np.isfinite(typical)
    with np.errstate(invalid="ignore"):
        jump = (
            (evidence.p_upper[0] <= s.data_event_alpha)
            & (y >= s.data_event_ratio * mu)
            & (y - mu >= s.min_count)
            & (unknown | (typical >= root))
        )
        drop = (
            (evidence.p_lower[0] <= s.data_event_alpha)
            & (y * s.data_event_ratio <= mu)
            & (mu - y >= s.min_count)
            & (unknown | (typical <= 1.0 / root))
        )
    both = {f.name: np.vstack([getattr(evidence, f.name)] * 2) for f in fields(evidence)}
    # Row 1 is about drops: its "evidence" is the lower tail.
    both["p_upper"] = np.vstack([evidence.p_upper[0], evidence.p_lower[0]])
    both["p_lower"] = np.vstack([evidence.p_lower[0], evidence.p_upper[0]])
    nan = np.full((2, total.size), np.nan)
    flags = np.vstack([jump, drop])
    return LevelScan("data", ["jump", "drop"], Evidence(**both), nan, flags, nan, np.arange(2))


def scan_history(inputs: AlertFrames, settings: AlertSettings) -> Scan:
    """One prospective pass over every week up to the last complete week of inputs.as_of."""
    last = last_complete_week(inputs.as_of, settings.delay_weeks)
    starts = inputs.total_weeks.get_column("period_start").drop_nulls()
    first = monday(starts.min()) if starts.len() else last  # type: ignore[arg-type]
    n_weeks = max((last - first).days // 7 + 1, 0)
    _, total_matrix = weekly_matrix(
        inputs.total_weeks.with_columns(pl.lit("all").alias("key")), "key", first, n_weeks
    )
    total = total_matrix[0] if total_matrix.shape[0] else np.zeros(n_weeks)
    product_keys, product_counts = weekly_matrix(inputs.product_weeks, "product", first, n_weeks)
    trimmed, trimmed_products = trimmed_total(product_counts, total, settings)
    product = level_evidence(
        product_counts, trimmed[None, :] - trimmed_products, None, settings, trimmed
    )
    company_keys, company_counts = weekly_matrix(inputs.company_weeks, "company_id", first, n_weeks)
    industry = _industry_groups(company_keys, inputs.companies)
    company = level_evidence(
        company_counts,
        trimmed,
        industry,
        settings,
        trimmed,
        typical_min_series=settings.data_event_min_series,
    )
    assert company.typical is not None
    typical = company.typical
    data = scan_total(total, typical, settings)
    with np.errstate(invalid="ignore", divide="ignore"):
        jump = data.evidence.observed[0] / data.evidence.expected[0]
    scale = np.where(data.flags[0], jump, 1.0)
    widen_for_data_events(company, scale)
    widen_for_data_events(product, scale)
    return Scan(
        first,
        n_weeks,
        total,
        finish_level("company", company_keys, company, settings),
        finish_level("product", product_keys, product, settings),
        data,
        typical,
    )


def trimmed_total(
    product_counts: np.ndarray, total: np.ndarray, settings: AlertSettings
) -> tuple[np.ndarray, np.ndarray]:
    """All complaints per week with product surges trimmed off: the sum of the products' cleaned
    counts after a first pass of the product scan against the raw total; and those cleaned
    counts (so that a product's "all other complaints" leaves out its own trimmed count).

    Products partition all complaints (a null product is a series of its own), so without any
    surge this is the total itself; a jump in everything is not a surge of any product against
    the others and stays in. Firms and products are judged against this total, so that a
    product-wide surge does not raise every other firm's expectation in its weeks.
    """
    first_pass = surveil(
        product_counts,
        total,
        trim_total=True,
        settings=settings.baseline,
    )
    if product_counts.shape[0] == 0:
        return total, product_counts
    return first_pass.cleaned.sum(axis=0), first_pass.cleaned


def _industry_groups(keys: list[str], companies: pl.DataFrame) -> np.ndarray:
    """An integer per company for its industry (unknown industries share one group)."""
    industry = (
        pl.DataFrame({"company_id": keys}, schema={"company_id": pl.String()})
        .join(companies.select("company_id", "industry"), on="company_id", how="left")
        .get_column("industry")
        .fill_null(NO_INDUSTRY)
    )
    return industry.rank("dense").cast(pl.Int64).to_numpy() - 1


# --- alerts of one week --------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """One alert: a series' run of flagged weeks and where the surge began."""

    row: int
    start: int
    first_flagged: int
    last: int


def runs_as_of(scan: LevelScan, at: int, settings: AlertSettings) -> list[_Run]:
    """The alerts of a level listed in week `at`: runs whose last flagged week is recent.

    Flagged weeks at most merge_gap_weeks apart form one run; the start is Page's CUSUM
    change-point estimate within max_lookback_weeks before the run's first flagged week (never
    inside an earlier run). Only weeks up to `at` are looked at.
    """
    s = settings
    flags = scan.flags[:, : at + 1]
    recent = flags[:, max(at - s.recent_weeks + 1, 0) :].any(axis=1)
    runs = []
    for row in np.flatnonzero(recent):
        flagged = np.flatnonzero(flags[row])
        last = int(flagged[-1])
        gaps = np.diff(flagged) > s.merge_gap_weeks + 1
        breaks = np.flatnonzero(gaps)
        first = int(flagged[breaks[-1] + 1]) if breaks.size else int(flagged[0])
        previous_end = int(flagged[breaks[-1]]) if breaks.size else -1
        earliest = max(first - s.max_lookback_weeks, previous_end + 1, 0)
        start = change_point(scan.row_increments(int(row)), first, earliest)
        runs.append(_Run(int(row), start, first, last))
    return runs


def _fmt_p(value: float) -> str:
    """A p- or q-value as text: 2 significant digits, '<1e-15' below that."""
    if not math.isfinite(value):
        return "n/a"
    return "<1e-15" if value < 1e-15 else f"{value:.2g}"


def evidence_text(row: dict[str, object], language: str = DEFAULT_LANGUAGE) -> str:
    """The evidence sentence of one alert row (ALERT_SCHEMA) in `language`."""
    weeks = int(row["weeks"])
    q_value = row["q_value"]
    q_text = (
        say("alert.q", language, q=_fmt_p(float(q_value)))
        if q_value is not None and math.isfinite(float(q_value))
        else ""
    )
    peak = say(
        "alert.peak",
        language,
        observed=f"{row['peak_observed']:,}",
        week=row["peak_week"],
        expected=f"{row['peak_expected']:,.1f}",
        p=_fmt_p(float(row["p_value"])),
        q=q_text,
    )
    run = say(
        "alert.run",
        language,
        weeks=say("alert.one_week" if weeks == 1 else "alert.weeks", language, n=weeks),
        start=row["start"],
        observed=f"{row['observed']:,}",
        expected=f"{row['expected']:,.1f}",
        ratio=f"{row['ratio']:.1f}",
    )
    text = f"{peak}; {run}"
    if row["level"] == "data":
        typical = row["typical_ratio"]
        return say(
            "alert.data_event",
            language,
            direction=say("alert.jumped" if row["ratio"] >= 1 else "alert.dropped", language),
            typical=say("alert.typical", language, ratio=f"{typical:.1f}")
            if typical is not None
            else say("alert.typical_unknown", language),
            evidence=text,
        )
    if row["during_data_event"]:
        text += say("alert.during_event", language)
    if row["advisory_candidate"] is not None and row["top_share"] is not None:
        spread = {
            "rising": row["firms_rising"],
            "firms": row["firms"],
            "share": round(100 * float(row["top_share"])),
        }
        key = "alert.advisory" if row["advisory_candidate"] else "alert.spread"
        text += say(key, language, **spread)
    return text


def with_evidence(alerts: pl.DataFrame, language: str) -> pl.DataFrame:
    """The alerts with their evidence column written in `language`."""
    check_language(language)
    texts = [evidence_text(row, language) for row in alerts.iter_rows(named=True)]
    return alerts.with_columns(pl.Series("evidence", texts, dtype=pl.String))


def _run_row(scan: Scan, level_scan: LevelScan, run: _Run, at: int) -> dict[str, object]:
    """The alert row of one run (without names and advisory fields)."""
    ev = level_scan.evidence
    span = slice(run.start, run.last + 1)
    observed = float(np.nansum(ev.observed[run.row, span]))
    expected = float(np.nansum(ev.expected[run.row, span]))
    flagged = np.flatnonzero(level_scan.flags[run.row, span]) + run.start
    strongest = int(flagged[np.argmin(ev.p_upper[run.row, flagged])])
    p_value = float(ev.p_upper[run.row, strongest])
    q = level_scan.row_q_values(run.row)[flagged]
    q_value = float(np.nanmin(q)) if np.isfinite(q).any() else math.nan
    weeks = run.last - run.start + 1
    return {
        "level": level_scan.level,
        "key": level_scan.keys[run.row],
        "start": scan.week(run.start),
        "last_week": scan.week(run.last),
        "weeks": weeks,
        "observed": int(round(observed)),
        "expected": expected,
        "ratio": observed / expected if expected > 0 else math.inf,
        "p_value": p_value,
        "q_value": q_value,
        "evidence": None,
        "first_flagged": scan.week(run.first_flagged),
        "ongoing": run.last == at,
        "peak_week": scan.week(strongest),
        "peak_observed": int(round(float(ev.observed[run.row, strongest]))),
        "peak_expected": float(ev.expected[run.row, strongest]),
        "during_data_event": False,
        "typical_ratio": None,
    }


def _data_row(scan: Scan, run: _Run, at: int) -> dict[str, object]:
    """The row of one data event: the total jumped (row 0) or dropped (row 1)."""
    row = _run_row(scan, scan.data, run, at)
    typical = scan.data_typical[run.first_flagged]
    row.update(
        key=DATA_KEY,
        name=DATA_NAME,
        q_value=None,
        typical_ratio=float(typical) if math.isfinite(typical) else None,
    )
    return row


def alerts_at(
    scan: Scan,
    at: int,
    settings: AlertSettings,
    companies: pl.DataFrame,
    company_product_weeks: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The alert list as it reads in week `at` (data events, then companies, then products)."""
    rows: list[dict[str, object]] = []
    for run in runs_as_of(scan.data, at, settings):
        rows.append(_data_row(scan, run, at))
    event_weeks = scan.data.flags[:, : at + 1].any(axis=0)
    for level_scan in (scan.company, scan.product):
        for run in runs_as_of(level_scan, at, settings):
            row = _run_row(scan, level_scan, run, at)
            row["during_data_event"] = bool(event_weeks[run.start : run.last + 1].any())
            rows.append(row)
    frame = pl.DataFrame(rows, schema={k: ALERT_SCHEMA[k] for k in _ROW_KEYS}, orient="row")
    frame = _with_company_names(frame, companies)
    frame = _with_advisory(frame, company_product_weeks, companies, settings)
    order = pl.col("level").replace_strict({"data": 0, "company": 1, "product": 2}, default=3)
    return with_evidence(
        frame.with_columns(order.alias("_order"))
        .sort(["_order", "q_value", "p_value", "key"], nulls_last=True)
        .drop("_order")
        .select(list(ALERT_SCHEMA)),
        DEFAULT_LANGUAGE,
    )


_ROW_KEYS = (
    "level",
    "key",
    "name",
    "start",
    "last_week",
    "weeks",
    "observed",
    "expected",
    "ratio",
    "p_value",
    "q_value",
    "evidence",
    "first_flagged",
    "ongoing",
    "peak_week",
    "peak_observed",
    "peak_expected",
    "during_data_event",
    "typical_ratio",
)


def _with_company_names(frame: pl.DataFrame, companies: pl.DataFrame) -> pl.DataFrame:
    """Fill name and industry of company rows from the company table; products keep their key."""
    names = companies.select(
        pl.col("company_id").alias("key"),
        pl.col("name").alias("_name"),
        pl.col("industry"),
        pl.lit("company").alias("level"),
    )
    return (
        frame.join(names, on=["level", "key"], how="left")
        .with_columns(
            pl.coalesce(
                pl.col("name"),
                pl.col("_name"),
                pl.when(pl.col("level") == "product").then(pl.col("key")),
                pl.col("key"),
            ).alias("name")
        )
        .drop("_name")
    )


# --- consumer-damage advisory candidates -----------------------------------------------------


def advisory_for(
    product: str,
    start: date,
    last_week: date,
    company_product_weeks: pl.DataFrame,
    companies: pl.DataFrame,
    settings: AlertSettings,
) -> dict[str, object] | None:
    """Firms involved in one product surge and whether it is an advisory candidate.

    During the surge weeks (start .. last_week): `firms` with complaints about the product,
    `top_firms` by their share of those complaints, `top_share` the largest share. A firm is
    rising when its complaints about the product in the surge are at least twice, and at
    least 2 more than, its pace over the up to advisory_pre_weeks weeks before the start
    (a firm without complaints before counts as pace 0). Advisory candidate: at least
    advisory_min_firms rising firms and top_share <= advisory_max_share. None when the firm x
    product frame does not cover the surge weeks.
    """
    s = settings
    if company_product_weeks.height == 0:
        return None
    covered_from = company_product_weeks.get_column("period_start").min()
    if covered_from is None or covered_from > start:  # type: ignore[operator]
        return None
    pre_from = max(start - timedelta(weeks=s.advisory_pre_weeks), monday(covered_from))  # type: ignore[arg-type]
    pre_weeks = (start - pre_from).days // 7
    weeks = (last_week - start).days // 7 + 1
    rows = company_product_weeks.filter(
        pl.col("product").fill_null(NO_PRODUCT) == product,
        pl.col("period_start").is_between(pre_from, last_week),
    )
    during = pl.col("period_start") >= start
    per_firm = rows.group_by("company_id").agg(
        pl.col("complaints").filter(during).sum().cast(pl.Int64).alias("surge"),
        pl.col("complaints").filter(~during).sum().cast(pl.Int64).alias("before"),
    )
    pace = pl.col("before") / pre_weeks if pre_weeks > 0 else pl.lit(0.0)
    per_firm = per_firm.with_columns((pace * weeks).alias("usual")).filter(pl.col("surge") > 0)
    total = int(per_firm.get_column("surge").sum())
    if total == 0:
        return {
            "firms": 0,
            "firms_rising": 0,
            "top_firms": "",
            "top_share": None,
            "advisory_candidate": False,
        }
    rising = per_firm.filter(
        (pl.col("surge") >= 2 * pl.col("usual")) & (pl.col("surge") - pl.col("usual") >= 2)
    ).height
    top = (
        per_firm.join(companies.select("company_id", "name"), on="company_id", how="left")
        .with_columns((pl.col("surge") / total).alias("share"))
        .sort(["surge", "company_id"], descending=[True, False])
    )
    top_share = float(top.get_column("share")[0])
    listed = top.head(s.top_firms)
    text = "; ".join(
        f"{name or cid} ({cid}) {share:.0%}"
        for cid, name, share in listed.select("company_id", "name", "share").iter_rows()
    )
    return {
        "firms": per_firm.height,
        "firms_rising": rising,
        "top_firms": text,
        "top_share": top_share,
        "advisory_candidate": rising >= s.advisory_min_firms and top_share <= s.advisory_max_share,
    }


def _with_advisory(
    frame: pl.DataFrame,
    company_product_weeks: pl.DataFrame | None,
    companies: pl.DataFrame,
    settings: AlertSettings,
) -> pl.DataFrame:
    """Add firms, firms_rising, top_firms, top_share and advisory_candidate to product rows."""
    extra: dict[str, list[object]] = {
        name: []
        for name in ("firms", "firms_rising", "top_firms", "top_share", "advisory_candidate")
    }
    for level, key, start, last in frame.select("level", "key", "start", "last_week").iter_rows():
        info = None
        if level == "product" and company_product_weeks is not None:
            info = advisory_for(key, start, last, company_product_weeks, companies, settings)
        for name in extra:
            extra[name].append(None if info is None else info[name])
    return frame.with_columns(
        pl.Series(name, values, dtype=ALERT_SCHEMA[name]) for name, values in extra.items()
    )


# --- public entry points -------------------------------------------------------------------


def alert_notes(
    metadata: Mapping[str, object], language: str = DEFAULT_LANGUAGE
) -> tuple[str, ...]:
    """What the run ignored and assumed, in sentences, from the run's metadata."""
    as_of, last = metadata["as_of"], metadata["last_complete_week"]
    assert isinstance(as_of, date) and isinstance(last, date)
    notes = []
    if metadata["partial_week_ignored"]:
        notes.append(say("note.partial_week", language, week=monday(as_of), as_of=as_of))
    if metadata["delay_weeks"]:
        notes.append(say("note.delay", language, weeks=metadata["delay_weeks"]))
    notes.append(say("note.judged", language, week=last, end=last + timedelta(days=6)))
    if metadata["weeks"] == 0:
        notes.append(say("note.empty", language))
    return tuple(notes)


def _metadata(
    inputs: AlertFrames, scan: Scan, settings: AlertSettings, at: int
) -> dict[str, object]:
    """What the run covered and the main settings, for the CLI's JSON and the page."""
    last = last_complete_week(inputs.as_of, settings.delay_weeks)

    def tested(level: LevelScan) -> int:
        return int(level.evidence.tested[:, at].sum()) if 0 <= at < scan.n_weeks else 0

    return {
        "as_of": inputs.as_of,
        "last_complete_week": last,
        "partial_week_ignored": inputs.as_of.weekday() != 6,
        "reporting_delay": "ignore the still-filling week"
        + (f" and {settings.delay_weeks} more" if settings.delay_weeks else ""),
        "delay_weeks": settings.delay_weeks,
        "first_week": scan.first_week,
        "weeks": scan.n_weeks,
        "companies_tested": tested(scan.company),
        "products_tested": tested(scan.product),
        "fdr": settings.fdr,
        "min_count": settings.min_count,
        "min_ratio": settings.min_ratio,
        "window_weeks": settings.baseline.window_weeks,
    }


def detect_alerts(inputs: AlertFrames, settings: AlertSettings | None = None) -> AlertReport:
    """The alerts as of inputs.as_of: data events, company and product surges (ALERT_SCHEMA).

    Empty inputs give an empty frame with the schema and a note saying so.
    """
    settings = settings or AlertSettings()
    scan = scan_history(inputs, settings)
    at = scan.n_weeks - 1
    if at < 0:
        alerts = pl.DataFrame(schema=ALERT_SCHEMA)
    else:
        alerts = alerts_at(scan, at, settings, inputs.companies, inputs.company_product_weeks)
    metadata = _metadata(inputs, scan, settings, at)
    series = _alerted_series(scan, alerts)
    return AlertReport(alerts, metadata, alert_notes(metadata), series)


def _alerted_series(scan: Scan, alerts: pl.DataFrame) -> pl.DataFrame:
    """The weeks of every company and product that alerts (SERIES_SCHEMA), from the scan."""
    pairs = alerts.filter(pl.col("level").is_in(["company", "product"])).select("level", "key")
    frames = [
        _scan_series(scan, level, key).select(
            pl.lit(level).alias("level"), pl.lit(key).alias("key"), pl.all()
        )
        for level, key in pairs.unique(maintain_order=True).iter_rows()
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=SERIES_SCHEMA)


def backfill_alerts(
    inputs: AlertFrames,
    as_of_dates: Sequence[date],
    settings: AlertSettings | None = None,
    *,
    scan: Scan | None = None,
) -> pl.DataFrame:
    """The alert list as it would have read on each date, from data up to that date only.

    Every week is judged on earlier weeks alone, so one pass over the history serves all the
    dates; the result equals running `detect_alerts` on inputs cut at each date (a test checks
    this). Advisory fields are filled where company_product_weeks covers the surge. Dates after
    inputs.as_of are an error; dates before the first complete week give no rows.
    """
    settings = settings or AlertSettings()
    late = [d for d in as_of_dates if d > inputs.as_of]
    if late:
        raise ValueError(f"as_of dates must be <= inputs.as_of ({inputs.as_of}); got {late[0]}.")
    scan = scan or scan_history(inputs, settings)
    frames = []
    for day in as_of_dates:
        at = (last_complete_week(day, settings.delay_weeks) - scan.first_week).days // 7
        if at < 0:
            continue
        alerts = alerts_at(scan, at, settings, inputs.companies, inputs.company_product_weeks)
        frames.append(alerts.select(pl.lit(day).alias("as_of"), pl.all()))
    if not frames:
        return pl.DataFrame(schema={"as_of": pl.Date(), **ALERT_SCHEMA})
    return pl.concat(frames)


def series_weeks(
    inputs: AlertFrames, level: str, key: str, settings: AlertSettings | None = None
) -> pl.DataFrame:
    """One company's or product's weekly observed and expected counts, for charting an alert.

    Weeks before the series was first tested have a null `expected`; an unknown key gives an
    empty frame.
    """
    if level not in ("company", "product"):
        raise ValueError(f"level must be 'company' or 'product'; got {level!r}.")
    return _scan_series(scan_history(inputs, settings or AlertSettings()), level, key)


def _scan_series(scan: Scan, level: str, key: str) -> pl.DataFrame:
    """One series' weekly observed and expected counts from a scan (see `series_weeks`)."""
    level_scan = scan.company if level == "company" else scan.product
    schema = {name: SERIES_SCHEMA[name] for name in ("period_start", "observed", "expected")}
    if key not in level_scan.keys:
        return pl.DataFrame(schema=schema)
    row = level_scan.keys.index(key)
    return pl.DataFrame(
        {
            "period_start": [scan.week(i) for i in range(scan.n_weeks)],
            "observed": level_scan.evidence.observed[row],
            "expected": level_scan.evidence.expected[row],
        },
        schema=schema,
    ).with_columns(pl.col("expected").fill_nan(None), pl.col("observed").fill_nan(None))
