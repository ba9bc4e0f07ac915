"""Corporate networks: top groups, the network around a firm, and links to accept or reject."""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from access.roles import may
from pages.auth import log_action, require_role
from pages.common import (
    company_graph,
    firm_label,
    group_ranking_for,
    link_suggestions,
    plain,
    quarter_picker,
    ranking_for,
    record_link_decision,
    related_firms,
    t,
    tier_label,
    warehouse_url,
    weight_values,
)
from pages.widgets import COMPANY_PAGE, profile_link_column, profile_links
from queries.network import LinkDecisionError
from scoring.groups import listed_groups
from scoring.network import drawing, firms_matching, neighbourhood
from scoring.summaries import TIERS

user = require_role("viewer")

FOCUS_KEY = "network.firm"
SYNCED_KEY = "network.firm_in_url"
GROUP_PICK_KEY = "network.group_pick"
PICK_KEY = "network.suggestion"
FIND_KEY = "network.find"
PICKER_LIMIT = 100  # firms offered in the picker at once
NOTICE_KEY = "network.notice"
ERROR_KEY = "network.error"
TIER_COLOURS = {
    "investigate": "#d62728",
    "monitor": "#ff7f0e",
    "watch": "#e6c229",
    "none": "#9e9e9e",
}
UNSCORED_COLOUR = "#d9d9d9"
RELATION_COLOURS = {
    "parent": "#3182bd",
    "same_entity": "#08519c",
    "successor": "#e6550d",
    "platform_seller": "#31a354",
    "shared_representative": "#756bb1",
    "shared_contact": "#969696",
}
RELATION_CHOICES = (
    "same_entity",
    "parent",
    "successor",
    "shared_representative",
    "shared_contact",
    "platform_seller",
)
NODE_LIMIT = 60
STRONG = 2  # suggestions below this strength rest on a name alone


def chart_text(text: object) -> str:
    """Text for a plotly label: plotly reads a few HTML tags, so names are escaped."""
    return html.escape("" if text is None else str(text))


RELATION_KEYS = {f"relation.{r}" for r in (*RELATION_CHOICES, "same group", "successor chain")}


def relation_label(relation: str) -> str:
    """A relation's name in the current language (unknown kinds as recorded)."""
    key = f"relation.{relation}"
    return t(key) if key in RELATION_KEYS else relation


url = warehouse_url()
quarter = quarter_picker(url)
if quarter is None:
    st.stop()
st.header(t("network.heading", quarter=quarter.label))
st.caption(t("network.intro"))
as_of = quarter.end
weights = weight_values()
groups = group_ranking_for(url, as_of, weights)
listed = listed_groups(groups)
ranked = ranking_for(url, as_of, weights)
graph = company_graph(url)

# --- top groups ---------------------------------------------------------------------------
st.subheader(t("network.top_groups"))
if listed.height == 0:
    st.info(t("network.no_groups"))
else:
    st.caption(t("network.groups_hint", groups=f"{listed.height:,}", units=f"{groups.height:,}"))
    shown_groups = listed.select(
        "rank",
        "rank_all",
        "group_id",
        "name",
        "member_count",
        "score",
        pl.col("tier").replace_strict(
            {tier: tier_label(tier) for tier in TIERS}, default=pl.col("tier")
        ),
        "complaints",
        "explanation",
    )
    event = st.dataframe(
        shown_groups,
        hide_index=True,
        key="network.groups_table",
        on_select="rerun",
        selection_mode="single-row",
        height=min(300, 35 * (shown_groups.height + 1) + 3),
        column_config={
            "rank": st.column_config.NumberColumn(t("col.rank"), width="small"),
            "rank_all": st.column_config.NumberColumn(t("col.rank_all"), width="small"),
            "group_id": t("col.group_id"),
            "name": t("col.group_name"),
            "member_count": st.column_config.NumberColumn(t("col.members"), width="small"),
            "score": st.column_config.NumberColumn(t("col.score"), format="%.2f"),
            "tier": t("col.tier"),
            "complaints": st.column_config.NumberColumn(t("col.complaints"), format="localized"),
            "explanation": st.column_config.TextColumn(t("col.explanation"), width="large"),
        },
    )
    picked = event.selection.rows if event is not None else []
    choice = shown_groups["group_id"][picked[0]] if picked else None
    # A newly selected group becomes the firm drawn below; the picker stays free otherwise.
    if choice is not None and choice != st.session_state.get(GROUP_PICK_KEY):
        st.session_state[FOCUS_KEY] = choice
    st.session_state[GROUP_PICK_KEY] = choice

# --- the network around one firm ------------------------------------------------------------
st.subheader(t("network.graph"))
firm_labels = related_firms(url)
linked = list(firm_labels)
if not linked:
    st.info(t("network.no_relations"))
else:
    wanted = st.query_params.get("id")
    if wanted and wanted != st.session_state.get(SYNCED_KEY) and wanted in graph:
        st.session_state[FOCUS_KEY] = wanted
    if st.session_state.get(FOCUS_KEY) not in graph:
        default = listed["group_id"][0] if listed.height else linked[0]
        st.session_state[FOCUS_KEY] = default
    focus = st.session_state[FOCUS_KEY]
    # Every option is sent to the browser on every run: the ~4,000 firms with relations at
    # 50,000 firms took the page's switch from ~150 to ~350 ms. The picker offers the top
    # groups, or the matches of a search done here, as Streamlit advises past a few thousand.
    searched = st.text_input(
        t("network.find"), key=FIND_KEY, placeholder=t("network.find_placeholder")
    ).strip()
    if searched:
        offered, matches = firms_matching(firm_labels, searched, PICKER_LIMIT)
        if matches == 0:
            found = t("network.no_match", text=plain(searched))
        elif matches > len(offered):
            found = t("network.matches", shown=len(offered), total=f"{matches:,}")
        else:
            found = t("network.matches_all", total=f"{matches:,}")
    else:
        offered = [g for g in listed["group_id"] if g in firm_labels][:PICKER_LIMIT]
        found = t("network.picker_hint", firms=f"{len(firm_labels):,}")
    options = list(dict.fromkeys([focus, *offered]))
    focus = st.selectbox(
        t("network.firm"),
        options,
        key=FOCUS_KEY,
        format_func=lambda node: firm_labels.get(node) or firm_label(graph, node),
    )
    st.caption(found)
    st.query_params["id"] = focus
    st.session_state[SYNCED_KEY] = focus

    nodes, edges = drawing(graph, neighbourhood(graph, focus, NODE_LIMIT))
    scored = ranked.select("company_id", "tier", "score", "complaints")
    nodes = nodes.join(scored, on="company_id", how="left").with_columns(
        pl.col("complaints").fill_null(0)
    )
    figure = go.Figure()
    for relation in sorted(set(edges["relation"])):
        some = edges.filter(pl.col("relation") == relation)
        xs: list[float | None] = []
        ys: list[float | None] = []
        for row in some.iter_rows(named=True):
            xs += [row["x0"], row["x1"], None]
            ys += [row["y0"], row["y1"], None]
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"width": 2, "color": RELATION_COLOURS.get(relation, "#bdbdbd")},
                name=chart_text(relation_label(relation)),
                hoverinfo="skip",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=((edges["x0"] + edges["x1"]) / 2).to_list(),
            y=((edges["y0"] + edges["y1"]) / 2).to_list(),
            mode="text",
            text=[chart_text(relation_label(r)) for r in edges["relation"]],
            textfont={"size": 10, "color": "#636363"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for tier in TIERS:  # legend entries for the node colours; the nodes stay the last trace
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"size": 12, "color": TIER_COLOURS[tier]},
                name=chart_text(tier_label(tier)),
            )
        )
    biggest = max(int(nodes["complaints"].max() or 0), 1)
    figure.add_trace(
        go.Scatter(
            x=nodes["x"].to_list(),
            y=nodes["y"].to_list(),
            mode="markers+text",
            marker={
                "size": [12 + 28 * math.sqrt(c / biggest) for c in nodes["complaints"]],
                "color": [TIER_COLOURS.get(tier, UNSCORED_COLOUR) for tier in nodes["tier"]],
                "line": {
                    "width": [4 if n == focus else 1 for n in nodes["company_id"]],
                    "color": "#252525",
                },
            },
            text=[
                chart_text(name or node) for name, node in nodes.select("name", "company_id").rows()
            ],
            textposition="top center",
            customdata=nodes["company_id"].to_list(),
            hovertext=[
                chart_text(
                    t(
                        "network.node_hover",
                        name=name or node,
                        company_id=node,
                        tier=tier_label(tier) if tier else "–",
                        complaints=f"{complaints:,}",
                    )
                )
                for name, node, tier, complaints in nodes.select(
                    "name", "company_id", "tier", "complaints"
                ).rows()
            ],
            hoverinfo="text",
            name=t("network.firms"),
            showlegend=False,
        )
    )
    figure.update_layout(
        height=560,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False},
        yaxis={"visible": False},
        legend={"orientation": "h", "y": -0.02},
        clickmode="event+select",
        dragmode=False,
    )
    st.caption(t("network.click_hint"))
    node_trace = len(figure.data) - 1
    chart = st.plotly_chart(figure, key="network.chart", on_select="rerun", selection_mode="points")
    points = chart.selection.points if chart is not None else []
    clicked = [p for p in points if p.get("curve_number") == node_trace]
    if clicked:
        point = clicked[0]
        company_id = point.get("customdata") or nodes["company_id"][point["point_index"]]
        st.switch_page(
            f"pages/{COMPANY_PAGE}.py",
            query_params={"id": str(company_id), "quarter": quarter.label},
        )
    table = profile_links(
        nodes.select("company_id", "name", "tier", "complaints").sort(
            "complaints", descending=True
        ),
        quarter,
    ).with_columns(
        pl.col("tier").replace_strict(
            {tier: tier_label(tier) for tier in TIERS}, default=pl.col("tier")
        )
    )
    st.dataframe(
        table.select("profile", "name", "tier", "complaints"),
        hide_index=True,
        key="network.nodes_table",
        column_config={
            "profile": profile_link_column(),
            "name": t("col.name"),
            "tier": t("col.tier"),
            "complaints": st.column_config.NumberColumn(t("col.complaints"), format="localized"),
        },
    )

# --- suggested links ----------------------------------------------------------------------
st.subheader(t("network.suggestions"))
st.caption(t("network.suggestions_help"))
notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.success(notice)
failure = st.session_state.pop(ERROR_KEY, None)
if failure:
    st.error(failure)
suggestions = link_suggestions(url)
include_weak = st.checkbox(t("network.include_weak"), value=False, key="network.include_weak")
shown_links = suggestions if include_weak else suggestions.filter(pl.col("strength") >= STRONG)
st.caption(
    t("network.suggestion_count", shown=f"{shown_links.height:,}", total=f"{suggestions.height:,}")
)
if shown_links.height == 0:
    st.info(t("network.no_suggestions"))
    st.stop()
table_links = shown_links.with_columns(
    pl.col("relation").map_elements(relation_label, return_dtype=pl.String).alias("suggested")
)
st.dataframe(
    table_links.select(
        "src_company_id",
        "src_name",
        "dst_company_id",
        "dst_name",
        "suggested",
        "evidence",
        "strength",
    ),
    hide_index=True,
    key="network.suggestions_table",
    height=min(260, 35 * (shown_links.height + 1) + 3),
    column_config={
        "src_company_id": t("col.company_id"),
        "src_name": t("col.name"),
        "dst_company_id": t("col.other_id"),
        "dst_name": t("col.other_name"),
        "suggested": t("col.suggested"),
        "evidence": st.column_config.TextColumn(t("col.evidence"), width="large"),
        "strength": st.column_config.NumberColumn(t("col.strength"), width="small"),
    },
)
if not may(user.role, "decide_links"):
    st.caption(t("network.decide_needs_role"))
    st.stop()
pairs = [f"{r[0]}|{r[1]}" for r in shown_links.select("src_company_id", "dst_company_id").rows()]
labels = {
    f"{r['src_company_id']}|{r['dst_company_id']}": f"{r['src_name']} ({r['src_company_id']}) – "
    f"{r['dst_name']} ({r['dst_company_id']}): {r['evidence']}"
    for r in shown_links.iter_rows(named=True)
}
if st.session_state.get(PICK_KEY) not in pairs:
    st.session_state.pop(PICK_KEY, None)  # decided or filtered away: start from the first
pair = st.selectbox(t("network.pick_suggestion"), pairs, format_func=labels.get, key=PICK_KEY)
link = shown_links.row(pairs.index(pair), named=True)
a = (link["src_company_id"], link["src_name"])
b = (link["dst_company_id"], link["dst_name"])
left, middle, right = st.columns([2, 3, 2])
relation_key = f"network.decision_relation.{pair}"  # each suggestion starts from its own
direction_key = f"network.decision_direction.{pair}"
left.selectbox(
    t("network.relation"),
    RELATION_CHOICES,
    index=RELATION_CHOICES.index(link["relation"]) if link["relation"] in RELATION_CHOICES else 0,
    format_func=relation_label,
    key=relation_key,
)
ends = {
    "forward": (f"{a[1]} ({a[0]})", f"{b[1]} ({b[0]})"),
    "backward": (f"{b[1]} ({b[0]})", f"{a[1]} ({a[0]})"),
}
middle.radio(
    t("network.direction"),
    tuple(ends),
    # Radio labels are markdown: firm names are escaped so they stay text.
    format_func=lambda way: plain(t("network.direction_value", src=ends[way][0], dst=ends[way][1])),
    key=direction_key,
)
right.caption(t("network.decided_by", name=plain(user.username)))


def decide(decision: str) -> None:
    """Record the decision shown (a button callback, so it runs once per click)."""
    forward = st.session_state.get(direction_key, "forward") == "forward"
    relation = st.session_state.get(relation_key, link["relation"])
    src, dst = (a[0], b[0]) if forward else (b[0], a[0])
    try:
        record_link_decision(
            url,
            src_company_id=src,
            dst_company_id=dst,
            relation=relation,
            decision=decision,
            decided_by=user.username,  # the signed-in account, not a typed name
            evidence=link["evidence"],
        )
    except LinkDecisionError as exc:
        st.session_state[ERROR_KEY] = t("network.decision_failed", detail=plain(exc))
        log_action("link_decision", f"{src} -> {dst}", outcome="failed", detail=str(exc)[:500])
        return
    log_action("link_decision", f"{src} -> {dst}", detail=f"{decision} {relation}")
    st.session_state[NOTICE_KEY] = t(
        f"network.{decision}",
        first=plain(f"{a[1]} ({a[0]})"),
        second=plain(f"{b[1]} ({b[0]})"),
        relation=plain(relation_label(relation)),
    )


accept_column, reject_column = st.columns(2)
accept_column.button(
    t("network.accept"), type="primary", key="network.accept", on_click=decide, args=("accepted",)
)
reject_column.button(t("network.reject"), key="network.reject", on_click=decide, args=("rejected",))
