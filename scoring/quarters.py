"""Calendar quarters as users name them ("2025Q2"), and the as-of date each one scores at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

QUARTER_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter; ordered by time."""

    year: int
    number: int

    @property
    def start(self) -> date:
        """First day of the quarter."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """Last day of the quarter (the as-of date that scores it)."""
        return self.shifted(1).start - timedelta(days=1)

    @property
    def label(self) -> str:
        """The quarter as written in links and on the command line, e.g. 2025Q2."""
        return f"{self.year}Q{self.number}"

    def shifted(self, quarters: int) -> Quarter:
        """The quarter `quarters` later (negative: earlier)."""
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)


def parse_quarter(text: str) -> Quarter:
    """Read "2025Q2" (also "2025-Q2", "2025q2"); raise ValueError with the expected shape."""
    match = QUARTER_PATTERN.match(text or "")
    if not match:
        raise ValueError(f"quarter must look like 2025Q2; got {text!r}.")
    return Quarter(int(match.group(1)), int(match.group(2)))


def quarter_of(day: date) -> Quarter:
    """The quarter a date falls in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def last_full_quarter(latest: date) -> Quarter:
    """The latest quarter that has ended on or before `latest`."""
    current = quarter_of(latest)
    return current if latest == current.end else current.shifted(-1)


def quarters_between(first: date, last: date) -> list[Quarter]:
    """Every complete quarter from the one holding `first` up to the last full one by `last`."""
    newest = last_full_quarter(last)
    quarter = quarter_of(first)
    found = []
    while quarter <= newest:
        found.append(quarter)
        quarter = quarter.shifted(1)
    return found
