"""Each factor on tiny hand-made markets, with the arithmetic that gives the expected numbers."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from datetime import date

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from scipy import stats as sps

from scoring import stats
from scoring.combine import NOTHING_TO_EXPLAIN, combine
from scoring.config import FACTORS, ScoringConfig
from scoring.counts import CURRENT_COUNTS, firm_counts_for
from scoring.factors import (
    _thousands,
    compute_factors,
    firm_counts,
    fit_priors,
    keyed_priors,
    phrase_column,
    prepared,
    with_each_factor,
)
from scoring.phrases import LANGUAGES
from scoring.windows import calibration_windows, scoring_windows
from tests.test_scoring_properties import AS_OF, make_inputs


def plain(
    firm_id: str, industry: str | None = "x", exposure: float | None = None, **current: int
) -> dict:
    """A firm with `resolved` etc. this quarter and `previous`, `year_ago`, `older` counts."""
    history = {k: current.pop(k, 0) for k in ("previous", "year_ago", "older")}
    issue = current.pop("issue", "Billing error")
    counts = {"resolved": 0, "unresolved": 0, "overdue": 0, "in_time": 0, "withdrawn": 0}
    counts.update(current)
    counts.setdefault("timely_known", 0)
    counts.setdefault("late", 0)
    counts.setdefault("amount_n", 0)
    counts.setdefault("amount_mean", 1000.0)
    return {
        "id": firm_id,
        "industry": industry,
        "exposure": exposure,
        "current": counts,
        "issue": issue,
        **history,
    }


def row(frame: pl.DataFrame, company_id: str) -> dict:
    return frame.filter(pl.col("company_id") == company_id).row(0, named=True)


def test_firm_counts_put_each_month_in_its_window() -> None:
    inputs = make_inputs([plain("A", resolved=7, unresolved=3, previous=4, year_ago=5, older=6)])
    frame = firm_counts(inputs.companies, inputs.monthly, scoring_windows(AS_OF))
    a = row(frame, "A")
    assert (a["complaints"], a["complaints_previous"], a["complaints_year_ago"]) == (10, 4, 5)
    # Trailing year = the 12 months before the window: previous + year-ago + older months.
    assert a["complaints_trailing"] == 4 + 5 + 6 and a["complaints_before"] == 15


def random_months() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Random firm-months over five years, shuffled, with one firm without a company row and
    one whose only complaints come after the baseline windows; and the company table."""
    rng = np.random.default_rng(11)
    months = [date(2021 + k // 12, k % 12 + 1, 1) for k in range(63)]
    rows = [
        {
            "company_id": f"F{f:02d}",
            "period_start": m,
            **{c: int(rng.integers(0, 9)) for c in CURRENT_COUNTS},
            "amount_sum": float(rng.integers(0, 900)),
        }
        for f in range(30)
        for m in months
        if rng.random() < 0.6
    ]
    rows.append(
        {
            "company_id": "LATE",
            "period_start": date(2026, 8, 1),
            **dict.fromkeys(CURRENT_COUNTS, 2),
            "amount_sum": 5.0,
        }
    )
    monthly = pl.DataFrame(rows).sample(fraction=1.0, shuffle=True, seed=3)
    companies = pl.DataFrame(
        {
            "company_id": [f"F{f:02d}" for f in range(29)],
            "name": "n",
            "industry": "x",
            "exposure": None,
        },
        schema_overrides={"exposure": pl.Float64},
    )
    return monthly, companies


def test_window_sums_equal_a_direct_filter_for_every_window_set() -> None:
    # Each window set's sums must equal summing the months inside each window directly.
    monthly, companies = random_months()
    window_sets = [
        scoring_windows(date(2026, 9, 30)),
        scoring_windows(date(2026, 6, 30), 2),
        scoring_windows(date(2025, 9, 30), 2),
    ]
    for windows, got in zip(
        window_sets, firm_counts_for(companies, monthly, window_sets), strict=True
    ):
        period, n = pl.col("period_start"), pl.col("complaints")
        current = period.is_between(windows.current_start, windows.current_end)
        expected = (
            monthly.filter(period <= windows.current_end)
            .group_by("company_id")
            .agg(
                *[pl.col(c).filter(current).sum() for c in (*CURRENT_COUNTS, "amount_sum")],
                n.filter(period.is_between(windows.previous_start, windows.previous_end))
                .sum()
                .alias("complaints_previous"),
                n.filter(period.is_between(windows.year_ago_start, windows.year_ago_end))
                .sum()
                .alias("complaints_year_ago"),
                n.filter(period.is_between(windows.trailing_start, windows.previous_end))
                .sum()
                .alias("complaints_trailing"),
                n.filter(period < windows.current_start).sum().alias("complaints_before"),
            )
        )
        joined = got.join(
            expected, on="company_id", how="full", coalesce=True, suffix="_direct"
        ).sort("company_id")
        assert joined["company_id"].to_list() == got["company_id"].to_list()
        for column in expected.columns[1:]:
            assert joined[column].to_list() == joined[f"{column}_direct"].fill_null(0).to_list(), (
                column
            )
        assert ("LATE" in got["company_id"].to_list()) == (windows.current_end >= date(2026, 8, 1))
        assert "F29" in got["company_id"].to_list() and got["company_id"].is_sorted()


def test_status_counts_are_read_only_inside_the_status_ranges() -> None:
    # The warehouse may leave every count but `complaints` null outside Windows.status_ranges():
    # the firm counts of the scored windows and of their calibration windows must not change.
    monthly, companies = random_months()
    windows = scoring_windows(date(2026, 3, 31))  # the random months end in March 2026
    period = pl.col("period_start")
    inside = pl.any_horizontal([period.is_between(a, b) for a, b in windows.status_ranges()])
    statuses = [c for c in (*CURRENT_COUNTS, "amount_sum") if c != "complaints"]
    thin = monthly.with_columns(pl.when(inside).then(pl.col(c)).alias(c) for c in statuses)
    assert thin["resolved"].null_count() > monthly.height // 2
    window_sets = [windows, *calibration_windows(windows)]
    for full, pruned in zip(
        firm_counts_for(companies, monthly, window_sets),
        firm_counts_for(companies, thin, window_sets),
        strict=True,
    ):
        assert full["resolved"].sum() > 0
        assert_frame_equal(pruned, full)


def test_months_added_up_between_segment_starts_give_the_same_counts() -> None:
    # A warehouse may send the complaints-only months summed between consecutive
    # Windows.segment_starts(), each sum dated by its segment's start: the firm counts of the
    # scored windows and of their calibration windows must not change.
    monthly, companies = random_months()
    windows = scoring_windows(date(2026, 3, 31))
    period = pl.col("period_start")
    inside = pl.any_horizontal([period.is_between(a, b) for a, b in windows.status_ranges()])
    statuses = [c for c in (*CURRENT_COUNTS, "amount_sum") if c != "complaints"]
    thin = monthly.with_columns(pl.when(inside).then(pl.col(c)).alias(c) for c in statuses)
    first = monthly["period_start"].min()
    starts = windows.segment_starts()
    assert len(starts) >= 6

    def segment_of(month: date) -> date:
        return max(day for day in (first, *starts) if day <= month)

    summed = (
        thin.filter(~inside)
        .with_columns(period.map_elements(segment_of, return_dtype=pl.Date))
        .group_by("company_id", "period_start")
        .agg(pl.col("complaints").sum())
    )
    folded = pl.concat([thin.filter(inside), summed], how="diagonal_relaxed")
    assert folded.height < thin.height * 0.7
    window_sets = [windows, *calibration_windows(windows)]
    for full, from_folded in zip(
        firm_counts_for(companies, thin, window_sets),
        firm_counts_for(companies, folded, window_sets),
        strict=True,
    ):
        assert full["complaints_before"].sum() > 0 and full["complaints_trailing"].sum() > 0
        assert_frame_equal(from_folded, full)


def test_priors_are_refitted_only_when_their_inputs_change(monkeypatch) -> None:  # noqa: ANN001
    inputs = make_inputs(
        [plain(f"F{k}", resolved=3 + k, unresolved=k % 4, older=5 + 2 * k) for k in range(12)]
    )
    counts = firm_counts(inputs.companies, inputs.monthly, scoring_windows(AS_OF))
    current = prepared(counts)
    fits = []
    original = stats.fit_gamma_mixture
    monkeypatch.setattr(stats, "fit_gamma_mixture", lambda *a: fits.append(1) or original(*a))
    first = fit_priors([counts, counts], current)
    assert first.source == "baseline quarters"
    assert fit_priors([counts.clone(), counts.clone()], current) == first and len(fits) <= 1
    changed = counts.with_columns(
        pl.when(pl.col("company_id") == "F3")
        .then(pl.col("complaints") + 1)
        .otherwise(pl.col("complaints"))
        .alias("complaints")
    )
    fits.clear()
    assert fit_priors([counts, changed], current) != first
    assert len(fits) == 1
    # The same rows split differently between the two quarters are other baselines.
    fits.clear()
    fit_priors([counts.head(5), pl.concat([counts.tail(counts.height - 5), counts])], current)
    assert len(fits) == 1


def test_priors_fall_back_to_the_current_quarter_without_baseline_complaints() -> None:
    inputs = make_inputs([plain(f"F{k}", resolved=3 + k, unresolved=k % 4) for k in range(6)])
    counts = firm_counts(inputs.companies, inputs.monthly, scoring_windows(AS_OF))
    empty = counts.with_columns(pl.lit(0, dtype=pl.Int64).alias("complaints"))
    current = prepared(counts)
    assert fit_priors([empty, empty], current).source == "current quarter"
    assert fit_priors([counts, empty], current).source == "baseline quarters"


def test_priors_are_kept_under_a_key_only_when_fitted_on_the_baselines() -> None:
    inputs = make_inputs([plain(f"F{k}", resolved=3 + k, unresolved=k % 4) for k in range(6)])
    counts = firm_counts(inputs.companies, inputs.monthly, scoring_windows(AS_OF))
    empty = counts.with_columns(pl.lit(0, dtype=pl.Int64).alias("complaints"))
    current = prepared(counts)
    reads: list[int] = []

    def baselines(frames: list[pl.DataFrame]) -> Callable[[], list[pl.DataFrame]]:
        return lambda: reads.append(1) or frames

    thin, settled = os.urandom(20), os.urandom(20)
    assert keyed_priors(thin, baselines([empty, empty]), current).source == "current quarter"
    keyed_priors(thin, baselines([empty, empty]), current)
    assert len(reads) == 2  # not kept: it depends on the current quarter too
    fitted = keyed_priors(settled, baselines([counts, counts]), current)
    assert fitted.source == "baseline quarters"
    assert keyed_priors(settled, baselines([empty, empty]), current) == fitted
    assert len(reads) == 3  # kept: the key's baselines are not counted again


def test_a_firm_missing_from_the_company_table_is_still_scored() -> None:
    inputs = make_inputs([plain("A", resolved=5)])
    inputs = type(inputs)(**{**inputs.__dict__, "companies": inputs.companies.clear()})
    factors = compute_factors(inputs)
    assert factors["company_id"].to_list() == ["A"]
    assert factors["name"][0] is None and factors["industry"][0] == "(unknown)"


def test_expected_counts_by_basis() -> None:
    # Industry x: A (exposure 1000, 10 now), B (exposure 3000, 30 now, 30 last year),
    # C (no exposure, 12 now, 20 last year), D (no exposure, 5 now, nothing before).
    #   A: peers with exposure = B: 30 / 3000 = 0.01 per unit -> 1000 * 0.01 = 10
    #   B: peers = A: 10 / 1000 = 0.01 -> 3000 * 0.01 = 30
    #   C: 20 of the other firms' 30 last year, x the other firms' 10 + 30 + 5 = 45 now -> 30
    #   D: median now of the other established firms (B 30, C 12) -> 21
    inputs = make_inputs(
        [
            plain("A", exposure=1000.0, resolved=10),
            plain("B", exposure=3000.0, resolved=30, older=30),
            plain("C", resolved=12, older=20),
            plain("D", resolved=5),
        ]
    )
    frame = prepared(firm_counts(inputs.companies, inputs.monthly, scoring_windows(AS_OF)))
    got = {r["company_id"]: (r["volume_basis"], r["expected"]) for r in frame.iter_rows(named=True)}
    assert got == {
        "A": ("exposure", pytest.approx(10.0)),
        "B": ("exposure", pytest.approx(30.0)),
        "C": ("own share", pytest.approx(30.0)),
        "D": ("peer median", pytest.approx(21.0)),
    }


def test_unresolved_rate_is_shrunk_toward_the_other_firms() -> None:
    # A: 30 unresolved + 2 overdue of 40 + 2 decided; B and C (peers of A): 5 of 50 each.
    # Peer rate of A = (10 + 0.5) / (100 + 1) = 0.10396; with the fitted strength M,
    # shrunk = (M * 0.10396 + 32) / (M + 42) and points = log2(shrunk / 0.10396).
    inputs = make_inputs(
        [
            plain("A", resolved=10, unresolved=30, overdue=2, older=40),
            plain("B", resolved=45, unresolved=5, older=50),
            plain("C", resolved=45, unresolved=5, older=50),
        ]
    )
    a = row(compute_factors(inputs), "A")
    peer = 10.5 / 101
    strength = a["unresolved_prior_strength"]
    shrunk = (strength * peer + 32) / (strength + 42)
    assert a["peer_unresolved_rate"] == pytest.approx(peer, rel=1e-12)
    assert (a["unresolved_n"], a["decided"], a["unresolved_rate"]) == (
        32,
        42,
        pytest.approx(32 / 42),
    )
    assert a["unresolved_shrunk"] == pytest.approx(shrunk, rel=1e-12)
    assert a["unresolved_factor"] == pytest.approx(math.log2(shrunk / peer), rel=1e-12)
    assert a["unresolved_low"] < shrunk < a["unresolved_high"]


def test_growth_is_the_exact_test_against_the_peers_trend() -> None:
    # T: 40 now, 5 + 5 in the baselines; U and V: 20 now, 10 + 10 each. The other firms' ratio
    # now / baselines = 40 / 40 = 1, so pi0 = 1/2 and p = P(X >= 40 | n = 50, 1/2).
    # The rate ratio is (40 / 10) / 1 = 4.
    inputs = make_inputs(
        [
            plain("T", resolved=40, previous=5, year_ago=5),
            plain("U", resolved=20, previous=10, year_ago=10),
            plain("V", resolved=20, previous=10, year_ago=10),
            plain("N", industry="y", resolved=40),  # no earlier complaints: not tested
        ]
    )
    factors = compute_factors(inputs)
    t = row(factors, "T")
    assert t["growth_null_ratio"] == pytest.approx(1.0)
    assert t["growth_p"] == pytest.approx(sps.binom.sf(39, 50, 0.5), rel=1e-10)
    assert t["growth_rr"] == pytest.approx(4.0)
    assert (t["growth"], t["growth_yoy"]) == (pytest.approx(8.0), pytest.approx(8.0))
    assert t["growth_q"] <= 0.05 and t["growth_factor"] == pytest.approx(math.log2(t["growth_low"]))
    n = row(factors, "N")
    assert n["growth_p"] is None and n["growth_factor"] == 0.0


def test_severity_weighs_issues_against_the_peers() -> None:
    # A: 10 complaints about "Seller unreachable" (weight 3); B: 30 about "Poor service quality"
    # (0.5). A's peer index is B's 0.5; shrunk with 30 pseudo-complaints:
    # (3 * 10 + 30 * 0.5) / (10 + 30) = 1.125, ratio 2.25, points log2(2.25) = 1.1699.
    inputs = make_inputs(
        [
            plain("A", resolved=10, issue="Seller unreachable"),
            plain("B", resolved=30, issue="Poor service quality"),
        ]
    )
    factors = compute_factors(
        type(inputs)(
            **{
                **inputs.__dict__,
                "issue_statutes": pl.DataFrame(
                    {
                        "issue": ["Seller unreachable", "Poor service quality"],
                        "statute": ["ecommerce", "general"],
                    }
                ),
            }
        )
    )
    a, b = row(factors, "A"), row(factors, "B")
    assert a["peer_severity_index"] == pytest.approx(0.5)
    assert a["severity_factor"] == pytest.approx(math.log2(2.25), rel=1e-12)
    assert b["severity_factor"] == 0.0


def test_repeat_offending_counts_recent_own_and_inherited_actions() -> None:
    # As of 2026-09-30 with a 3-year window: T's fine of 2024-01-10 counts, its 2023-06-01
    # warning is too old and its 2026-10-05 order is in the future; the corrective order of
    # 2025-03-01 against its predecessor P is inherited. All T's complaints are "Non-delivery"
    # (ecommerce), the statute of its fine: the issue is back. Points = log2(1 + 2) + 1.
    actions = [
        {
            "action_id": "E1",
            "company_id": "T",
            "action_date": date(2024, 1, 10),
            "statute": "ecommerce",
            "action": "fine",
            "fine_amount": 1e7,
        },
        {
            "action_id": "E2",
            "company_id": "T",
            "action_date": date(2023, 6, 1),
            "statute": "general",
            "action": "warning",
            "fine_amount": None,
        },
        {
            "action_id": "E3",
            "company_id": "T",
            "action_date": date(2026, 10, 5),
            "statute": "general",
            "action": "corrective order",
            "fine_amount": None,
        },
        {
            "action_id": "E4",
            "company_id": "P",
            "action_date": date(2025, 3, 1),
            "statute": "general",
            "action": "corrective order",
            "fine_amount": None,
        },
    ]
    relations = [{"src_company_id": "P", "dst_company_id": "T", "relation": "successor"}]
    inputs = make_inputs(
        [plain("T", resolved=20, issue="Non-delivery"), plain("P", older=30)], actions, relations
    )
    t = row(compute_factors(inputs), "T")
    assert (t["prior_actions"], t["inherited_actions"], t["predecessors"]) == (2, 1, "P")
    assert (t["returning_statute"], t["returning_complaints"]) == ("ecommerce", 20)
    assert t["repeat_factor"] == pytest.approx(math.log2(3) + 1)
    assert t[phrase_column("repeat", "en")] == (
        "1 corrective order, 1 fine since 2024, 1 of them as successor of Firm P "
        "(P, given a corrective order 2025-03), ecommerce complaints again (20 this quarter)"
    )
    assert t[phrase_column("repeat", "ko")] == (
        "2024년 이후 시정명령 1건, 과징금 1건 (그중 1건은 Firm P (P, 2025-03 시정명령) 승계), "
        "ecommerce 관련 민원 재발 (이번 분기 20건)"
    )


def test_explanation_names_the_leading_factors_with_their_numbers() -> None:
    inputs = make_inputs(
        [
            plain(
                "T", resolved=10, unresolved=30, previous=5, year_ago=5, timely_known=40, late=30
            ),
            *[
                plain(
                    f"U{k}",
                    resolved=45,
                    unresolved=5,
                    previous=50,
                    year_ago=50,
                    timely_known=50,
                    late=5,
                )
                for k in range(4)
            ],
        ]
    )
    ranked = combine(compute_factors(inputs))
    t = row(ranked, "T")
    assert t["rank"] == 1 and t["tier"] == "investigate"
    # 40 now against 5 last quarter and 5 a year earlier: up 8.0x on both.
    assert t["explanation"].startswith(
        "complaints up 8.0x on last quarter and up 8.0x on a year earlier"
    )
    assert "75% unresolved (30 of 40 decided) vs 10% at other x firms" in t["explanation"]
    assert row(ranked, "U0")["explanation"] == NOTHING_TO_EXPLAIN

    korean = combine(compute_factors(inputs), language="ko")
    t_ko = row(korean, "T")
    assert korean["company_id"].to_list() == ranked["company_id"].to_list()
    assert t_ko["score"] == t["score"] and t_ko["tier"] == t["tier"]
    assert t_ko["explanation"].startswith(
        "민원이 전 분기 대비 8.0배 증가, 전년 동기 대비 8.0배 증가"
    )
    assert "미해결 75% (처리 완료 40건 중 30건), 다른 x 사업자 10%" in t_ko["explanation"]
    assert t_ko["tier_rule"] == "점수 0.75 이상, 민원 30건 이상"
    assert row(korean, "U0")["explanation"] == "동종 업계 수준을 넘는 요인 없음"


def test_factors_written_in_one_language_explain_as_those_written_in_both() -> None:
    actions = [
        {
            "action_id": "E1",
            "company_id": "P",
            "action_date": date(2025, 3, 1),
            "statute": "general",
            "action": "fine",
            "fine_amount": 1e6,
        }
    ]
    relations = [{"src_company_id": "P", "dst_company_id": "T", "relation": "successor"}]
    firms = [
        plain("T", resolved=10, unresolved=30, previous=5, year_ago=5, timely_known=40, late=30),
        plain("P", older=30),
        *[plain(f"U{k}", resolved=45, unresolved=5, previous=50, year_ago=50) for k in range(4)],
    ]
    inputs = make_inputs(firms, actions, relations)
    both = compute_factors(inputs)
    korean = compute_factors(inputs, languages=["ko"])
    assert not [c for c in korean.columns if c.startswith("_phrase_en")]
    assert_frame_equal(korean, both.drop(c for c in both.columns if c.startswith("_phrase_en")))
    assert row(korean, "T")["successor_of"] == "Firm P (P, fined 2025-03)"
    assert_frame_equal(combine(korean, language="ko"), combine(both, language="ko"))
    explained = row(combine(korean, language="ko"), "T")["explanation"]
    assert "과징금 1건 (Firm P (P, 2025-03 과징금)의 승계 사업자)" in explained
    with pytest.raises(ValueError, match=r"no sentences in 'en'.*languages=\['en'\]"):
        combine(korean, language="en")
    with pytest.raises(ValueError, match="language must be one of"):
        compute_factors(inputs, languages=["fr"])


def test_numbers_in_sentences_get_thousands_separators_as_python_writes_them() -> None:
    rng = np.random.default_rng(7)
    edges = [0, 0.49, 0.5, 1.5, 999, 999.5, 1000, 1001, 10_000, 100_000, 999_999, 1_000_000]
    edges += [10**k + d for k in range(6, 15) for d in (-1, 0, 1)]
    values = [float(v) for v in (*edges, *rng.lognormal(6, 5, 2_000).clip(0, 10**15 - 1))]
    written = pl.DataFrame({"x": [*values, None]}).select(_thousands(pl.col("x")))["x"]
    assert written.to_list() == [f"{round(v):,}" for v in values] + [None]


def test_combine_rejects_an_unknown_language() -> None:
    inputs = make_inputs([plain("T", resolved=10)])
    with pytest.raises(ValueError, match="language must be one of"):
        combine(compute_factors(inputs), language="fr")


def test_too_few_complaints_cap_the_tier_at_watch() -> None:
    inputs = make_inputs(
        [
            plain("T", unresolved=20, previous=1, year_ago=1),
            *[
                plain(f"U{k}", resolved=40, unresolved=2, previous=40, year_ago=40)
                for k in range(4)
            ],
        ]
    )
    t = row(combine(compute_factors(inputs)), "T")
    assert t["complaints"] == 20 and t["score"] >= ScoringConfig().monitor_score
    assert t["tier"] == "watch"
    assert t["explanation"].endswith("(fewer than 30 complaints: at most watch)")
    t_ko = row(combine(compute_factors(inputs), language="ko"), "T")
    assert t_ko["explanation"].endswith("(민원 30건 미만: 최고 관찰 등급)")


def test_new_weights_rerank_without_recomputing_factors() -> None:
    inputs = make_inputs(
        [
            plain("G", resolved=60, previous=5, year_ago=5),  # growth only
            plain("R", resolved=10, unresolved=50, previous=60, year_ago=60),  # unresolved only
            *[
                plain(f"U{k}", resolved=45, unresolved=5, previous=50, year_ago=50)
                for k in range(4)
            ],
        ]
    )
    factors = compute_factors(inputs)
    growth_first = combine(factors, {"growth": 10, "unresolved": 1})
    unresolved_first = combine(factors, {"growth": 1, "unresolved": 10})
    assert growth_first["company_id"][:2].to_list() == ["G", "R"]
    assert unresolved_first["company_id"][:2].to_list() == ["R", "G"]


def test_combine_rejects_a_frame_that_is_not_from_compute_factors() -> None:
    with pytest.raises(
        ValueError,
        match="^factors frame is missing column 'volume_factor'; build it with compute_factors.$",
    ):
        combine(pl.DataFrame({"company_id": ["A"], "complaints": [1]}))


def test_combine_ranks_50000_firms_consistently() -> None:
    # Its speed is measured by bench/bench.py (target <= 50 ms); here, that it stays correct at
    # that size: ranks 1..n, score = sum of contributions, ordered by score.
    rng = np.random.default_rng(50_000)
    size = 50_000
    factors = pl.DataFrame(
        {
            "company_id": [f"C{k:06d}" for k in range(size)],
            "name": "Firm",
            "industry": "e-commerce",
            "complaints": rng.integers(0, 500, size),
            "growth": rng.random(size),
            "unresolved_rate": rng.random(size),
            **{
                f"{f}_factor": np.where(rng.random(size) < 0.3, rng.exponential(0.5, size), 0.0)
                for f in FACTORS
            },
            **{
                phrase_column(f, language): f"{f}: 62% vs 21% at other e-commerce firms"
                for f in FACTORS
                for language in LANGUAGES
            },
        }
    )
    ranked = combine(factors, {"growth": 3.0})
    assert ranked["rank"].to_list() == list(range(1, size + 1))
    total = sum(ranked[f"{f}_contribution"] for f in FACTORS)
    assert np.allclose(total.to_numpy(), ranked["score"].to_numpy())
    assert ranked["score"].round(9).is_sorted(descending=True)


def test_factors_computed_side_by_side_keep_each_firm_on_its_row() -> None:
    frame = pl.DataFrame({"company_id": ["A", "B", "C"], "n": [1, 2, 3]})
    doubled = with_each_factor(
        frame,
        lambda f: f.with_columns(twice=pl.col("n") * 2),
        lambda f: f.with_columns(label=pl.col("company_id").str.to_lowercase()),
    )
    assert doubled.rows() == [("A", 1, 2, "a"), ("B", 2, 4, "b"), ("C", 3, 6, "c")]
    with pytest.raises(ValueError, match="reordered"):
        with_each_factor(frame, lambda f: f.reverse().with_columns(x=pl.col("n")))
