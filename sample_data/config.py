"""The generator's settings, validated up front."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MIN_COMPANIES = 150  # the planted stories alone use about 60 firms
MIN_COMPLAINTS = 1_000
MIN_PERIOD_DAYS = 540  # stories compare the last quarter with the same quarter a year earlier


@dataclass(frozen=True, kw_only=True)
class GeneratorConfig:
    """Size, seed and period of a sample world; equal configs give identical data."""

    companies: int = 2000
    complaints: int = 300_000  # approximate total (Poisson noise, within a few %)
    seed: int = 1372
    start: date = date(2023, 11, 1)
    end: date = date(2026, 10, 31)  # fixed so that the default data is reproducible; inclusive
    chunk_rows: int = 1_000_000

    def __post_init__(self) -> None:
        """Reject out-of-range settings at construction."""
        check_config(self)

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1


def check_config(config: GeneratorConfig) -> None:
    """Raise ValueError naming the first setting that is out of range."""
    if config.companies < MIN_COMPANIES:
        raise ValueError(f"companies must be >= {MIN_COMPANIES}; got {config.companies}.")
    if config.complaints < MIN_COMPLAINTS:
        raise ValueError(f"complaints must be >= {MIN_COMPLAINTS}; got {config.complaints}.")
    if config.seed < 0:
        raise ValueError(f"seed must be >= 0; got {config.seed}.")
    if config.chunk_rows < 1:
        raise ValueError(f"chunk_rows must be >= 1; got {config.chunk_rows}.")
    if (config.end - config.start).days + 1 < MIN_PERIOD_DAYS:
        raise ValueError(
            f"end must be at least {MIN_PERIOD_DAYS - 1} days after start; "
            f"got {config.start} to {config.end}."
        )
