"""The cached edge between Streamlit and the warehouse: engine once, data with a TTL."""

from __future__ import annotations

import polars as pl
import streamlit as st

from pages.text import LANGUAGES, default_language, translate
from queries import aggregates
from queries.warehouse import Engine, make_engine, resolve_db_url

DATA_TTL_SECONDS = 600
LANGUAGE_KEY = "radar.language"


def warehouse_url() -> str:
    """The dashboard's warehouse: RADAR_DB_URL, else secrets.toml, else the embedded sample."""
    return resolve_db_url(None)


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One engine per warehouse URL for the whole server process."""
    return make_engine(url)


def language() -> str:
    """The language the user chose, starting from RADAR_LANG."""
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = default_language()
    return st.session_state[LANGUAGE_KEY]


def t(key: str, **values: object) -> str:
    """Catalog text in the current language."""
    return translate(key, language(), **values)


def language_picker() -> None:
    """A sidebar switch between English and Korean that applies at once."""
    codes = list(LANGUAGES)
    st.sidebar.selectbox(
        t("app.language"),
        codes,
        format_func=LANGUAGES.__getitem__,
        key=LANGUAGE_KEY,
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def warehouse_summary(url: str) -> dict[str, object]:
    """Counts and date range of the warehouse."""
    return aggregates.warehouse_summary(engine_for(url))


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def top_companies(url: str, limit: int) -> pl.DataFrame:
    """The companies with the most complaints."""
    return aggregates.top_companies(engine_for(url), limit=limit)
