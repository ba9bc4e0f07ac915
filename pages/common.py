"""The cached edge between Streamlit and the warehouse: engine once, data with a TTL."""

from __future__ import annotations

import gc
import logging
import os
import re
import threading
from datetime import date

import networkx as nx
import polars as pl
import streamlit as st
from streamlit import runtime

from pages.text import LANGUAGES, default_language, translate
from queries import accounts, aggregates, audit, network, records
from queries.alert_inputs import AlertInputs, fetch_alert_inputs
from queries.audit import AuditFilter
from queries.filters import ComplaintFilter
from queries.schema import create_security_schema
from queries.scoring_inputs import ScoringInputs, fetch_scoring_inputs
from queries.warehouse import Engine, ingest_url, make_engine, resolve_db_url, security_url
from scoring.alerts import AlertReport, detect_alerts, series_weeks
from scoring.combine import combine
from scoring.config import FACTORS, ScoringConfig, load_config
from scoring.factors import compute_factors
from scoring.groups import rank_groups
from scoring.links import propose_links
from scoring.network import build_graph, linked_firms
from scoring.phrases import DEFAULT_LANGUAGE
from scoring.quarters import Quarter, parse_quarter, quarters_between
from serve import release_freed_memory

LOGGER = logging.getLogger(__name__)
DATA_TTL_SECONDS = 600
WARM_UP_VAR = "RADAR_WARM_UP"  # "0" turns the start-up warm-up off
LANGUAGE_KEY = "radar.language"
QUARTER_KEY = "radar.quarter"
SYNCED_KEY = "radar.quarter_in_url"
PAGE_KEY = "radar.page"  # the url_path of the page the last full run drew
ENTERED_KEY = "radar.page_entered"  # whether this run came from another page (or none)
WEIGHT_KEY_PREFIX = "radar.weight."
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


_startup_frozen = False


def freeze_startup_objects() -> None:
    """Exempt the objects the imports created from the garbage collector, once per process.

    Streamlit, pandas, scipy and duckdb-engine leave ~190,000 long-lived objects (protobuf
    descriptors, modules, functions) that every full collection traverses again: 100-200 ms
    each time it runs, which a busy rerun triggers. Freezing them keeps collections to the
    objects reruns create. Garbage is collected first so that nothing collectable is frozen.
    """
    global _startup_frozen
    if not _startup_frozen:
        _startup_frozen = True
        gc.collect()
        gc.freeze()


def use_page_router() -> None:
    """Hand a request that Streamlit routed the legacy way back to dashboard.py's navigation.

    Streamlit treats a folder named pages/ as a legacy multipage app until some session calls
    st.navigation; the first visitor of a fresh server who opens a deep link (/company?id=...)
    would otherwise get a page run without the dashboard's frame. Every page calls this first.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def note_page(url_path: str) -> None:
    """Remember which page this run draws and whether the last full run drew another one."""
    st.session_state[ENTERED_KEY] = st.session_state.get(PAGE_KEY) != url_path
    st.session_state[PAGE_KEY] = url_path


def page_entered() -> bool:
    """Whether this run opened the page (from another page or a new tab), not reran it."""
    return bool(st.session_state.get(ENTERED_KEY, True))


def warehouse_url() -> str:
    """The dashboard's warehouse: RADAR_DB_URL, else secrets.toml, else the embedded sample."""
    return resolve_db_url(None)


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One read-only engine per warehouse URL for the whole server process."""
    return make_engine(url, read_only=True)


def release_engine(url: str) -> None:
    """Close the read-only engine's connections (so a DuckDB file can be opened for writing)."""
    wait_for_warm_up(url)
    engine_for(url).dispose()
    engine_for.clear()
    # Engines dropped from the cache earlier (a Retry, a cleared cache) close their DuckDB
    # connections only when collected; DuckDB refuses a read-write open while any is alive.
    gc.collect()


@st.cache_resource(show_spinner=False)
def security_engine(url: str) -> Engine:
    """The engine of the accounts and audit log that belong to a warehouse (read-write)."""
    engine = make_engine(security_url(url))
    create_security_schema(engine)
    return engine


@st.cache_resource(show_spinner=False)
def scoring_config() -> ScoringConfig:
    """The scoring settings from config/scoring.toml (immutable, shared by every session)."""
    return load_config()


def language() -> str:
    """The language the user chose, starting from RADAR_LANG."""
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = default_language()
    return st.session_state[LANGUAGE_KEY]


def t(key: str, **values: object) -> str:
    """Catalog text in the current language."""
    return translate(key, language(), **values)


def plain(text: object) -> str:
    """Text escaped for Streamlit markdown, so names and narratives never become markup."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", "" if text is None else str(text))


def language_picker() -> None:
    """A sidebar switch between English and Korean that applies at once."""
    language()
    st.sidebar.selectbox(
        t("app.language"), list(LANGUAGES), format_func=LANGUAGES.__getitem__, key=LANGUAGE_KEY
    )


def tier_label(tier: str) -> str:
    """A tier's name in the current language."""
    return t(f"tier.{tier}")


def factor_label(factor: str) -> str:
    """A factor's name in the current language."""
    return t(f"factor.{factor}")


# --- cached data -------------------------------------------------------------------------


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def warehouse_summary(url: str) -> dict[str, object]:
    """Counts and date range of the warehouse."""
    return aggregates.warehouse_summary(engine_for(url))


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def top_companies(url: str, limit: int) -> pl.DataFrame:
    """The companies with the most complaints."""
    return aggregates.top_companies(engine_for(url), limit=limit)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def filter_options(url: str) -> dict[str, list[str]]:
    """Industries, products, regions and statutes a user can filter on."""
    return aggregates.filter_options(engine_for(url))


# The scoring frames are cached as shared resources, not as data: st.cache_data pickles a value
# when it is stored and unpickles a fresh copy on every hit, which for 50,000 firms costs more
# than re-ranking them. Polars frames are immutable, so sharing one object between sessions is
# safe as long as nobody assigns into it (nothing does: every step returns a new frame).


# Few entries: at 10M complaints one date's inputs hold ~120 MB, and once its factors are cached
# only the group ranking reads them again (recomputed in about a second if evicted).
@st.cache_resource(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=2)
def inputs_for(url: str, as_of: date) -> ScoringInputs:
    """The warehouse aggregates a score reads, as of a date (small: firm x month)."""
    return fetch_scoring_inputs(engine_for(url), as_of, scoring_config())


# Background refresh: when the TTL expires, sessions keep the previous factors while new ones
# are computed, so no interaction ever waits for the warehouse because ten minutes went by.
@st.cache_resource(
    ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=24, refresh_mode="background"
)
def factors_for(url: str, as_of: date, language: str) -> pl.DataFrame:
    """Every firm's factors as of a date, their sentences in one language: the expensive step,
    computed once per date and language (a dashboard is read in one language)."""
    return compute_factors(inputs_for(url, as_of), scoring_config(), languages=[language])


def ranking_for(url: str, as_of: date, weights: tuple[tuple[str, float], ...] = ()) -> pl.DataFrame:
    """The ranked list for a date and weights, explained in the user's language."""
    return _ranking(url, as_of, weights, language())


# ~37 MB per entry at 50,000 firms: a profile's eight-quarter history and a dozen slider
# positions fit; more would put the server's memory over its 1.5 GB budget.
@st.cache_resource(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=24)
def _ranking(
    url: str, as_of: date, weights: tuple[tuple[str, float], ...], language: str
) -> pl.DataFrame:
    """Re-ranked from cached factors (no warehouse) for a date, weights and language."""
    factors = factors_for(url, as_of, language)
    return combine(factors, dict(weights) or None, scoring_config(), language)


# Refreshed in the background like the factors: an earlier quarter changes little, and a
# profile's eight quarters took ~6 s to recompute in front of whoever opened one after the TTL.
@st.cache_resource(
    ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=64, refresh_mode="background"
)
def quarter_standings(
    url: str, as_of: date, weights: tuple[tuple[str, float], ...]
) -> pl.DataFrame:
    """Every firm's rank, score, tier and complaints as of a date, for a profile's history.

    Slim on purpose: at 50,000 firms this is ~2 MB where a full ranking with its evidence is
    ~37 MB and its factors ~39 MB; caching those for a history's eight quarters took the server
    past 2 GB. The inputs (~120 MB) and factors are computed here and dropped, not cached.
    """
    config = scoring_config()
    inputs = fetch_scoring_inputs(engine_for(url), as_of, config)  # not cached either
    # Only its explanation reads the sentences, and a standing has none: one language will do.
    factors = compute_factors(inputs, config, languages=[DEFAULT_LANGUAGE])
    ranked = combine(factors, dict(weights) or None, config, DEFAULT_LANGUAGE)
    standings = ranked.select("company_id", "rank", "score", "tier", "complaints")
    del inputs, ranked
    release_freed_memory()
    return standings


def group_ranking_for(
    url: str, as_of: date, weights: tuple[tuple[str, float], ...] = ()
) -> pl.DataFrame:
    """Every corporate group scored on its members' pooled aggregates (groups of one too),
    explained in the user's language."""
    return _group_ranking(url, as_of, weights, language())


@st.cache_resource(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=24)
def _group_ranking(
    url: str, as_of: date, weights: tuple[tuple[str, float], ...], language: str
) -> pl.DataFrame:
    """The group ranking for a date, weights and language."""
    config = scoring_config()
    return rank_groups(inputs_for(url, as_of), config, dict(weights) or None, language=language)


@st.cache_resource(ttl=DATA_TTL_SECONDS, show_spinner=False)
def company_graph(url: str) -> nx.MultiDiGraph:
    """The corporate network of the warehouse, shared by every session and never modified."""
    engine = engine_for(url)
    companies = aggregates.company_table(engine).select(
        "company_id", "name", "industry", "parent_id"
    )
    return build_graph(companies, aggregates.relations_table(engine))


def firm_label(graph: nx.MultiDiGraph, node: str) -> str:
    """A firm as the network page's picker shows it: "name (id)", or its id twice."""
    return f"{graph.nodes[node].get('name') or node} ({node})"


@st.cache_resource(ttl=DATA_TTL_SECONDS, show_spinner=False)
def related_firms(url: str) -> dict[str, str]:
    """Each firm with a relation, by name, and its `firm_label`: the network page's picker,
    which took ~25 ms to list from the graph on every run."""
    graph = company_graph(url)
    return {node: firm_label(graph, node) for node in linked_firms(graph)}


# Shared, not copied (see the scoring frames above): at 50,000 firms unpickling a fresh copy
# cost ~13 ms of every run of the network page. Another analyst's decision shows within a
# minute or two; the page's own decisions clear it at once. After a minute the old list is
# shown while the new one (~0.4 s) is computed in the background.
@st.cache_resource(ttl=60, show_spinner=False, refresh_mode="background")
def link_suggestions(url: str) -> pl.DataFrame:
    """Suggested links not yet decided (no personal data: evidence is named, not shown)."""
    engine = engine_for(url)
    return propose_links(
        aggregates.company_table(engine, contacts=True),
        aggregates.relations_table(engine),
        network.alias_table(engine),
        network.link_decision_table(engine),
    )


def record_link_decision(url: str, **decision: str) -> None:
    """Record an analyst's decision and drop every cached view the relations feed.

    The dashboard's own connection is read-only: the decision is written through the ingest
    connection (queries.warehouse.ingest_url), as a load is.
    """
    target = ingest_url(url)
    if target is None:
        raise network.LinkDecisionError(t("network.not_configured"))
    if target == url:
        release_engine(url)  # a DuckDB file cannot be open read-only and read-write at once
    writer = make_engine(target)
    try:
        network.record_link_decision(writer, **decision)
    finally:
        writer.dispose()
    forget_scores()


_warm_ups: dict[str, threading.Thread] = {}
_warm_ups_lock = threading.Lock()


def warm_up(url: str) -> bool:
    """Start computing the default target list in the background, once per warehouse.

    serve.py (the README's start command) calls this as the server starts, before any browser
    connects; under a plain `streamlit run dashboard.py` the sign-in gate calls it once the form
    is drawn. The factors of the latest quarter are the slow part of the first page. Nothing is
    shown; the caches fill as a page would fill them, and a page that asks meanwhile waits for
    the same computation, not for a second one. RADAR_WARM_UP=0 turns it off (returns False).
    """
    if os.environ.get(WARM_UP_VAR, "1") == "0":
        return False
    with _warm_ups_lock:
        if url not in _warm_ups:
            thread = threading.Thread(target=_warm, args=(url,), name="radar-warm-up", daemon=True)
            _warm_ups[url] = thread
            thread.start()
    return True


def _warm(url: str) -> None:
    """The latest quarter's ranking with the configured weights, computed into the caches,
    then (once Streamlit runs) the summary and filter choices the target list shows with it."""
    try:
        # Uncached: serve.py starts this before Streamlit's runtime (and its data caches) exist.
        quarters = quarters_in(aggregates.warehouse_summary(engine_for(url)))
        if quarters:
            defaults = scoring_config().weights.as_dict()
            weights = tuple((factor, float(defaults[factor])) for factor in FACTORS)
            # The same key as the target list's first run (its sliders at their defaults).
            _ranking(url, quarters[-1].end, weights, default_language())
        if runtime.exists():  # serve.py fills these itself once the runtime is up
            warehouse_summary(url)
            filter_options(url)
    except Exception:  # the page computes it again and shows the error in its own words
        LOGGER.warning("warming the target list failed", exc_info=True)


def wait_for_warm_up(url: str | None = None) -> None:
    """Block until a running warm-up of this warehouse (of every one: None) is done: it holds
    a connection, and DuckDB opens a file for writing only once every reader is closed."""
    with _warm_ups_lock:
        threads = [thread for key, thread in _warm_ups.items() if url in (None, key)]
    for thread in threads:
        if thread is not threading.current_thread():
            thread.join()


def forget_scores() -> None:
    """Drop every cached score and network view (after the warehouse changed)."""
    for cached in (
        inputs_for,
        factors_for,
        _ranking,
        quarter_standings,
        _group_ranking,
        company_graph,
        related_firms,
        link_suggestions,
    ):
        cached.clear()


def forget_warehouse_data() -> None:
    """Drop everything cached from the warehouse: after a load, nothing may show old data."""
    st.cache_data.clear()
    forget_scores()


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=64)
def slice_counts(url: str, complaint_filter: ComplaintFilter) -> pl.DataFrame:
    """Complaints per firm within a product/region/statute slice of a window."""
    return aggregates.company_counts(engine_for(url), complaint_filter=complaint_filter)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def weekly_totals(url: str, complaint_filter: ComplaintFilter) -> pl.DataFrame:
    """All complaints per week."""
    return aggregates.weekly_totals(engine_for(url), complaint_filter)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=256)
def firm_months(url: str, company_id: str, as_of: date) -> pl.DataFrame:
    """One firm's monthly counts up to a date."""
    return aggregates.company_period_counts(
        engine_for(url),
        period="month",
        complaint_filter=ComplaintFilter(company_ids=(company_id,), end=as_of),
        as_of=as_of,
        deadline_days=scoring_config().deadline_days,
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=64)
def industry_months(url: str, industry: str, as_of: date) -> pl.DataFrame:
    """One industry's monthly counts up to a date."""
    counts = aggregates.industry_period_counts(
        engine_for(url),
        period="month",
        complaint_filter=ComplaintFilter(industry=industry, end=as_of),
        as_of=as_of,
        deadline_days=scoring_config().deadline_days,
    )
    return counts.drop("industry")


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=256)
def breakdown(
    url: str, dimension: str, complaint_filter: ComplaintFilter, as_of: date
) -> pl.DataFrame:
    """Counts by product, issue, channel or region within a filter."""
    return aggregates.breakdown(
        engine_for(url), dimension, complaint_filter=complaint_filter, as_of=as_of, by_company=False
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=256)
def response_histogram(url: str, complaint_filter: ComplaintFilter) -> pl.DataFrame:
    """Answered complaints by days to answer."""
    return aggregates.response_time_histogram(engine_for(url), complaint_filter=complaint_filter)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=256)
def company_record(url: str, company_id: str) -> dict[str, object] | None:
    """One company's row, or None."""
    return records.company_record(engine_for(url), company_id)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=256)
def enforcement_for(url: str, company_id: str) -> pl.DataFrame:
    """One company's enforcement actions."""
    return records.enforcement_for(engine_for(url), company_id)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=256)
def recent_complaints(url: str, company_id: str, limit: int = 50) -> pl.DataFrame:
    """One company's latest complaints, personal data masked."""
    return records.recent_complaints(engine_for(url), company_id, limit=limit)


def reveal_narrative(url: str, company_id: str, complaint_id: str) -> str | None:
    """One narrative unmasked, never cached: call it only after the reveal is audited."""
    return records.unmasked_narrative(engine_for(url), company_id, complaint_id)


def audit_rows(url: str, audit_filter: AuditFilter) -> pl.DataFrame:
    """Audit rows matching a search (never cached: the log is the one thing that must be live)."""
    return audit.search(security_engine(url), audit_filter)


def user_list(url: str) -> pl.DataFrame:
    """Every account, without password hashes."""
    return accounts.list_users(security_engine(url))


@st.cache_data(ttl=60, show_spinner=False)
def recent_ingests(url: str) -> pl.DataFrame:
    """The latest ingest runs."""
    return aggregates.recent_ingests(engine_for(url))


@st.cache_data(ttl=60, show_spinner=False, max_entries=32)
def rejected_for_run(url: str, run_id: str) -> pl.DataFrame:
    """Rejected rows of one ingest run."""
    return aggregates.rejected_for_run(engine_for(url), run_id)


# Not cached: ~70 MB of weekly counts per date at 10M complaints, read again in ~1.5 s. Pages
# read the cached alerts run (its report keeps every alerted series); holding the counts of
# the profile's date while the alerts page scanned another took the server past 1.5 GB.
def alert_inputs(url: str, as_of: date) -> AlertInputs:
    """The weekly counts an alerts run reads, as of a date."""
    return fetch_alert_inputs(engine_for(url), as_of)


def alert_report(url: str, as_of: date) -> AlertReport:
    """Surge alerts and data events as of a date, in the user's language."""
    return _alert_report(url, as_of, language())


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=16)
def _alert_report(url: str, as_of: date, language: str) -> AlertReport:
    """Surge alerts and data events as of a date, with evidence written in `language`."""
    return _detected_alerts(url, as_of).in_language(language)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=16)
def _detected_alerts(url: str, as_of: date) -> AlertReport:
    """The alerts run itself, shared by every language."""
    report = detect_alerts(alert_inputs(url, as_of))  # the weekly counts are dropped here
    release_freed_memory()
    return report


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=64)
def alert_series(url: str, as_of: date, level: str, key: str) -> pl.DataFrame:
    """Weekly observed and expected counts of one alerted series."""
    # The alerts run kept every alerted series; only another key needs a pass of its own.
    kept = _detected_alerts(url, as_of).series_for(level, key)
    return kept if kept is not None else series_weeks(alert_inputs(url, as_of), level, key)


class DashboardSource:
    """The report source of the dashboard: its cached wrappers, so a report downloaded here
    reuses (and shows) exactly the frames the pages show. Rankings use the configured
    weights, as on the overview page and in `cli.py report`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.config = scoring_config()

    def ranking(self, as_of: date, language: str) -> pl.DataFrame:
        """The cached ranking with the configured weights, explained in `language`."""
        return _ranking(self.url, as_of, (), language)

    def weekly_totals(self, complaint_filter: ComplaintFilter) -> pl.DataFrame:
        """weekly_totals."""
        return weekly_totals(self.url, complaint_filter)

    def alert_inputs(self, as_of: date) -> AlertInputs:
        """alert_inputs."""
        return alert_inputs(self.url, as_of)

    def warehouse_summary(self) -> dict[str, object]:
        """warehouse_summary."""
        return warehouse_summary(self.url)

    def company_record(self, company_id: str) -> dict[str, object] | None:
        """company_record."""
        return company_record(self.url, company_id)

    def firm_months(self, company_id: str, as_of: date) -> pl.DataFrame:
        """firm_months."""
        return firm_months(self.url, company_id, as_of)

    def industry_months(self, industry: str, as_of: date) -> pl.DataFrame:
        """industry_months."""
        return industry_months(self.url, industry, as_of)

    def breakdown(
        self, dimension: str, complaint_filter: ComplaintFilter, as_of: date
    ) -> pl.DataFrame:
        """breakdown."""
        return breakdown(self.url, dimension, complaint_filter, as_of)

    def response_histogram(self, complaint_filter: ComplaintFilter) -> pl.DataFrame:
        """response_histogram."""
        return response_histogram(self.url, complaint_filter)


# --- shared widgets ------------------------------------------------------------------------


def available_quarters(url: str) -> list[Quarter]:
    """Complete quarters the warehouse holds, oldest first."""
    return quarters_in(warehouse_summary(url))


def quarters_in(summary: dict[str, object]) -> list[Quarter]:
    """Complete quarters between a warehouse summary's first and last complaint, oldest first."""
    first, last = summary["first_received"], summary["last_received"]
    if first is None or last is None:
        return []
    return quarters_between(first, last)  # type: ignore[arg-type]


def quarter_picker(url: str) -> Quarter | None:
    """The quarter in the sidebar, kept in the URL (?quarter=2025Q2) so links reopen it."""
    quarters = available_quarters(url)
    if not quarters:
        st.warning(t("error.no_quarter"))
        return None
    labels = [q.label for q in reversed(quarters)]
    wanted = st.query_params.get("quarter")
    # Adopt the URL's quarter only when it changed since we last wrote it (a pasted link or a
    # page switch); otherwise the widget's own value wins.
    if QUARTER_KEY not in st.session_state or (
        wanted and wanted != st.session_state.get(SYNCED_KEY)
    ):
        chosen = labels[0]
        if wanted:
            try:
                parsed = parse_quarter(wanted).label
            except ValueError:
                parsed = None
            if parsed in labels:
                chosen = parsed
            else:
                st.warning(t("error.bad_quarter", value=wanted, shown=chosen))
        st.session_state[QUARTER_KEY] = chosen
    label = st.sidebar.selectbox(t("app.quarter"), labels, key=QUARTER_KEY)
    st.query_params["quarter"] = label
    st.session_state[SYNCED_KEY] = label
    return parse_quarter(label)


def weight_values() -> tuple[tuple[str, float], ...]:
    """The weights the sliders hold (the config's until a user moves one)."""
    defaults = scoring_config().weights.as_dict()
    return tuple(
        (factor, float(st.session_state.get(WEIGHT_KEY_PREFIX + factor, defaults[factor])))
        for factor in FACTORS
    )
