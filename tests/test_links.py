"""Suggested links: found from shared details, shown with evidence, applied only when accepted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, insert, select

from queries.aggregates import company_table, relations_table
from queries.bulk import fetch_frame
from queries.network import (
    LinkDecisionError,
    alias_table,
    link_decision_table,
    record_link_decision,
)
from queries.schema import (
    companies,
    company_relations,
    create_schema,
    link_decisions,
    present_columns,
    sample_stories,
)
from queries.scoring_inputs import fetch_scoring_inputs
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from scoring.config import ScoringConfig
from scoring.groups import membership_for, rank_groups
from scoring.links import normalise_name, propose_links

RELATIONS_SCHEMA = {
    "src_company_id": pl.String(),
    "dst_company_id": pl.String(),
    "relation": pl.String(),
}


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("EQUIFAX, INC.", "equifax"),
        ("Equifax", "equifax"),
        ("TRANSUNION INTERMEDIATE HOLDINGS, INC.", "transunion intermediate holdings"),
        ("Wells Fargo Bank, N.A.", "wells fargo bank"),
        ("Hanbit Mall Co., Ltd.", "hanbit mall"),
        ("(주)한빛", "한빛"),
        ("주식회사 한빛몰", "한빛몰"),
        ("Ｈａｎｂｉｔ　Ｍａｌｌ", "hanbit mall"),  # full-width letters and space
        ("Co., Ltd.", None),
        (None, None),
    ],
)
def test_names_lose_case_legal_form_and_punctuation(raw: str | None, expected: str | None) -> None:
    assert normalise_name(raw) == expected


def firms(rows: list[dict]) -> pl.DataFrame:
    """A companies table with the optional contact columns."""
    columns = ["company_id", "name", "business_no", "parent_id", "representative", "phone"]
    columns.append("address")
    return pl.DataFrame(
        [{c: row.get(c) for c in columns} for row in rows],
        schema={c: pl.String for c in columns},
    )


def no_relations() -> pl.DataFrame:
    return pl.DataFrame(schema=RELATIONS_SCHEMA)


def test_each_kind_of_evidence_is_found_and_explained_without_personal_data() -> None:
    table = firms(
        [
            {"company_id": "A", "name": "Alpha Trading", "business_no": "123-45-67890"},
            {"company_id": "B", "name": "Beta Goods", "business_no": "1234567890"},
            {
                "company_id": "C",
                "name": "Gamma",
                "phone": "+82 2-555-1234",
                "representative": "김철수",
            },
            {
                "company_id": "D",
                "name": "Delta",
                "phone": "02 555 1234",
                "representative": "김철수",
            },
            {"company_id": "E", "name": "Epsilon", "address": "12 Teheran-ro, Seoul"},
            {"company_id": "F", "name": "Zeta", "address": "12, TEHERAN-RO  seoul"},
            {"company_id": "G", "name": "EQUIFAX, INC."},
            {"company_id": "H", "name": "Equifax"},
            # Same representative only: common names repeat, so this is no evidence alone.
            {"company_id": "I", "name": "Iota", "representative": "이영희"},
            {"company_id": "J", "name": "Kappa", "representative": "이영희"},
        ]
    )
    found = propose_links(table, no_relations())
    rows = {(r["src_company_id"], r["dst_company_id"]): r for r in found.iter_rows(named=True)}
    assert set(rows) == {("A", "B"), ("C", "D"), ("E", "F"), ("G", "H")}
    assert rows["A", "B"]["relation"] == "same_entity"
    assert rows["A", "B"]["evidence"] == "same business registration number"
    assert rows["C", "D"]["relation"] == "shared_representative"
    assert rows["C", "D"]["evidence"] == "same representative; same phone number"
    assert rows["C", "D"]["strength"] == 3
    assert rows["E", "F"]["relation"] == "shared_contact"
    assert rows["G", "H"]["evidence"] == "same name apart from legal form and punctuation"
    assert found["strength"].to_list() == sorted(found["strength"].to_list(), reverse=True)
    text = " ".join(found["evidence"])
    for secret in ("김철수", "555", "Teheran", "123"):
        assert secret not in text


def test_a_detail_shared_by_many_firms_is_a_placeholder_not_evidence() -> None:
    call_centre = [
        {"company_id": f"S{k}", "name": f"Seller {k}", "phone": "1588-0000"} for k in range(9)
    ]
    assert propose_links(firms(call_centre), no_relations()).height == 0
    assert propose_links(firms(call_centre[:3]), no_relations()).height == 3


def test_an_alias_naming_another_firm_suggests_one_entity() -> None:
    table = firms(
        [{"company_id": "T1", "name": "TransUnion"}, {"company_id": "T2", "name": "TU Holdings"}]
    )
    aliases = pl.DataFrame(
        {"alias": ["TRANSUNION, INC.", "TU Holdings"], "company_id": ["T2", "T2"]}
    )
    found = propose_links(table, no_relations(), aliases)
    assert found.select("src_company_id", "dst_company_id", "relation", "kinds").rows() == [
        ("T1", "T2", "same_entity", "alias")
    ]


def test_related_and_decided_pairs_are_not_suggested_again() -> None:
    table = firms(
        [
            {"company_id": "A", "name": "A Corp", "business_no": "111-11-11112"},
            {"company_id": "B", "name": "B Corp", "business_no": "111-11-11112"},
            {"company_id": "C", "name": "C Corp", "business_no": "222-22-22223", "parent_id": "D"},
            {"company_id": "D", "name": "D Corp", "business_no": "222-22-22223"},
            {"company_id": "E", "name": "E Corp", "business_no": "333-33-33334"},
            {"company_id": "F", "name": "F Corp", "business_no": "333-33-33334"},
        ]
    )
    related = pl.DataFrame(
        {"src_company_id": ["B"], "dst_company_id": ["A"], "relation": ["platform_seller"]}
    )
    decided = pl.DataFrame({"src_company_id": ["E"], "dst_company_id": ["F"]})
    assert propose_links(table, related).select("src_company_id").to_series().to_list() == ["E"]
    assert propose_links(table, related, decisions=decided).height == 0


# --- on a warehouse: nothing applied until accepted ------------------------------------------


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small sample world; each test copies it so decisions never leak between tests."""
    path = tmp_path_factory.mktemp("links") / "sample.duckdb"
    engine = make_engine(f"duckdb:///{path}")
    generate_warehouse(engine, companies=300, complaints=20_000, seed=5)
    engine.dispose()
    yield str(path)


@pytest.fixture
def warehouse(sample_url: str, tmp_path: Path) -> Iterator[Engine]:
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(Path(sample_url).read_bytes())
    engine = make_engine(f"duckdb:///{copy}")
    yield engine
    engine.dispose()


def suggestions(engine: Engine) -> pl.DataFrame:
    return propose_links(
        company_table(engine, contacts=True),
        relations_table(engine),
        alias_table(engine),
        link_decision_table(engine),
    )


def test_the_planted_undisclosed_links_are_suggested(warehouse: Engine) -> None:
    with warehouse.connect() as connection:
        planted = fetch_frame(
            connection,
            select(sample_stories.c.company_id, sample_stories.c.detail).where(
                sample_stories.c.kind == "undisclosed_link"
            ),
            {"company_id": pl.String(), "detail": pl.String()},
        )
    found = suggestions(warehouse)
    strong = found.filter(pl.col("strength") >= 2)
    pairs = {frozenset(p) for p in strong.select("src_company_id", "dst_company_id").rows()}
    partner = planted.with_columns(
        pl.col("detail").str.extract(r"as (C\d{5})").alias("other")
    ).select("company_id", "other")
    planted_pairs = {frozenset(p) for p in partner.rows()}
    assert len(planted_pairs) == 3
    assert planted_pairs <= pairs
    by_kind = dict(zip(strong["kinds"], strong["relation"], strict=True))
    assert by_kind["business_no"] == "same_entity"
    assert by_kind["representative;address"] == "shared_representative"
    assert by_kind["phone;address"] == "shared_contact"
    # Already recorded links (the sample's groups, platforms, shared representatives) are not
    # suggested again.
    related = relations_table(warehouse)
    recorded = {frozenset(p) for p in related.select("src_company_id", "dst_company_id").rows()}
    every = {frozenset(p) for p in found.select("src_company_id", "dst_company_id").rows()}
    assert not (every & recorded)


def test_suggestions_are_never_applied_without_acceptance(warehouse: Engine) -> None:
    config = ScoringConfig()
    as_of = date(2026, 9, 30)
    before_relations = relations_table(warehouse)
    before_groups = rank_groups(fetch_scoring_inputs(warehouse, as_of, config), config)
    found = suggestions(warehouse)
    assert found.height > 0
    # Looking at suggestions, again and again, writes nothing and changes no ranking.
    suggestions(warehouse)
    assert relations_table(warehouse).equals(before_relations)
    assert link_decision_table(warehouse).height == 0
    inputs = fetch_scoring_inputs(warehouse, as_of, config)
    assert rank_groups(inputs, config).equals(before_groups)

    same = found.filter(pl.col("relation") == "same_entity").row(0, named=True)
    a, b = same["src_company_id"], same["dst_company_id"]
    groups = membership_for(inputs)
    assert groups.filter(pl.col("company_id").is_in([a, b]))["group_id"].n_unique() == 2

    # A rejection is logged with who and when, and writes no relation.
    other = found.row(1, named=True)
    record_link_decision(
        warehouse,
        src_company_id=other["src_company_id"],
        dst_company_id=other["dst_company_id"],
        relation=other["relation"],
        decision="rejected",
        decided_by="analyst.kim",
        evidence=other["evidence"],
        decided_at=datetime(2026, 10, 1, 17, 5),
    )
    assert relations_table(warehouse).equals(before_relations)

    # Acceptance writes the relation, and only then does the ranking see one firm.
    when = datetime(2026, 10, 2, 9, 30)
    record_link_decision(
        warehouse,
        src_company_id=a,
        dst_company_id=b,
        relation="same_entity",
        decision="accepted",
        decided_by="analyst.kim",
        evidence=same["evidence"],
        decided_at=when,
    )
    after = relations_table(warehouse)
    assert after.height == before_relations.height + 1
    assert (
        after.filter(pl.col("src_company_id") == a)["relation"].to_list().count("same_entity") == 1
    )
    log = link_decision_table(warehouse)
    assert log.select("decision", "decided_by").rows() == [
        ("rejected", "analyst.kim"),
        ("accepted", "analyst.kim"),
    ]
    assert log.filter(pl.col("decision") == "accepted")["decided_at"][0] == when
    inputs = fetch_scoring_inputs(warehouse, as_of, config)
    assert (
        membership_for(inputs).filter(pl.col("company_id").is_in([a, b]))["group_id"].n_unique()
        == 1
    )
    # Neither decided pair is suggested again.
    again = {
        frozenset(p)
        for p in suggestions(warehouse).select("src_company_id", "dst_company_id").rows()
    }
    assert frozenset((a, b)) not in again
    assert frozenset((other["src_company_id"], other["dst_company_id"])) not in again


@pytest.mark.parametrize(
    "change, message",
    [
        ({"decision": "maybe"}, "decision must be one of accepted, rejected; got 'maybe'"),
        ({"decided_by": "  "}, "say who decides: decided_by is empty"),
        ({"dst_company_id": "C00001"}, "a firm cannot be linked to itself (C00001)"),
        ({"dst_company_id": "NOPE"}, "unknown company 'NOPE'"),
        ({"relation": ""}, "relation is empty"),
    ],
)
def test_bad_decisions_are_refused_and_write_nothing(
    any_engine: Engine, change: dict, message: str
) -> None:
    with any_engine.begin() as connection:
        connection.execute(
            insert(companies),
            [{"company_id": "C00001", "name": "A"}, {"company_id": "C00002", "name": "B"}],
        )
    decision = {
        "src_company_id": "C00001",
        "dst_company_id": "C00002",
        "relation": "same_entity",
        "decision": "accepted",
        "decided_by": "analyst.kim",
    }
    with pytest.raises(
        LinkDecisionError, match="^" + message.replace("(", r"\(").replace(")", r"\)")
    ):
        record_link_decision(any_engine, **{**decision, **change})
    assert relations_table(any_engine).height == 0
    assert link_decision_table(any_engine).height == 0


def test_accepting_writes_relation_and_log_on_every_engine(any_engine: Engine) -> None:
    with any_engine.begin() as connection:
        connection.execute(
            insert(companies),
            [{"company_id": "C1", "name": "A"}, {"company_id": "C2", "name": "B"}],
        )
    for _ in range(2):  # accepting the same link twice adds one relation, two log rows
        record_link_decision(
            any_engine,
            src_company_id="C1",
            dst_company_id="C2",
            relation="shared_representative",
            decision="accepted",
            decided_by="analyst.lee",
            evidence="same representative; same address",
        )
    assert relations_table(any_engine).rows() == [("C1", "C2", "shared_representative")]
    log = link_decision_table(any_engine)
    assert log.height == 2 and set(log["evidence"]) == {"same representative; same address"}
    with any_engine.connect() as connection:
        count = connection.execute(select(link_decisions.c.decision_id)).all()
    assert len(count) == 2


def test_an_older_warehouse_gains_the_contact_columns(tmp_path: Path) -> None:
    engine = make_engine(f"duckdb:///{tmp_path / 'old.duckdb'}")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE companies (company_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, "
            "business_no VARCHAR, industry VARCHAR, parent_id VARCHAR, exposure DOUBLE)"
        )
        connection.exec_driver_sql("INSERT INTO companies (company_id, name) VALUES ('C1', 'A')")
    assert "phone" not in present_columns(engine, companies)
    before = company_table(
        engine, contacts=True
    )  # readable before any upgrade, contact columns empty
    assert before["phone"].to_list() == [None] and before["name"].to_list() == ["A"]
    create_schema(engine)
    assert {"representative", "phone", "address"} <= set(present_columns(engine, companies))
    assert company_table(engine)["name"].to_list() == ["A"]
    assert present_columns(engine, company_relations)
    engine.dispose()


def test_a_read_only_warehouse_refuses_a_decision_in_one_line(sample_url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(f"duckdb:///{sample_url}", connect_args={"read_only": True})
    found = suggestions(engine)
    first = found.row(0, named=True)
    with pytest.raises(LinkDecisionError, match="^the warehouse refused the write: "):
        record_link_decision(
            engine,
            src_company_id=first["src_company_id"],
            dst_company_id=first["dst_company_id"],
            relation=first["relation"],
            decision="accepted",
            decided_by="analyst.kim",
        )
    engine.dispose()


def test_contact_details_are_read_only_for_suggestions(warehouse: Engine) -> None:
    from queries.records import company_record

    plain_table = company_table(warehouse)
    assert not {"representative", "phone", "address"} & set(plain_table.columns)
    full = company_table(warehouse, contacts=True)
    assert full["representative"].null_count() == 0  # the sample has them
    record = company_record(warehouse, plain_table["company_id"][0])
    assert record is not None and not {"representative", "phone", "address"} & set(record)
