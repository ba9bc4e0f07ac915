"""The corporate network with networkx: firms as nodes, recorded relations as edges.

Groups are the connected components of the grouping relations (`parent`, and `same_entity` for two
records of one firm); a successor chain links a firm to every firm it replaced. Everything here
is pure: frames in, graphs and frames out. Suggested links (scoring.links) are never part of the
graph until an analyst has accepted them and they are in `company_relations`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import polars as pl

PARENT = "parent"
SUCCESSOR = "successor"
SAME_ENTITY = "same_entity"
GROUP_RELATIONS: tuple[str, ...] = (PARENT, SAME_ENTITY)
SAME_GROUP = "same group"
SUCCESSOR_CHAIN = "successor chain"
LAYOUT_SEED = 1372
RELATION_SCHEMA: dict[str, pl.DataType] = {
    "src_company_id": pl.String(),
    "dst_company_id": pl.String(),
    "relation": pl.String(),
}


def build_graph(companies: pl.DataFrame, relations: pl.DataFrame) -> nx.MultiDiGraph:
    """Firms as nodes (name, industry) and one edge per relation, keyed by the relation.

    Edges come from `company_relations` (src -> dst) and from the companies table's parent_id
    (parent -> firm). A relation that names a firm missing from the companies table still adds
    that firm, with no name, so nothing recorded is dropped. Repeated relations are one edge.
    """
    graph = nx.MultiDiGraph()
    for row in companies.select("company_id", "name", "industry").iter_rows(named=True):
        graph.add_node(row["company_id"], name=row["name"], industry=row["industry"])
    for src, dst, relation in _all_edges(companies, relations).iter_rows():
        for node in (src, dst):
            if node not in graph:
                graph.add_node(node, name=None, industry=None)
        graph.add_edge(src, dst, key=relation, relation=relation)
    return graph


def _all_edges(companies: pl.DataFrame, relations: pl.DataFrame) -> pl.DataFrame:
    """Recorded relations plus the parent_id column as parent edges, without repeats or blanks."""
    from_parent_id = companies.filter(
        pl.col("parent_id").is_not_null() & (pl.col("parent_id") != "")
    ).select(
        pl.col("parent_id").alias("src_company_id"),
        pl.col("company_id").alias("dst_company_id"),
        pl.lit(PARENT).alias("relation"),
    )
    edges = pl.concat(
        [relations.select(list(RELATION_SCHEMA)).cast(RELATION_SCHEMA), from_parent_id],
        how="vertical_relaxed",
    )
    return (
        edges.drop_nulls()
        .filter(pl.col("src_company_id") != pl.col("dst_company_id"))
        .unique(maintain_order=True)
        .sort(list(RELATION_SCHEMA))
    )


def _edges_of(graph: nx.MultiDiGraph, relations: Iterable[str]) -> list[tuple[str, str]]:
    wanted = set(relations)
    return [(u, v) for u, v, key in graph.edges(keys=True) if key in wanted]


def group_membership(graph: nx.MultiDiGraph) -> pl.DataFrame:
    """Each firm's group: company_id, group_id, group_size; sorted by company_id.

    A group is a connected component of the parent and same_entity edges (direction ignored);
    a firm with none is a group of one. The group is named after its top parent: the member no
    other member is parent of, with the most firms under it (then the smallest id); a group that
    has no such member (a cycle) is named after its smallest id.
    """
    return _membership(graph, pl.Series(list(graph.nodes), dtype=pl.String))


def group_membership_of(companies: pl.DataFrame, relations: pl.DataFrame) -> pl.DataFrame:
    """group_membership(build_graph(companies, relations)), without a node for every firm: only
    related firms go through networkx (at 50,000 firms with ~2,600 relations: 0.42 -> 0.06 s)."""
    related = nx.MultiDiGraph()
    for src, dst, relation in _all_edges(companies, relations).iter_rows():
        related.add_edge(src, dst, key=relation)
    firms = pl.concat([companies["company_id"], pl.Series(list(related.nodes), dtype=pl.String)])
    return _membership(related, firms.drop_nulls().unique())


def _membership(graph: nx.MultiDiGraph, firms: pl.Series) -> pl.DataFrame:
    """group_membership of `firms` (every firm `graph` has, and maybe more), from its edges."""
    grouping = nx.Graph(_edges_of(graph, GROUP_RELATIONS))
    parents = nx.DiGraph(_edges_of(graph, (PARENT,)))
    rows: list[tuple[str, str, int]] = []
    for component in nx.connected_components(grouping):
        root = _group_root(component, parents)
        rows += [(member, root, len(component)) for member in component]
    schema = {"company_id": pl.String(), "group_id": pl.String(), "group_size": pl.Int64()}
    grouped = pl.DataFrame(rows, schema=schema, orient="row")
    alone = (
        firms.to_frame("company_id")
        .join(grouped, on="company_id", how="anti")
        .select("company_id", pl.col("company_id").alias("group_id"), pl.lit(1).alias("group_size"))
    )
    return pl.concat([grouped, alone.cast(schema)]).sort("company_id")


def _group_root(component: set[str], parents: nx.DiGraph) -> str:
    """The member heading the group (see group_membership)."""
    if len(component) == 1:
        return next(iter(component))
    inside = parents.subgraph(component)  # members without a parent edge are left out
    owned = {node for node in inside if inside.in_degree(node) > 0}
    tops = [node for node in component if node not in owned]
    if not tops:
        return min(component)
    return min(tops, key=lambda node: (-_descendants(inside, node), node))


def _descendants(graph: nx.DiGraph, node: str) -> int:
    return len(nx.descendants(graph, node)) if node in graph else 0


def successor_closure(relations: pl.DataFrame) -> pl.DataFrame:
    """The relations with every successor chain made explicit: A -> B -> C adds A -> C.

    So a firm inherits the record of every firm it replaced, however many renames ago. Other
    relations are returned unchanged; the result has no repeated rows and is sorted.
    """
    chain = nx.DiGraph()
    successors = relations.filter(pl.col("relation") == SUCCESSOR)
    chain.add_edges_from(
        zip(successors["src_company_id"], successors["dst_company_id"], strict=True)
    )
    closed = [
        (earlier, firm, SUCCESSOR)
        for firm in chain.nodes
        for earlier in nx.ancestors(chain, firm)
        if earlier != firm
    ]
    extra = pl.DataFrame(closed, schema=RELATION_SCHEMA, orient="row")
    return (
        pl.concat([relations.select(list(RELATION_SCHEMA)).cast(RELATION_SCHEMA), extra])
        .unique()
        .sort(list(RELATION_SCHEMA))
    )


def reached(
    graph: nx.MultiDiGraph,
    company_id: str,
    relations: Iterable[str],
    *,
    forward: bool = True,
    backward: bool = True,
) -> set[str]:
    """The firms reached from the firm along edges of these relations (not the firm itself;
    none for a firm not in the graph).

    `forward` follows edges src -> dst, `backward` dst -> src; both: direction ignored. Only
    the firms reached are visited: at 50,000 firms, building a graph of every such edge to
    answer for one firm cost ~15 ms a call, and the network page and profile make several.
    """
    if company_id not in graph:
        return set()
    wanted = set(relations)
    sides = [side for side, used in ((graph.succ, forward), (graph.pred, backward)) if used]
    found: set[str] = set()
    pending = [company_id]
    while pending:
        node = pending.pop()
        for side in sides:
            for other, keys in side[node].items():
                if other not in found and not wanted.isdisjoint(keys):
                    found.add(other)
                    pending.append(other)
    found.discard(company_id)
    return found


def predecessors_of(graph: nx.MultiDiGraph, company_id: str) -> list[str]:
    """Every firm the firm replaced, directly or down a chain of successors, sorted."""
    return sorted(reached(graph, company_id, (SUCCESSOR,), forward=False))


def group_of(graph: nx.MultiDiGraph, company_id: str) -> list[str]:
    """The members of the firm's group (itself included), sorted; [] for an unknown firm."""
    if company_id not in graph:
        return []
    return sorted({company_id, *reached(graph, company_id, GROUP_RELATIONS)})


def linked_firms(graph: nx.MultiDiGraph) -> list[str]:
    """The firms with at least one relation, sorted by name (then id; no name: by id).

    Read from the edges: there are a few thousand, where asking each of 50,000 firms for its
    degree took ~0.1 s, on every run of the network page.
    """
    ends = {node for edge in graph.edges() for node in edge}
    return sorted(ends, key=lambda node: (graph.nodes[node].get("name") or node, node))


def firms_matching(labels: Mapping[str, str], text: str, limit: int) -> tuple[list[str], int]:
    """The firms whose label ("name (id)") contains `text`, ignoring case, in the labels' order:
    the first `limit` of them, and how many there are in all."""
    needle = text.strip().casefold()
    found = [firm for firm, label in labels.items() if needle in label.casefold()]
    return found[:limit], len(found)


def neighbourhood(graph: nx.MultiDiGraph, company_id: str, limit: int = 60) -> list[str]:
    """The firms drawn around one firm: its group, its direct relations and its successor chain.

    At most `limit` firms: the firm itself first, then its group, chain and direct relations,
    each in id order, until the limit is reached.
    """
    if company_id not in graph:
        return []
    lineage = reached(graph, company_id, (SUCCESSOR,), forward=False) | reached(
        graph, company_id, (SUCCESSOR,), backward=False
    )
    direct = set(graph.predecessors(company_id)) | set(graph.successors(company_id))
    ordered = [company_id]
    for part in (group_of(graph, company_id), sorted(lineage), sorted(direct)):
        ordered += [node for node in part if node not in ordered]
    return ordered[:limit]


def related_companies(graph: nx.MultiDiGraph, company_id: str) -> pl.DataFrame:
    """What the profile lists as related firms, read from the same graph as the network page.

    One row per (other firm, relation): company_id, name, relation, direction. direction is
    "to" when the relation runs from this firm to the other (this firm is the parent, the
    predecessor, the platform), "from" when it runs the other way. Group members with no direct
    edge get relation "same group"; firms reached only down a successor chain get "successor
    chain". Sorted by relation, then company_id.
    """
    schema = {
        "company_id": pl.String(),
        "name": pl.String(),
        "relation": pl.String(),
        "direction": pl.String(),
    }
    if company_id not in graph:
        return pl.DataFrame(schema=schema)
    rows: list[tuple[str, str, str]] = []
    for _, other, key in graph.out_edges(company_id, keys=True):
        rows.append((other, key, "to"))
    for other, _, key in graph.in_edges(company_id, keys=True):
        rows.append((other, key, "from"))
    linked = {other for other, _, _ in rows}
    rows += [(m, SAME_GROUP, "") for m in group_of(graph, company_id) if m not in linked]
    for earlier in reached(graph, company_id, (SUCCESSOR,), forward=False) - linked:
        rows.append((earlier, SUCCESSOR_CHAIN, "from"))
    for later in reached(graph, company_id, (SUCCESSOR,), backward=False) - linked:
        rows.append((later, SUCCESSOR_CHAIN, "to"))
    rows = [row for row in rows if row[0] != company_id]
    return (
        pl.DataFrame(
            [(other, graph.nodes[other].get("name"), rel, way) for other, rel, way in rows],
            schema=schema,
            orient="row",
        )
        .unique()
        .sort("relation", "company_id", "direction")
    )


def drawing(
    graph: nx.MultiDiGraph, nodes: list[str], seed: int = LAYOUT_SEED
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Positions for drawing some firms: (nodes: company_id, name, x, y; edges: ends, relation).

    A spring layout (Fruchterman-Reingold) of the firms and the relations among them, seeded so
    the same network is always drawn the same way; coordinates are scaled to [-1, 1].
    """
    sub = graph.subgraph(nodes)
    simple = nx.Graph()
    simple.add_nodes_from(sorted(sub.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in sub.edges()))
    if simple.number_of_nodes() == 1:
        positions = {next(iter(simple.nodes)): (0.0, 0.0)}
    else:
        positions = nx.spring_layout(simple, seed=seed)
    node_frame = pl.DataFrame(
        {
            "company_id": list(positions),
            "name": [sub.nodes[n].get("name") for n in positions],
            "x": [float(positions[n][0]) for n in positions],
            "y": [float(positions[n][1]) for n in positions],
        },
        schema={"company_id": pl.String, "name": pl.String, "x": pl.Float64, "y": pl.Float64},
    )
    edge_rows = [
        (u, v, key, *map(float, positions[u]), *map(float, positions[v]))
        for u, v, key in sorted(sub.edges(keys=True))
    ]
    edge_frame = pl.DataFrame(
        edge_rows,
        schema={
            "src_company_id": pl.String(),
            "dst_company_id": pl.String(),
            "relation": pl.String(),
            "x0": pl.Float64(),
            "y0": pl.Float64(),
            "x1": pl.Float64(),
            "y1": pl.Float64(),
        },
        orient="row",
    )
    return node_frame, edge_frame
