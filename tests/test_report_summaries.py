"""The pure pieces behind the reports: tier departures, a quarter's surges, peer counts."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from reports.content import sundays
from scoring.config import FACTORS
from scoring.exports import neutral_text
from scoring.profile import peer_counts
from scoring.summaries import surges_in_period, tier_departures


def ranking(rows: list[tuple[str, str, float, int, str, dict[str, float]]]) -> pl.DataFrame:
    """A combine-shaped frame: company_id, tier, score, complaints, tier_rule, contributions."""
    return pl.DataFrame(
        [
            {
                "rank": rank,
                "company_id": company,
                "name": f"Firm {company}",
                "industry": "travel",
                "tier": tier,
                "score": score,
                "complaints": complaints,
                "tier_rule": rule,
                **{f"{f}_contribution": contributions.get(f, 0.0) for f in FACTORS},
            }
            for rank, (company, tier, score, complaints, rule, contributions) in enumerate(rows, 1)
        ]
    )


def test_tier_departures_name_the_factor_that_fell_most_and_the_complaint_floor() -> None:
    previous = ranking(
        [
            ("A", "investigate", 0.9, 50, "x", {"growth": 0.5, "unresolved": 0.4}),
            ("B", "monitor", 0.6, 40, "x", {"volume": 0.6}),
            ("C", "monitor", 0.5, 40, "x", {"volume": 0.5}),
            ("D", "watch", 0.3, 40, "x", {"volume": 0.3}),
        ]
    )
    current = ranking(
        [
            ("C", "investigate", 0.8, 60, "x", {"volume": 0.8}),  # rose: not a departure
            ("A", "monitor", 0.5, 50, "x", {"growth": 0.1, "unresolved": 0.4}),
            ("B", "watch", 0.6, 12, "fewer than 30 complaints: at most watch", {"volume": 0.6}),
            ("D", "none", 0.1, 40, "x", {"volume": 0.1}),  # was not a target
        ]
    )
    left = tier_departures(current, previous, min_complaints=30)
    assert left["company_id"].to_list() == ["A", "B"]
    a, b = left.rows(named=True)
    assert (a["previous_tier"], a["tier"], a["factor"]) == ("investigate", "monitor", "growth")
    assert (a["contribution_before"], a["contribution_after"]) == pytest.approx((0.5, 0.1))
    assert not a["below_minimum"]
    assert b["below_minimum"] and b["factor"] is None and b["complaints"] == 12


def test_surges_in_period_keep_each_alert_once_and_tell_new_from_continuing() -> None:
    start = date(2025, 4, 1)

    def alert(as_of: date, level: str, key: str, first: date, q: float) -> dict[str, object]:
        return {"as_of": as_of, "level": level, "key": key, "first_flagged": first, "q_value": q}

    backfilled = pl.DataFrame(
        [
            alert(date(2025, 4, 6), "product", "Tours", date(2025, 3, 10), 0.001),
            alert(date(2025, 4, 13), "product", "Tours", date(2025, 3, 10), 0.0001),
            alert(date(2025, 5, 4), "company", "C1", date(2025, 4, 28), 0.01),
            alert(date(2025, 5, 4), "data", "all", date(2025, 4, 28), None),
            alert(date(2025, 6, 1), "company", "C1", date(2025, 5, 26), 0.02),  # a second surge
        ]
    )
    surges = surges_in_period(backfilled, start)
    assert surges.select("status", "key", "first_flagged").rows() == [
        ("new", "C1", date(2025, 4, 28)),
        ("new", "C1", date(2025, 5, 26)),
        ("continuing", "Tours", date(2025, 3, 10)),
    ]
    assert surges.filter(pl.col("key") == "Tours")["q_value"][0] == 0.0001  # the latest listing


def test_peer_counts_subtract_the_firm_from_its_industry() -> None:
    industry = pl.DataFrame(
        {"bucket": ["0-1", "2-3", "4-7"], "complaints": [10, 20, 5], "resolved": [4, 5, 1]}
    )
    firm = pl.DataFrame({"bucket": ["0-1", "4-7"], "complaints": [3, 5], "resolved": [1, 1]})
    peers = peer_counts(industry, firm, key="bucket")
    assert peers.rows() == [("0-1", 7, 3), ("2-3", 20, 5), ("4-7", 0, 0)]


def test_sundays_of_a_quarter_end_on_its_last_day() -> None:
    days = sundays(date(2025, 4, 1), date(2025, 6, 30))
    assert days[0] == date(2025, 4, 6) and days[-2] == date(2025, 6, 29)
    assert days[-1] == date(2025, 6, 30) and len(days) == 14
    assert all(d.weekday() == 6 for d in days[:-1])


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+82 10", "'+82 10"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("Kim", "Kim"),
    ],
)
def test_neutral_text_marks_formula_starts(value: str, stored: str) -> None:
    assert neutral_text(value) == stored
