"""Quarter headlines, the industry table and top movers, all read off one ranked frame."""

from __future__ import annotations

import polars as pl

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
    tiers = dict(ranked.group_by("tier").len().iter_rows())
    return {
        "complaints": int(totals["complaints"]),
        "change_previous": _change(totals["complaints"], totals["complaints_previous"]),
        "change_year": _change(totals["complaints"], totals["complaints_year_ago"]),
        "unresolved_share": (
            totals["unresolved_n"] / totals["decided"] if totals["decided"] else None
        ),
        "tiers": {tier: int(tiers.get(tier, 0)) for tier in TIERS},
    }


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
