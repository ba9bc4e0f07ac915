"""Group-level ranking: corporate groups scored on their members' pooled aggregates.

Harm split across four subsidiaries can stay under every per-firm threshold; pooled, the same
complaints are one group's, with four times the evidence. `rank_groups` scores every group (a
firm with no parent or same-entity relation is a group of one) with the same factors and tiers
as firms, and names the members that drive each group's score.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from scoring.combine import combine
from scoring.config import FACTORS, ScoringConfig, Weights
from scoring.factors import InputsLike, compute_factors, peer_frame, prior_actions
from scoring.network import group_membership_of, successor_closure
from scoring.phrases import DEFAULT_LANGUAGE, check_language, fill
from scoring.pooling import with_groups

GROUP_LEAD_COLUMNS: tuple[str, ...] = (
    "rank",
    "rank_all",
    "group_id",
    "name",
    "members",
    "member_count",
    "industry",
    "score",
    "tier",
    "complaints",
    "growth",
    "unresolved_rate",
    "explanation",
    "driving_members",
)
MAX_DRIVERS = 3
MIN_EXCESS = 0.5  # below half a complaint (or action) a member drives nothing


def membership_for(inputs: InputsLike) -> pl.DataFrame:
    """Every firm's group (company_id, group_id, group_size) from the recorded relations."""
    return group_membership_of(inputs.companies, inputs.relations)


def member_excess(inputs: InputsLike, config: ScoringConfig) -> pl.DataFrame:
    """Per firm, how far above its own peers it is on each factor, in that factor's units.

    volume: complaints - expected; growth: complaints - baseline x the trend ratio; unresolved
    and timeliness: count - trials x peer rate; severity: issue-weighted complaints - complaints
    x peer index; repeat: enforcement actions counted (own and inherited). Negative values mean
    below the peers.
    """
    windows = config.windows(inputs.as_of)
    firms = peer_frame(inputs, windows, config)
    actions = (
        prior_actions(
            inputs.enforcement,
            successor_closure(inputs.relations),
            inputs.as_of,
            config.repeat_years,
        )
        .group_by("company_id")
        .agg(pl.len().cast(pl.Float64).alias("repeat"))
    )

    def minus(count: str, trials: str, rate: str) -> pl.Expr:
        return pl.col(count).cast(pl.Float64) - pl.col(trials).cast(pl.Float64) * pl.col(
            rate
        ).fill_null(0.0)

    return (
        firms.select(
            "company_id",
            "name",
            (pl.col("complaints") - pl.col("expected")).alias("volume"),
            minus("complaints", "growth_baseline", "growth_null_ratio").alias("growth"),
            minus("unresolved_n", "decided", "peer_unresolved_rate").alias("unresolved"),
            minus("late", "timely_known", "peer_late_rate").alias("timeliness"),
            minus("severity_weighted", "severity_complaints", "peer_severity_index").alias(
                "severity"
            ),
        )
        .join(actions, on="company_id", how="left")
        .with_columns(pl.col("repeat").fill_null(0.0))
    )


def driver_texts(
    ranked: pl.DataFrame,
    excess: pl.DataFrame,
    membership: pl.DataFrame,
    language: str = DEFAULT_LANGUAGE,
) -> pl.DataFrame:
    """Per group of two or more: the members that drive its leading factor, as text and ids.

    The leading factor is the one with the largest contribution to the group's score; members
    are named by their excess on it (largest first, at most MAX_DRIVERS, only those at least
    MIN_EXCESS above their peers). Columns: group_id, drivers (text), driving_members (ids).
    """
    contributions = ranked.select([f"{f}_contribution" for f in FACTORS]).to_numpy()
    lead = np.where(contributions.max(axis=1) > 0, contributions.argmax(axis=1), -1)
    leads = pl.DataFrame(
        {
            "group_id": ranked["company_id"],
            "_factor": [FACTORS[k] if k >= 0 else None for k in lead],
        }
    )
    long = (
        with_groups(excess, membership)
        .join(leads, on="group_id", how="inner")
        .filter(pl.col("_factor").is_not_null())
        .unpivot(
            index=["group_id", "company_id", "name", "_factor"],
            on=list(FACTORS),
            variable_name="factor",
            value_name="excess",
        )
        .filter((pl.col("factor") == pl.col("_factor")) & (pl.col("excess") >= MIN_EXCESS))
        .with_columns(pl.len().over("group_id").alias("_members_driving"))
    )
    sizes = membership.group_by("group_id").agg(pl.len().alias("_size"))
    top = (
        long.join(sizes, on="group_id")
        .filter(pl.col("_size") > 1)
        .sort(["group_id", "excess", "company_id"], descending=[False, True, False])
        .group_by("group_id", maintain_order=True)
        .head(MAX_DRIVERS)
        .with_columns(
            _rank=pl.int_range(pl.len()).over("group_id"),
            _amount=pl.col("excess").round(0).cast(pl.Int64),
        )
        .with_columns(_text=_driver_text(language))
    )
    return top.group_by("group_id", maintain_order=True).agg(
        pl.col("_text").str.join(", ").alias("drivers"),
        pl.col("company_id").str.join(";").alias("driving_members"),
    )


def _driver_text(language: str) -> pl.Expr:
    """'Yeoreum Home Tech Inc. (C00828, +22 complaints above its baseline)' for the first driver
    named (its unit says what is counted), 'Name (id, +16)' for the next ones."""
    name = pl.col("name").fill_null(pl.col("company_id"))
    amount = pl.col("_amount")
    units = pl.lit("")
    for factor in FACTORS:
        one = fill(f"driver.{factor}.one", language)
        many = fill(f"driver.{factor}", language)
        units = (
            pl.when(pl.col("factor") == factor)
            .then(pl.when(amount == 1).then(one).otherwise(many))
            .otherwise(units)
        )
    company_id = pl.col("company_id")
    first = fill(
        "driver.first", language, name=name, company_id=company_id, amount=amount, units=units
    )
    other = fill("driver.next", language, name=name, company_id=company_id, amount=amount)
    return pl.when(pl.col("_rank") == 0).then(first).otherwise(other)


def rank_groups(
    inputs: InputsLike,
    config: ScoringConfig | None = None,
    weights: Weights | Mapping[str, float] | None = None,
    membership: pl.DataFrame | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> pl.DataFrame:
    """Rank every group on its members' pooled aggregates, with the same factors and tiers.

    One row per group, a firm with no group being a group of one (GROUP_LEAD_COLUMNS first,
    then every factor's points, contribution and evidence as for firms); rank and rank_all
    are both the rank among all of them (see `listed_groups`). The explanation is the group's
    own (from the pooled numbers), followed for groups of two or more by "members driving it:
    ..." (see `driver_texts`), in `language`.
    `membership` defaults to the groups of the recorded relations (`membership_for`).
    """
    config = config or ScoringConfig()
    check_language(language)
    membership = membership_for(inputs) if membership is None else membership
    factors = compute_factors(inputs, config, groups=membership, languages=[language])
    ranked = combine(factors, weights, config, language)
    drivers = driver_texts(ranked, member_excess(inputs, config), membership, language)
    ranked = (
        ranked.rename({"company_id": "group_id"})
        .join(drivers, on="group_id", how="left")
        .with_columns(
            pl.when(pl.col("drivers").is_not_null())
            .then(
                fill(
                    "driver.explanation",
                    language,
                    explanation=pl.col("explanation"),
                    drivers=pl.col("drivers"),
                )
            )
            .otherwise(pl.col("explanation"))
            .alias("explanation")
        )
        .drop("drivers")
        .with_columns(pl.col("rank").alias("rank_all"))
        .sort("rank")
    )
    rest = [c for c in ranked.columns if c not in GROUP_LEAD_COLUMNS]
    return ranked.select(*GROUP_LEAD_COLUMNS, *rest)


def listed_groups(ranked: pl.DataFrame, min_members: int = 2) -> pl.DataFrame:
    """The groups of at least `min_members` firms, renumbered: rank among them, rank_all kept.

    rank_all stays the rank among every group and standalone firm, so "2nd group, 21st
    overall" can be read off one row.
    """
    if min_members < 1:
        raise ValueError(f"min_members must be >= 1; got {min_members}.")
    return (
        ranked.filter(pl.col("member_count") >= min_members)
        .sort("rank_all")
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"))
    )
