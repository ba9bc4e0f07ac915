"""Early-warning alerts: company and product surges, data events, observed against expected."""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from pages.auth import require_role
from pages.common import (
    alert_report,
    alert_series,
    plain,
    t,
    warehouse_summary,
    warehouse_url,
)
from pages.widgets import profile_link_column
from scoring.quarters import last_full_quarter

CHART_WEEKS_BEFORE = 12

require_role("viewer")
url = warehouse_url()
last = warehouse_summary(url)["last_received"]
as_of = st.sidebar.date_input(t("alerts.as_of"), value=last, key="alerts.as_of")
st.header(t("alerts.heading", day=as_of.isoformat()))
report = alert_report(url, as_of)
for note in report.notes:
    st.caption(plain(note))
for event in report.alerts.filter(pl.col("level") == "data").iter_rows(named=True):
    st.warning(t("alerts.data_event", evidence=plain(event["evidence"])))

level = st.radio(
    t("alerts.level"),
    ["company", "product"],
    horizontal=True,
    key="alerts.level",
    format_func=lambda value: t(f"alerts.level.{value}"),
)
alerts = report.alerts.filter(pl.col("level") == level)
any_value = t("targets.any")
if level == "company":
    industries = sorted(alerts["industry"].drop_nulls().unique().to_list())
    industry = st.selectbox(
        t("targets.industry"),
        [None, *industries],
        key="alerts.industry",
        format_func=lambda v: any_value if v is None else v,
    )
    if industry:
        alerts = alerts.filter(pl.col("industry") == industry)
else:
    products = sorted(alerts["key"].unique().to_list())
    product = st.selectbox(
        t("targets.product"),
        [None, *products],
        key="alerts.product",
        format_func=lambda v: any_value if v is None else v,
    )
    if product:
        alerts = alerts.filter(pl.col("key") == product)
    if st.checkbox(t("alerts.advisory_only"), key="alerts.advisory_only"):
        alerts = alerts.filter(pl.col("advisory_candidate"))
if alerts.height == 0:
    st.info(t("alerts.none"))
    st.stop()

columns = ["key", "name", "start", "weeks", "observed", "expected", "q_value", "evidence"]
config = {name: t(f"col.{name}") for name in ("name", "weeks", "evidence")}
config["start"] = st.column_config.DateColumn(t("col.start"), format="YYYY-MM-DD")
config.update(
    key=t("col.key"),
    observed=st.column_config.NumberColumn(t("col.observed"), format="localized"),
    expected=st.column_config.NumberColumn(t("col.expected"), format="%.1f"),
    q_value=st.column_config.NumberColumn(t("col.q_value"), format="%.2g"),
)
table = alerts
if level == "company":
    quarter = last_full_quarter(as_of)
    table = table.with_columns(
        pl.format("/company?id={}&quarter=" + quarter.label, pl.col("key")).alias("key")
    )
    config["key"] = profile_link_column()
else:
    columns = [*columns[:-1], "firms_rising", "top_firms", "advisory_candidate", "evidence"]
    config.update(
        {name: t(f"col.{name}") for name in ("firms_rising", "top_firms", "advisory_candidate")}
    )
st.dataframe(table.select(columns), hide_index=True, key="alerts.table", column_config=config)

st.subheader(t("alerts.chart"))
labels = {
    row["key"]: f"{row['name'] or row['key']} ({row['start']})"
    for row in alerts.iter_rows(named=True)
}
key = st.selectbox(
    t("alerts.pick"), list(labels), format_func=labels.__getitem__, key="alerts.pick"
)
chosen = alerts.filter(pl.col("key") == key).row(0, named=True)
series = alert_series(url, as_of, level, key).filter(
    pl.col("period_start") >= chosen["start"] - timedelta(weeks=CHART_WEEKS_BEFORE)
)
figure = go.Figure()
figure.add_trace(
    go.Bar(
        x=series["period_start"].to_list(),
        y=series["observed"].to_list(),
        name=t("alerts.observed"),
        marker_color="#3182bd",
    )
)
figure.add_trace(
    go.Scatter(
        x=series["period_start"].to_list(),
        y=series["expected"].to_list(),
        name=t("alerts.expected"),
        mode="lines",
        line={"color": "#636363", "dash": "dash"},
    )
)
figure.add_vrect(
    x0=chosen["start"] - timedelta(days=3),
    x1=chosen["last_week"] + timedelta(days=3),
    fillcolor="#fdae6b",
    opacity=0.25,
    line_width=0,
)
figure.update_layout(
    height=340, margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend={"orientation": "h", "y": -0.2}
)
st.plotly_chart(figure, key="alerts.chart")
