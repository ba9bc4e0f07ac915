"""Corporate groups on real firms: the UK FCA's firm-level complaints figures and firm groups.

The FCA publishes, each half-year, every reporting firm's complaints opened and closed, how fast
they were closed and the share upheld (decided in the consumer's favour), with the firm's group.
Groups are built with the same network code as for the warehouse (scoring.network): per
publication, each published group is a parent of its firms, so a firm that changed hands is in
the right group in each half-year. Group figures are the members' counts added up; rates are
recomputed from the pooled counts, never averaged over firms.
"""

from __future__ import annotations

import polars as pl

from scoring.links import normalise_name
from scoring.network import PARENT, build_graph, group_membership

NO_GROUP: tuple[str, ...] = ("", "NO GROUP")
GROUP_PREFIX = "group:"
COUNTS: tuple[str, ...] = ("opened", "closed", "upheld", "closed_within_8_weeks")


def firm_totals(frame: pl.DataFrame) -> pl.DataFrame:
    """Per publication and firm: its counts added up over product groups.

    upheld = pct_upheld x closed and closed_within_8_weeks = (pct within 3 days + pct after 3
    days within 8 weeks) x closed, per product row, then added. A published share above 1 (a
    flaw in the source) is capped at 1; a missing share counts as none.
    """
    share = [pl.col(c).clip(0.0, 1.0).fill_null(0.0) for c in ("pct_upheld",)]
    quick = (
        pl.col("pct_closed_within_3_days").fill_null(0.0)
        + pl.col("pct_closed_after_3_days_within_8_weeks").fill_null(0.0)
    ).clip(0.0, 1.0)
    return (
        frame.with_columns(
            upheld=share[0] * pl.col("closed").fill_null(0.0),
            closed_within_8_weeks=quick * pl.col("closed").fill_null(0.0),
        )
        .group_by("publication", "firm_name")
        .agg(*[pl.col(c).fill_null(0.0).sum() for c in COUNTS])
        .sort("publication", "firm_name")
    )


def firm_groups(rows: pl.DataFrame) -> pl.DataFrame:
    """Per publication and firm: group_id and group_name, from a graph of each half-year.

    `rows` are the published rows (or firm_totals). Every group a firm is listed under in a
    half-year is a parent of it there, so a firm listed under two groups in one half-year (BISL
    under both BGL and Markerstudy in 2024-H1) joins them into one group, named after the group
    with most firms. A firm published with no group ("NO GROUP" or blank) is a group of one,
    named after itself. Group names are matched without case, legal form or punctuation
    ("SANTANDER UK - GROUP" and "SANTANDER UK GROUP" are one group). Columns: publication,
    firm_name, group_id, group_name, group_size (firms in the group).
    """
    listings = rows.select("publication", "firm_name", "firm_group").unique()
    parts = []
    for (publication,), listed in listings.group_by("publication", maintain_order=True):
        firms_then = listed.select("firm_name").unique()
        grouped = listed.filter(~pl.col("firm_group").fill_null("").is_in(NO_GROUP))
        heads = grouped.with_columns(
            (
                pl.lit(GROUP_PREFIX)
                + pl.col("firm_group").map_elements(normalise_name, return_dtype=pl.String)
            ).alias("group_node")
        )
        companies = pl.concat(
            [
                firms_then.select(
                    pl.col("firm_name").alias("company_id"),
                    pl.col("firm_name").alias("name"),
                    pl.lit(None, dtype=pl.String).alias("industry"),
                ),
                heads.group_by("group_node")
                .agg(pl.col("firm_group").mode().sort().first())
                .select(
                    pl.col("group_node").alias("company_id"),
                    pl.col("firm_group").alias("name"),
                    pl.lit(None, dtype=pl.String).alias("industry"),
                ),
            ]
        ).with_columns(pl.lit(None, dtype=pl.String).alias("parent_id"))
        relations = heads.select(
            pl.col("group_node").alias("src_company_id"),
            pl.col("firm_name").alias("dst_company_id"),
            pl.lit(PARENT).alias("relation"),
        )
        graph = build_graph(companies, relations)
        membership = group_membership(graph).filter(
            ~pl.col("company_id").str.starts_with(GROUP_PREFIX)
        )
        names = companies.select(pl.col("company_id").alias("group_id"), "name")
        parts.append(
            membership.join(names, on="group_id", how="left").select(
                pl.lit(publication).alias("publication"),
                pl.col("company_id").alias("firm_name"),
                "group_id",
                pl.col("name").alias("group_name"),
                # The group node is a member of its own component, not a firm.
                pl.col("group_id").count().over("group_id").alias("group_size"),
            )
        )
    return pl.concat(parts).sort("publication", "firm_name")


def group_totals(firms: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """Per publication and group: members, their counts added up and rates from the sums.

    upheld_rate = upheld / closed and within_8_weeks = closed_within_8_weeks / closed (null
    when nothing was closed); mean_member_upheld_rate is the plain average over members, shown
    only to make plain how much an average of firms can mislead. Sorted by publication, then
    complaints opened (most first).
    """
    rated = firms.with_columns(
        pl.when(pl.col("closed") > 0).then(pl.col("upheld") / pl.col("closed")).alias("_rate")
    )
    return (
        rated.join(groups, on=["publication", "firm_name"], how="inner")
        .sort("publication", "group_id", "opened", descending=[False, False, True])
        .group_by("publication", "group_id", maintain_order=True)
        .agg(
            pl.col("group_name").first(),
            pl.len().alias("firms"),
            pl.col("firm_name").str.join("; ").alias("members"),
            *[pl.col(c).sum() for c in COUNTS],
            pl.col("firm_name").first().alias("largest_member"),
            pl.col("opened").first().alias("largest_member_opened"),
            pl.col("_rate").mean().alias("mean_member_upheld_rate"),
        )
        .with_columns(
            upheld_rate=pl.when(pl.col("closed") > 0).then(pl.col("upheld") / pl.col("closed")),
            within_8_weeks=pl.when(pl.col("closed") > 0).then(
                pl.col("closed_within_8_weeks") / pl.col("closed")
            ),
        )
        .sort(["publication", "opened"], descending=[False, True])
    )


def like_for_like(
    firms: pl.DataFrame, groups: pl.DataFrame, publication: str, earlier: str
) -> pl.DataFrame:
    """Each group of `publication` against the same firms in `earlier`: opened then and now.

    Firms are matched by name without case, legal form or punctuation ("National Westminster
    Bank Plc" and "NATIONAL WESTMINSTER BANK PUBLIC LIMITED COMPANY" are one firm), so a
    renamed firm or a relabelled group does not look like growth. Columns: group_id,
    group_name, opened, opened_before (members found in `earlier`), matched (their number),
    firms, change (opened of matched members now / before; null without a match).
    """
    key = pl.col("firm_name").map_elements(normalise_name, return_dtype=pl.String)
    now = (
        firms.filter(pl.col("publication") == publication)
        .join(groups, on=["publication", "firm_name"])
        .with_columns(key.alias("_firm"))
    )
    before = (
        firms.filter(pl.col("publication") == earlier)
        .with_columns(key.alias("_firm"))
        .group_by("_firm")
        .agg(pl.col("opened").sum().alias("_before"))
    )
    return (
        now.join(before, on="_firm", how="left")
        .group_by("group_id")
        .agg(
            pl.col("group_name").first(),
            pl.len().alias("firms"),
            pl.col("opened").sum(),
            pl.col("opened").filter(pl.col("_before").is_not_null()).sum().alias("_now_matched"),
            pl.col("_before").sum().alias("opened_before"),
            pl.col("_before").is_not_null().sum().alias("matched"),
        )
        .with_columns(
            change=pl.when(pl.col("opened_before") > 0).then(
                pl.col("_now_matched") / pl.col("opened_before")
            )
        )
        .drop("_now_matched")
        .sort("opened", descending=True)
    )
