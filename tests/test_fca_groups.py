"""Group aggregation on real firms: the FCA's published complaints figures and firm groups."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from queries.fca import FcaFileError, read_fca_complaints
from scoring.fca import firm_groups, firm_totals, group_totals, like_for_like
from scoring.links import normalise_name
from tests.conftest import require

FCA = Path(__file__).resolve().parents[2] / "shared" / "data" / "fca"
LONG_TABLE = FCA / "fca_firm_level_complaints.parquet"
LATEST, YEAR_BEFORE = "2025-H1", "2024-H1"


@pytest.fixture(scope="module")
def fca() -> dict[str, pl.DataFrame]:
    require(LONG_TABLE.exists(), f"{LONG_TABLE} is missing (see ../shared/data/README.md)")
    raw = read_fca_complaints(LONG_TABLE)
    firms = firm_totals(raw)
    groups = firm_groups(raw)
    return {"raw": raw, "firms": firms, "groups": groups, "totals": group_totals(firms, groups)}


def test_group_totals_equal_the_sum_of_their_members(fca: dict[str, pl.DataFrame]) -> None:
    raw, firms, groups, totals = fca["raw"], fca["firms"], fca["groups"], fca["totals"]
    assert raw.height == 2970 and raw["publication"].n_unique() == 7
    # Every firm of every half-year is in exactly one group.
    assert groups.height == firms.height
    assert not groups.select("publication", "firm_name").is_duplicated().any()
    # Each group's counts are its members' counts added up, member by member.
    members = (
        firms.join(groups, on=["publication", "firm_name"])
        .group_by("publication", "group_id")
        .agg(pl.col("opened", "closed", "upheld").sum(), pl.len().alias("firms"))
    )
    joined = totals.join(members, on=["publication", "group_id"], suffix="_members")
    assert joined.height == totals.height
    for column in ("opened", "closed", "upheld", "firms"):
        assert (joined[column] - joined[f"{column}_members"]).abs().max() < 1e-6, column
    # And nothing is lost or counted twice: per half-year, groups add up to the whole file.
    by_file = raw.group_by("publication").agg(pl.col("opened").sum())
    by_groups = totals.group_by("publication").agg(pl.col("opened").sum())
    both = by_file.join(by_groups, on="publication", suffix="_groups")
    assert (both["opened"] - both["opened_groups"]).abs().max() < 1e-6


def test_groups_match_the_published_group_names(fca: dict[str, pl.DataFrame]) -> None:
    # Computed without the graph: the file's own rows summed by group label (case, legal form
    # and punctuation aside), for firms published with a group.
    raw, groups, totals = fca["raw"], fca["groups"], fca["totals"]
    labelled = raw.filter(~pl.col("firm_group").fill_null("").is_in(["", "NO GROUP"]))
    direct = (
        labelled.with_columns(
            pl.col("firm_group").map_elements(normalise_name, return_dtype=pl.String).alias("label")
        )
        .group_by("publication", "label")
        .agg(pl.col("opened").fill_null(0.0).sum().alias("direct"), pl.col("firm_name").unique())
        .explode("firm_name")
        .join(groups, on=["publication", "firm_name"])
        .group_by("publication", "label")
        .agg(pl.col("direct").first(), pl.col("group_id").unique())
    )
    # Every label's firms are in one group ...
    assert direct["group_id"].list.len().max() == 1
    direct = direct.with_columns(pl.col("group_id").list.first())
    labels = direct.group_by("publication", "group_id").agg(pl.len().alias("labels"))
    joined = direct.join(labels, on=["publication", "group_id"]).join(
        totals, on=["publication", "group_id"]
    )
    # ... whose total is the label's, unless a firm listed under two labels joined them.
    single = joined.filter(pl.col("labels") == 1)
    assert (single["opened"] - single["direct"]).abs().max() < 1e-6
    merged = joined.filter(pl.col("labels") > 1)
    print(f"\nlabels joined through a shared firm: {merged.height} (of {joined.height})")
    for row in merged.iter_rows(named=True):
        print(f"  {row['publication']} {row['label']} -> {row['group_name']}")
    assert merged.height <= 0.02 * joined.height
    assert (merged["opened"] >= merged["direct"] - 1e-6).all()


def test_the_leading_uk_groups_in_the_latest_half_year(fca: dict[str, pl.DataFrame]) -> None:
    firms, totals = fca["firms"], fca["totals"]
    latest = totals.filter(pl.col("publication") == LATEST)
    top_firm = (
        firms.filter(pl.col("publication") == LATEST)
        .sort("opened", descending=True)
        .row(0, named=True)
    )
    lead = latest.row(0, named=True)
    print(f"\n{LATEST}: largest firm {top_firm['firm_name']} ({top_firm['opened']:,.0f} opened)")
    print(f"{'group':<30} firms   opened   upheld  upheld%  mean of firms%  largest member")
    for row in latest.filter(pl.col("firms") > 1).head(8).iter_rows(named=True):
        print(
            f"{row['group_name'][:30]:<30} {row['firms']:>5} {row['opened']:>8,.0f} "
            f"{row['upheld']:>8,.0f} {row['upheld_rate']:>7.1%} "
            f"{row['mean_member_upheld_rate']:>15.1%}  {row['largest_member']}"
        )
    # The group view changes the answer: Barclays Bank UK is the firm with the most
    # complaints, but Lloyds Banking Group, spread over several firms (Lloyds Bank, Bank of
    # Scotland, which trades as Halifax, ...), has more as a group.
    assert top_firm["firm_name"] == "Barclays Bank UK PLC"
    assert lead["group_name"] == "LLOYDS BANKING GROUP PLC"
    assert lead["opened"] > top_firm["opened"] > lead["largest_member_opened"]
    assert {"Lloyds Bank PLC", "Bank of Scotland plc"} <= set(lead["members"].split("; "))
    # A pooled rate is a weighted mean of its members' rates: inside their range, and not the
    # plain average over firms (which gives a tiny firm the weight of Lloyds Bank).
    member_rates = (
        firms.filter(pl.col("publication") == LATEST)
        .filter(pl.col("firm_name").is_in(lead["members"].split("; ")))
        .filter(pl.col("closed") > 0)
        .select((pl.col("upheld") / pl.col("closed")).alias("rate"))["rate"]
    )
    assert member_rates.min() <= lead["upheld_rate"] <= member_rates.max()
    assert abs(lead["upheld_rate"] - lead["mean_member_upheld_rate"]) > 0.01


def test_growth_is_measured_on_the_same_firms_not_the_same_label(
    fca: dict[str, pl.DataFrame],
) -> None:
    totals = fca["totals"]
    change = like_for_like(fca["firms"], fca["groups"], LATEST, YEAR_BEFORE)
    natwest = change.filter(pl.col("group_name") == "NATWEST GROUP").row(0, named=True)
    # National Westminster Bank was published under "THE ROYAL BANK OF SCOTLAND GROUP" and as
    # "National Westminster Bank Plc" in 2024-H1; the label alone would show NatWest Group
    # growing five-fold.
    labelled = totals.filter(pl.col("group_name") == "NATWEST GROUP").select(
        "publication", "opened"
    )
    then, now = (
        labelled.filter(pl.col("publication") == p)["opened"][0] for p in (YEAR_BEFORE, LATEST)
    )
    assert now / then > 5
    assert natwest["matched"] == natwest["firms"] and natwest["change"] < 1.2
    barclays = change.filter(pl.col("group_name") == "BARCLAYS PLC").row(0, named=True)
    print(f"\nlike for like {YEAR_BEFORE} -> {LATEST}:")
    for row in change.filter(pl.col("opened") > 50_000).iter_rows(named=True):
        print(
            f"  {row['group_name'][:30]:<30} {row['opened_before']:>9,.0f} -> {row['opened']:>9,.0f}  x{row['change']:.2f}"
        )
    assert barclays["change"] > 1.5  # the largest rise among the large groups
    large = change.filter(pl.col("opened") > 50_000)
    assert large.sort("change", descending=True)["group_name"][0] == "BARCLAYS PLC"


def test_a_published_share_above_one_is_capped(fca: dict[str, pl.DataFrame]) -> None:
    raw, firms = fca["raw"], fca["firms"]
    flawed = raw.filter(pl.col("pct_upheld") > 1)
    assert flawed.height == 1  # the flaw the data README mentions
    row = flawed.row(0, named=True)
    firm = firms.filter(
        (pl.col("publication") == row["publication"]) & (pl.col("firm_name") == row["firm_name"])
    ).row(0, named=True)
    assert firm["upheld"] <= firm["closed"]


def test_a_file_of_another_shape_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.parquet"
    pl.DataFrame({"firm_name": ["A"], "opened": [1.0]}).write_parquet(other)
    with pytest.raises(FcaFileError, match="missing columns publication, firm_group"):
        read_fca_complaints(other)
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet")
    with pytest.raises(FcaFileError, match="not a readable Parquet file"):
        read_fca_complaints(junk)
