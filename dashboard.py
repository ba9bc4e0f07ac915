"""Complaint Radar dashboard: `streamlit run dashboard.py`."""

from __future__ import annotations

import streamlit as st

from pages.common import engine_for, language_picker, t, warehouse_url
from queries.schema import missing_tables
from queries.warehouse import (
    DEFAULT_WAREHOUSE_PATH,
    WarehouseError,
    check_connection,
    describe_url,
    is_default_warehouse,
)
from sample_data.load import ensure_sample_warehouse

st.set_page_config(page_title="Complaint Radar", page_icon=":material/radar:", layout="wide")


def prepare_sample_warehouse() -> None:
    """Create the embedded sample warehouse on first start, with a visible progress bar."""
    if DEFAULT_WAREHOUSE_PATH.exists():
        return
    bar = st.progress(0.0, text=t("setup.creating"))
    ensure_sample_warehouse(
        DEFAULT_WAREHOUSE_PATH,
        progress=lambda fraction, message: bar.progress(
            fraction, text=f"{t('setup.creating')} {message}"
        ),
    )
    bar.empty()
    st.toast(t("setup.done"))


def connect_or_stop(url: str) -> None:
    """Stop the page with a clear message and a retry button if the warehouse is unreachable."""
    try:
        check_connection(engine_for(url))
    except WarehouseError as exc:
        st.error(t("error.unreachable", detail=str(exc)))
        if st.button(t("error.retry"), key="radar.retry"):
            engine_for.clear()
            st.rerun()
        st.stop()
    if missing_tables(engine_for(url)):
        st.info(t("error.empty"))
        st.stop()


# Navigation first: until st.navigation runs, Streamlit would list every module in pages/.
navigation = st.navigation(
    [
        st.Page(
            "pages/overview.py",
            title=t("nav.overview"),
            icon=":material/insights:",
            url_path="overview",
            default=True,  # served at "/": Streamlit ignores a default page's url_path
        ),
        st.Page(
            "pages/targets.py", title=t("nav.targets"), icon=":material/target:", url_path="targets"
        ),
        st.Page(
            "pages/alerts.py", title=t("nav.alerts"), icon=":material/warning:", url_path="alerts"
        ),
        st.Page(
            "pages/network.py",
            title=t("nav.network"),
            icon=":material/hub:",
            url_path="network",
        ),
        st.Page(
            "pages/report.py",
            title=t("nav.report"),
            icon=":material/description:",
            url_path="report",
        ),
        st.Page(
            "pages/company.py",
            title=t("nav.company"),
            icon=":material/apartment:",
            url_path="company",
        ),
        st.Page(
            "pages/methodology.py",
            title=t("nav.methodology"),
            icon=":material/menu_book:",
            url_path="methodology",
        ),
        st.Page(
            "pages/warehouse.py",
            title=t("nav.warehouse"),
            icon=":material/database:",
            url_path="warehouse",
        ),
    ]
)
language_picker()
url = warehouse_url()
if is_default_warehouse(url):
    prepare_sample_warehouse()
connect_or_stop(url)
st.sidebar.caption(f"{t('app.warehouse')}: {describe_url(url)}")
navigation.run()
