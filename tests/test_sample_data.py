"""Tests of the sample-data generator: contract, determinism, chunking and the planted stories."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from queries import schema
from sample_data import pii
from sample_data.generator import (
    GeneratorConfig,
    SampleWorld,
    build_world,
    generate_complaint_chunks,
)
from sample_data.world import _distinct_strings, needs_side_streets, road_addresses

SMALL = GeneratorConfig(companies=300, complaints=30_000)
STATUTES = {
    "labelling_advertising",
    "terms_conditions",
    "ecommerce",
    "door_to_door",
    "instalment",
    "general",
}
STORY_SIZES = {
    "deteriorating": 10,
    "company_surge": 4,
    "product_surge": 3,
    "chronic": 6,
    "big_healthy": 5,
    "tiny": 20,
    "split_harm_group": 5,
    "sanctioned_predecessor": 1,
    "renamed_successor": 1,
    "undisclosed_link": 6,
}
# The quarter the stories are tuned for (as-of 2026-09-30) and the same quarter a year earlier.
LAST_Q = (date(2026, 7, 1), date(2026, 9, 30))
YEAR_AGO_Q = (date(2025, 7, 1), date(2025, 9, 30))


def _expected_dtype(column: sa.Column) -> pl.DataType:
    """The polars dtype a warehouse column must arrive in."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return pl.Boolean()
    if isinstance(kind, sa.Date):
        return pl.Date()
    if isinstance(kind, sa.Double):
        return pl.Float64()
    assert isinstance(kind, sa.String), f"unexpected type {kind!r} for {column.name}"
    return pl.String()


def _expected_schema(table: sa.Table) -> pl.Schema:
    """Column names in table order with their polars dtypes."""
    return pl.Schema({c.name: _expected_dtype(c) for c in table.columns})


def _all_complaints(config: GeneratorConfig, world: SampleWorld) -> pl.DataFrame:
    """Every chunk of a run, concatenated."""
    return pl.concat(list(generate_complaint_chunks(config, world)))


@pytest.fixture(scope="module")
def world() -> SampleWorld:
    """The small world every test reads."""
    return build_world(SMALL)


@pytest.fixture(scope="module")
def complaints(world: SampleWorld) -> pl.DataFrame:
    """All complaints of the small world."""
    return _all_complaints(SMALL, world)


def _story_ids(world: SampleWorld, kind: str) -> list[str]:
    """Company ids of one story kind."""
    return world.stories.filter(pl.col("kind") == kind)["company_id"].to_list()


def _window(complaints: pl.DataFrame, lo: date, hi: date) -> pl.DataFrame:
    """Complaints received between lo and hi inclusive."""
    return complaints.filter(pl.col("received_date").is_between(lo, hi))


def _per_company(frame: pl.DataFrame) -> pl.DataFrame:
    """Count and unresolved share per company."""
    return frame.group_by("company_id").agg(
        n=pl.len().cast(pl.Int64), unresolved=(pl.col("status") == "unresolved").mean()
    )


# --- configuration -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"companies": 10}, "companies must be >= 150; got 10."),
        ({"complaints": 5}, "complaints must be >= 1000; got 5."),
        ({"seed": -1}, "seed must be >= 0; got -1."),
        ({"chunk_rows": 0}, "chunk_rows must be >= 1; got 0."),
        (
            {"start": date(2026, 1, 1)},
            "end must be at least 539 days after start; got 2026-01-01 to 2026-10-31.",
        ),
    ],
)
def test_config_rejects_out_of_range_values(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        GeneratorConfig(**changes)


def test_chunks_refuse_a_world_from_another_config(world: SampleWorld) -> None:
    other = GeneratorConfig(companies=301, complaints=30_000)
    with pytest.raises(ValueError, match="world does not match config"):
        generate_complaint_chunks(other, world)


# --- determinism and chunking --------------------------------------------------------------


def test_same_seed_gives_identical_frames(world: SampleWorld, complaints: pl.DataFrame) -> None:
    again = build_world(SMALL)
    for name in ("companies", "company_relations", "enforcement_actions", "issue_statutes"):
        assert_frame_equal(getattr(again, name), getattr(world, name))
    assert_frame_equal(again.stories, world.stories)
    assert_frame_equal(_all_complaints(SMALL, again), complaints)


def test_different_seed_gives_different_frames(
    world: SampleWorld, complaints: pl.DataFrame
) -> None:
    config = replace(SMALL, seed=SMALL.seed + 1)
    other = build_world(config)
    assert not other.companies.equals(world.companies)
    assert not other.stories.equals(world.stories)
    first = next(generate_complaint_chunks(config, other))
    assert not first.head(1000).equals(complaints.head(1000))


def test_chunks_respect_chunk_rows_and_match_a_single_chunk_run(
    world: SampleWorld, complaints: pl.DataFrame
) -> None:
    # Blocks of rows have their own random streams, so cutting differently changes nothing.
    config = replace(SMALL, chunk_rows=7_000)
    chunks = list(generate_complaint_chunks(config, world))
    assert [c.height for c in chunks[:-1]] == [7_000] * (len(chunks) - 1)
    assert 0 < chunks[-1].height <= 7_000
    assert_frame_equal(pl.concat(chunks), complaints)


def test_total_is_close_to_the_configured_count(complaints: pl.DataFrame) -> None:
    assert abs(complaints.height - SMALL.complaints) <= 0.03 * SMALL.complaints


# --- the warehouse contract ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("attribute", "table"),
    [
        ("companies", schema.companies),
        ("company_relations", schema.company_relations),
        ("enforcement_actions", schema.enforcement_actions),
        ("issue_statutes", schema.issue_statutes),
        ("stories", schema.sample_stories),
    ],
)
def test_world_frames_have_the_warehouse_columns(
    world: SampleWorld, attribute: str, table: sa.Table
) -> None:
    assert getattr(world, attribute).schema == _expected_schema(table)


def test_complaint_chunks_have_the_warehouse_columns(complaints: pl.DataFrame) -> None:
    assert complaints.schema == _expected_schema(schema.complaints)
    assert (
        complaints.select("sent_date", "timely", "disputed").null_count().row(0)
        == (complaints.height,) * 3
    )


def test_keys_are_unique_and_well_formed(world: SampleWorld, complaints: pl.DataFrame) -> None:
    companies = world.companies
    assert companies["company_id"].is_unique().all()
    assert companies["company_id"].str.contains(r"^C\d{5}$").all()
    assert companies["name"].is_unique().all()
    assert complaints["complaint_id"].is_unique().all()
    assert complaints["complaint_id"].str.contains(r"^K\d{9}$").all()
    assert world.enforcement_actions["action_id"].is_unique().all()
    assert world.stories["story_id"].is_unique().all()
    assert not world.company_relations.is_duplicated().any()
    known = set(companies["company_id"])
    assert set(complaints["company_id"]) <= known
    assert set(world.enforcement_actions["company_id"]) <= known
    assert set(world.company_relations["src_company_id"]) <= known
    assert set(world.company_relations["dst_company_id"]) <= known


def test_business_numbers_use_the_korean_format_and_check_digit(world: SampleWorld) -> None:
    numbers = world.companies["business_no"].drop_nulls()
    assert 0 < world.companies["business_no"].null_count() < 0.1 * world.companies.height
    # Unique but for the one firm planted as registered twice (an undisclosed link).
    twice = world.stories.filter(
        (pl.col("kind") == "undisclosed_link") & pl.col("detail").str.contains("registration")
    )["company_id"]
    repeated = world.companies.drop_nulls("business_no").filter(
        pl.col("business_no").is_duplicated()
    )
    assert sorted(repeated["company_id"]) == sorted(twice) and twice.len() == 2
    assert repeated["business_no"].n_unique() == 1
    assert numbers.str.contains(r"^\d{3}-\d{2}-\d{5}$").all()
    weights = [1, 3, 7, 1, 3, 7, 1, 3, 5]
    for number in numbers.to_list():
        d = [int(c) for c in number.replace("-", "")]
        total = sum(w * x for w, x in zip(weights, d[:9], strict=True)) + d[8] * 5 // 10
        assert (10 - total % 10) % 10 == d[9], number


def test_dates_lie_in_the_period_and_in_order(complaints: pl.DataFrame) -> None:
    received, responded, closed = (
        complaints["received_date"],
        complaints["responded_date"],
        complaints["closed_date"],
    )
    assert received.min() >= SMALL.start
    assert received.max() <= SMALL.end
    assert responded.max() <= SMALL.end
    assert closed.max() <= SMALL.end
    assert complaints.filter(pl.col("responded_date") < pl.col("received_date")).is_empty()
    assert complaints.filter(pl.col("closed_date") < pl.col("received_date")).is_empty()
    assert complaints.filter(pl.col("closed_date") < pl.col("responded_date")).is_empty()


def test_statuses_are_valid_and_match_the_closing_date(complaints: pl.DataFrame) -> None:
    assert set(complaints["status"]) == set(schema.STATUSES)
    open_ = complaints.filter(pl.col("status") == "in_progress")
    assert open_["closed_date"].null_count() == open_.height
    finished = complaints.filter(pl.col("status") != "in_progress")
    assert finished["closed_date"].null_count() == 0


def test_complaints_still_open_cluster_before_the_end(complaints: pl.DataFrame) -> None:
    share = complaints.group_by(
        recent=pl.col("received_date") >= SMALL.end - timedelta(days=28)
    ).agg(open=(pl.col("status") == "in_progress").mean())
    recent = dict(zip(share["recent"], share["open"], strict=True))
    assert recent[True] > 0.3
    assert recent[False] < 0.05


def test_every_issue_maps_to_a_known_statute(world: SampleWorld, complaints: pl.DataFrame) -> None:
    statutes = world.issue_statutes
    assert statutes["issue"].is_unique().all()
    assert set(statutes["statute"]) == STATUTES
    assert set(complaints["issue"]) <= set(statutes["issue"])
    assert 12 <= statutes.height <= 20


def test_enforcement_actions_are_well_formed(world: SampleWorld) -> None:
    actions = world.enforcement_actions
    assert set(actions["statute"]) <= STATUTES
    assert set(actions["action"]) <= {"corrective order", "fine", "warning", "consent decree"}
    fined = actions.filter(pl.col("action") == "fine")
    assert fined["fine_amount"].null_count() == 0
    assert (fined["fine_amount"] > 0).all()
    assert actions.filter(pl.col("action") != "fine")["fine_amount"].null_count() == (
        actions.height - fined.height
    )
    assert actions["action_date"].is_between(SMALL.start, SMALL.end).all()


def test_firm_sizes_are_heavy_tailed_and_partly_unknown(world: SampleWorld) -> None:
    exposure = world.companies["exposure"]
    assert 0.15 <= exposure.null_count() / exposure.len() <= 0.35
    assert exposure.max() / exposure.min() >= 1e4
    assert world.companies["industry"].n_unique() >= 8


def test_intake_is_lower_at_weekends(complaints: pl.DataFrame) -> None:
    by_day = complaints.group_by(weekend=pl.col("received_date").dt.weekday() >= 6).agg(
        per_day=pl.len() / pl.col("received_date").n_unique()
    )
    level = dict(zip(by_day["weekend"], by_day["per_day"], strict=True))
    assert level[False] > 1.3 * level[True]


# --- narratives --------------------------------------------------------------------------


def test_narratives_carry_personal_data_in_several_shapes(complaints: pl.DataFrame) -> None:
    texts = complaints["narrative"].drop_nulls()
    assert 0.25 <= texts.len() / complaints.height <= 0.45
    patterns = {
        "mobile": r"010-\d{4}-\d{4}",
        "mobile undashed": r"010\d{8}",
        "international": r"\+82 10-\d{4}-\d{4}",
        "landline": r"0\d{1,2}-\d{3,4}-\d{4}",
        "full-width": "[０-９]{3}-[０-９]{4}",
        "resident number": r"\d{6}-[1-4]\d{6}",
        "resident number undashed": r"[^\d]\d{6}[1-4]\d{6}(?:\D|$)",
        "e-mail": r"[a-z0-9._]+@[a-z]+\.[a-z]+",
        "card": r"\d{4}-\d{4}-\d{4}-\d{4}",
        "name": "홍길동|김민수|[김이박최정][가-힣]{2}",
    }
    for label, pattern in patterns.items():
        assert texts.str.contains(pattern).sum() > 20, label


def test_card_numbers_in_narratives_pass_the_luhn_check(complaints: pl.DataFrame) -> None:
    cards = (
        complaints["narrative"]
        .drop_nulls()
        .str.extract_all(r"\d{4}-\d{4}-\d{4}-\d{4}")
        .explode()
        .drop_nulls()
        .head(200)
    )
    assert cards.len() > 20
    for card in cards.to_list():
        digits = [int(c) for c in card.replace("-", "")][::-1]
        total = sum(
            d if i % 2 == 0 else (2 * d - 9 if d > 4 else 2 * d) for i, d in enumerate(digits)
        )
        assert total % 10 == 0, card


def test_luhn_check_digit_of_a_published_test_number() -> None:
    # 4111 1111 1111 1111 is the card networks' published Visa test number.
    payload = np.array([[4] + [1] * 14])
    assert pii.luhn_check_digits(payload).tolist() == [1]


# --- the planted stories -----------------------------------------------------------------


def test_stories_have_the_planned_kinds_and_sizes(world: SampleWorld) -> None:
    counts = dict(world.stories.group_by("kind").len().iter_rows())
    assert counts == STORY_SIZES


def test_story_firms_exist_and_are_disjoint(world: SampleWorld) -> None:
    firms = world.stories.filter(pl.col("kind") != "product_surge")
    assert firms["company_id"].null_count() == 0
    assert firms["company_id"].is_unique().all()
    assert set(firms["company_id"]) <= set(world.companies["company_id"])
    assert (world.stories["detail"].str.len_chars() > 10).all()


def test_tiny_firms_have_one_to_five_complaints(
    world: SampleWorld, complaints: pl.DataFrame
) -> None:
    tiny = world.stories.filter(pl.col("kind") == "tiny")
    per = _per_company(complaints.filter(pl.col("company_id").is_in(tiny["company_id"].implode())))
    assert per.height == tiny.height
    assert per["n"].is_between(1, 5).all()
    all_unresolved = tiny.filter(pl.col("detail").str.contains("all unresolved"))["company_id"]
    assert all_unresolved.len() >= 4
    assert (
        per.filter(pl.col("company_id").is_in(all_unresolved.implode()))["unresolved"] == 1
    ).all()


def test_deteriorating_firms_climb_in_count_and_unresolved_share(
    world: SampleWorld, complaints: pl.DataFrame
) -> None:
    firms = _story_ids(world, "deteriorating")
    now = _per_company(_window(complaints, *LAST_Q))
    before = _per_company(_window(complaints, *YEAR_AGO_Q))
    both = (
        pl.DataFrame({"company_id": firms})
        .join(now, on="company_id", how="left")
        .join(before, on="company_id", how="left", suffix="_before")
    )
    assert (both["n"] >= 2.5 * both["n_before"]).all(), both
    assert (both["unresolved"] > both["unresolved_before"]).all(), both
    pooled = both.select(
        (pl.col(f"unresolved{s}") * pl.col(f"n{s}")).sum() / pl.col(f"n{s}").sum()
        for s in ("_before", "")
    ).row(0)
    assert pooled[0] < 0.25 and pooled[1] > 0.5, pooled
    onsets = world.stories.filter(pl.col("kind") == "deteriorating")["onset_date"]
    assert onsets.is_between(SMALL.end - timedelta(days=215), SMALL.end - timedelta(days=150)).all()
    exposure = world.companies.filter(pl.col("company_id").is_in(firms))["exposure"]
    assert 0 < exposure.null_count() < len(firms)


def test_big_healthy_firms_are_among_the_largest(
    world: SampleWorld, complaints: pl.DataFrame
) -> None:
    firms = _story_ids(world, "big_healthy")
    largest = world.companies.sort("exposure", descending=True, nulls_last=True).head(20)
    assert set(firms) <= set(largest["company_id"])
    per = _per_company(complaints.filter(pl.col("company_id").is_in(firms)))
    assert (per["unresolved"] < 0.12).all()
    overall = complaints.group_by("company_id").len()["len"]
    assert (per["n"] > overall.quantile(0.75)).all()


def test_chronic_firms_are_sanctioned_and_half_unresolved(
    world: SampleWorld, complaints: pl.DataFrame
) -> None:
    firms = _story_ids(world, "chronic")
    actions = world.enforcement_actions.group_by("company_id").len()
    counts = dict(actions.iter_rows())
    assert all(counts.get(firm, 0) >= 2 for firm in firms)
    per = _per_company(complaints.filter(pl.col("company_id").is_in(firms)))
    assert per["unresolved"].is_between(0.35, 0.65).all()


def test_company_surges_jump_from_a_monday(world: SampleWorld, complaints: pl.DataFrame) -> None:
    surges = world.stories.filter(pl.col("kind") == "company_surge")
    assert (surges["onset_date"].dt.weekday() == 1).all()
    assert (surges["onset_date"] > LAST_Q[0]).sum() >= 2
    assert (surges["onset_date"] < YEAR_AGO_Q[1]).sum() >= 2
    for firm, onset in surges.select("company_id", "onset_date").iter_rows():
        own = complaints.filter(pl.col("company_id") == firm)
        before = _window(own, onset - timedelta(days=56), onset - timedelta(days=1)).height / 8
        after = _window(own, onset, min(onset + timedelta(days=27), SMALL.end)).height
        weeks = (min(onset + timedelta(days=27), SMALL.end) - onset).days / 7 + 1 / 7
        assert after / weeks >= 2.5 * before, firm


def test_product_surges_rise_across_many_firms(
    world: SampleWorld, complaints: pl.DataFrame
) -> None:
    surges = world.stories.filter(pl.col("kind") == "product_surge")
    assert surges["company_id"].null_count() == surges.height
    for product, onset in surges.select("product", "onset_date").iter_rows():
        own = complaints.filter(pl.col("product") == product)
        before = _window(own, onset - timedelta(days=56), onset - timedelta(days=1)).height / 8
        during = _window(own, onset, onset + timedelta(days=27))
        assert during.height / 4 >= 2.0 * before, product
        assert during["company_id"].n_unique() >= 5, product


def test_split_harm_group_is_a_parent_with_four_subsidiaries(world: SampleWorld) -> None:
    members = set(_story_ids(world, "split_harm_group"))
    edges = world.company_relations.filter(
        (pl.col("relation") == "parent") & pl.col("dst_company_id").is_in(list(members))
    )
    parents = set(edges["src_company_id"])
    assert len(parents) == 1 and parents < members
    assert set(edges["dst_company_id"]) == members - parents
    parent_ids = world.companies.filter(pl.col("company_id").is_in(list(members - parents)))
    assert set(parent_ids["parent_id"]) == parents


def test_split_harm_subsidiaries_rise_less_than_deteriorating_firms(
    world: SampleWorld, complaints: pl.DataFrame
) -> None:
    def growth(firms: list[str]) -> float:
        """Complaints in the last quarter over the average quarter of the year before, pooled."""
        mine = pl.col("company_id").is_in(firms)
        now = _window(complaints, *LAST_Q).filter(mine).height
        year = _window(complaints, date(2025, 4, 1), date(2026, 3, 31)).filter(mine).height
        return now / (year / 4)

    parent = world.company_relations.filter(
        pl.col("dst_company_id").is_in(_story_ids(world, "split_harm_group"))
    )["src_company_id"][0]
    subs = [f for f in _story_ids(world, "split_harm_group") if f != parent]
    weakest = min(growth([firm]) for firm in _story_ids(world, "deteriorating"))
    assert 1.3 < growth(subs) < weakest


def test_successor_picks_up_after_the_sanctioned_predecessor(
    world: SampleWorld, complaints: pl.DataFrame
) -> None:
    stories = world.stories
    old, stop = (
        stories.filter(pl.col("kind") == "sanctioned_predecessor")
        .select("company_id", "onset_date")
        .row(0)
    )
    new, start = (
        stories.filter(pl.col("kind") == "renamed_successor")
        .select("company_id", "onset_date")
        .row(0)
    )
    assert stop < start
    assert (
        world.company_relations.filter(
            (pl.col("src_company_id") == old)
            & (pl.col("dst_company_id") == new)
            & (pl.col("relation") == "successor")
        ).height
        == 1
    )
    fines = world.enforcement_actions.filter(
        (pl.col("company_id") == old) & (pl.col("action") == "fine")
    )
    assert fines.height >= 1 and fines["action_date"].max() < stop
    old_dates = complaints.filter(pl.col("company_id") == old)["received_date"]
    new_dates = complaints.filter(pl.col("company_id") == new)["received_date"]
    assert old_dates.max() < stop and new_dates.min() >= start
    industries = world.companies.filter(pl.col("company_id").is_in([old, new]))["industry"]
    assert industries.n_unique() == 1
    names = world.companies.filter(pl.col("company_id").is_in([old, new]))["name"]
    assert names.n_unique() == 2


def test_firms_without_a_story_are_stable(world: SampleWorld, complaints: pl.DataFrame) -> None:
    story = set(world.stories["company_id"].drop_nulls())
    # Firms selling a product that surges in the compared quarters share that surge.
    surged = world.stories.filter(
        pl.col("onset_date").is_between(YEAR_AGO_Q[0] - timedelta(days=90), LAST_Q[1])
        & pl.col("product").is_not_null()
    )["product"]
    sellers = set(complaints.filter(pl.col("product").is_in(surged.implode()))["company_id"])
    stable = list(set(world.companies["company_id"]) - story - sellers)
    mine = pl.col("company_id").is_in(stable)
    now = _window(complaints, *LAST_Q).filter(mine)
    then = _window(complaints, *YEAR_AGO_Q).filter(mine)
    assert 0.9 <= now.height / then.height <= 1.2
    per = _per_company(now).join(_per_company(then), on="company_id", suffix="_then")
    # Poisson counts: with ~100 firms compared, |z| > 4.5 should essentially never happen.
    busy = per.filter(pl.col("n_then") >= 10)
    assert busy.height >= 10
    z = (busy["n"] - busy["n_then"]) / (busy["n"] + busy["n_then"]).sqrt()
    assert z.abs().max() < 4.5, busy
    # Unresolved shares are compared a quarter earlier: recent complaints are still open.
    spring = [(date(2025, 4, 1), date(2025, 6, 30)), (date(2026, 4, 1), date(2026, 6, 30))]
    shares = [_per_company(_window(complaints, *q).filter(mine)) for q in spring]
    both = shares[1].join(shares[0], on="company_id", suffix="_then").filter(pl.col("n") >= 15)
    p = (both["unresolved"] * both["n"] + both["unresolved_then"] * both["n_then"]) / (
        both["n"] + both["n_then"]
    )
    se = (p * (1 - p) * (1 / both["n"] + 1 / both["n_then"])).sqrt()
    z = (both["unresolved"] - both["unresolved_then"]) / se
    assert z.abs().max() < 4.5, both


# --- scale -------------------------------------------------------------------------------


def test_default_size_timing_is_reported() -> None:
    config = GeneratorConfig()
    started = time.perf_counter()
    world = build_world(config)
    rows = sum(chunk.height for chunk in generate_complaint_chunks(config, world))
    elapsed = time.perf_counter() - started
    print(f"\ndefault sample ({config.companies} firms, {rows:,} complaints): {elapsed:.1f} s")
    assert abs(rows - config.complaints) <= 0.03 * config.complaints


def test_a_crowded_region_still_gets_distinct_addresses() -> None:
    # 60,000 firms all in Seoul, five times its main roads' addresses: before side streets, a
    # 50,000-firm world (the 10M benchmark's) redrew collisions forever.
    rng = np.random.default_rng(5)
    seoul = np.zeros(60_000, dtype=np.int64)
    assert needs_side_streets(seoul)
    addresses = _distinct_strings(
        rng, seoul.size, lambda g, which: road_addresses(g, seoul[which], side_streets=True)
    )
    assert len(set(addresses)) == seoul.size
    assert all(address.endswith(", Seoul") for address in addresses)
    assert any("-gil, " in address for address in addresses)


def test_a_world_that_fits_on_main_roads_has_no_side_streets(world: SampleWorld) -> None:
    # Such worlds draw what they drew before side streets existed: the documentation quotes
    # the default sample's firms.
    addresses = world.companies["address"]
    assert not addresses.str.contains("-gil, ").any()
    assert addresses.str.contains(r"^\d+ \w+-ro, ").all()


def test_too_few_values_to_draw_from_is_an_error_not_a_hang() -> None:
    def coin(rng: np.random.Generator, which: np.ndarray) -> list[str]:
        return [str(side) for side in rng.integers(0, 2, which.size)]

    with pytest.raises(ValueError, match="could not draw 3 distinct values"):
        _distinct_strings(np.random.default_rng(1), 3, coin)
