"""Who has an account and with which role; accounts are changed with `cli.py user` (admins)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from access.roles import ROLES
from pages.auth import require_role, role_label
from pages.common import t, user_list, warehouse_url

require_role("admin")

url = warehouse_url()
st.header(t("users.heading"))
st.markdown(t("users.intro"))
listing = user_list(url)
st.dataframe(
    listing.with_columns(pl.col("role").replace_strict({role: role_label(role) for role in ROLES})),
    hide_index=True,
    key="users.table",
    column_config={name: t(f"col.{name}") for name in listing.columns},
)
st.subheader(t("users.roles"))
st.dataframe(
    pl.DataFrame(
        {
            t("col.role"): [role_label(role) for role in ROLES],
            t("users.may"): [t(f"role.{role}.may") for role in ROLES],
        }
    ),
    hide_index=True,
    key="users.roles_table",
)
