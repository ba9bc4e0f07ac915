"""Group ranking and successors on the sample world's planted network stories.

The default sample (2,000 firms, 300,000 complaints, seed 1372) plants a group whose harm is
split across four subsidiaries (split_harm_group) and a fined firm that stopped trading and
carries on under a new name (sanctioned_predecessor, renamed_successor).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, select

import cli
from queries.bulk import fetch_frame
from queries.schema import enforcement_actions, sample_stories
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse

AS_OF = "2026-09-30"
STORY_SCHEMA = {"company_id": pl.String(), "kind": pl.String(), "detail": pl.String()}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    path = tmp_path_factory.mktemp("network_stories") / "sample.duckdb"
    url = f"duckdb:///{path}"
    engine = make_engine(url)
    generate_warehouse(engine, companies=2000, complaints=300_000, seed=1372)
    yield url, engine
    engine.dispose()


@pytest.fixture(scope="module")
def stories(sample: tuple[str, Engine]) -> pl.DataFrame:
    with sample[1].connect() as connection:
        s = sample_stories.c
        return fetch_frame(
            connection,
            select(s.company_id, s.kind, s.detail).where(s.company_id.is_not(None)),
            STORY_SCHEMA,
        )


def rank(url: str, tmp_path: Path, *extra: str) -> pl.DataFrame:
    """`python cli.py rank` as JSON, read back."""
    out = tmp_path / f"rank{len(extra)}.json"
    argv = ["rank", "--db", url, "--as-of", AS_OF, "--format", "json", "--out", str(out), *extra]
    assert cli.main(argv) == 0
    return pl.DataFrame(json.loads(out.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def firms(sample: tuple[str, Engine], tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    return rank(sample[0], tmp_path_factory.mktemp("firms"))


@pytest.fixture(scope="module")
def groups(sample: tuple[str, Engine], tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    return rank(sample[0], tmp_path_factory.mktemp("groups"), "--level", "group")


def test_split_harm_group_surfaces_though_no_member_is_investigate(
    stories: pl.DataFrame, firms: pl.DataFrame, groups: pl.DataFrame
) -> None:
    planted = stories.filter(pl.col("kind") == "split_harm_group")
    parent = planted.filter(pl.col("detail").str.starts_with("group parent"))["company_id"][0]
    members = set(planted["company_id"])
    alone = firms.filter(pl.col("company_id").is_in(list(members)))
    print("\nmembers on their own:")
    for row in alone.sort("rank").iter_rows(named=True):
        print(f"  {row['rank']:>5} {row['company_id']} {row['tier']:<8} {row['score']:.3f}")
    assert alone.height == 5
    assert "investigate" not in set(alone["tier"])

    row = groups.filter(pl.col("group_id") == parent).row(0, named=True)
    units = firms.height - groups["member_count"].sum() + groups.height  # groups + lone firms
    print(f"group {parent}: {row['rank']} of {groups.height} groups, {row['rank_all']} of {units}")
    print(f"  {row['tier']} {row['score']:.3f}: {row['explanation']}")
    assert set(row["members"].split(";")) == members and row["member_count"] == 5
    assert row["rank"] <= 3  # among the first three corporate groups
    assert row["rank_all"] <= 0.02 * units  # and in the top 2% of every target
    # It surfaces above most of its own members: the pooled evidence outweighs the parts.
    assert (alone["rank"] > row["rank_all"]).sum() >= 3
    assert row["tier"] in {"investigate", "monitor", "watch"}
    # Totals are the members' own.
    assert row["complaints"] == alone["complaints"].sum()
    # The explanation names the subsidiaries that drive it.
    driving = set(row["driving_members"].split(";"))
    assert len(driving & (members - {parent})) >= 2
    for company_id in driving:
        assert f"({company_id}, +" in row["explanation"]


def test_renamed_successor_is_at_least_monitor_and_names_its_predecessor(
    sample: tuple[str, Engine], stories: pl.DataFrame, firms: pl.DataFrame
) -> None:
    old = stories.filter(pl.col("kind") == "sanctioned_predecessor")["company_id"][0]
    new = stories.filter(pl.col("kind") == "renamed_successor")["company_id"][0]
    with sample[1].connect() as connection:
        e = enforcement_actions.c
        fines = fetch_frame(
            connection,
            select(e.action_date).where((e.company_id == old) & (e.action == "fine")),
            {"action_date": pl.Date()},
        )
    fined = fines["action_date"].max()
    old_name = firms.filter(pl.col("company_id") == old)["name"][0]
    row = firms.filter(pl.col("company_id") == new).row(0, named=True)
    print(f"\nsuccessor {new}: rank {row['rank']}, {row['tier']}: {row['explanation']}")
    assert row["tier"] in {"investigate", "monitor"}
    assert f"successor of {old_name} ({old}, fined {fined:%Y-%m})" in row["explanation"]
    assert row["inherited_actions"] >= 1
