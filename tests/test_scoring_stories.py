"""The ranking on the sample world's planted stories: the answer key the generator writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine, select

from queries.bulk import fetch_frame
from queries.schema import sample_stories
from queries.scoring_inputs import ScoringInputs, fetch_scoring_inputs
from queries.warehouse import make_engine
from sample_data.load import generate_warehouse
from scoring.backtest import backtest
from scoring.combine import combine
from scoring.config import ScoringConfig
from scoring.factors import compute_factors

AS_OF = date(2026, 9, 30)
BACKTEST_AS_OF = date(2025, 9, 30)
SHOWN = 15


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The default sample world (2,000 firms, 300,000 complaints, seed 1372), built once."""
    path = tmp_path_factory.mktemp("stories") / "sample.duckdb"
    engine = make_engine(f"duckdb:///{path}")
    generate_warehouse(engine, companies=2000, complaints=300_000, seed=1372)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def inputs(engine: Engine) -> ScoringInputs:
    return fetch_scoring_inputs(engine, AS_OF, ScoringConfig())


@pytest.fixture(scope="module")
def ranked(engine: Engine, inputs: ScoringInputs) -> pl.DataFrame:
    """The ranking as of 2026-09-30 with each firm's planted story kind (null: none)."""
    with engine.connect() as connection:
        stories = fetch_frame(
            connection,
            select(sample_stories.c.company_id, sample_stories.c.kind).where(
                sample_stories.c.company_id.is_not(None)
            ),
            {"company_id": pl.String(), "kind": pl.String()},
        )
    ranking = combine(compute_factors(inputs, ScoringConfig()))
    return ranking.join(stories, on="company_id", how="left").sort("rank")


def kind_rows(ranked: pl.DataFrame, kind: str) -> pl.DataFrame:
    rows = ranked.filter(pl.col("kind") == kind)
    assert rows.height > 0, f"the sample world has no {kind!r} story"
    return rows


def test_print_top_of_the_ranking(ranked: pl.DataFrame) -> None:
    print(f"\ntop {SHOWN} as of {AS_OF} (story kind from sample_stories)")
    for row in ranked.head(SHOWN).iter_rows(named=True):
        print(
            f"{row['rank']:>3} {row['company_id']} {row['kind'] or '-':<18} {row['tier']:<11} "
            f"{row['score']:.3f} n={row['complaints']:<4} {row['explanation']}"
        )
    print("planted firms outside the top:")
    rest = ranked.filter(pl.col("kind").is_not_null() & (pl.col("rank") > SHOWN))
    for row in rest.iter_rows(named=True):
        print(
            f"{row['rank']:>5} {row['company_id']} {row['kind']:<22} {row['tier']:<6} {row['score']:.3f}"
        )
    assert ranked.height == 2000


def test_deteriorating_firms_fill_the_top(ranked: pl.DataFrame) -> None:
    deteriorating = kind_rows(ranked, "deteriorating")
    top10 = ranked.head(10)["kind"].to_list()
    assert top10.count("deteriorating") >= 7, top10
    assert deteriorating["rank"].max() <= SHOWN
    assert set(deteriorating["tier"]) == {"investigate"}
    # The rest of the top is other planted trouble, never an ordinary firm.
    problems = {"deteriorating", "company_surge", "chronic"}
    assert set(ranked.head(SHOWN)["kind"].to_list()) <= problems


def test_big_healthy_firms_are_not_targets(ranked: pl.DataFrame) -> None:
    big = kind_rows(ranked, "big_healthy")
    by_size = ranked.sort("exposure", descending=True, nulls_last=True)["company_id"].head(20)
    assert set(big["company_id"]) <= set(by_size)  # they are among the very largest firms
    assert (big["complaints"] > ranked["complaints"].quantile(0.95)).all()
    assert set(big["tier"]) <= {"watch", "none"}, big.select("company_id", "tier", "score")


def test_tiny_firms_are_never_investigate_or_monitor(ranked: pl.DataFrame) -> None:
    tiny = kind_rows(ranked, "tiny")
    assert tiny["complaints"].max() < ScoringConfig().min_complaints
    assert set(tiny["tier"]) <= {"watch", "none"}


def test_chronic_offenders_are_at_least_monitor(ranked: pl.DataFrame) -> None:
    chronic = kind_rows(ranked, "chronic")
    assert set(chronic["tier"]) <= {"investigate", "monitor"}, chronic.select(
        "company_id", "tier", "score"
    )
    assert (chronic["prior_actions"] >= 2).all()


def test_contributions_add_up_to_the_score(ranked: pl.DataFrame) -> None:
    parts = ranked.select(pl.sum_horizontal(pl.col("^.*_contribution$")).alias("sum"))["sum"]
    assert (parts - ranked["score"]).abs().max() < 1e-12


def test_backtest_beats_counting_complaints(engine: Engine) -> None:
    config = ScoringConfig()
    inputs = fetch_scoring_inputs(engine, BACKTEST_AS_OF, config)
    ranking = combine(compute_factors(inputs, config), config=config)
    result, outcomes = backtest(ranking, inputs.enforcement, BACKTEST_AS_OF)
    print("\n" + "\n".join(result.lines()))
    assert result.firms == 2000 and result.actions > 0
    assert outcomes.height == result.firms
    base_rate = result.firms_actioned / result.firms
    assert dict(result.precision_at)[10] > base_rate
    assert result.auc is not None and result.auc > 0.5
    # Nothing after the as-of date may feed the score: the repeat factor sees no later action.
    later = inputs.enforcement.filter(pl.col("action_date") > BACKTEST_AS_OF)
    assert later.height > 0
    assert ranking["first_prior_action"].drop_nulls().max() <= BACKTEST_AS_OF
