"""Complaint Radar dashboard: `streamlit run dashboard.py`."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages.auth import pages_for, session_user, sign_in_gate
from pages.common import (
    engine_for,
    freeze_startup_objects,
    language_picker,
    note_page,
    release_engine,
    t,
    warehouse_url,
)
from pages.registry import PAGES
from queries.schema import missing_tables
from queries.warehouse import (
    DEFAULT_WAREHOUSE_PATH,
    WarehouseError,
    check_connection,
    describe_url,
    is_default_warehouse,
)
from sample_data.load import ensure_sample_warehouse

# A file the server sends itself: an icon name or emoji would make every tab fetch the picture
# from Google's or a CDN's servers, which an agency's closed network does not reach.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"

st.set_page_config(page_title="Complaint Radar", page_icon=str(FAVICON), layout="wide")
freeze_startup_objects()


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
            release_engine(url)
            st.rerun()
        st.stop()
    if missing_tables(engine_for(url)):
        st.info(t("error.empty"))
        st.stop()


url = warehouse_url()
# Navigation first: until st.navigation runs, Streamlit would list every module in pages/. It
# lists only the pages the signed-in user's role may open, and none before sign-in. The others
# are still routed, unlisted, so that a link to one (a profile sent to a viewer) opens the page's
# own refusal, which names the role it needs and is logged, instead of "page not found".
user = session_user(url)
listed = {page.url_path for page in pages_for(user)}
navigation = st.navigation(
    [
        st.Page(
            page.path,
            title=t(page.title_key),
            icon=page.icon,
            url_path=page.url_path,
            default=page.default,
            visibility="visible" if page.url_path in listed else "hidden",
        )
        for page in PAGES
    ],
    position="sidebar" if user is not None else "hidden",
)
language_picker()
if is_default_warehouse(url):
    prepare_sample_warehouse()
sign_in_gate(url)
connect_or_stop(url)
st.sidebar.caption(f"{t('app.warehouse')}: {describe_url(url)}")
note_page(navigation.url_path)
navigation.run()
