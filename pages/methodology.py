"""How the score works, how fresh the data is, and what the last ingests rejected."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

from pages.auth import require_role
from pages.common import (
    recent_ingests,
    rejected_for_run,
    t,
    warehouse_summary,
    warehouse_url,
    weekly_totals,
)
from queries.filters import ComplaintFilter
from queries.warehouse import PROJECT_ROOT

require_role("viewer")

METHODOLOGY_PATH = PROJECT_ROOT / "docs" / "methodology.md"

url = warehouse_url()
summary = warehouse_summary(url)
st.header(t("method.heading"))

st.subheader(t("method.freshness"))
last: date = summary["last_received"]  # type: ignore[assignment]
columns = st.columns(3)
columns[0].metric(t("method.latest"), str(last))
columns[1].metric(t("warehouse.complaints"), f"{summary['complaints']:,}")
columns[2].metric(t("warehouse.companies"), f"{summary['companies']:,}")
if last is not None:
    month_start = last.replace(day=1)
    previous_start = (month_start - timedelta(days=1)).replace(day=1)
    weeks = weekly_totals(url, ComplaintFilter(start=previous_start, end=last))
    this_month = weeks.filter(pl.col("period_start") >= month_start)["complaints"].sum()
    month_before = weeks.filter(pl.col("period_start") < month_start)["complaints"].sum()
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    month_label = month_start.strftime("%Y-%m")
    if last < next_month - timedelta(days=1):
        st.warning(t("method.filling", month=month_label, count=this_month, previous=month_before))
    else:
        st.success(t("method.complete", month=month_label))

st.subheader(t("method.counts"))
st.dataframe(
    pl.DataFrame(
        {
            "table": ["companies", "complaints", "enforcement_actions", "company_relations"],
            "rows": [
                summary[name]
                for name in ("companies", "complaints", "enforcement_actions", "company_relations")
            ],
        }
    ),
    hide_index=True,
    key="method.counts_table",
    column_config={"table": t("col.table")},
)

st.subheader(t("method.ingests"))
runs = recent_ingests(url)
if runs.height == 0:
    st.info(t("method.no_ingests"))
else:
    st.dataframe(
        runs.select(
            "started_at",
            "path",
            "table_name",
            "rows_read",
            "rows_loaded",
            "rows_rejected",
            "rows_skipped",
            "outcome",
            "message",
        ),
        hide_index=True,
        key="method.ingests_table",
        column_config={
            "started_at": t("col.run"),
            "path": t("col.path"),
            "table_name": t("col.table"),
            "rows_read": t("col.read"),
            "rows_loaded": t("col.loaded"),
            "rows_rejected": t("col.rejected"),
            "rows_skipped": t("col.skipped"),
            "outcome": t("col.outcome"),
        },
    )
    with_rejects = runs.filter(pl.col("rows_rejected") > 0)
    if with_rejects.height:
        labels = {
            row["run_id"]: f"{row['started_at']:%Y-%m-%d %H:%M} · {row['path']}"
            for row in with_rejects.iter_rows(named=True)
        }
        run_id = st.selectbox(
            t("method.run"), list(labels), format_func=labels.__getitem__, key="method.run"
        )
        st.caption(t("method.rejected"))
        st.dataframe(
            rejected_for_run(url, run_id),
            hide_index=True,
            key="method.rejected_table",
            column_config={
                name: t(f"col.{name}") for name in ("row_number", "field", "value", "reason")
            },
        )

st.subheader(t("method.document"))
if METHODOLOGY_PATH.is_file():
    st.markdown(METHODOLOGY_PATH.read_text(encoding="utf-8"))
