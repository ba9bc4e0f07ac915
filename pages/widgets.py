"""Small display helpers shared by the pages: formats, profile links and table columns."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import polars as pl
import streamlit as st

from pages.common import t
from scoring.quarters import Quarter

COMPANY_PAGE = "company"
# How long a page's first chart is held back after its header: the browser's change of page
# takes ~0.15-0.25 s of its main thread here (see hold_for_paint).
HEADER_PAINT_SECONDS = 0.2


def percent_change(value: float | None) -> str:
    """+12.3% / -4.0%, or a dash when there is nothing to compare with."""
    return "–" if value is None else f"{value:+.1%}"


def profile_url(company_id: str, quarter: Quarter) -> str:
    """The deep link to a company's profile for a quarter."""
    return f"/{COMPANY_PAGE}?id={company_id}&quarter={quarter.label}"


def profile_links(frame: pl.DataFrame, quarter: Quarter) -> pl.DataFrame:
    """Add a `profile` column holding each firm's profile link."""
    return frame.with_columns(
        pl.format(
            "/" + COMPANY_PAGE + "?id={}&quarter=" + quarter.label, pl.col("company_id")
        ).alias("profile")
    )


def pressed_company(click: Mapping[str, object] | None, shown_ids: list[str]) -> str | None:
    """The company id of the grid row whose button was pressed (`click`, a button column's
    session state), given the ids in the order the grid was sent; None when no button, or one
    on a row the grid no longer has, was."""
    row = click.get("row") if click is not None else None
    return shown_ids[row] if isinstance(row, int) and 0 <= row < len(shown_ids) else None


def profile_link_column() -> st.column_config.LinkColumn:
    """A column of profile links that shows the company id as the link text."""
    return st.column_config.LinkColumn(
        t("col.company_id"), display_text=r"id=([^&]+)", help=t("nav.company")
    )


def hold_for_paint(
    shown_at: float,
    hold: float = HEADER_PAINT_SECONDS,
    clock: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Wait until `hold` seconds after `shown_at` (a `clock` time); the seconds waited.

    A tab's first chart loads Streamlit's Plotly code, ~0.9 s of the browser's main thread on
    the 2-core machine, and a chart that arrives before the header above it is painted holds
    the header back that long: 1.4-2.4 s for a profile whose data were cached. Data that took
    `hold` to fetch wait for nothing.
    """
    remaining = shown_at + hold - clock()
    if remaining <= 0:
        return 0.0
    sleep(remaining)
    return remaining
