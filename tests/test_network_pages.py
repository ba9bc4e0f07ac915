"""The Network page and the profile's related companies, as AppTest sessions on a sample."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from queries import aggregates
from queries.bulk import fetch_frame
from queries.network import link_decision_table
from queries.schema import sample_stories
from queries.scoring_inputs import fetch_scoring_inputs
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from scoring.config import load_config
from scoring.groups import listed_groups, rank_groups
from scoring.network import build_graph, linked_firms, neighbourhood, related_companies
from scoring.quarters import last_full_quarter
from tests.signin import open_dashboard

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A generated warehouse, its group ranking and graph for the latest full quarter."""
    path = tmp_path_factory.mktemp("network_pages") / "sample.duckdb"
    engine = make_engine(f"duckdb:///{path}")
    generate_warehouse(engine, companies=300, complaints=40_000, seed=5)
    quarter = last_full_quarter(aggregates.warehouse_summary(engine)["last_received"])  # type: ignore[arg-type]
    config = load_config()
    inputs = fetch_scoring_inputs(engine, quarter.end, config)
    with engine.connect() as connection:
        stories = fetch_frame(
            connection,
            select(sample_stories.c.company_id, sample_stories.c.kind),
            {"company_id": pl.String(), "kind": pl.String()},
        )
    engine.dispose()
    return {
        "path": path,
        "quarter": quarter,
        "groups": listed_groups(rank_groups(inputs, config)),
        "graph": build_graph(inputs.companies, inputs.relations),
        "stories": stories,
    }


@pytest.fixture
def writable(sample: dict[str, object], tmp_path: Path) -> Iterator[str]:
    """A copy of the sample warehouse a test may write decisions into."""
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(Path(sample["path"]).read_bytes())  # type: ignore[arg-type]
    yield f"duckdb:///{copy}"


def open_page(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    page: str,
    language: str = "en",
    role: str = "admin",
    **query: str,
) -> AppTest:
    """A fresh session signed in with an account of `role`, on one page."""
    return open_dashboard(monkeypatch, url, page, role=role, language=language, **query)


def read(url: str, fetch):  # noqa: ANN001, ANN201
    """Run one read on a short-lived read-only engine (the dashboard writes in this process)."""
    engine = make_engine(url, read_only=True)
    try:
        return fetch(engine)
    finally:
        engine.dispose()


def url_of(sample: dict[str, object]) -> str:
    return f"duckdb:///{sample['path']}"


def test_network_page_lists_top_groups_and_draws_the_first(monkeypatch, sample) -> None:
    app = open_page(monkeypatch, url_of(sample), "network")
    groups: pl.DataFrame = sample["groups"]  # type: ignore[assignment]
    assert app.header[0].value == f"Corporate networks: {sample['quarter'].label}"
    table = app.dataframe[0].value
    assert list(table["group_id"]) == groups["group_id"].to_list()
    assert list(table["rank_all"]) == groups["rank_all"].to_list()
    assert list(table["score"]) == pytest.approx(groups["score"].to_list())
    focus = groups["group_id"][0]
    assert app.selectbox(key="network.firm").value == focus
    assert len(app.get("plotly_chart")) == 1
    nodes = app.dataframe[1].value
    shown = [link.split("id=")[1].split("&")[0] for link in nodes["profile"]]
    assert sorted(shown) == sorted(neighbourhood(sample["graph"], focus))  # type: ignore[arg-type]


def test_a_deep_link_draws_the_split_harm_group(monkeypatch, sample) -> None:
    stories: pl.DataFrame = sample["stories"]  # type: ignore[assignment]
    members = stories.filter(pl.col("kind") == "split_harm_group")["company_id"].to_list()
    member = sorted(members)[0]
    app = open_page(monkeypatch, url_of(sample), "network", id=member)
    assert app.selectbox(key="network.firm").value == member
    nodes = app.dataframe[1].value
    shown = {link.split("id=")[1].split("&")[0] for link in nodes["profile"]}
    assert set(members) <= shown


def test_the_firm_picker_offers_the_top_groups_or_what_a_search_matches(
    monkeypatch, sample
) -> None:
    graph = sample["graph"]
    groups: pl.DataFrame = sample["groups"]  # type: ignore[assignment]
    linked = linked_firms(graph)  # type: ignore[arg-type]

    def label(node: str) -> str:
        return f"{graph.nodes[node].get('name') or node} ({node})"  # type: ignore[union-attr]

    app = open_page(monkeypatch, url_of(sample), "network")
    tops = [g for g in groups["group_id"] if g in linked]
    assert app.selectbox(key="network.firm").options == [label(g) for g in tops]
    assert len(tops) < len(linked)  # not every firm with relations is sent
    hint = f"search above for any of the {len(linked)} firms with relations"
    assert any(hint in caption.value for caption in app.caption)

    stories: pl.DataFrame = sample["stories"]  # type: ignore[assignment]
    member = next(
        firm
        for firm in sorted(stories.filter(pl.col("kind") == "split_harm_group")["company_id"])
        if firm not in tops
    )
    app.text_input(key="network.find").input(member.lower()).run()
    picker = app.selectbox(key="network.firm")
    assert picker.options == [label(tops[0]), label(member)]
    assert any("1 matching firms." in caption.value for caption in app.caption)
    picker.select(member).run()
    assert not app.exception
    nodes = app.dataframe[1].value
    shown = {link.split("id=")[1].split("&")[0] for link in nodes["profile"]}
    assert shown == set(neighbourhood(graph, member))  # type: ignore[arg-type]

    app.text_input(key="network.find").input("no *such* firm").run()
    assert app.selectbox(key="network.firm").value == member
    assert "No firm with relations matches “no \\*such\\* firm”." in [c.value for c in app.caption]


def test_a_suggestion_is_written_under_the_signed_in_account(monkeypatch, writable) -> None:
    viewer = open_page(monkeypatch, writable, "network", role="viewer")
    with pytest.raises(KeyError):  # viewers see the suggestions but cannot decide
        viewer.button(key="network.accept")

    app = open_page(monkeypatch, writable, "network", role="analyst")
    before = read(writable, aggregates.relations_table)
    pick = app.selectbox(key="network.suggestion")
    pair = pick.value
    src, dst = pair.split("|")
    app.button(key="network.accept").click().run()
    assert not app.exception
    assert any(box.value.startswith("Recorded:") for box in app.success)
    after = read(writable, aggregates.relations_table)
    added = after.join(before, on=list(before.columns), how="anti")
    assert added.select("src_company_id", "dst_company_id").rows() == [(src, dst)]
    log = read(writable, link_decision_table)
    assert log.select("decision", "decided_by").rows() == [("accepted", "test-analyst")]
    assert pair not in app.selectbox(key="network.suggestion").options

    # A rejection is logged and writes no relation.
    rejected = app.selectbox(key="network.suggestion").value
    app.button(key="network.reject").click().run()
    assert read(writable, aggregates.relations_table).equals(after)
    assert read(writable, link_decision_table)["decision"].to_list() == ["accepted", "rejected"]
    assert rejected not in app.selectbox(key="network.suggestion").options
    from queries.audit import AuditFilter, search
    from queries.warehouse import security_url

    store = make_engine(security_url(writable, environ={}))
    logged = search(store, AuditFilter(action="link_decision"))
    store.dispose()
    assert logged.select("username", "object", "outcome").rows()[::-1] == [
        ("test-analyst", f"{src} -> {dst}", "ok"),
        ("test-analyst", " -> ".join(rejected.split("|")), "ok"),
    ]


def test_profile_related_companies_come_from_the_same_graph(monkeypatch, sample) -> None:
    groups: pl.DataFrame = sample["groups"]  # type: ignore[assignment]
    group = groups.row(1, named=True)
    member = [m for m in group["members"].split(";") if m != group["group_id"]][0]
    app = open_page(
        monkeypatch, url_of(sample), "company", id=member, quarter=sample["quarter"].label
    )
    expected = related_companies(sample["graph"], member)  # type: ignore[arg-type]
    table = next(frame.value for frame in app.dataframe if "direction" in frame.value.columns)
    shown = [link.split("id=")[1].split("&")[0] for link in table["profile"]]
    assert shown == expected["company_id"].to_list()
    assert "same group" in set(table["relation"])
    lines = [block.value for block in app.markdown]
    assert any(
        line.startswith("Member of the group of") and f"group rank {group['rank']} of" in line
        for line in lines
    )


def test_network_page_in_korean(monkeypatch, sample) -> None:
    app = open_page(monkeypatch, url_of(sample), "network", language="ko")
    assert app.header[0].value == f"기업 관계망: {sample['quarter'].label}"
    assert [s.value for s in app.subheader][:3] == [
        "위험 상위 기업 그룹",
        "사업자 주변 관계망",
        "관계 후보",
    ]


def test_a_warehouse_without_relations_says_so(monkeypatch, writable) -> None:
    from sqlalchemy import delete, update

    from queries.schema import companies, company_relations

    engine = make_engine(writable)
    with engine.begin() as connection:
        connection.execute(delete(company_relations))
        connection.execute(update(companies).values(parent_id=None))
    engine.dispose()
    app = open_page(monkeypatch, writable, "network")
    infos = [box.value for box in app.info]
    assert "No corporate groups on record (no parent relations)." in infos
    assert "No relations between firms on record." in infos
    assert not app.get("plotly_chart")
