"""Properties every ranking must have, checked on random small markets (hypothesis, seeded)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import polars as pl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from queries.aggregates import COUNT_SCHEMA
from queries.scoring_inputs import ScoringInputs
from scoring.combine import combine
from scoring.config import FACTORS, TIERS, ScoringConfig
from scoring.factors import compute_factors, phrase_column
from scoring.phrases import LANGUAGES

AS_OF = date(2026, 9, 30)
CURRENT_MONTH = date(2026, 8, 1)
PREVIOUS_MONTH = date(2026, 5, 1)
YEAR_AGO_MONTH = date(2025, 8, 1)
OLDER_MONTH = date(2025, 11, 1)
ISSUE_STATUTES = {
    "Refusal to refund": "terms_conditions",
    "Non-delivery": "ecommerce",
    "Poor service quality": "general",
    "Billing error": "general",
}
PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _count_row(company_id: str, month: date, **counts: float) -> dict:
    row = {name: 0 for name in COUNT_SCHEMA}
    row.update(company_id=company_id, period_start=month, **counts)
    return row


def make_inputs(
    firms: list[dict], actions: list[dict] | None = None, relations: list[dict] | None = None
) -> ScoringInputs:
    """ScoringInputs for firms described as dicts (see `firm` below for the keys)."""
    monthly, issues = [], []
    for f in firms:
        c = f["current"]
        complaints = c["resolved"] + c["unresolved"] + c["overdue"] + c["in_time"] + c["withdrawn"]
        if complaints:
            monthly.append(
                _count_row(
                    f["id"],
                    CURRENT_MONTH,
                    complaints=complaints,
                    resolved=c["resolved"],
                    unresolved=c["unresolved"],
                    in_progress=c["overdue"] + c["in_time"],
                    withdrawn=c["withdrawn"],
                    overdue_in_progress=c["overdue"],
                    responded=c["resolved"],
                    timely_known=c["timely_known"],
                    late=c["late"],
                    amount_sum=c["amount_n"] * c["amount_mean"],
                    amount_n=c["amount_n"],
                )
            )
            issues.append(
                {**_count_row(f["id"], CURRENT_MONTH, complaints=complaints), "issue": f["issue"]}
            )
        for month, key in (
            (PREVIOUS_MONTH, "previous"),
            (YEAR_AGO_MONTH, "year_ago"),
            (OLDER_MONTH, "older"),
        ):
            if f[key]:
                monthly.append(_count_row(f["id"], month, complaints=f[key], resolved=f[key]))
    schema = {"company_id": pl.String(), "period_start": pl.Date(), **COUNT_SCHEMA}
    issue_schema = {"company_id": pl.String(), "issue": pl.String(), **COUNT_SCHEMA}
    companies = pl.DataFrame(
        {
            "company_id": [f["id"] for f in firms],
            "name": [f"Firm {f['id']}" for f in firms],
            "business_no": [None] * len(firms),
            "industry": [f["industry"] for f in firms],
            "parent_id": [None] * len(firms),
            "exposure": [f["exposure"] for f in firms],
        },
        schema={
            "company_id": pl.String,
            "name": pl.String,
            "business_no": pl.String,
            "industry": pl.String,
            "parent_id": pl.String,
            "exposure": pl.Float64,
        },
    )
    enforcement = pl.DataFrame(
        actions or [],
        schema={
            "action_id": pl.String,
            "company_id": pl.String,
            "action_date": pl.Date,
            "statute": pl.String,
            "action": pl.String,
            "fine_amount": pl.Float64,
        },
    )
    return ScoringInputs(
        as_of=AS_OF,
        deadline_days=14,
        monthly=pl.DataFrame(monthly, schema=schema),
        companies=companies,
        enforcement=enforcement,
        relations=pl.DataFrame(
            relations or [],
            schema={
                "src_company_id": pl.String,
                "dst_company_id": pl.String,
                "relation": pl.String,
            },
        ),
        issues=pl.DataFrame([{k: r[k] for k in issue_schema} for r in issues], schema=issue_schema),
        issue_statutes=pl.DataFrame(
            {"issue": list(ISSUE_STATUTES), "statute": list(ISSUE_STATUTES.values())}
        ),
    )


@st.composite
def firm(draw: st.DrawFn, index: int) -> dict:
    """One firm: current-window outcome counts, baselines, size, industry and issue."""
    big = draw(st.booleans())
    top = 400 if big else 40
    current = {
        "resolved": draw(st.integers(0, top)),
        "unresolved": draw(st.integers(0, top // 2)),
        "overdue": draw(st.integers(0, 5)),
        "in_time": draw(st.integers(0, 5)),
        "withdrawn": draw(st.integers(0, 3)),
        "amount_mean": draw(st.floats(1e3, 1e7)),
    }
    total = sum(current[k] for k in ("resolved", "unresolved", "overdue", "in_time", "withdrawn"))
    current["timely_known"] = draw(st.integers(0, total))
    current["late"] = draw(st.integers(0, current["timely_known"]))
    current["amount_n"] = draw(st.integers(0, total))
    return {
        "id": f"F{index:03d}",
        "industry": draw(st.sampled_from(["e-commerce", "travel", None])),
        "exposure": draw(st.one_of(st.none(), st.floats(10, 1e7))),
        "current": current,
        "previous": draw(st.integers(0, top)),
        "year_ago": draw(st.integers(0, top)),
        "older": draw(st.integers(0, top)),
        "issue": draw(st.sampled_from(list(ISSUE_STATUTES))),
    }


@st.composite
def markets(
    draw: st.DrawFn, min_firms: int = 1, max_firms: int = 12
) -> tuple[list[dict], list[dict]]:
    """A list of firms and some enforcement actions against them in the last five years."""
    size = draw(st.integers(min_firms, max_firms))
    firms = [draw(firm(i)) for i in range(size)]
    actions = []
    for k in range(draw(st.integers(0, 4))):
        target = draw(st.sampled_from(firms))["id"]
        actions.append(
            {
                "action_id": f"E{k}",
                "company_id": target,
                "action_date": AS_OF - timedelta(days=draw(st.integers(1, 1800))),
                "statute": draw(st.sampled_from(sorted(set(ISSUE_STATUTES.values())))),
                "action": draw(st.sampled_from(["warning", "corrective order", "fine"])),
                "fine_amount": None,
            }
        )
    return firms, actions


def rank(firms: list[dict], actions: list[dict], weights: dict | None = None) -> pl.DataFrame:
    """The ranked frame for a market."""
    config = ScoringConfig()
    return combine(compute_factors(make_inputs(firms, actions), config), weights, config)


def score_of(ranked: pl.DataFrame, company_id: str) -> float:
    return ranked.filter(pl.col("company_id") == company_id)["score"].item()


weights_strategy = st.fixed_dictionaries({f: st.floats(0.0, 10.0) for f in FACTORS}).filter(
    lambda w: sum(w.values()) > 0.01
)


@PROPERTY_SETTINGS
@given(market=markets(), weights=weights_strategy)
def test_scores_are_finite_and_contributions_add_up(market: tuple, weights: dict) -> None:
    firms, actions = market
    ranked = rank(firms, actions, weights)
    assert ranked.height == len(firms)
    assert ranked["rank"].to_list() == list(range(1, len(firms) + 1))
    numeric = ["score", *[f"{f}_factor" for f in FACTORS], *[f"{f}_contribution" for f in FACTORS]]
    values = ranked.select(numeric).to_numpy()
    assert np.isfinite(values).all()
    assert (values >= 0).all()
    parts = ranked.select([f"{f}_contribution" for f in FACTORS]).to_numpy().sum(axis=1)
    np.testing.assert_allclose(parts, ranked["score"].to_numpy(), rtol=1e-12, atol=1e-12)
    assert set(ranked["tier"]) <= set(TIERS)
    assert ranked["explanation"].null_count() == 0


@PROPERTY_SETTINGS
@given(market=markets(min_firms=2), seed=st.integers(0, 2**32 - 1))
def test_row_order_does_not_change_the_ranking(market: tuple, seed: int) -> None:
    firms, actions = market
    inputs = make_inputs(firms, actions)
    rng = np.random.default_rng(seed)

    def shuffled(frame: pl.DataFrame) -> pl.DataFrame:
        return frame[rng.permutation(frame.height).tolist()] if frame.height else frame

    shuffled_inputs = replace(
        inputs,
        monthly=shuffled(inputs.monthly),
        companies=shuffled(inputs.companies),
        enforcement=shuffled(inputs.enforcement),
        issues=shuffled(inputs.issues),
        issue_statutes=shuffled(inputs.issue_statutes),
    )
    config = ScoringConfig()
    expected = combine(compute_factors(inputs, config), config=config)
    actual = combine(compute_factors(shuffled_inputs, config), config=config)
    assert_frame_equal(actual, expected)


@PROPERTY_SETTINGS
@given(market=markets(), data=st.data())
def test_one_more_unresolved_complaint_never_lowers_the_score(
    market: tuple, data: st.DataObject
) -> None:
    # One of the firm's resolved complaints ends unresolved instead; nothing else changes.
    firms, actions = market
    candidates = [f for f in firms if f["current"]["resolved"] > 0]
    if not candidates:
        return
    target = data.draw(st.sampled_from(candidates))["id"]
    before = score_of(rank(firms, actions), target)
    changed = [
        {
            **f,
            "current": {
                **f["current"],
                "resolved": f["current"]["resolved"] - 1,
                "unresolved": f["current"]["unresolved"] + 1,
            },
        }
        if f["id"] == target
        else f
        for f in firms
    ]
    after = score_of(rank(changed, actions), target)
    assert after >= before - 1e-12, (before, after)


@PROPERTY_SETTINGS
@given(market=markets(), data=st.data())
def test_an_extra_unresolved_late_complaint_never_lowers_the_score(
    market: tuple, data: st.DataObject
) -> None:
    # A new complaint, unresolved and unanswered past the deadline, about the firm's usual issue.
    firms, actions = market
    target = data.draw(st.sampled_from(firms))["id"]
    before = score_of(rank(firms, actions), target)
    changed = []
    for f in firms:
        if f["id"] == target:
            c = f["current"]
            f = {
                **f,
                "current": {
                    **c,
                    "unresolved": c["unresolved"] + 1,
                    "timely_known": c["timely_known"] + 1,
                    "late": c["late"] + 1,
                },
            }
        changed.append(f)
    after = score_of(rank(changed, actions), target)
    assert after >= before - 1e-9, (before, after)


@PROPERTY_SETTINGS
@given(market=markets(max_firms=8), data=st.data())
def test_identical_firms_tie_and_are_ordered_by_company_id(
    market: tuple, data: st.DataObject
) -> None:
    firms, actions = market
    original = data.draw(st.sampled_from(firms))
    # A third firm identical to the original would tie too and sort between the two.
    assume(not any(f != original and {**f, "id": None} == {**original, "id": None} for f in firms))
    twin = {**original, "id": "A000"}  # sorts before every F-number
    actions = actions + [
        {**a, "action_id": f"T{a['action_id']}", "company_id": "A000"}
        for a in actions
        if a["company_id"] == original["id"]
    ]
    ranked = rank([*firms, twin], actions)
    rows = ranked.filter(pl.col("company_id").is_in([original["id"], "A000"])).sort("rank")
    assert rows["company_id"].to_list() == ["A000", original["id"]]
    assert rows["rank"].diff().drop_nulls().to_list() == [1]
    assert math.isclose(rows["score"][0], rows["score"][1], rel_tol=1e-9, abs_tol=1e-12)
    assert_frame_equal(rank([*firms, twin], actions), ranked)


def _factors_frame(scores: list[float], complaints: list[int], ids: list[str]) -> pl.DataFrame:
    """A minimal factors frame whose score is exactly `scores` (all points on volume)."""
    frame = pl.DataFrame(
        {"company_id": ids, "complaints": complaints, "name": ids, "industry": ["x"] * len(ids)}
    )
    return frame.with_columns(
        *[pl.lit(0.0).alias(f"{f}_factor") for f in FACTORS],
        *[
            pl.lit("phrase").alias(phrase_column(f, language))
            for f in FACTORS
            for language in LANGUAGES
        ],
        pl.lit(None, dtype=pl.Float64).alias("growth"),
        pl.lit(None, dtype=pl.Float64).alias("unresolved_rate"),
    ).with_columns(pl.Series("volume_factor", scores))


def test_ties_break_by_complaints_then_company_id() -> None:
    factors = _factors_frame(
        [1.0, 1.0, 1.0, 2.0, 1.0 + 1e-13], [30, 50, 30, 1, 30], ["C3", "C2", "C1", "C9", "C0"]
    )
    ranked = combine(
        factors,
        {"volume": 1, "growth": 0, "unresolved": 0, "timeliness": 0, "severity": 0, "repeat": 0},
    )
    # C9 has the top score; C2 has the most complaints among the tied; then ids in order. The
    # 1e-13 difference of C0 is float noise (scores are compared to 9 decimals).
    assert ranked["company_id"].to_list() == ["C9", "C2", "C0", "C1", "C3"]
