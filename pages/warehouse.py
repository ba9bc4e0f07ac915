"""What the warehouse holds: counts, date range and the firms with the most complaints."""

from __future__ import annotations

import streamlit as st

from pages.auth import require_role
from pages.common import t, top_companies, warehouse_summary, warehouse_url

require_role("viewer")

url = warehouse_url()
summary = warehouse_summary(url)
st.header(t("warehouse.heading"))
if not summary["complaints"]:
    st.info(t("error.empty"))
    st.stop()

columns = st.columns(5)
columns[0].metric(t("warehouse.complaints"), f"{summary['complaints']:,}")
columns[1].metric(t("warehouse.companies"), f"{summary['companies']:,}")
columns[2].metric(t("warehouse.actions"), f"{summary['enforcement_actions']:,}")
columns[3].metric(t("warehouse.first"), str(summary["first_received"]))
columns[4].metric(t("warehouse.last"), str(summary["last_received"]))

st.subheader(t("warehouse.top"))
top = top_companies(url, 15).rename(
    {name: t(f"col.{name}") for name in ("company_id", "name", "industry", "complaints")}
)
st.dataframe(top, hide_index=True, key="warehouse.top_table")
