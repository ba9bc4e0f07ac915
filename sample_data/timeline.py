"""Daily curves: seasonality, weekday and holiday intake, trend, and planted story shapes."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from sample_data import vocab


def day_range(start: date, days: int) -> np.ndarray:
    """The calendar days start, start+1, ... as datetime64[D]."""
    return np.datetime64(start, "D") + np.arange(days)


def weekdays(days: np.ndarray) -> np.ndarray:
    """Weekday of each day, Monday = 0."""
    # 1970-01-01 was a Thursday.
    return (days.astype(np.int64) + 3) % 7


def monday_on_or_before(day: date) -> date:
    """The Monday of the week that holds `day`."""
    return day - timedelta(days=day.weekday())


def _month_position(days: np.ndarray) -> np.ndarray:
    """Fractional month of the year in [0, 12): 0.5 is mid-January."""
    months = days.astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    into = (days - first).astype(np.int64) + 0.5
    return months.astype(np.int64) % 12 + into / length


def _holiday_distance(days: np.ndarray, holidays: tuple[date, ...]) -> np.ndarray:
    """Signed days from each day to the nearest listed holiday (positive: after it)."""
    marks = np.array(holidays, dtype="datetime64[D]").astype(np.int64)
    d = days.astype(np.int64)
    gaps = d[:, None] - marks[None, :]
    return gaps[np.arange(d.size), np.abs(gaps).argmin(axis=1)]


def seasonality(days: np.ndarray) -> np.ndarray:
    """Relative complaint level per day and industry (days x industries), yearly mean about 1."""
    position = _month_position(days)
    anchors = np.arange(12) + 0.5
    columns = []
    holidays = vocab.SEOLLAL + vocab.CHUSEOK
    after_holiday = _holiday_distance(days, holidays)
    for industry in vocab.INDUSTRIES:
        months = np.asarray(industry.months) / np.mean(industry.months)
        level = np.interp(position, anchors, months, period=12)
        if industry.name == "e-commerce":
            # Gift sets and late parcels: complaints peak about a week after each holiday.
            level = level + 0.35 * np.exp(-0.5 * ((after_holiday - 7) / 7.0) ** 2)
        columns.append(level)
    return np.column_stack(columns)


def intake(days: np.ndarray, start: date) -> np.ndarray:
    """Agency-wide daily factor: weekday pattern, holiday closures and a mild upward trend."""
    week = np.asarray(vocab.WEEKDAY_LEVELS) / np.mean(vocab.WEEKDAY_LEVELS)
    level = week[weekdays(days)]
    closed = np.abs(_holiday_distance(days, vocab.SEOLLAL + vocab.CHUSEOK)) <= 1
    level = np.where(closed, 0.5 * level, level)
    years = (days - np.datetime64(start, "D")).astype(np.int64) / 365.25
    return level * (1.0 + vocab.YEARLY_TREND * years)


def ramp(t: np.ndarray, onset: int, length: int) -> np.ndarray:
    """0 before onset, rising smoothly to 1 over `length` days, 1 after."""
    x = np.clip((t - onset) / max(length, 1), 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def pulse(t: np.ndarray, onset: int, days: int, rise: int = 3, decay: int = 7) -> np.ndarray:
    """0 before onset, up to 1 within `rise` days, held for `days`, back to 0 over `decay`."""
    up = np.clip((t - onset + 1) / rise, 0.0, 1.0)
    down = np.clip(1.0 - (t - onset - days) / decay, 0.0, 1.0)
    return np.minimum(up, down)
