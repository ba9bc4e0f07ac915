"""Firm x segment totals (scoring/counts.py): a column summed over only the segments some window
reads gives the same window sums as one summed over every segment, and refuses the others."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from scoring.counts import CURRENT_COUNTS, EPOCH, segment_totals

# Four segments: before 2026-01-01, the first quarter, the second, from 2026-07-01 on.
BOUNDS = np.array([(date(2026, m, 1) - EPOCH).days for m in (1, 4, 7)], dtype=np.int64)
FIRMS = 5


def random_months(seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    """Firm x month rows from 2025-07 to 2026-09, several per firm and segment, and their firms."""
    rng = np.random.default_rng(seed)
    starts = [date(2025 + (m + 6) // 12, (m + 6) % 12 + 1, 1) for m in range(15)]
    firm = rng.integers(0, FIRMS, size=120)
    counts = {name: rng.integers(0, 9, size=firm.size) for name in CURRENT_COUNTS}
    months = pl.DataFrame(
        {
            "period_start": [starts[i] for i in rng.integers(0, len(starts), size=firm.size)],
            **counts,
            "amount_sum": rng.random(firm.size) * 1e6,
        }
    )
    return months, firm


def status_segments_only() -> dict[str, np.ndarray]:
    """Complaints over every segment, every other column over the two quarters only."""
    quarters = np.array([False, True, True, False])
    return {
        "complaints": np.ones(4, dtype=bool),
        **{name: quarters for name in CURRENT_COUNTS if name != "complaints"},
        "amount_sum": quarters,
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summing_only_the_segments_read_gives_the_same_window_sums(seed: int) -> None:
    months, firm = random_months(seed)
    every = segment_totals(months, firm, FIRMS, BOUNDS)
    kept = segment_totals(months, firm, FIRMS, BOUNDS, status_segments_only())
    for column, wanted in status_segments_only().items():
        spans = [(a, b) for a in range(4) for b in range(a + 1, 5) if wanted[a:b].all()]
        assert spans
        for first, after in spans:
            np.testing.assert_array_equal(
                kept[column].over(first, after), every[column].over(first, after)
            )
        assert kept[column].kept.shape == (int(wanted.sum()), FIRMS)
    # The quarters' sums are the rows' own sums (not just equal to the other layout's).
    in_quarters = months.with_columns(firm=firm).filter(
        pl.col("period_start").is_between(date(2026, 1, 1), date(2026, 6, 30))
    )
    resolved = in_quarters.group_by("firm").agg(pl.col("resolved").sum())
    expected = np.zeros(FIRMS)
    expected[resolved["firm"].to_numpy()] = resolved["resolved"].to_numpy()
    np.testing.assert_array_equal(kept["resolved"].over(1, 3), expected)


def test_a_window_over_segments_not_summed_is_refused() -> None:
    months, firm = random_months(4)
    kept = segment_totals(months, firm, FIRMS, BOUNDS, status_segments_only())
    with pytest.raises(ValueError, match="not summed"):
        kept["resolved"].over(0, 2)
    assert kept["resolved"].over(2, 2).tolist() == [0.0] * FIRMS  # an empty range sums to 0
