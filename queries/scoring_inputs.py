"""Everything the scoring layer reads from the warehouse, fetched once per as-of date.

The frames are small (firm x month counts, the company and enforcement tables, firm x issue
counts for one quarter), so a dashboard can cache them and re-rank after a weight change
without touching the warehouse again.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Protocol

import numpy as np
import polars as pl
from sqlalchemy import Engine

from queries.aggregates import (
    SCORING_COMPANY_COLUMNS,
    company_table,
    enforcement_table,
    issue_statute_table,
    relations_table,
)
from queries.concurrency import concurrently
from queries.rollups import (
    MONTH_SCHEMA,
    company_issue_month_counts,
    company_month_counts,
    fingerprints_rollup,
    first_open_month,
    rollup_fingerprint,
    segments_from,
)


class WindowBounds(Protocol):
    """The dates the inputs cover (scoring.windows.Windows satisfies it)."""

    as_of: date
    history_start: date
    previous_end: date
    current_start: date
    current_end: date

    def status_ranges(self, part: str = "all") -> tuple[tuple[date, date], ...]:
        """The date ranges whose status counts a score reads (complaints only elsewhere), for
        the windows and their calibration windows ("all"), the windows ("own") or the
        calibration windows ("calibration")."""
        ...

    def segment_starts(self, part: str = "all") -> tuple[date, ...]:
        """The days between which a score only ever adds up whole runs of months (`part` as
        in `status_ranges`)."""
        ...


class InputSettings(Protocol):
    """What fetching needs from a scoring configuration (scoring.config.ScoringConfig has it)."""

    deadline_days: int

    def windows(self, as_of: date) -> WindowBounds:
        """The windows scored for an as-of date."""
        ...


@dataclass(frozen=True, eq=False)
class ScoringInputs:
    """The cached inputs of one scoring run; identity-hashed (frames are not comparable)."""

    as_of: date
    deadline_days: int
    # company_id, period_start, COUNT_SCHEMA; history_start..current_end. Outside the windows'
    # status_ranges() only `complaints` is sure to be there: other counts may be null, and the
    # months may come added up between the windows' segment_starts(), dated by the segment.
    monthly: pl.DataFrame
    companies: pl.DataFrame  # company_table's SCORING_COMPANY_COLUMNS, in no particular order
    enforcement: pl.DataFrame  # enforcement_table, every date (scoring only looks back)
    relations: pl.DataFrame  # relations_table
    # company_id, issue, complaints in the current window; a firm and issue may have several
    # rows (one per month), to be added up
    issues: pl.DataFrame
    issue_statutes: pl.DataFrame  # issue, statute
    # None: `monthly` covers the calibration windows too (the two baseline quarters the priors
    # are fitted on). Otherwise `monthly` covers the windows' own ranges only (segments cut at
    # their own window bounds), and this reads the months of the calibration windows
    # (history_start..previous_end) when called.
    calibration_monthly: Callable[[], pl.DataFrame] | None = None
    # Identifies everything the calibration windows' counts are summed from (their rollup
    # months and the company table) for this as-of date and deadline: equal keys, equal counts,
    # so priors fitted under a key can be reused without reading those months. None: unknown.
    calibration_key: bytes | None = None


def fetch_scoring_inputs(engine: Engine, as_of: date, config: InputSettings) -> ScoringInputs:
    """Run the few aggregate queries a score needs, for the windows of `as_of`, side by side.

    Where the warehouse can fingerprint its rollup (DuckDB), the settled months before the
    current window are fingerprinted rather than read each time. The first ranking of a
    warehouse's dates in this process reads every month, and keeps the history's sums; a later
    one reads the current quarter's months, takes the history from memory while its
    fingerprint is unchanged (`_settled_history`), and reads the calibration windows' months
    only if the caller has no priors fitted under `calibration_key` (scoring.factors keeps
    them). At 10M complaints that is ~0.15 s of CPU less per re-rank.
    """
    windows = config.windows(as_of)
    deadline = config.deadline_days
    months = partial(company_month_counts, engine, as_of=as_of, deadline_days=deadline)
    shared = (
        partial(company_table, engine, columns=SCORING_COMPANY_COLUMNS, ordered=False),
        partial(enforcement_table, engine),
        partial(relations_table, engine),
        partial(
            company_issue_month_counts,
            engine,
            start=windows.current_start,
            end=windows.current_end,
        ),
        partial(issue_statute_table, engine),
    )
    whole = partial(
        months,
        start=windows.history_start,
        end=windows.current_end,
        status_ranges=windows.status_ranges(),
        segment_starts=windows.segment_starts(),
    )
    if not _calibration_settled(windows, as_of, deadline) or not fingerprints_rollup(engine):
        monthly, *tables = concurrently(engine, whole, *shared)
        return ScoringInputs(as_of, deadline, monthly, *tables)
    return _fetch_fingerprinted(engine, windows, deadline, months, whole, shared)


def _fetch_fingerprinted(
    engine: Engine,
    windows: WindowBounds,
    deadline: int,
    months: Callable[..., pl.DataFrame],
    whole: Callable[[], pl.DataFrame],
    shared: tuple[Callable[[], pl.DataFrame], ...],
) -> ScoringInputs:
    """`fetch_scoring_inputs` where the settled months can be fingerprinted: the whole read
    the first time for this warehouse and these dates, the current quarter's months later
    (`months`: company_month_counts for this as-of date and deadline, given the dates)."""
    settled = {"start": windows.history_start, "end": windows.previous_end}
    calibration = {**settled, "status_ranges": windows.status_ranges("calibration")}
    fingerprint_read = partial(rollup_fingerprint, engine, deadline_days=deadline, **calibration)
    # The current windows read no statuses before their own quarter: complaints alone, per
    # segment, as the full read has them.
    history_starts = windows.segment_starts("own")
    dates = (settled, history_starts, deadline)
    seen = _digest(b"settled dates", (str(engine.url), *dates))
    calibration_monthly = None
    if seen not in _SETTLED_DATES:
        # The first ranking of these dates in this process reads every month at once, the
        # fingerprint beside them (it could not spare a read yet), and keeps their sums.
        fingerprint, monthly, *tables = concurrently(engine, fingerprint_read, whole, *shared)
        if fingerprint is not None:
            history = _history_of(monthly, history_starts, **settled)
            _settled_history(_digest(b"settled months", (fingerprint, *dates)), lambda: history)
            _SETTLED_DATES.add(seen)
    else:
        current = partial(
            months,
            start=windows.current_start,
            end=windows.current_end,
            status_ranges=windows.status_ranges("own"),
        )
        fingerprint, current_months, *tables = concurrently(
            engine, fingerprint_read, current, *shared
        )
        history_key = None
        if fingerprint is not None:
            history_key = _digest(b"settled months", (fingerprint, *dates))
        history_read = partial(months, **settled, status_ranges=(), segment_starts=history_starts)
        monthly = pl.concat([_settled_history(history_key, history_read), current_months])
        calibration_monthly = partial(
            months, **calibration, segment_starts=windows.segment_starts("calibration")
        )
    return ScoringInputs(
        windows.as_of,
        deadline,
        monthly,
        *tables,
        calibration_monthly=calibration_monthly,
        calibration_key=None
        if fingerprint is None
        else _calibration_key(fingerprint, tables[0], windows, deadline),
    )


def _history_of(
    monthly: pl.DataFrame, segment_starts: tuple[date, ...], start: date, end: date
) -> pl.DataFrame:
    """The complaints of `monthly`'s rows in [start, end] summed per firm and segment, each
    dated by the segment's start (`start`, then each of `segment_starts` after it up to `end`):
    what company_month_counts reads for those months with no statuses and these segments.

    The rows may be finer (months, or segments cut at more days), but none may straddle a
    segment start.
    """
    starts = segments_from(start, end, segment_starts) or (start,)
    inside = monthly.filter(pl.col("period_start").is_between(start, end))
    bounds = np.array(starts, dtype="datetime64[D]")
    segment = bounds[np.searchsorted(bounds, inside["period_start"].to_numpy(), side="right") - 1]
    summed = (
        inside.select("company_id", pl.Series("period_start", segment), "complaints")
        .group_by("company_id", "period_start")
        .agg(pl.col("complaints").sum())
    )
    return summed.select(
        pl.col(name) if name in summed.columns else pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in MONTH_SCHEMA.items()
    )


# The warehouses and settled dates (digests of the URL, dates, segments and deadline) whose
# months this process has read and kept once; a few bytes each.
_SETTLED_DATES: set[bytes] = set()


# Settled months summed per segment, keyed by their fingerprint, the dates and the deadline:
# ~2.8 MB each at 10M complaints; a profile scores nine quarters.
SETTLED_HISTORY_SIZE = 12
_SETTLED_HISTORY: dict[bytes, pl.DataFrame] = {}


_SETTLED_LOCK = threading.Lock()  # sessions and background refreshes fetch side by side


def _settled_history(key: bytes | None, read: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """`read()`, kept under `key` (None: not kept), which must identify everything it reads."""
    if key is None:
        return read()
    kept = _SETTLED_HISTORY.get(key)
    if kept is None:
        kept = read()
        with _SETTLED_LOCK:
            while len(_SETTLED_HISTORY) >= SETTLED_HISTORY_SIZE:
                _SETTLED_HISTORY.pop(next(iter(_SETTLED_HISTORY)))
            _SETTLED_HISTORY[key] = kept
    return kept


def forget_settled_history() -> None:
    """Drop every kept history, as if none was ever read (the bench times a re-rank that reads
    everything)."""
    with _SETTLED_LOCK:
        _SETTLED_HISTORY.clear()
        _SETTLED_DATES.clear()


def _calibration_settled(windows: WindowBounds, as_of: date, deadline_days: int) -> bool:
    """Whether no complaint received in the calibration windows can still be within the
    deadline at `as_of`: their counts are then settled rollup months alone."""
    return windows.previous_end < first_open_month(as_of, deadline_days)


def _calibration_key(
    fingerprint: tuple[int, int], companies: pl.DataFrame, windows: WindowBounds, deadline: int
) -> bytes:
    """A digest of the calibration months' fingerprint, the company table's firms, industries
    and exposures (row order aside) and the dates and deadline they are counted for."""
    firms = companies.select("company_id", "industry", "exposure").hash_rows().to_numpy()
    return _digest(
        b"calibration months",
        (fingerprint, windows.as_of, windows.history_start, deadline),
        np.sort(firms),
    )


def _digest(label: bytes, facts: tuple[object, ...], *arrays: np.ndarray) -> bytes:
    """A digest of a label, the repr of some plain values and the bytes of some arrays."""
    digest = hashlib.blake2b(label, digest_size=20)
    digest.update(repr(facts).encode())
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.digest()
