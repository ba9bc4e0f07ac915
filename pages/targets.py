"""The ranked target list: filters, weight sliders, factor contributions, downloads.

Everything below the heading is one fragment: moving a weight slider, changing a filter, paging
or pressing a row's Profile button reruns only the list, not the dashboard's frame. The grid
gets one page of rows (the browser redraws a 50,000-row grid slowly); search, filters and
downloads still cover every ranked firm.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from access.roles import allows, may
from pages.auth import audited_download, reason_input, require_role, session_user
from pages.common import (
    WEIGHT_KEY_PREFIX,
    factor_label,
    filter_options,
    language,
    quarter_picker,
    ranking_for,
    scoring_config,
    slice_counts,
    t,
    tier_label,
    warehouse_url,
    weight_values,
)
from pages.widgets import COMPANY_PAGE, pressed_company
from queries.filters import ComplaintFilter
from scoring.combine import LEAD_COLUMNS, tier_rule
from scoring.config import FACTORS
from scoring.exports import csv_bytes, xlsx_bytes
from scoring.quarters import Quarter
from scoring.summaries import TIERS, tier_counts
from scoring.windows import Windows, scoring_windows

TABLE_KEY = "targets.table"
OPEN_KEY = "targets.open"  # the grid's Profile buttons: the row pressed, during its rerun
OPEN_COLUMN = "open"
SHOWN_IDS_KEY = "targets.shown_ids"  # the grid's company ids, in the order it was sent
FILTER_PREFIX = "targets.filter."
PAGE_KEY = "targets.page"
PAGE_ROWS = 250

require_role("viewer")
url = warehouse_url()
quarter = quarter_picker(url)
if quarter is None:
    st.stop()
st.header(t("targets.heading", quarter=quarter.label))

as_of = st.sidebar.date_input(
    t("targets.as_of"), value=quarter.end, key=f"targets.as_of.{quarter.label}"
)
windows = scoring_windows(as_of)
st.caption(t("targets.window", start=windows.current_start, end=windows.current_end))


def weight_sliders() -> None:
    """The factor weights in the sidebar, with a reset button."""
    defaults = scoring_config().weights.as_dict()
    with st.sidebar.expander(t("targets.weights"), expanded=False):
        st.caption(t("targets.weights_help"))
        for factor in FACTORS:
            st.slider(
                factor_label(factor),
                min_value=0.0,
                max_value=5.0,
                step=0.25,
                value=float(defaults[factor]),
                key=WEIGHT_KEY_PREFIX + factor,
            )

        def reset_weights() -> None:
            for factor in FACTORS:
                st.session_state[WEIGHT_KEY_PREFIX + factor] = float(defaults[factor])

        st.button(t("targets.reset"), on_click=reset_weights, key="targets.reset")


def filtered(ranked: pl.DataFrame, windows: Windows) -> pl.DataFrame:
    """The ranked firms that pass the filters the user chose (every firm, not one page)."""
    options = filter_options(url)
    any_value = t("targets.any")
    with st.expander(t("targets.filters"), expanded=True):
        chosen: dict[str, str | None] = {}
        for column, name in zip(
            st.columns(4), ("industry", "statute", "product", "region"), strict=True
        ):
            chosen[name] = column.selectbox(
                t(f"targets.{name}"),
                [None, *options[name]],
                format_func=lambda v: any_value if v is None else v,
                key=FILTER_PREFIX + name,
            )
        industry, statute, product, region = (
            chosen[n] for n in ("industry", "statute", "product", "region")
        )
        fifth, sixth = st.columns([3, 1])
        tiers = fifth.multiselect(
            t("targets.tier"),
            list(TIERS),
            default=list(TIERS[:3]),
            format_func=tier_label,
            key=FILTER_PREFIX + "tiers",
        )
        min_complaints = sixth.number_input(
            t("targets.min_complaints"),
            min_value=0,
            value=0,
            step=5,
            key=FILTER_PREFIX + "min_complaints",
        )
        if statute or product or region:
            st.caption(t("targets.selection_note"))
    needle = st.text_input(
        t("targets.search"), key=FILTER_PREFIX + "search", help=t("targets.search_help")
    )
    shown = ranked
    if industry:
        shown = shown.filter(pl.col("industry") == industry)
    if tiers:
        shown = shown.filter(pl.col("tier").is_in(tiers))
    if min_complaints:
        shown = shown.filter(pl.col("complaints") >= min_complaints)
    if needle.strip():
        wanted = needle.strip().lower()
        shown = shown.filter(
            pl.col("name").str.to_lowercase().str.contains(wanted, literal=True)
            | pl.col("company_id").str.to_lowercase().str.contains(wanted, literal=True)
        )
    if statute or product or region:
        in_slice = slice_counts(
            url,
            ComplaintFilter(
                start=windows.current_start,
                end=windows.current_end,
                statute=statute,
                product=product,
                region=region,
            ),
        ).rename({"complaints": "in_selection"})
        shown = shown.join(in_slice, on="company_id", how="inner")
    return shown


def one_page(shown: pl.DataFrame) -> pl.DataFrame:
    """The rows of the page the user picked (a page picker appears only past one page)."""
    pages = -(-shown.height // PAGE_ROWS)
    if pages <= 1:
        return shown
    page = st.selectbox(
        t("targets.pages"),
        range(pages),
        format_func=lambda i: t(
            "targets.page",
            first=i * PAGE_ROWS + 1,
            last=min((i + 1) * PAGE_ROWS, shown.height),
            total=shown.height,
        ),
        key=PAGE_KEY,
    )
    return shown.slice(page * PAGE_ROWS, PAGE_ROWS)


def column_config(top_score: float) -> dict[str, object]:
    """Headers in the user's language, formats, and contribution bars scaled to the top score."""
    config: dict[str, object] = {
        "rank": st.column_config.NumberColumn(t("col.rank"), width="small"),
        "company_id": t("col.company_id"),
        "name": t("col.name"),
        "industry": t("col.industry"),
        "score": st.column_config.NumberColumn(t("col.score"), format="%.2f"),
        "tier": t("col.tier"),
        "complaints": st.column_config.NumberColumn(t("col.complaints"), format="localized"),
        "growth": st.column_config.NumberColumn(t("col.growth"), format="%.2fx"),
        "unresolved_rate": st.column_config.NumberColumn(
            t("col.unresolved_rate"), format="percent"
        ),
        "in_selection": t("col.in_selection"),
        "explanation": st.column_config.TextColumn(t("col.explanation"), width="large"),
    }
    for factor in FACTORS:
        config[f"{factor}_contribution"] = st.column_config.ProgressColumn(
            factor_label(factor), min_value=0.0, max_value=top_score, format="%.2f"
        )
    return config


def open_pressed_profile(quarter: Quarter) -> None:
    """Go to the profile of the firm whose Profile button was pressed in the grid, if any.

    Checked before the list is drawn: the page is being left, and redrawing its sliders,
    filters and grid first would add their time to opening the profile.
    """
    company_id = pressed_company(
        st.session_state.get(OPEN_KEY), st.session_state.get(SHOWN_IDS_KEY, [])
    )
    if company_id is not None:
        st.switch_page(
            f"pages/{COMPANY_PAGE}.py", query_params={"id": company_id, "quarter": quarter.label}
        )


COUNTED_TIERS: tuple[str, ...] = ("investigate", "monitor", "watch")


def tier_summary(shown: pl.DataFrame, columns: Sequence[DeltaGenerator]) -> None:
    """How many of the listed firms each tier holds, one per column, each with the rule that
    puts a firm there.

    It also loads the browser's code for metrics, which a firm's profile opens with: its header
    is then drawn without waiting for it.
    """
    counts = tier_counts(shown)
    config = scoring_config()
    for column, tier in zip(columns, COUNTED_TIERS, strict=True):
        column.metric(
            tier_label(tier),
            f"{counts[tier]:,}",
            help=tier_rule(tier, config, language()),
        )


@st.fragment
def target_list(quarter: Quarter, windows: Windows) -> None:
    """Weights, filters, one page of the ranked list with its Profile buttons, and downloads."""
    user = session_user(url)
    if user is None or not allows(user.role, "viewer"):
        st.rerun()  # signed out or demoted meanwhile: the full run shows why
    can_open_profiles = allows(user.role, "analyst")
    if can_open_profiles:
        open_pressed_profile(quarter)
    weight_sliders()
    ranked = ranking_for(url, as_of, weight_values())
    shown = filtered(ranked, windows)
    st.caption(t("targets.count", shown=f"{shown.height:,}", total=f"{ranked.height:,}"))
    if shown.height == 0:
        st.info(t("targets.empty"))
        return
    # The page picker beside the tier counts, not on a row of its own above the grid.
    *tier_columns, pager = st.columns(len(COUNTED_TIERS) + 1, vertical_alignment="bottom")
    tier_summary(shown, tier_columns)
    with pager:
        rows = one_page(shown)

    lead = [name for name in LEAD_COLUMNS if name != "explanation"]
    extra = ["in_selection"] if "in_selection" in shown.columns else []
    contributions = [f"{factor}_contribution" for factor in FACTORS]
    display = rows.select(*lead, *extra, *contributions, "explanation").with_columns(
        pl.col("tier").replace_strict(
            {tier: tier_label(tier) for tier in TIERS}, default=pl.col("tier")
        )
    )
    config = column_config(max(float(ranked["score"].max() or 0.0), 1e-9))
    if can_open_profiles:
        # A button, not row selection: the grid holds a selection back 150 ms before sending
        # it, half of the 300 ms a profile has to open in; a button press is sent at once.
        display = display.select(pl.lit(t("targets.open")).alias(OPEN_COLUMN), pl.all())
        config[OPEN_COLUMN] = st.column_config.ButtonColumn("", pinned=True, key=OPEN_KEY)
        st.caption(t("targets.open_hint"))
    st.dataframe(
        # As Arrow, which Streamlit sends as is: a polars frame goes through pandas first,
        # ~10-50 ms of every slider move. The oldest Arrow layout, which every grid can read.
        display.to_arrow(compat_level=pl.CompatLevel.oldest()),
        hide_index=True,
        key=TABLE_KEY,
        column_config=config,
        height=560,
    )
    # What a pressed button refers to: the next run reads it before drawing anything.
    st.session_state[SHOWN_IDS_KEY] = display["company_id"].to_list()

    if not may(user.role, "export"):
        st.caption(t("export.needs_role"))
        return
    export = shown.select(
        *lead,
        *extra,
        *[c for f in FACTORS for c in (f"{f}_factor", f"{f}_contribution")],
        "explanation",
    )
    if export.height > display.height:
        st.caption(t("targets.export_note", count=export.height))
    reason = reason_input("targets.export_reason")
    left, right = st.columns(2)
    file_stem = f"targets_{quarter.label}_{as_of.isoformat()}"
    detail = f"{export.height} firms, as of {as_of.isoformat()}"
    with left:
        audited_download(
            t("targets.download_csv"),
            lambda: csv_bytes(export),
            file_name=f"{file_stem}.csv",
            mime="text/csv",
            key="targets.download_csv",
            reason=reason,
            detail=detail,
        )
    with right:
        audited_download(
            t("targets.download_xlsx"),
            lambda: xlsx_bytes(export, sheet=quarter.label),
            file_name=f"{file_stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="targets.download_xlsx",
            reason=reason,
            detail=detail,
        )


target_list(quarter, windows)
