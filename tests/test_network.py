"""The corporate graph, groups, successor chains and pooling, on small hand-made networks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from random import Random

import networkx as nx
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from scoring.combine import combine
from scoring.config import FACTORS, ScoringConfig
from scoring.factors import compute_factors, peer_frame
from scoring.groups import listed_groups, member_excess, rank_groups
from scoring.network import (
    build_graph,
    drawing,
    firms_matching,
    group_membership,
    group_membership_of,
    group_of,
    linked_firms,
    neighbourhood,
    predecessors_of,
    reached,
    related_companies,
    successor_closure,
)
from scoring.pooling import pool_actions, pool_firms
from tests.test_scoring_properties import make_inputs


def companies(*rows: tuple[str, str | None]) -> pl.DataFrame:
    """A companies table from (company_id, parent_id) pairs; names are 'Firm <id>'."""
    return pl.DataFrame(
        {
            "company_id": [r[0] for r in rows],
            "name": [f"Firm {r[0]}" for r in rows],
            "industry": ["retail"] * len(rows),
            "parent_id": [r[1] for r in rows],
        },
        schema={
            "company_id": pl.String,
            "name": pl.String,
            "industry": pl.String,
            "parent_id": pl.String,
        },
    )


def relations(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"src_company_id": pl.String, "dst_company_id": pl.String, "relation": pl.String},
        orient="row",
    )


def test_groups_are_components_of_parent_edges_named_after_the_top_parent() -> None:
    # H owns A (relations) and B (parent_id column); A owns A1. S is alone; P sells on H's
    # platform and R shares a representative with S: neither joins a group.
    graph = build_graph(
        companies(("H", None), ("A", None), ("B", "H"), ("A1", None), ("S", None), ("P", None)),
        relations(
            ("H", "A", "parent"),
            ("A", "A1", "parent"),
            ("H", "P", "platform_seller"),
            ("S", "R", "shared_representative"),
        ),
    )
    groups = group_membership(graph)
    assert dict(zip(groups["company_id"], groups["group_id"], strict=True)) == {
        "A": "H",
        "A1": "H",
        "B": "H",
        "H": "H",
        "P": "P",
        "R": "R",  # known only from a relation: still a node, alone
        "S": "S",
    }
    assert groups.filter(pl.col("group_id") == "H")["group_size"].to_list() == [4] * 4
    assert graph.nodes["R"]["name"] is None


def test_same_entity_joins_groups_and_the_root_is_the_biggest_parent() -> None:
    # X and Y are two records of one firm; Y owns two subsidiaries, X owns one.
    graph = build_graph(
        companies(("X", None), ("Y", None), ("Y1", "Y"), ("Y2", "Y"), ("X1", "X")),
        relations(("X", "Y", "same_entity")),
    )
    groups = group_membership(graph)
    assert set(groups["group_id"]) == {"Y"}


def test_parent_cycle_is_named_after_its_smallest_id() -> None:
    graph = build_graph(
        companies(("M", None), ("K", None)), relations(("M", "K", "parent"), ("K", "M", "parent"))
    )
    assert set(group_membership(graph)["group_id"]) == {"K"}


def test_membership_from_the_tables_is_the_graphs_membership() -> None:
    # Parent edges from both places, a same_entity merge, a cycle, an endpoint missing from the
    # companies table, relations that group nothing, and firms with no relation at all.
    firms = companies(
        ("H", None), ("A", None), ("B", "H"), ("X", None), ("Y", None), ("Y1", "Y"),
        ("M", None), ("K", None), ("S", None), ("T", None), ("U", None),
    )  # fmt: skip
    links = relations(
        ("H", "A", "parent"),
        ("X", "Y", "same_entity"),
        ("M", "K", "parent"),
        ("K", "M", "parent"),
        ("A", "Z", "parent"),
        ("S", "T", "shared_contact"),
        ("H", "A", "parent"),
    )
    expected = group_membership(build_graph(firms, links))
    assert_frame_equal(group_membership_of(firms, links), expected)
    assert expected.height == 12 and expected["group_id"].n_unique() == 6


def test_successor_chains_are_closed_transitively() -> None:
    closed = successor_closure(
        relations(
            ("A", "B", "successor"), ("B", "C", "successor"), ("A", "Z", "parent"), ("C", "A", "x")
        )
    )
    successors = closed.filter(pl.col("relation") == "successor")
    assert set(zip(successors["src_company_id"], successors["dst_company_id"], strict=True)) == {
        ("A", "B"),
        ("B", "C"),
        ("A", "C"),
    }
    assert closed.filter(pl.col("relation") != "successor").height == 2
    graph = build_graph(companies(("A", None), ("B", None), ("C", None)), closed)
    assert predecessors_of(graph, "C") == ["A", "B"]


def test_a_firm_inherits_down_a_chain_of_successors() -> None:
    # A was fined; B replaced A and C replaced B. C inherits A's fine through the chain.
    actions = [
        {
            "action_id": "E1",
            "company_id": "A",
            "action_date": date(2025, 6, 10),
            "statute": "general",
            "action": "fine",
            "fine_amount": 1e6,
        }
    ]
    chain = [
        {"src_company_id": "A", "dst_company_id": "B", "relation": "successor"},
        {"src_company_id": "B", "dst_company_id": "C", "relation": "successor"},
    ]
    inputs = make_inputs([plain("A", older=40), plain("B", older=20), plain("C")], actions, chain)
    ranked = combine(compute_factors(inputs))
    c = ranked.filter(pl.col("company_id") == "C").row(0, named=True)
    assert (c["prior_actions"], c["inherited_actions"], c["predecessors"]) == (1, 1, "A")
    assert "as successor of Firm A (A, fined 2025-06)" in c["explanation"]


def test_the_predecessor_is_named_even_when_repeat_is_not_a_leading_factor() -> None:
    actions = [
        {
            "action_id": "E1",
            "company_id": "P",
            "action_date": date(2024, 11, 2),
            "statute": "door_to_door",
            "action": "warning",
            "fine_amount": None,
        }
    ]
    succession = [{"src_company_id": "P", "dst_company_id": "T", "relation": "successor"}]
    # T is far worse than its peers on growth, unresolved complaints and claims, so three other
    # factors lead its explanation; the inherited warning must still be said.
    bad = plain(
        "T",
        resolved=10,
        unresolved=60,
        previous=10,
        year_ago=10,
        amount_n=60,
        amount_mean=5_000_000,
    )
    usual = dict(
        resolved=50, unresolved=5, previous=55, year_ago=55, amount_n=50, amount_mean=100_000
    )
    inputs = make_inputs(
        [bad, plain("P", older=40), *[plain(f"U{k}", **usual) for k in range(5)]],
        actions,
        succession,
    )
    t = combine(compute_factors(inputs)).filter(pl.col("company_id") == "T").row(0, named=True)
    leading = sorted(FACTORS, key=lambda f: -t[f"{f}_contribution"])[:3]
    assert "repeat" not in leading, leading
    assert t["explanation"].endswith("as successor of Firm P (P, warned 2024-11)")


def plain(company_id: str, **kw: int) -> dict:
    """One firm for make_inputs: current counts by outcome, baselines and an issue."""
    current = {
        "resolved": kw.get("resolved", 0),
        "unresolved": kw.get("unresolved", 0),
        "overdue": 0,
        "in_time": 0,
        "withdrawn": 0,
        "timely_known": kw.get("timely_known", 0),
        "late": kw.get("late", 0),
        "amount_n": kw.get("amount_n", 0),
        "amount_mean": float(kw.get("amount_mean", 0)),
    }
    return {
        "id": company_id,
        "industry": kw.get("industry", "e-commerce"),
        "exposure": None,
        "issue": "Billing error",
        "current": current,
        "previous": kw.get("previous", 0),
        "year_ago": kw.get("year_ago", 0),
        "older": kw.get("older", 0),
    }


def market() -> tuple[object, pl.DataFrame]:
    """Eight firms in two industries; G owns G1 (travel) and G2 (retail); the rest stand alone."""
    firms = [
        plain("G", resolved=30, unresolved=10, previous=35, year_ago=30, industry="retail"),
        plain("G1", resolved=12, unresolved=28, previous=15, year_ago=15, industry="travel"),
        plain("G2", resolved=20, unresolved=20, previous=18, year_ago=22, industry="retail"),
        *[
            plain(f"R{k}", resolved=36 + k, unresolved=6, previous=40, year_ago=41, industry=ind)
            for k, ind in enumerate(["retail", "retail", "travel", "travel", "travel"])
        ],
    ]
    inputs = make_inputs(firms)
    ownership = relations(("G", "G1", "parent"), ("G", "G2", "parent"))
    inputs = replace(inputs, relations=ownership)
    membership = group_membership(build_graph(inputs.companies, ownership))
    return inputs, membership


def test_group_totals_are_the_sums_of_their_members() -> None:
    inputs, membership = market()
    config = ScoringConfig()
    firms = peer_frame(inputs, config.windows(inputs.as_of), config)
    pooled = pool_firms(firms, membership).filter(pl.col("company_id") == "G").row(0, named=True)
    members = firms.filter(pl.col("company_id").is_in(["G", "G1", "G2"]))
    for column in ("complaints", "unresolved", "decided", "complaints_previous", "expected"):
        assert pooled[column] == pytest.approx(members[column].sum()), column
    assert pooled["members"] == "G;G1;G2" and pooled["member_count"] == 3
    # The yardstick is the members' peer rates weighted by what each decided, so the travel
    # member is held to travel peers and the retail members to retail peers.
    weights = members["decided"].cast(pl.Float64)
    expected_rate = (members["peer_unresolved_rate"] * weights).sum() / weights.sum()
    assert pooled["peer_unresolved_rate"] == pytest.approx(expected_rate, rel=1e-12)
    assert pooled["industry"] == "retail"  # the industry with most complaints


def test_a_standalone_firm_scores_the_same_as_a_group_of_one() -> None:
    inputs, membership = market()
    firms = compute_factors(inputs).filter(pl.col("company_id").str.starts_with("R"))
    groups = compute_factors(inputs, groups=membership).filter(
        pl.col("company_id").str.starts_with("R")
    )
    same = [f"{f}_factor" for f in FACTORS if f != "growth"]  # growth's FDR runs over units
    same += ["complaints", "expected", "peer_unresolved_rate", "_phrase_en_unresolved"]
    same += ["_phrase_ko_unresolved"]
    assert_frame_equal(firms.select("company_id", *same), groups.select("company_id", *same))


def test_group_ranking_pools_counts_and_names_its_driving_members() -> None:
    inputs, membership = market()
    ranked = rank_groups(inputs, membership=membership)
    assert ranked.height == 6  # one group of three and five standalone firms
    group = ranked.filter(pl.col("group_id") == "G").row(0, named=True)
    assert group["complaints"] == 40 + 40 + 40
    assert group["members"] == "G;G1;G2" and group["member_count"] == 3
    # G1 is the member far above its peers on unresolved complaints (28 of 40).
    excess = member_excess(inputs, ScoringConfig())
    worst = excess.filter(pl.col("company_id").is_in(["G", "G1", "G2"])).sort(
        "unresolved", descending=True
    )
    assert worst["company_id"][0] == "G1"
    assert group["driving_members"].split(";")[0] == "G1"
    assert "members driving it: Firm G1 (G1, +" in group["explanation"]
    listed = listed_groups(ranked)
    assert listed["group_id"].to_list() == ["G"] and listed["rank"].to_list() == [1]
    assert listed["rank_all"][0] == group["rank"]
    with pytest.raises(ValueError, match="min_members must be >= 1; got 0"):
        listed_groups(ranked, 0)


def test_an_action_inherited_inside_a_group_counts_once() -> None:
    actions = pl.DataFrame(
        {
            "company_id": ["A", "B", "C"],
            "action_date": [date(2025, 1, 1)] * 3,
            "statute": ["general"] * 3,
            "action": ["fine"] * 3,
            "action_id": ["E1", "E1", "E1"],
            "inherited_from": [None, "A", "A"],
        }
    )
    # A and B are one group; C (another group) replaced A.
    membership = pl.DataFrame({"company_id": ["A", "B", "C"], "group_id": ["A", "A", "C"]})
    pooled = pool_actions(actions, membership)
    assert pooled.select("company_id", "inherited_from").rows() == [("A", None), ("C", "A")]


def test_related_companies_and_neighbourhood_read_the_same_graph() -> None:
    graph = build_graph(
        companies(("H", None), ("A", "H"), ("B", "H"), ("OLD", None), ("X", None)),
        relations(("OLD", "A", "successor"), ("X", "A", "platform_seller")),
    )
    related = related_companies(graph, "A")
    assert related.select("company_id", "relation", "direction").rows() == [
        ("H", "parent", "from"),
        ("X", "platform_seller", "from"),
        ("B", "same group", ""),
        ("OLD", "successor", "from"),
    ]
    assert related.filter(pl.col("company_id") == "H")["name"].to_list() == ["Firm H"]
    assert neighbourhood(graph, "A") == ["A", "B", "H", "OLD", "X"]
    assert neighbourhood(graph, "A", limit=2) == ["A", "B"]
    assert neighbourhood(graph, "nobody") == []
    nodes, edges = drawing(graph, neighbourhood(graph, "A"))
    assert set(nodes["company_id"]) == {"A", "B", "H", "OLD", "X"}
    assert nodes["x"].is_between(-1.0, 1.0).all() and nodes["y"].is_between(-1.0, 1.0).all()
    assert sorted(edges["relation"]) == ["parent", "parent", "platform_seller", "successor"]
    again, _ = drawing(graph, neighbourhood(graph, "A"))
    assert_frame_equal(nodes, again)  # seeded: the same network is drawn the same way


def test_a_mixed_group_is_explained_against_its_members_peers_in_both_languages() -> None:
    inputs, membership = market()  # G (retail) owns G1 (travel) and G2 (retail)
    english = rank_groups(inputs, membership=membership).filter(pl.col("group_id") == "G")
    korean = rank_groups(inputs, membership=membership, language="ko").filter(
        pl.col("group_id") == "G"
    )
    assert "at its members' industry peers" in english["explanation"][0]
    assert "at other retail firms" not in english["explanation"][0]
    assert "계열사 업종 평균" in korean["explanation"][0]
    assert "주요 계열사: Firm G1 (G1," in korean["explanation"][0]
    assert english["score"][0] == korean["score"][0]
    with pytest.raises(ValueError, match="language must be one of"):
        rank_groups(inputs, membership=membership, language="fr")


@pytest.mark.parametrize("seed", range(6))
def test_walking_from_a_firm_finds_what_whole_graph_algorithms_find(seed: int) -> None:
    # Random networks with every relation, repeated pairs, both directions, cycles and loners.
    rng = Random(seed)
    ids = [f"F{k:02d}" for k in range(40)]
    kinds = ("parent", "same_entity", "successor", "platform_seller", "shared_contact")
    links = relations(
        *((rng.choice(ids), rng.choice(ids), rng.choice(kinds)) for _ in range(rng.randint(10, 60)))
    )
    firms = companies(*((i, None) for i in ids))
    graph = build_graph(firms.with_columns(pl.lit(None, dtype=pl.String).alias("name")), links)
    grouping = nx.Graph()
    grouping.add_nodes_from(graph.nodes)
    grouping.add_edges_from(
        (u, v) for u, v, key in graph.edges(keys=True) if key in ("parent", "same_entity")
    )
    chain = nx.DiGraph()
    chain.add_nodes_from(graph.nodes)
    chain.add_edges_from((u, v) for u, v, key in graph.edges(keys=True) if key == "successor")
    for firm in ids:
        assert group_of(graph, firm) == sorted(nx.node_connected_component(grouping, firm))
        assert predecessors_of(graph, firm) == sorted(nx.ancestors(chain, firm))
        lineage = nx.ancestors(chain, firm) | nx.descendants(chain, firm)
        drawn = neighbourhood(graph, firm, limit=1000)
        assert drawn[0] == firm
        assert set(drawn) == {
            firm,
            *nx.node_connected_component(grouping, firm),
            *lineage,
            *nx.all_neighbors(graph, firm),
        }
        chained = related_companies(graph, firm).filter(pl.col("relation") == "successor chain")
        direct = set(nx.all_neighbors(graph, firm))
        assert set(chained["company_id"]) == lineage - direct - {firm}
    assert reached(graph, "nobody", kinds) == set()
    with_any = sorted(node for node in graph.nodes if graph.degree(node) > 0)
    assert linked_firms(graph) == with_any  # no names: sorted by id


def test_firms_matching_finds_names_and_ids_ignoring_case_up_to_a_limit() -> None:
    labels = {
        "C1": "Alpha Bank (C1)",
        "C2": "alphabet Shop (C2)",
        "C3": "Beta Tours (C3)",
        "C10": "C10 (C10)",
    }
    assert firms_matching(labels, " ALPHA ", 10) == (["C1", "C2"], 2)
    assert firms_matching(labels, "c1", 10) == (["C1", "C10"], 2)
    assert firms_matching(labels, "a", 2) == (["C1", "C2"], 3)
    assert firms_matching(labels, "gamma", 10) == ([], 0)
