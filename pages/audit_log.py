"""Search the audit log and download what the search shows (admins)."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from pages.auth import audited_download, reason_input, require_role, role_label
from pages.common import audit_rows, t, warehouse_url
from privacy.masking import mask_frame
from queries.audit import ACTIONS, OUTCOMES, AuditFilter
from scoring.exports import csv_bytes

require_role("admin")

url = warehouse_url()
st.header(t("audit.heading"))
st.caption(t("audit.intro"))

today = date.today()
columns = st.columns(6)
start = columns[0].date_input(t("audit.from"), value=today - timedelta(days=30), key="audit.from")
end = columns[1].date_input(t("audit.to"), value=today, key="audit.to")
username = columns[2].text_input(t("audit.user"), key="audit.user")
any_value = t("audit.any")
action = columns[3].selectbox(
    t("audit.action"),
    [None, *ACTIONS],
    format_func=lambda v: any_value if v is None else v,
    key="audit.action",
)
outcome = columns[4].selectbox(
    t("audit.outcome"),
    [None, *OUTCOMES],
    format_func=lambda v: any_value if v is None else v,
    key="audit.outcome",
)
contains = columns[5].text_input(t("audit.text"), key="audit.text")

search = AuditFilter(
    start=start,
    end=end,
    username=username or None,
    action=action,
    outcome=outcome,
    text=contains or None,
)
# Reasons and details are free text typed by people: mask them like narratives.
rows = mask_frame(audit_rows(url, search), ("reason", "detail"))
st.caption(t("audit.count", count=f"{rows.height:,}"))
st.dataframe(
    rows.with_columns(
        rows["role"].replace_strict(
            {role: role_label(role) for role in rows["role"].drop_nulls().unique()},
            default=rows["role"],
        )
    ),
    hide_index=True,
    key="audit.table",
    column_config={name: t(f"col.{name}") for name in rows.columns},
)

reason = reason_input("audit.export_reason")
audited_download(
    t("audit.download"),
    lambda: csv_bytes(rows),
    file_name=f"audit_log_{start.isoformat()}_{end.isoformat()}.csv",
    mime="text/csv",
    key="audit.download",
    reason=reason,
    detail=f"{rows.height} audit rows",
)
