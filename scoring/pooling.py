"""Pool firms into groups: members' counts are added, their peer yardsticks weighted together.

A group is scored on the pooled aggregates of its members, never on an average of their scores.
Each member is first compared with the peers of its own industry (expected complaints, peer
unresolved and late rates, the industry trend, peer severity); the group's yardstick is the
members' yardsticks weighted by the members' share of what is measured. So a group that spans a
retailer, a card issuer and a travel agency is held to the mix of those three industries, not
to whichever industry its largest member happens to be in.
"""

from __future__ import annotations

import polars as pl

# Counts that add up over members.
SUMMED: tuple[str, ...] = (
    "complaints",
    "resolved",
    "unresolved",
    "in_progress",
    "withdrawn",
    "overdue_in_progress",
    "responded",
    "timely_known",
    "late",
    "amount_n",
    "amount_sum",
    "complaints_previous",
    "complaints_year_ago",
    "complaints_trailing",
    "complaints_before",
    "expected",
    "unresolved_n",
    "decided",
    "growth_baseline",
    "severity_complaints",
    "severity_weighted",
)
# Peer yardsticks and the member count each one is weighted by.
WEIGHTED: dict[str, str] = {
    "peer_unresolved_rate": "decided",
    "unresolved_funnel_target": "decided",
    "peer_late_rate": "timely_known",
    "growth_null_ratio": "growth_baseline",
    "peer_severity_index": "severity_complaints",
    "peer_amount_mean": "amount_n",
}
MEMBERS_BASIS = "members"
# True for a group whose members span several industries: its phrases then speak of "its
# members' industry peers" rather than of one industry.
MIXED = "_mixed_peers"


def with_groups(frame: pl.DataFrame, membership: pl.DataFrame) -> pl.DataFrame:
    """Add group_id to a frame keyed by company_id; a firm missing from membership is alone."""
    groups = membership.select("company_id", "group_id").unique("company_id", keep="first")
    return frame.join(groups, on="company_id", how="left").with_columns(
        pl.col("group_id").fill_null(pl.col("company_id"))
    )


def weighted_mean(value: str, weight: str) -> pl.Expr:
    """sum(value x weight) / sum(weight) over members with a value; without weight, the mean.

    A group whose members have nothing to weigh by (no complaints decided, say) still gets a
    yardstick, as a single firm does; null only when no member has one.
    """
    v, w = pl.col(value), pl.col(weight).cast(pl.Float64).fill_null(0.0)
    has = v.is_not_null()
    total = w.filter(has).sum()
    return (
        pl.when(total > 0).then((v * w).filter(has).sum() / total).otherwise(v.mean()).alias(value)
    )


def pool_firms(firms: pl.DataFrame, membership: pl.DataFrame) -> pl.DataFrame:
    """One row per group from per-firm rows that carry counts and peer yardsticks.

    `firms` is the per-firm frame scoring.factors builds before the factors (counts, expected,
    peer rates, the MIXED flag); the result has the same columns with company_id = group_id, plus
    `members` (ids joined by ";", the group's head first) and `member_count`. Name is the
    head's; industry is the one with most complaints over the last five quarters (ties:
    alphabetical); exposure is the members' total when every member's is known, else null.
    A group of one is its firm, unchanged apart from the two added columns.
    """
    tagged = with_groups(firms, membership).with_columns(
        _busy=pl.col("complaints") + pl.col("complaints_trailing"),
        _head=pl.col("company_id") == pl.col("group_id"),
    )
    dominant = (
        tagged.group_by("group_id", "industry")
        .agg(pl.col("_busy").sum())
        .sort(["group_id", "_busy", "industry"], descending=[False, True, False])
        .group_by("group_id", maintain_order=True)
        .first()
        .select("group_id", pl.col("industry").alias("_dominant"))
    )
    present = [c for c in SUMMED if c in firms.columns]
    weighted = [c for c in WEIGHTED if c in firms.columns]
    heads_first = tagged.sort(["group_id", "_head", "company_id"], descending=[False, True, False])
    pooled = heads_first.group_by("group_id", maintain_order=True).agg(
        pl.col("name").first(),
        pl.col("industry").first().alias("_head_industry"),
        pl.col("industry").n_unique().alias("_industries"),
        pl.when(pl.col("exposure").null_count() == 0)
        .then(pl.col("exposure").sum())
        .alias("exposure"),
        pl.col("volume_basis").first().alias("_basis"),
        *[pl.col(c).sum() for c in present],
        *[weighted_mean(c, WEIGHTED[c]) for c in weighted],
        pl.col("company_id").str.join(";").alias("members"),
        pl.len().cast(pl.Int64).alias("member_count"),
    )
    single = pl.col("member_count") == 1
    mixed = pl.col("_industries") > 1
    pooled = pooled.join(dominant, on="group_id", how="left").with_columns(
        pl.when(single)
        .then(pl.col("_head_industry"))
        .otherwise(pl.col("_dominant"))
        .alias("industry"),
        pl.when(single)
        .then(pl.col("_basis"))
        .otherwise(pl.lit(MEMBERS_BASIS))
        .alias("volume_basis"),
        mixed.alias(MIXED),
    )
    columns = [c if c != "company_id" else "group_id" for c in firms.columns]
    return (
        pooled.select(*columns, "members", "member_count")
        .rename({"group_id": "company_id"})
        .with_columns(*[pl.col(c).cast(firms.schema[c]) for c in present])
        .sort("company_id")
    )


def pool_issues(issues: pl.DataFrame, membership: pl.DataFrame) -> pl.DataFrame:
    """Per-firm issue counts added up per group (company_id becomes the group id)."""
    counts = [c for c, dtype in issues.schema.items() if dtype.is_numeric()]
    counts = [c for c in counts if c != "response_days_median"]
    return (
        with_groups(issues, membership)
        .group_by("group_id", "issue")
        .agg(*[pl.col(c).sum() for c in counts])
        .rename({"group_id": "company_id"})
        .sort("company_id", "issue", nulls_last=True)
    )


def pool_actions(actions: pl.DataFrame, membership: pl.DataFrame) -> pl.DataFrame:
    """Members' enforcement actions (own and inherited) as the group's, each action once.

    An action a member inherited from another member of the same group is the group's own; an
    action inherited by two members counts once. Columns as scoring.factors.prior_actions.
    """
    groups = membership.select("company_id", "group_id").unique("company_id", keep="first")
    source = groups.rename({"company_id": "inherited_from", "group_id": "_source_group"})
    return (
        with_groups(actions, membership)
        .join(source, on="inherited_from", how="left")
        .with_columns(
            pl.when(pl.col("_source_group") == pl.col("group_id"))
            .then(None)
            .otherwise(pl.col("inherited_from"))
            .alias("inherited_from")
        )
        .sort(["group_id", "action_id", "inherited_from"], nulls_last=False)
        .unique(["group_id", "action_id"], keep="first", maintain_order=True)
        .drop("company_id", "_source_group")
        .rename({"group_id": "company_id"})
        .select(actions.columns)
        .sort("company_id", "action_date", "action", "statute")
    )
