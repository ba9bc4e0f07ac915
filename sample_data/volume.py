"""How many complaints each firm receives each day: intensities and their Poisson counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_data import timeline
from sample_data.firms import daily_rate
from sample_data.world import WorldPlan, stream

STREAM_COUNTS = 5
BLOCK_DAYS = 64  # days per intensity block: bounds memory at days x firms floats
TINY_QUIET_DAYS = 90  # tiny firms' few complaints are old enough to be closed by the end


@dataclass(frozen=True)
class Cells:
    """Non-empty (day, firm) cells in day-major order and the running total of their counts."""

    flat: np.ndarray  # day * firms + firm
    cumulative: np.ndarray  # complaints in cells 0..i

    @property
    def total(self) -> int:
        """Number of complaints."""
        return int(self.cumulative[-1]) if self.cumulative.size else 0


def _intensity(plan: WorldPlan, base: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Expected complaints per day (rows lo..hi-1) and firm (columns), up to a common scale."""
    firms = plan.firms
    days = plan.days[lo:hi]
    season = timeline.seasonality(days)[:, firms.industry]
    level = base[None, :] * season * timeline.intake(days, plan.config.start)[:, None]
    level *= plan.product_surge[lo:hi] @ firms.products.T
    if plan.curves:
        story_firms = np.fromiter(plan.curves, dtype=np.int64)
        volume = np.stack([plan.curves[int(k)].volume[lo:hi] for k in story_firms], axis=1)
        level[:, story_firms] *= volume
    return level


def _blocks(days: int) -> list[tuple[int, int]]:
    """Consecutive day ranges of at most BLOCK_DAYS."""
    return [(lo, min(lo + BLOCK_DAYS, days)) for lo in range(0, days, BLOCK_DAYS)]


def complaint_cells(plan: WorldPlan) -> Cells:
    """Draw the daily complaint count of every firm, scaled to the configured total."""
    config, n = plan.config, plan.firms.size
    base = daily_rate(plan.firms)
    fixed = np.fromiter(plan.fixed_counts, dtype=np.int64)
    base[fixed] = 0.0
    unscaled = sum(float(_intensity(plan, base, lo, hi).sum()) for lo, hi in _blocks(config.days))
    scale = max(config.complaints - sum(plan.fixed_counts.values()), 0) / unscaled
    rng = stream(config, STREAM_COUNTS)
    flats, counts = [], []
    for lo, hi in _blocks(config.days):
        drawn = rng.poisson(_intensity(plan, base * scale, lo, hi)).ravel()
        nonzero = np.flatnonzero(drawn)
        flats.append(nonzero + lo * n)
        counts.append(drawn[nonzero])
    for firm, count in plan.fixed_counts.items():
        days = rng.integers(0, config.days - TINY_QUIET_DAYS, count)
        flats.append(days * n + firm)
        counts.append(np.ones(count, dtype=np.int64))
    cells, where = np.unique(np.concatenate(flats), return_inverse=True)
    per_cell = np.bincount(where, weights=np.concatenate(counts)).astype(np.int64)
    return Cells(flat=cells, cumulative=np.cumsum(per_cell))
