"""Quarter headlines, the industry table, top movers, tier departures and a quarter's surges."""

from __future__ import annotations

from datetime import date

import polars as pl

from scoring.config import FACTORS

TIERS: tuple[str, ...] = ("investigate", "monitor", "watch", "none")


def _change(current: float, before: float) -> float | None:
    """Relative change (0.25 = up 25%); None when there is nothing to compare with."""
    return None if before <= 0 else current / before - 1.0


def headline(ranked: pl.DataFrame) -> dict[str, object]:
    """Complaints this quarter, change on last quarter and last year, unresolved share, tiers.

    The unresolved share is unresolved (including overdue in-progress) over decided complaints,
    the same definition the score uses; None when nothing was decided.
    """
    totals = ranked.select(
        pl.col("complaints").sum(),
        pl.col("complaints_previous").sum(),
        pl.col("complaints_year_ago").sum(),
        pl.col("unresolved_n").sum(),
        pl.col("decided").sum(),
    ).row(0, named=True)
    return {
        "complaints": int(totals["complaints"]),
        "change_previous": _change(totals["complaints"], totals["complaints_previous"]),
        "change_year": _change(totals["complaints"], totals["complaints_year_ago"]),
        "unresolved_share": (
            totals["unresolved_n"] / totals["decided"] if totals["decided"] else None
        ),
        "tiers": tier_counts(ranked),
    }


def tier_counts(ranked: pl.DataFrame) -> dict[str, int]:
    """How many of the firms each tier holds (every tier in TIERS, 0 where it has none)."""
    counted = dict(ranked.group_by("tier").len().iter_rows())
    return {tier: int(counted.get(tier, 0)) for tier in TIERS}


def industry_table(ranked: pl.DataFrame) -> pl.DataFrame:
    """Per industry: firms with complaints, complaints, change on last quarter, unresolved share
    and firms in the investigate and monitor tiers; most complaints first."""
    grouped = ranked.group_by("industry").agg(
        (pl.col("complaints") > 0).sum().cast(pl.Int64).alias("firms"),
        pl.col("complaints").sum().alias("complaints"),
        pl.col("complaints_previous").sum().alias("complaints_previous"),
        pl.col("unresolved_n").sum().alias("unresolved_n"),
        pl.col("decided").sum().alias("decided"),
        (pl.col("tier") == "investigate").sum().cast(pl.Int64).alias("investigate"),
        (pl.col("tier") == "monitor").sum().cast(pl.Int64).alias("monitor"),
    )
    return grouped.select(
        "industry",
        "firms",
        "complaints",
        pl.when(pl.col("complaints_previous") > 0)
        .then(pl.col("complaints") / pl.col("complaints_previous") - 1.0)
        .otherwise(None)
        .alias("change_previous"),
        pl.when(pl.col("decided") > 0)
        .then(pl.col("unresolved_n") / pl.col("decided"))
        .otherwise(None)
        .alias("unresolved_share"),
        "investigate",
        "monitor",
    ).sort(["complaints", "industry"], descending=[True, False])


def top_movers(ranked: pl.DataFrame, count: int = 10, min_complaints: int = 30) -> pl.DataFrame:
    """Firms whose complaints rose or fell most on last quarter (in complaints, not ratio, so a
    firm going from 1 to 4 does not lead), among firms with `min_complaints` in either quarter.

    Returns `direction` ("up"/"down"), company_id, name, industry, complaints, previous,
    change (complaints) and ratio (null when the previous quarter had none).
    """
    movers = ranked.filter(
        pl.max_horizontal("complaints", "complaints_previous") >= min_complaints
    ).select(
        "company_id",
        "name",
        "industry",
        "tier",
        pl.col("complaints").cast(pl.Int64),
        pl.col("complaints_previous").cast(pl.Int64).alias("previous"),
        (pl.col("complaints").cast(pl.Int64) - pl.col("complaints_previous").cast(pl.Int64)).alias(
            "change"
        ),
        pl.when(pl.col("complaints_previous") > 0)
        .then(pl.col("complaints") / pl.col("complaints_previous"))
        .otherwise(None)
        .alias("ratio"),
    )
    up = movers.filter(pl.col("change") > 0).sort(
        ["change", "company_id"], descending=[True, False]
    )
    down = movers.filter(pl.col("change") < 0).sort(["change", "company_id"])
    return pl.concat(
        [
            up.head(count).with_columns(pl.lit("up").alias("direction")),
            down.head(count).with_columns(pl.lit("down").alias("direction")),
        ]
    ).select("direction", pl.exclude("direction"))


TARGET_TIERS: tuple[str, ...] = ("investigate", "monitor")


def tier_departures(
    ranked: pl.DataFrame, previous: pl.DataFrame, min_complaints: int
) -> pl.DataFrame:
    """Firms that were in a target tier (investigate, monitor) last quarter and sit lower now.

    Both frames come from `combine` (this quarter's and last quarter's ranking, same weights).
    Per firm: company_id, name, industry, previous_tier, tier, previous_score, score,
    complaints, previous_complaints, below_minimum (fewer than `min_complaints` complaints now,
    too few for a target tier whatever the score), and `factor`, `contribution_before`,
    `contribution_after`: the factor whose contribution to the score fell most (null when none
    fell). Ordered by last quarter's rank.
    """
    order = {tier: position for position, tier in enumerate(TIERS)}
    before = previous.filter(pl.col("tier").is_in(TARGET_TIERS)).select(
        "company_id",
        pl.col("rank").alias("previous_rank"),
        pl.col("tier").alias("previous_tier"),
        pl.col("score").alias("previous_score"),
        pl.col("complaints").cast(pl.Int64).alias("previous_complaints"),
        *[pl.col(f"{f}_contribution").alias(f"_before_{f}") for f in FACTORS],
    )
    now = ranked.select(
        "company_id",
        "name",
        "industry",
        "tier",
        "score",
        pl.col("complaints").cast(pl.Int64),
        *[pl.col(f"{f}_contribution").alias(f"_after_{f}") for f in FACTORS],
    )
    moved = before.join(now, on="company_id", how="inner").filter(
        pl.col("tier").replace_strict(order, default=len(TIERS))
        > pl.col("previous_tier").replace_strict(order, default=len(TIERS))
    )
    schema = {
        "company_id": pl.String,
        "name": pl.String,
        "industry": pl.String,
        "previous_tier": pl.String,
        "tier": pl.String,
        "previous_score": pl.Float64,
        "score": pl.Float64,
        "complaints": pl.Int64,
        "previous_complaints": pl.Int64,
        "below_minimum": pl.Boolean,
        "factor": pl.String,
        "contribution_before": pl.Float64,
        "contribution_after": pl.Float64,
    }
    rows = []
    for row in moved.sort("previous_rank").iter_rows(named=True):
        drops = {f: row[f"_before_{f}"] - row[f"_after_{f}"] for f in FACTORS}
        factor = max(FACTORS, key=lambda f: (drops[f], -FACTORS.index(f)))
        fell = drops[factor] > 0
        rows.append(
            {
                **{name: row[name] for name in list(schema)[:9]},
                "below_minimum": row["complaints"] < min_complaints,
                "factor": factor if fell else None,
                "contribution_before": row[f"_before_{factor}"] if fell else None,
                "contribution_after": row[f"_after_{factor}"] if fell else None,
            }
        )
    return pl.DataFrame(rows, schema=schema, orient="row")


def surges_in_period(backfilled: pl.DataFrame, start: date) -> pl.DataFrame:
    """Company and product surge alerts listed on any of the dates backfilled, one row each.

    `backfilled` is `scoring.alerts.backfill_alerts` output (an `as_of` column, then the alert
    columns). An alert is one (level, key, first_flagged); its latest listing is kept, and
    `status` says "new" when it was first flagged on or after `start`, "continuing" when it was
    already flagged before. Data events are left out (they qualify surges, they are not ones).
    Ordered: new first, then by q-value.
    """
    surges = backfilled.filter(pl.col("level").is_in(["company", "product"]))
    latest = (
        surges.sort("as_of")
        .group_by("level", "key", "first_flagged", maintain_order=True)
        .last()
        .with_columns(
            pl.when(pl.col("first_flagged") >= start)
            .then(pl.lit("new"))
            .otherwise(pl.lit("continuing"))
            .alias("status")
        )
    )
    return latest.sort(
        [pl.col("status") != "new", "level", "q_value", "key"], nulls_last=True
    ).select("status", pl.exclude("status", "as_of"))
