"""Surge alerts, piece by piece: reference values for the statistics, small synthetic series.

The warehouse-level checks (planted surges, stable firms, data events, the CFPB samples) are in
test_alerts_sample.py and test_alerts_cfpb.py.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from numpy.testing import assert_allclose
from polars.testing import assert_frame_equal
from scipy import stats
from sqlalchemy import Engine, select, update

from queries import alert_inputs as alert_inputs_module
from queries.aggregates import weekly_totals
from queries.alert_inputs import fetch_alert_inputs, week_span_starts
from queries.filters import ComplaintFilter
from queries.schema import complaints
from sample_data.load import generate_warehouse
from scoring.alerts import (
    ALERT_SCHEMA,
    NO_PRODUCT,
    AlertSettings,
    advisory_for,
    complete_weekly,
    detect_alerts,
    last_complete_week,
    series_weeks,
    weekly_flags,
    weekly_matrix,
    widen_for_data_events,
)
from scoring.surveillance import (
    BaselineSettings,
    Evidence,
    change_point,
    nb_parameters,
    pearson_dispersion,
    robust_total_evidence,
    seasonal_factor,
    shift_log_likelihood,
    surveil,
    upper_tail,
)

ROOT = Path(__file__).resolve().parent.parent
MONDAY = date(2024, 1, 1)

# --- reference values ----------------------------------------------------------------------


def test_predictive_nb_is_the_gamma_poisson_posterior_predictive_when_phi_is_1() -> None:
    # mu = 4 from Y = 100 reference complaints, phi = 1: size = Y = 100, p = 100 / 104.
    size, prob = nb_parameters(np.array([4.0]), np.array([1.0]), np.array([100.0]))
    assert_allclose(size, [100.0], rtol=1e-15)
    assert_allclose(prob, [100.0 / 104.0], rtol=1e-15)
    # P(Y >= 10), computed exactly with fractions.Fraction:
    # 1 - sum(comb(k + 99, k) * (25/26)**100 * (1/26)**k for k in range(10))
    assert_allclose(upper_tail(np.array([10.0]), size, prob), [0.009487134931262676], rtol=1e-12)


def test_predictive_nb_tends_to_poisson_with_a_long_precise_history() -> None:
    size, prob = nb_parameters(np.array([4.0]), np.array([1.0]), np.array([1e9]))
    # Poisson(4): 1 - exp(-4) * sum(4**k / k! for k in range(10)), exact fractions times exp(-4)
    assert_allclose(upper_tail(np.array([10.0]), size, prob), [0.00813224279693395], rtol=1e-7)


def test_predictive_variance_adds_overdispersion_and_estimation_and_season() -> None:
    # phi mu + mu^2 (phi / Y + v) = 2*4 + 16*(2/100 + 0.01) = 8.48
    size, prob = nb_parameters(np.array([4.0]), np.array([2.0]), np.array([100.0]), 0.01)
    assert_allclose(stats.nbinom.mean(size, prob), [4.0], rtol=1e-12)
    assert_allclose(stats.nbinom.var(size, prob), [8.48], rtol=1e-12)


def test_upper_tail_of_a_zero_count_is_one_and_nan_stays_nan() -> None:
    size, prob = nb_parameters(np.array([4.0, 0.0]), np.array([1.0, 1.0]), np.array([9.0, 9.0]))
    p = upper_tail(np.array([0.0, 3.0]), size, prob)
    assert p[0] == 1.0 and math.isnan(p[1])
    assert math.isnan(upper_tail(np.array([np.nan]), size[:1], prob[:1])[0])  # no count, no tail


def test_pearson_dispersion_from_running_sums() -> None:
    y, x = np.array([1.0, 9.0, 2.0, 8.0]), np.ones(4)
    # rate 5: X^2 = (16 + 16 + 9 + 9) / 5 = 10 over 3 degrees of freedom
    phi = pearson_dispersion(
        np.array([5.0]),
        np.array([(y * y / x).sum()]),
        np.array([y.sum()]),
        np.array([x.sum()]),
        np.array([4.0]),
    )
    assert_allclose(phi, [10.0 / 3.0], rtol=1e-12)
    # underdispersed data and single weeks give the floor 1
    flat = pearson_dispersion(
        np.array([5.0, 5.0]),
        np.array([100.0, 25.0]),
        np.array([20.0, 5.0]),
        np.array([4.0, 1.0]),
        np.array([4.0, 1.0]),
    )
    assert_allclose(flat, [1.0, 1.0])


def test_seasonal_factor_compares_the_same_season_a_year_ago_with_its_reference_weeks() -> None:
    settings = BaselineSettings(window_weeks=4, min_history_weeks=2, season_half_width=1)
    weeks = 60
    exposure = np.full((1, weeks), 100.0)
    counts = np.full((1, weeks), 10.0)
    counts[0, 5:8] = 20.0  # a year before weeks 57..59: the season window of week 58
    # Week 58: season window 5..7 holds 60, reference window 2..5 (4 weeks, 50 complaints of
    # 400 exposure) predicts 0.125 * 300 = 37.5. With c = 0: f = 60 / 37.5 = 1.6;
    # Var(log f) ~ 1 / 60 + 1 / 50.
    raw = BaselineSettings(**{**settings.__dict__, "season_pseudo_count": 0.0})
    factor, variance = seasonal_factor(counts, exposure, np.array([0]), 58, raw)
    assert_allclose(factor, [1.6], rtol=1e-12)
    assert_allclose(variance, [1 / 60 + 1 / 50], rtol=1e-12)
    # c = 25 pseudo-counts pull it towards 1: (60 + 25) / (37.5 + 25) = 1.36
    factor, _ = seasonal_factor(counts, exposure, np.array([0]), 58, settings)
    assert_allclose(factor, [1.36], rtol=1e-12)
    # Without a full year plus a window of history there is no factor.
    factor, variance = seasonal_factor(counts, exposure, np.array([0]), 40, settings)
    assert_allclose(factor, [1.0]) and assert_allclose(variance, [0.0])


def test_shift_log_likelihood_matches_scipy_nb_log_pmf() -> None:
    y, mu, k = 5.0, 2.0, 10.0
    expected = stats.nbinom.logpmf(5, k, k / (k + 2 * mu)) - stats.nbinom.logpmf(5, k, k / (k + mu))
    got = shift_log_likelihood(np.array([y]), np.array([mu]), np.array([k]), 2.0)
    assert_allclose(got, [expected], rtol=1e-12)
    # Poisson limit: y log 2 - mu
    poisson = shift_log_likelihood(np.array([y]), np.array([mu]), np.array([1e12]), 2.0)
    assert_allclose(poisson, [y * math.log(2) - mu], rtol=1e-9)


def test_change_point_is_where_the_summed_evidence_is_largest() -> None:
    increments = np.array([-1.0, -1.0, 0.5, 2.0, 3.0])
    # sums from the end: 3, 5, 5.5, 4.5, 3.5 -> the surge began at index 2
    assert change_point(increments, 4, 0) == 2
    assert change_point(increments, 4, 3) == 3  # never before `earliest`
    assert change_point(np.array([np.nan, 1.0, 1.0]), 2, 0) == 1  # untested weeks stop it


def test_weekly_flags_use_q_values_within_each_week_and_keep_them_where_flagged() -> None:
    p = np.array([[0.001, np.nan, 0.2], [0.004, 0.5, 0.0001], [0.03, 0.001, 0.0002]])
    observed = np.array([[20.0, 9.0, 9.0], [30.0, 9.0, 4.0], [40.0, 30.0, 25.0]])
    expected = np.array([[5.0, np.nan, 5.0], [5.0, 5.0, 1.0], [5.0, 25.0, 5.0]])
    nan = np.full(p.shape, np.nan)
    evidence = Evidence(observed, expected, nan, p, nan, nan, nan, nan, nan)
    settings = AlertSettings(fdr=0.01)
    flags, rows, q_of_rows = weekly_flags(evidence, settings)
    q = np.column_stack(
        [
            stats.false_discovery_control([0.001, 0.004, 0.03]),
            [np.nan, *stats.false_discovery_control([0.5, 0.001])],
            stats.false_discovery_control([0.2, 0.0001, 0.0002]),
        ]
    )
    # week 0: q 0.003, 0.006, 0.03 -> the first two; week 1: row 2's ratio is 1.2 < 1.5;
    # week 2: row 1 has 4 < min_count complaints, row 2 is flagged
    expect = np.array([[True, False, False], [True, False, False], [False, False, True]])
    assert np.array_equal(flags, expect)
    assert np.array_equal(flags, (q <= 0.01) & (observed >= 5) & (observed >= 1.5 * expected))
    assert rows.tolist() == [0, 1, 2]
    assert_allclose(q_of_rows, np.where(flags, q, np.nan))


def test_a_data_event_week_widens_the_range_of_normal_counts_by_its_factor() -> None:
    # mu 10, size 20: V = 10 + 100 / 20 = 15; x3 event: V' = 45, size' = 100 / (45 - 10)
    one = np.array([[10.0, 10.0]])
    ev = Evidence(
        observed=np.array([[25.0, 25.0]]),
        expected=one,
        size=np.array([[20.0, 20.0]]),
        p_upper=np.array([[0.1, 0.1]]),
        p_lower=np.full((1, 2), np.nan),
        season=np.ones((1, 2)),
        dispersion=np.ones((1, 2)),
        reference_mean=one,
        cleaned=one,
    )
    widen_for_data_events(ev, np.array([1.0, 3.0]))  # in place: the scan's own evidence
    assert_allclose(ev.size[0], [20.0, 100.0 / 35.0], rtol=1e-12)
    assert ev.p_upper[0, 0] == 0.1  # untouched week
    size = 100.0 / 35.0
    assert_allclose(ev.p_upper[0, 1], stats.nbinom.sf(24, size, size / (size + 10.0)))
    assert_allclose(ev.expected, one)  # the expectation itself does not move


def test_advisory_candidate_needs_several_rising_firms_and_no_dominant_one() -> None:
    start = MONDAY + timedelta(weeks=10)
    rows = []
    for firm, before, during in (("A", 1, 6), ("B", 1, 5), ("C", 0, 4), ("D", 2, 2)):
        rows += [("P", firm, MONDAY + timedelta(weeks=w), before) for w in range(10)]
        rows += [("P", firm, start + timedelta(weeks=w), during) for w in range(2)]
    frame = pl.DataFrame(
        rows, schema=["product", "company_id", "period_start", "complaints"], orient="row"
    )
    names = pl.DataFrame({"company_id": ["A", "B", "C", "D"], "name": ["Aa", "Bb", "Cc", "Dd"]})
    info = advisory_for("P", start, start + timedelta(weeks=1), frame, names, AlertSettings())
    # during the 2 surge weeks: A 12, B 10, C 8, D 4 of 34; A, B, C at least doubled their
    # pace (2, 2, 0 per 2 weeks) by at least 2; D did not (4 vs 4)
    assert info is not None
    assert (info["firms"], info["firms_rising"]) == (4, 3)
    assert_allclose(info["top_share"], 12 / 34)
    assert info["advisory_candidate"] is True
    assert info["top_firms"].startswith("Aa (A) 35%; Bb (B) 29%")
    one_firm = advisory_for(
        "P",
        start,
        start + timedelta(weeks=1),
        frame.filter(pl.col("company_id") == "A"),
        names,
        AlertSettings(),
    )
    assert one_firm is not None and one_firm["advisory_candidate"] is False


# --- weeks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "delay", "expected"),
    [
        (date(2026, 10, 31), 0, date(2026, 10, 19)),  # Saturday: its week is still filling
        (date(2026, 10, 25), 0, date(2026, 10, 19)),  # Sunday: its week is complete
        (date(2026, 10, 26), 0, date(2026, 10, 19)),  # Monday
        (date(2026, 10, 31), 1, date(2026, 10, 12)),
    ],
)
def test_last_complete_week(as_of: date, delay: int, expected: date) -> None:
    assert last_complete_week(as_of, delay) == expected


def test_weekly_series_are_completed_with_zeros_from_their_first_week() -> None:
    frame = pl.DataFrame(
        {
            "company_id": ["A", "A", "B", "B"],
            "period_start": [MONDAY + timedelta(weeks=w) for w in (1, 3, 2, 9)],
            "complaints": [2, 5, 1, 7],
        }
    )
    long = complete_weekly(frame, "company_id", MONDAY, MONDAY + timedelta(weeks=4))
    assert long.filter(pl.col("company_id") == "A")["complaints"].to_list() == [2, 0, 5, 0]
    assert long.filter(pl.col("company_id") == "B")["complaints"].to_list() == [1, 0, 0]
    keys, matrix = weekly_matrix(frame, "company_id", MONDAY, 5)
    assert keys == ["A", "B"] and matrix.sum() == 8  # week 9 is outside the range


def test_weekly_matrix_adds_up_repeated_rows_and_sorts_keys_as_python_does() -> None:
    weeks = [MONDAY + timedelta(weeks=w) for w in (2, 0, 2, 1, 0, 7)]
    frame = pl.DataFrame(
        {
            "product": ["카드", None, "카드", "Zebra", "apple", "Only late"],
            "period_start": weeks,
            "complaints": [3, 4, 5, 1, 2, 9],
        }
    )
    keys, matrix = weekly_matrix(frame, "product", MONDAY, 3)
    assert keys == sorted(["카드", NO_PRODUCT, "Zebra", "apple"])  # "Only late" is out of range
    expected = {"카드": [0, 0, 8], NO_PRODUCT: [4, 0, 0], "Zebra": [0, 1, 0], "apple": [2, 0, 0]}
    assert {k: matrix[i].tolist() for i, k in enumerate(keys)} == expected
    empty_keys, empty = weekly_matrix(frame.clear(), "product", MONDAY, 3)
    assert empty_keys == [] and empty.shape == (0, 3)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fdr": 0.0}, "fdr must be > 0 and < 1; got 0.0."),
        ({"min_ratio": 0.5}, "min_ratio must be >= 1; got 0.5."),
        ({"start_shift": 1.0}, "start_shift must be > 1; got 1.0."),
        ({"advisory_max_share": 1.5}, "advisory_max_share must be > 0 and <= 1; got 1.5."),
        (
            {"baseline": BaselineSettings(window_weeks=8, min_history_weeks=9)},
            "min_history_weeks must be >= 1 and <= window_weeks; got 9 and 8.",
        ),
    ],
)
def test_settings_are_checked_up_front(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message.replace('.', '[.]')}$"):
        AlertSettings(**changes)  # type: ignore[arg-type]


# --- the engine on synthetic series ----------------------------------------------------------


def _poisson_counts(seed: int, rates: np.ndarray, weeks: int) -> np.ndarray:
    return np.random.default_rng(seed).poisson(rates[:, None], (rates.size, weeks)).astype(float)


def test_a_jump_is_judged_against_a_baseline_that_it_does_not_inflate() -> None:
    weeks = 60
    counts = _poisson_counts(1, np.array([6.0, 40.0, 200.0]), weeks)
    counts[0, 40:46] = np.random.default_rng(9).poisson(30.0, 6)  # six weeks x5, small series
    ev = surveil(counts, np.ones_like(counts))
    assert np.isnan(ev.expected[:, :8]).all()  # min_history_weeks
    assert (ev.p_upper[0, 40:46] < 1e-6).all()
    # winsorised: the surge weeks enter later baselines capped near the upper limit, so the
    # expectation after six surge weeks is still well below the surge level
    assert ev.expected[0, 45] < 2.5 * 6.0
    assert (ev.cleaned[0, 40:46] < counts[0, 40:46]).all()
    quiet = ev.p_upper[1:, 8:]
    assert (quiet > 1e-4).all()  # no false signal at 1e-4 in 100 stable series-weeks


def test_share_model_follows_a_jump_in_everything() -> None:
    weeks = 40
    counts = _poisson_counts(2, np.full(30, 10.0), weeks)
    counts[:, 30] *= 3  # everything x3 in one week
    total = counts.sum(axis=0)
    ev = surveil(counts, total[None, :] - counts, trim_total=True)
    assert_allclose(np.nanmedian(ev.observed[:, 30] / ev.expected[:, 30]), 1.0, atol=0.25)
    assert (ev.p_upper[:, 30] > 1e-4).all()


@pytest.mark.parametrize("mode", ["plain", "trim_total", "reference_total"])
def test_surveil_gives_the_same_evidence_from_a_weekly_total_and_without_the_cleaned_counts(
    mode: str,
) -> None:
    """The alerts hand over one total per week instead of an "all other complaints" matrix and
    keep no cleaned counts (two 60 MB matrices at 50K firms): every number the scan reads must
    be what the matrix and the full history give, bit for bit."""
    weeks = 70
    counts = _poisson_counts(4, np.array([0.5, 3.0, 12.0, 40.0, 90.0]), weeks)
    counts[2, :20] = 0  # a series that starts late
    counts[3, 50:53] *= 4  # a surge that gets winsorised
    total = counts.sum(axis=0) + 500.0
    options = {
        "plain": {},
        "trim_total": {"trim_total": True},
        "reference_total": {"reference_total": total, "groups": np.array([0, 0, 1, 1, 1])},
    }[mode]
    expected = surveil(counts, total[None, :] - counts, **options)
    from_total = surveil(counts, total, **options)
    lean = surveil(counts, total, keep_cleaned=False, diagnostics=False, **options)
    for name in ("expected", "size", "p_upper", "season", "dispersion", "reference_mean"):
        assert np.array_equal(getattr(from_total, name), getattr(expected, name), equal_nan=True)
    assert np.array_equal(from_total.cleaned, expected.cleaned)
    assert np.isnan(from_total.p_lower).all()  # only asked for with lower_tail
    for name in ("expected", "size", "p_upper", "reference_mean"):
        assert np.array_equal(getattr(lean, name), getattr(expected, name), equal_nan=True)
    assert np.isnan(lean.season).all() and np.isnan(lean.dispersion).all()
    assert np.isnan(lean.cleaned).all()
    assert np.isfinite(expected.p_upper).sum() > weeks  # tested weeks: the comparison is not empty
    if mode != "trim_total":  # there the surge is a third of the very total it is a share of
        assert (expected.cleaned[3, 50:53] < counts[3, 50:53]).all()  # clipped: later weeks see it


def test_the_scan_is_the_same_whatever_the_counts_layout_and_its_slicing_across_cores() -> None:
    """The loop reads a week of every series at a time from column-major arrays, and the tails
    of weeks over 16,384 series are computed in slices on several threads: neither may change
    a single number."""
    rng = np.random.default_rng(5)
    counts = _poisson_counts(6, rng.gamma(0.6, 2.0, 20_000), 40)
    counts[:50, 30:33] *= 6  # some surges
    total = counts.sum(axis=0) + 1000.0
    groups = rng.integers(0, 14, counts.shape[0])
    by_rows = surveil(np.ascontiguousarray(counts), total, groups=groups, reference_total=total)
    by_weeks = surveil(np.asfortranarray(counts), total, groups=groups, reference_total=total)
    for name in ("expected", "size", "p_upper", "reference_mean", "cleaned"):
        assert np.array_equal(getattr(by_rows, name), getattr(by_weeks, name), equal_nan=True)
    tested = np.isfinite(by_rows.p_upper[:, -1])
    assert tested.sum() > 16_384  # the last week's tails were sliced
    # The tail of a whole matrix, as a data event widens it: scipy's own value, cell by cell.
    observed, size = by_rows.observed[:, 30:33], by_rows.size[:, 30:33]
    prob = size / (size + by_rows.expected[:, 30:33])
    tails = upper_tail(observed, size, prob)
    with np.errstate(invalid="ignore"):
        direct = np.where(observed > 0, stats.nbinom.sf(observed - 1, size, prob), 1.0)
    assert np.array_equal(tails, np.where(np.isfinite(size), direct, np.nan), equal_nan=True)


def test_surveil_refuses_an_exposure_of_the_wrong_shape() -> None:
    counts = np.ones((3, 10))
    with pytest.raises(
        ValueError, match=r"^exposure must be \(3, 10\) or \(10,\); got \(3, 9\)\.$"
    ):
        surveil(counts, np.ones((3, 9)))


def test_the_typical_ratio_kept_by_the_scan_is_the_median_over_the_reference_means() -> None:
    """The alerts keep each week's typical firm ratio instead of a reference-mean matrix (60 MB
    at 50K firms); it must be the median of observed / reference mean over the tested firms
    whose reference mean is at least 1 a week, NaN where too few are, and nothing else moves."""
    weeks, min_series = 60, 6
    counts = _poisson_counts(8, np.array([0.3, 0.8, 1.5, 3.0, 6.0, 12.0, 25.0, 50.0]), weeks)
    counts[5, :30] = 0  # starts late: fewer firms are usable in the early weeks
    counts[6, :25] = 0
    total = counts.sum(axis=0) + 400.0
    options = {"reference_total": total, "groups": np.array([0, 0, 0, 1, 1, 1, 2, 2])}
    full = surveil(counts, total[None, :] - counts, diagnostics=False, **options)
    lean = surveil(
        counts, total[None, :] - counts, diagnostics=False, typical_min_series=min_series, **options
    )
    ref = full.reference_mean
    expected = np.full(weeks, np.nan)
    for t in range(weeks):
        usable = np.isfinite(ref[:, t]) & (ref[:, t] >= 1.0)
        if usable.sum() >= min_series:
            expected[t] = np.median(full.observed[usable, t] / ref[usable, t])
    assert lean.typical is not None and full.typical is None
    assert np.array_equal(lean.typical, expected, equal_nan=True)
    # Too few usable firms until the late starters have a reference window of their own.
    assert np.isfinite(expected).sum() > 10 and np.isnan(expected[8:30]).all()
    assert np.isnan(lean.reference_mean).all()
    for name in ("expected", "size", "p_upper", "cleaned"):
        assert np.array_equal(getattr(lean, name), getattr(full, name), equal_nan=True)


def test_robust_total_flags_a_jump_and_a_gap_but_not_the_return_from_the_gap() -> None:
    total = _poisson_counts(3, np.array([1000.0]), 50)[0]
    total[30] *= 3
    total[40:44] = 0.0
    ev = robust_total_evidence(total, BaselineSettings())
    assert ev.p_upper[0, 30] < 1e-6 and ev.observed[0, 30] > 2.5 * ev.expected[0, 30]
    assert (ev.p_lower[0, 40:44] < 1e-6).all()
    assert ev.observed[0, 44] < 1.2 * ev.expected[0, 44]  # trimmed: the gap left no dent
    assert ev.p_upper[0, 31] > 0.001  # the jump did not inflate the spread either


# --- a whole run on a small synthetic world --------------------------------------------------


@dataclass(frozen=True)
class Frames:
    """AlertFrames built in memory."""

    as_of: date
    company_weeks: pl.DataFrame
    product_weeks: pl.DataFrame
    total_weeks: pl.DataFrame
    companies: pl.DataFrame
    company_product_weeks: pl.DataFrame


def _world(seed: int, weeks: int, surge_firm: int | None = None, surge_week: int = 0) -> Frames:
    """60 firms selling one of 4 products, Poisson weekly counts; optionally one firm x6."""
    rng = np.random.default_rng(seed)
    n = 60
    rates = rng.uniform(2.0, 12.0, n)
    counts = rng.poisson(rates[:, None], (n, weeks))
    if surge_firm is not None:
        counts[surge_firm, surge_week:] = rng.poisson(6 * rates[surge_firm], weeks - surge_week)
    products = np.array([f"P{i % 4}" for i in range(n)])
    rows, cols = np.nonzero(counts)
    cpw = pl.DataFrame(
        {
            "company_id": [f"F{r:02d}" for r in rows],
            "product": products[rows],
            "period_start": [MONDAY + timedelta(weeks=int(c)) for c in cols],
            "complaints": counts[rows, cols].astype(np.int64),
        }
    )
    return Frames(
        as_of=MONDAY + timedelta(weeks=weeks, days=-1),
        company_weeks=cpw.group_by("company_id", "period_start").agg(pl.col("complaints").sum()),
        product_weeks=cpw.group_by("product", "period_start").agg(pl.col("complaints").sum()),
        total_weeks=cpw.group_by("period_start").agg(pl.col("complaints").sum()),
        companies=pl.DataFrame(
            {
                "company_id": [f"F{i:02d}" for i in range(n)],
                "name": [f"Firm {i}" for i in range(n)],
                "industry": ["retail"] * n,
            }
        ),
        company_product_weeks=cpw,
    )


def test_a_young_company_surge_is_found_with_its_start_week() -> None:
    world = _world(4, 40, surge_firm=7, surge_week=37)
    report = detect_alerts(world)
    assert report.alerts.schema == pl.Schema(ALERT_SCHEMA)
    company = report.alerts.filter(pl.col("level") == "company")
    assert company["key"].to_list() == ["F07"]
    row = company.row(0, named=True)
    assert row["start"] == MONDAY + timedelta(weeks=37)
    assert row["last_week"] == MONDAY + timedelta(weeks=39) and row["ongoing"]
    assert row["name"] == "Firm 7" and row["ratio"] > 3 and row["q_value"] < 0.01
    assert "complaints in the week of" in row["evidence"]
    assert report.metadata["last_complete_week"] == MONDAY + timedelta(weeks=39)
    assert not report.metadata["partial_week_ignored"]  # as_of is a Sunday


def test_the_report_keeps_each_alerted_series_as_series_weeks_gives_it() -> None:
    """The alerts page charts an alert from the report, without a second pass over 50K firms."""
    world = _world(4, 40, surge_firm=7, surge_week=37)
    report = detect_alerts(world).in_language("ko")
    assert_frame_equal(report.series_for("company", "F07"), series_weeks(world, "company", "F07"))
    surge = report.series_for("company", "F07")
    assert surge.filter(pl.col("period_start") == MONDAY + timedelta(weeks=38))["observed"][0] > 0
    assert report.series_for("company", "F01") is None  # not alerted: the page scans for it
    assert report.series["level"].unique().to_list() == ["company"]


def test_the_still_filling_week_is_ignored_and_said_so() -> None:
    world = _world(5, 40, surge_firm=3, surge_week=39)
    # as_of on the Wednesday of week 39: only weeks up to 38 are judged, so no alert yet
    cut = Frames(**{**world.__dict__, "as_of": MONDAY + timedelta(weeks=39, days=2)})
    report = detect_alerts(cut)
    assert report.alerts.filter(pl.col("level") == "company").height == 0
    assert report.metadata["partial_week_ignored"]
    assert any("still filling" in note for note in report.notes)


def test_empty_inputs_give_an_empty_frame_with_the_schema() -> None:
    world = _world(6, 30)
    empty = Frames(
        **{
            **world.__dict__,
            "company_weeks": world.company_weeks.clear(),
            "product_weeks": world.product_weeks.clear(),
            "total_weeks": world.total_weeks.clear(),
            "company_product_weeks": world.company_product_weeks.clear(),
        }
    )
    report = detect_alerts(empty)
    assert report.alerts.height == 0 and report.alerts.schema == pl.Schema(ALERT_SCHEMA)


def test_alert_modules_import_no_sql_or_streamlit() -> None:
    allowed = {
        "numpy",
        "polars",
        "scipy",
        "scoring",
        "__future__",
        "math",
        "collections",
        "dataclasses",
        "datetime",
        "typing",
    }
    for name in ("alerts.py", "surveillance.py"):
        tree = ast.parse((ROOT / "scoring" / name).read_text(encoding="utf-8"))
        roots = {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        } | {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert roots <= allowed, (name, roots - allowed)


# --- the warehouse side ----------------------------------------------------------------------


def test_week_spans_break_on_mondays_into_near_equal_runs() -> None:
    wednesday = date(2023, 9, 27)
    assert week_span_starts(wednesday, date(2023, 10, 30), 26) == [wednesday]
    cuts = week_span_starts(wednesday, date(2024, 3, 25), 26)  # 27 weeks: two spans
    assert cuts == [wednesday, date(2024, 1, 1)]
    cuts = week_span_starts(date(2023, 9, 25), date(2026, 9, 30), 26)  # 158 weeks: seven
    lengths = np.diff([(day - date(2023, 9, 25)).days // 7 for day in cuts[1:]])
    assert len(cuts) == 7 and all(day.weekday() == 0 for day in cuts)
    assert set(lengths) <= {22, 23}


def test_alert_inputs_read_in_week_spans_are_the_one_read_split(
    any_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An embedded warehouse is read half a year at a time (its hash tables are in the
    dashboard's process); the rows must be those of one read, no week split or counted twice."""
    generate_warehouse(any_engine, companies=150, complaints=2000, seed=8)
    as_of = date(2025, 3, 5)
    read = {}
    for span_weeks in (10_000, 3):
        monkeypatch.setattr(alert_inputs_module, "SPAN_WEEKS", span_weeks)
        read[span_weeks] = fetch_alert_inputs(any_engine, as_of, history_weeks=20, advisory_weeks=7)
    whole, spans = read[10_000], read[3]
    for name, keys in (
        ("company_weeks", ["company_id", "period_start"]),
        ("product_weeks", ["product", "period_start"]),
        ("total_weeks", ["period_start"]),
        ("company_product_weeks", ["company_id", "product", "period_start"]),
    ):
        one, split = getattr(whole, name), getattr(spans, name)
        assert split.select(keys).is_duplicated().sum() == 0, name
        assert_frame_equal(split.sort(keys, nulls_last=True), one.sort(keys, nulls_last=True))
        assert one.height > 20, name


def test_alert_inputs_are_weekly_aggregates_up_to_as_of(any_engine: Engine) -> None:
    generate_warehouse(any_engine, companies=150, complaints=2000, seed=5)
    with any_engine.begin() as connection:  # complaints without a product count in the total
        recent = select(complaints.c.complaint_id).where(
            complaints.c.received_date.between(date(2025, 1, 1), date(2025, 3, 5))
        )
        ids = connection.execute(recent.order_by(complaints.c.complaint_id).limit(30)).scalars()
        connection.execute(
            update(complaints).where(complaints.c.complaint_id.in_(list(ids))).values(product=None)
        )
    as_of = date(2025, 3, 5)  # a Wednesday: its week is fetched up to that day
    inputs = fetch_alert_inputs(any_engine, as_of, history_weeks=20, advisory_weeks=6)
    this_week = date(2025, 3, 3)
    assert inputs.product_weeks["product"].null_count() > 0
    assert_frame_equal(
        inputs.total_weeks,
        weekly_totals(any_engine, ComplaintFilter(start=inputs.history_start, end=as_of)),
    )
    assert inputs.history_start == this_week - timedelta(weeks=20)
    totals = {
        name: int(frame["complaints"].sum())
        for name, frame in (
            ("company", inputs.company_weeks),
            ("product", inputs.product_weeks),
            ("total", inputs.total_weeks),
        )
    }
    assert len(set(totals.values())) == 1 and totals["total"] > 0
    for frame in (inputs.company_weeks, inputs.total_weeks, inputs.company_product_weeks):
        weeks = frame["period_start"]
        assert weeks.dt.weekday().unique().to_list() == [1]
        assert weeks.min() >= inputs.history_start and weeks.max() == this_week
    recent = inputs.company_product_weeks
    assert recent["period_start"].min() == this_week - timedelta(weeks=6)
    in_window = inputs.total_weeks.filter(pl.col("period_start") >= recent["period_start"].min())
    assert recent["complaints"].sum() == in_window["complaints"].sum()
    assert inputs.companies.columns == ["company_id", "name", "industry"]
