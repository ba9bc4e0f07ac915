"""One company's profile: tier and why, timeline against its industry, breakdowns, history."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from plotly.subplots import make_subplots

from access.roles import check_reason, may
from pages.auth import audit_event, audited_download, log_action, reason_input, require_role
from pages.common import (
    DashboardSource,
    alert_report,
    available_quarters,
    breakdown,
    company_graph,
    company_record,
    enforcement_for,
    firm_months,
    group_ranking_for,
    industry_months,
    language,
    page_entered,
    plain,
    quarter_picker,
    quarter_standings,
    ranking_for,
    recent_complaints,
    response_histogram,
    reveal_narrative,
    t,
    tier_label,
    warehouse_url,
    weight_values,
)
from pages.widgets import hold_for_paint, profile_link_column, profile_links, profile_url
from queries.audit import AuditError
from queries.filters import ComplaintFilter
from reports.content import ReportError, firm_report
from reports.pdf import build_firm_pdf
from scoring.groups import listed_groups
from scoring.network import related_companies
from scoring.profile import company_timeline, firm_history, with_shares
from scoring.windows import scoring_windows

user = require_role("analyst")

FIRM_REPORT_KEY = "radar.company.firm_report"
FIRM_REQUEST_KEY = "radar.company.firm_report_requested"
SHOWN_KEY = "radar.company.shown"  # the firm and quarter whose header the last run drew
HISTORY_QUARTERS = 8
RELATION_NAMES = (
    "parent",
    "same_entity",
    "successor",
    "platform_seller",
    "shared_representative",
    "shared_contact",
    "same group",
    "successor chain",
)
TIMELINE_MONTHS = 36

url = warehouse_url()
quarter = quarter_picker(url)
if quarter is None:
    st.stop()

company_id = st.query_params.get("id")
if not company_id:
    st.header(t("nav.company"))
    st.info(t("company.pick"))
    st.stop()
record = company_record(url, company_id)
if record is None:
    st.header(t("nav.company"))
    st.error(t("company.unknown", company_id=company_id))
    st.stop()
as_of = quarter.end
windows = scoring_windows(as_of)
ranked = ranking_for(url, as_of, weight_values())
row = ranked.filter(pl.col("company_id") == company_id)
firm = row.row(0, named=True) if row.height else None

st.header(plain(record["name"]))
st.caption(f"{plain(record['company_id'])} · {plain(record['industry'] or '')} · {quarter.label}")

columns = st.columns(4)
columns[0].metric(t("company.tier"), tier_label(firm["tier"]) if firm else "–")
columns[1].metric(t("company.score"), f"{firm['score']:.2f}" if firm else "–")
columns[2].metric(
    t("company.rank"),
    t("company.rank_value", rank=f"{firm['rank']:,}", total=f"{ranked.height:,}") if firm else "–",
)
columns[3].metric(t("company.complaints"), f"{firm['complaints']:,}" if firm else "0")
if firm:
    st.markdown(f"**{t('company.why')}:** {plain(firm['explanation'])}")
st.caption(f"{t('company.link')}: `{profile_url(company_id, quarter)}`")
header_out = time.perf_counter()
# A rerun on the page (a button, a download) finds its header drawn and its charts loaded.
fresh_header = page_entered() or st.session_state.get(SHOWN_KEY) != (company_id, quarter.label)
st.session_state[SHOWN_KEY] = (company_id, quarter.label)
# Logged once the header is out, before anything the target list does not show this role:
# its tier, score, rank and explanation are on the list already, and writing the row took
# 7-50 ms of the header's time. A row that cannot be written stops the page here.
audit_event("view_profile", company_id, once_key=f"view_profile:{company_id}")

# --- firm-facing report ------------------------------------------------------------------
report_params = (url, company_id, quarter.label, language())
report_name = f"consumer_voice_{re.sub(r'[^A-Za-z0-9_-]', '_', company_id)}_{quarter.label}.pdf"


def request_firm_report(params: tuple[str, str, str, str]) -> None:
    """Remember the request in the session: a button's True lasts one run, a rerun loses it."""
    st.session_state[FIRM_REQUEST_KEY] = params


st.button(
    t("company.firm_report"),
    key="company.firm_report",
    help=t("company.firm_report_help"),
    icon=":material/picture_as_pdf:",
    on_click=request_firm_report,
    args=(report_params,),
)
if st.session_state.get(FIRM_REQUEST_KEY) == report_params:
    del st.session_state[FIRM_REQUEST_KEY]
    with st.spinner(t("report.building")):
        try:
            firm_pdf = build_firm_pdf(
                firm_report(DashboardSource(url), company_id, quarter, language())
            )
        except ReportError as exc:
            st.error(t("error.failed", detail=str(exc)))
        else:
            st.session_state[FIRM_REPORT_KEY] = (report_params, firm_pdf)
prepared_report = st.session_state.get(FIRM_REPORT_KEY)
if prepared_report and prepared_report[0] == report_params:
    firm_pdf_bytes = prepared_report[1]
    audited_download(
        t("report.download", name=report_name),
        lambda: firm_pdf_bytes,
        file_name=report_name,
        mime="application/pdf",
        key="company.firm_report_download",
        reason=reason_input("company.report_reason"),
        action="report",
        detail=f"consumer-voice report, {company_id}, {quarter.label}",
    )

# --- timeline ---------------------------------------------------------------------------
# The page is drawn cheapest first: the slow parts (surge alerts for the timeline's markers, the
# earlier quarters' standings, the group ranking) fill their places at the end of the run, so
# the header, tier and explanation, the timeline and the breakdowns show at once.


def timeline_figure(timeline: pl.DataFrame, firm_alerts: pl.DataFrame | None) -> go.Figure:
    """The firm's months against its industry's pace, surge alerts shaded (None: not yet)."""
    months = timeline["period_start"].to_list()
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(
        go.Bar(
            x=months,
            y=timeline["complaints"].to_list(),
            name=t("company.firm"),
            marker_color="#3182bd",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=months,
            y=timeline["expected"].to_list(),
            name=t("company.industry_pace"),
            mode="lines",
            line={"dash": "dash", "color": "#636363"},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=months,
            y=timeline["unresolved_share"].to_list(),
            name=f"{t('company.unresolved_axis')} ({t('company.firm')})",
            mode="lines+markers",
            line={"color": "#e6550d"},
        ),
        secondary_y=True,
    )
    figure.add_trace(
        go.Scatter(
            x=months,
            y=timeline["industry_unresolved_share"].to_list(),
            name=f"{t('company.unresolved_axis')} ({t('company.industry_unresolved')})",
            mode="lines",
            line={"color": "#fdae6b", "dash": "dot"},
        ),
        secondary_y=True,
    )
    figure.add_vrect(
        x0=windows.current_start,
        x1=windows.current_end,
        fillcolor="#9ecae1",
        opacity=0.2,
        line_width=0,
    )
    for alert in [] if firm_alerts is None else firm_alerts.iter_rows(named=True):
        figure.add_vrect(
            x0=alert["start"],
            x1=alert["last_week"] + timedelta(days=6),
            fillcolor="#e6550d",
            opacity=0.15,
            line_width=0,
            annotation_text=t("company.alert_marker"),
            annotation_position="top left",
        )
    figure.update_yaxes(title_text=t("col.complaints"), secondary_y=False)
    figure.update_yaxes(
        title_text=t("company.unresolved_axis"), tickformat=".0%", range=[0, 1], secondary_y=True
    )
    figure.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.15},
    )
    return figure


st.subheader(t("company.timeline"))
industry = record["industry"] or ""
timeline = company_timeline(
    firm_months(url, company_id, as_of), industry_months(url, industry, as_of)
).tail(TIMELINE_MONTHS)
timeline_box = st.empty()
timeline_draft = timeline_box.container()
if fresh_header:
    hold_for_paint(header_out)  # the page's first chart: the header is painted before it
timeline_draft.plotly_chart(timeline_figure(timeline, None), key="company.timeline_draft")

# --- breakdowns -------------------------------------------------------------------------
st.subheader(t("company.breakdown"))
in_window = ComplaintFilter(
    company_ids=(company_id,), start=windows.current_start, end=windows.current_end
)
left, right = st.columns(2)
for column, dimension in ((left, "product"), (right, "issue")):
    counts = (
        breakdown(url, dimension, in_window, as_of).sort("complaints", descending=True).head(12)
    )
    bars = go.Figure(
        go.Bar(
            x=counts["complaints"].to_list(),
            y=counts[dimension].to_list(),
            orientation="h",
            marker_color="#6baed6",
        )
    )
    bars.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title=t(f"col.{dimension}"),
        yaxis={"autorange": "reversed"},
    )
    column.plotly_chart(bars, key=f"company.{dimension}_chart")

st.subheader(t("company.response"))
firm_hist = with_shares(response_histogram(url, in_window))
industry_hist = with_shares(
    response_histogram(
        url,
        ComplaintFilter(industry=industry, start=windows.current_start, end=windows.current_end),
    )
)
response = go.Figure()
response.add_trace(
    go.Bar(
        x=firm_hist["bucket"].to_list(),
        y=firm_hist["share"].to_list(),
        name=t("company.firm"),
        marker_color="#3182bd",
    )
)
response.add_trace(
    go.Bar(
        x=industry_hist["bucket"].to_list(),
        y=industry_hist["share"].to_list(),
        name=t("company.industry_unresolved"),
        marker_color="#bdbdbd",
    )
)
response.update_layout(
    barmode="group",
    height=300,
    margin={"l": 10, "r": 10, "t": 10, "b": 10},
    xaxis_title=t("col.bucket"),
    yaxis={"tickformat": ".0%", "title": t("company.response_share")},
)
st.plotly_chart(response, key="company.response_chart")

# --- score history (filled at the end) ----------------------------------------------------
history_box = st.container()

# --- enforcement and relations ------------------------------------------------------------
left, right = st.columns(2)
left.subheader(t("company.enforcement"))
actions = enforcement_for(url, company_id)
if actions.height:
    left.dataframe(
        actions.drop("action_id"),
        hide_index=True,
        key="company.enforcement_table",
        column_config={
            "action_date": t("col.action_date"),
            "action": t("col.action"),
            "statute": t("col.statute"),
            "fine_amount": st.column_config.NumberColumn(t("col.fine_amount"), format="localized"),
        },
    )
else:
    left.info(t("company.no_enforcement"))
right.subheader(t("company.related"))
# The same graph the network page draws: recorded relations, group members, successor chains.
related = related_companies(company_graph(url), company_id)
weights = weight_values()
group_box = right.container()
if related.height:
    right.page_link(
        "pages/network.py",
        label=t("company.network_link"),
        query_params={"id": company_id, "quarter": quarter.label},
    )
    right.dataframe(
        profile_links(related, quarter)
        .with_columns(
            pl.col("relation").replace_strict(
                {r: t(f"relation.{r}") for r in RELATION_NAMES}, default=pl.col("relation")
            )
        )
        .select("profile", "name", "relation", "direction"),
        hide_index=True,
        key="company.related_table",
        column_config={
            "profile": profile_link_column(),
            "name": t("col.name"),
            "relation": t("col.relation"),
            "direction": t("col.direction"),
        },
    )
else:
    right.info(t("company.no_related"))

# --- recent complaints ------------------------------------------------------------------------
st.subheader(t("company.recent"))
st.caption(t("company.masked_note"))
recent = recent_complaints(url, company_id)
st.dataframe(
    recent,
    hide_index=True,
    key="company.recent_table",
    column_config={name: t(f"col.{name}") for name in recent.columns},
)

# --- reveal one narrative (investigators) ---------------------------------------------------
REVEALED_KEY = "company.revealed"


def reveal(company: str) -> None:
    """Callback of the reveal form: check the reason, write the audit row, keep the text once."""
    chosen = st.session_state.get("company.reveal_id")
    try:
        reason = check_reason(st.session_state.get("company.reveal_reason"))
    except ValueError as exc:
        st.session_state[REVEALED_KEY] = ("error", str(exc))
        return
    narrative = reveal_narrative(url, company, chosen)
    try:
        log_action(
            "reveal_narrative",
            chosen,
            reason=reason,
            outcome="ok" if narrative else "failed",
            detail=f"company {company}",
        )
    except AuditError as exc:
        st.session_state[REVEALED_KEY] = ("error", t("audit.write_failed", detail=str(exc)))
        return
    st.session_state["company.reveal_reason"] = ""
    if narrative:
        st.session_state[REVEALED_KEY] = ("text", chosen, narrative)
    else:
        st.session_state[REVEALED_KEY] = ("missing", chosen)


with_text = recent.filter(pl.col("narrative").is_not_null() & (pl.col("narrative") != ""))
if may(user.role, "reveal_narrative") and with_text.height:
    with st.expander(t("company.reveal")), st.form("company.reveal_form"):
        st.selectbox(
            t("company.reveal_pick"), with_text["complaint_id"].to_list(), key="company.reveal_id"
        )
        st.text_input(t("company.reveal_reason"), key="company.reveal_reason", max_chars=500)
        st.form_submit_button(
            t("company.reveal_button"),
            key="company.reveal_submit",
            on_click=reveal,
            args=(company_id,),
        )
    # Shown once: the next rerun forgets it, and each reveal is a new audit row.
    revealed = st.session_state.pop(REVEALED_KEY, None)
    if revealed is not None and revealed[0] == "error":
        st.error(revealed[1])
    elif revealed is not None and revealed[0] == "missing":
        st.warning(t("company.reveal_missing", complaint_id=revealed[1]))
    elif revealed is not None:
        st.caption(t("company.revealed", complaint_id=revealed[1]))
        st.text(revealed[2])  # plain text: a narrative is never rendered as markup

# --- the slow parts, in the places kept for them ---------------------------------------------
# The alerts first: their numpy working set (~0.4 GB at 50K firms) is handed back to the system
# when they are done, before the group ranking's and the history's polars work grows the heap.
# Surge alerts concerning this firm, as the early-warning page saw them at the quarter's end.
with timeline_draft, st.spinner(t("company.alerts_loading")):
    firm_alerts = alert_report(url, as_of).alerts.filter(
        (pl.col("level") == "company") & (pl.col("key") == company_id)
    )
timeline_box.plotly_chart(timeline_figure(timeline, firm_alerts), key="company.timeline_chart")

with group_box, st.spinner(t("company.group_loading")):
    groups = listed_groups(group_ranking_for(url, as_of, weights))
group = groups.filter(pl.col("members").str.split(";").list.contains(company_id))
if group.height:
    g = group.row(0, named=True)
    group_box.markdown(
        t(
            "company.group",
            name=plain(g["name"]),
            members=g["member_count"],
            rank=f"{g['rank']:,}",
            groups=f"{groups.height:,}",
            tier=tier_label(g["tier"]),
            score=f"{g['score']:.2f}",
        )
    )

with history_box:
    st.subheader(t("company.history"))
    past = [q for q in available_quarters(url) if q <= quarter][-HISTORY_QUARTERS:]
    # The quarter shown is ranked already; earlier ones need only each firm's standing.
    with st.spinner(t("company.history_loading")):
        standings = {
            q.label: ranked if q.end == as_of else quarter_standings(url, q.end, weights)
            for q in past
        }
    history = firm_history(standings, company_id)
    if history.height:
        trend = go.Figure(
            go.Scatter(
                x=history["quarter"].to_list(),
                y=history["score"].to_list(),
                mode="lines+markers+text",
                text=[tier_label(tier) for tier in history["tier"]],
                textposition="top center",
            )
        )
        trend.update_layout(
            height=280, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title=t("col.score")
        )
        st.plotly_chart(trend, key="company.history_chart")
        st.dataframe(
            history.with_columns(pl.col("tier").map_elements(tier_label, return_dtype=pl.String)),
            hide_index=True,
            key="company.history_table",
            column_config={
                "quarter": t("col.quarter"),
                "rank": t("col.rank"),
                "score": st.column_config.NumberColumn(t("col.score"), format="%.2f"),
                "tier": t("col.tier"),
                "complaints": t("col.complaints"),
                "firms": t("col.firms_ranked"),
            },
        )
