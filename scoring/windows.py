"""The calendar windows a score compares: the current quarter, its two baselines, the history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW_MONTHS = 3
TRAILING_MONTHS = 12
CALIBRATION_HISTORY_YEARS = 2  # a baseline quarter needs its own trailing year and baselines
PARTS = ("all", "own", "calibration")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clipped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _days_in_month(year, month + 1)))


def _days_in_month(year: int, month: int) -> int:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return (first_next - timedelta(days=1)).day


def month_end_on_or_before(day: date) -> date:
    """The last day of a month that is on or before `day` (the day itself if it is a month end)."""
    if (day + timedelta(days=1)).day == 1:
        return day
    return day.replace(day=1) - timedelta(days=1)


def default_as_of(today: date) -> date:
    """The last day of the last calendar quarter that ended before `today`."""
    quarter_first_month = 3 * ((today.month - 1) // 3) + 1
    return date(today.year, quarter_first_month, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Windows:
    """Inclusive date ranges of the current window, its baselines and the history fetched."""

    as_of: date
    current_start: date
    current_end: date
    previous_start: date
    previous_end: date
    year_ago_start: date
    year_ago_end: date
    trailing_start: date  # the 12 months before the current window start here
    history_start: date

    def days(self, which: str) -> int:
        """Length in days of 'current', 'previous' or 'year_ago'."""
        start, end = getattr(self, f"{which}_start"), getattr(self, f"{which}_end")
        return (end - start).days + 1

    def summed_ranges(self) -> dict[str, tuple[date | None, date]]:
        """The inclusive date ranges a score sums counts over (no start: from the first month)."""
        return {
            "current": (self.current_start, self.current_end),
            "previous": (self.previous_start, self.previous_end),
            "year_ago": (self.year_ago_start, self.year_ago_end),
            "trailing": (self.trailing_start, self.previous_end),
            "before": (None, self.current_start - timedelta(days=1)),
            "seen": (None, self.current_end),
        }

    def scored(self, part: str = "all") -> tuple[Windows, ...]:
        """These windows and their calibration windows ("all"), these alone ("own"), or the
        calibration windows alone ("calibration")."""
        if part not in PARTS:
            raise ValueError(f"part must be one of {PARTS}; got {part!r}.")
        own = (self,) if part in ("all", "own") else ()
        return own + (calibration_windows(self) if part in ("all", "calibration") else ())

    def segment_starts(self, part: str = "all") -> tuple[date, ...]:
        """The days on which a range that a score of these windows, or of their calibration
        windows (see `scored`), sums over starts, or which follow its last day; sorted.

        The months between two of these days are only ever added up together.
        """
        return range_edges(
            date_range
            for windows in self.scored(part)
            for date_range in windows.summed_ranges().values()
        )

    def status_ranges(self, part: str = "all") -> tuple[tuple[date, date], ...]:
        """The date ranges whose status counts a score reads; elsewhere it counts complaints only.

        They are the current window of these windows and of their calibration windows (the
        previous quarter and the one a year ago, which the priors are fitted on; see `scored`).
        """
        return tuple((w.current_start, w.current_end) for w in self.scored(part))


def range_edges(ranges: Iterable[tuple[date | None, date]]) -> tuple[date, ...]:
    """The days on which some inclusive range starts, or which follow its last day; sorted."""
    days = {day for start, end in ranges for day in (start, end + timedelta(days=1))}
    return tuple(sorted(day for day in days if day is not None))


def scoring_windows(as_of: date, history_years: int = 5) -> Windows:
    """The 3 calendar months ending at the last month end on or before `as_of`, and baselines."""
    current_end = month_end_on_or_before(as_of)
    current_start = add_months(current_end.replace(day=1), -(WINDOW_MONTHS - 1))
    previous_start = add_months(current_start, -WINDOW_MONTHS)
    year_ago_start = add_months(current_start, -12)
    return Windows(
        as_of=as_of,
        current_start=current_start,
        current_end=current_end,
        previous_start=previous_start,
        previous_end=current_start - timedelta(days=1),
        year_ago_start=year_ago_start,
        year_ago_end=add_months(current_start, -12 + WINDOW_MONTHS) - timedelta(days=1),
        trailing_start=add_months(current_start, -TRAILING_MONTHS),
        history_start=add_months(current_start, -12 * history_years),
    )


def calibration_windows(windows: Windows) -> tuple[Windows, Windows]:
    """The windows of the two baseline quarters the priors are fitted on (previous, year ago)."""
    return (
        scoring_windows(windows.previous_end, CALIBRATION_HISTORY_YEARS),
        scoring_windows(windows.year_ago_end, CALIBRATION_HISTORY_YEARS),
    )
