"""Overview of a quarter: headline figures, weekly trend, industries and top movers."""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from pages.auth import require_role
from pages.common import (
    quarter_picker,
    ranking_for,
    t,
    tier_label,
    warehouse_url,
    weekly_totals,
)
from pages.widgets import percent_change, profile_link_column, profile_links
from queries.filters import ComplaintFilter
from scoring.summaries import TIERS, headline, industry_table, top_movers

require_role("viewer")

TREND_WEEKS = 104

url = warehouse_url()
quarter = quarter_picker(url)
if quarter is None:
    st.stop()
st.header(t("overview.heading", quarter=quarter.label))
ranked = ranking_for(url, quarter.end)
figures = headline(ranked)

columns = st.columns(4)
columns[0].metric(t("overview.complaints"), f"{figures['complaints']:,}")
columns[1].metric(t("overview.change_previous"), percent_change(figures["change_previous"]))
columns[2].metric(t("overview.change_year"), percent_change(figures["change_year"]))
share = figures["unresolved_share"]
columns[3].metric(t("overview.unresolved"), "–" if share is None else f"{share:.1%}")

st.subheader(t("overview.tiers"))
tier_columns = st.columns(len(TIERS))
for column, tier in zip(tier_columns, TIERS, strict=True):
    column.metric(tier_label(tier), f"{figures['tiers'][tier]:,}")

st.subheader(t("overview.trend"))
trend_filter = ComplaintFilter(start=quarter.shifted(-7).start, end=quarter.end)
weeks = weekly_totals(url, trend_filter)
# A week cut by the quarter's end would look like a collapse: show whole weeks only.
weeks = weeks.filter(pl.col("period_start") <= quarter.end - timedelta(days=6)).tail(TREND_WEEKS)
figure = go.Figure(
    go.Scatter(
        x=weeks["period_start"].to_list(),
        y=weeks["complaints"].to_list(),
        mode="lines",
        name=t("overview.complaints"),
    )
)
figure.add_vrect(x0=quarter.start, x1=quarter.end, fillcolor="#9ecae1", opacity=0.25, line_width=0)
figure.update_layout(
    height=320,
    margin={"l": 10, "r": 10, "t": 10, "b": 10},
    xaxis_title=t("overview.week"),
    yaxis_title=t("overview.complaints"),
)
st.plotly_chart(figure, key="overview.trend_chart")

st.subheader(t("overview.industries"))
industries = industry_table(ranked)
st.dataframe(
    industries,
    hide_index=True,
    key="overview.industry_table",
    column_config={
        "industry": t("col.industry"),
        "firms": t("col.firms"),
        "complaints": st.column_config.NumberColumn(t("col.complaints"), format="localized"),
        "change_previous": st.column_config.NumberColumn(
            t("col.change_previous"), format="percent"
        ),
        "unresolved_share": st.column_config.NumberColumn(
            t("col.unresolved_share"), format="percent"
        ),
        "investigate": t("col.investigate"),
        "monitor": t("col.monitor"),
    },
)

movers = top_movers(ranked, count=10)
left, right = st.columns(2)
for column, direction, title in (
    (left, "up", "overview.movers_up"),
    (right, "down", "overview.movers_down"),
):
    column.subheader(t(title))
    chosen = movers.filter(pl.col("direction") == direction)
    if chosen.height == 0:
        column.info(t("overview.no_movers"))
        continue
    table = profile_links(chosen, quarter).select(
        "profile", "name", "complaints", "previous", "change", "ratio"
    )
    column.dataframe(
        table,
        hide_index=True,
        key=f"overview.movers_{direction}",
        column_config={
            "profile": profile_link_column(),
            "name": t("col.name"),
            "complaints": t("col.complaints"),
            "previous": t("col.previous"),
            "change": t("col.change"),
            "ratio": st.column_config.NumberColumn(t("col.ratio"), format="%.2fx"),
        },
    )
