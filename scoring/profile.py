"""One firm's history read against its industry: the figures behind a company profile."""

from __future__ import annotations

import polars as pl


def unresolved_share(frame: pl.DataFrame) -> pl.Expr:
    """Unresolved (with overdue in-progress) over decided complaints; null when none decided."""
    unresolved = pl.col("unresolved") + pl.col("overdue_in_progress")
    decided = pl.col("resolved") + unresolved
    return pl.when(decided > 0).then(unresolved / decided).otherwise(None)


def company_timeline(firm: pl.DataFrame, industry: pl.DataFrame) -> pl.DataFrame:
    """Monthly complaints and unresolved share of a firm beside its industry.

    `expected` is what the firm would have received had it kept its average share of the
    industry's complaints over the months shown (null if the industry had none); both frames are
    company_period_counts-shaped (period_start plus status counts). Months without complaints
    at the firm count as 0.
    """
    firm_months = firm.select(
        "period_start",
        pl.col("complaints").cast(pl.Int64),
        unresolved_share(firm).alias("unresolved_share"),
    )
    industry_months = industry.select(
        "period_start",
        pl.col("complaints").cast(pl.Int64).alias("industry_complaints"),
        unresolved_share(industry).alias("industry_unresolved_share"),
    )
    joined = industry_months.join(firm_months, on="period_start", how="full", coalesce=True).sort(
        "period_start"
    )
    joined = joined.with_columns(pl.col("complaints").fill_null(0))
    total_industry = joined["industry_complaints"].fill_null(0).sum()
    share = joined["complaints"].sum() / total_industry if total_industry else None
    return joined.with_columns(
        (pl.col("industry_complaints") * share).alias("expected")
        if share is not None
        else pl.lit(None, dtype=pl.Float64).alias("expected")
    ).select(
        "period_start", "complaints", "expected", "unresolved_share", "industry_unresolved_share"
    )


def with_shares(counts: pl.DataFrame, column: str = "complaints") -> pl.DataFrame:
    """Add `share`: each row's count over the total (null when the total is 0)."""
    total = counts[column].sum()
    return counts.with_columns(
        (pl.col(column) / total).alias("share")
        if total
        else pl.lit(None, dtype=pl.Float64).alias("share")
    )


def firm_history(rankings: dict[str, pl.DataFrame], company_id: str) -> pl.DataFrame:
    """A firm's rank, score and tier in each quarter's ranking (quarter label -> ranked frame)."""
    rows = []
    for label, ranked in rankings.items():
        found = ranked.filter(pl.col("company_id") == company_id)
        if found.height:
            row = found.row(0, named=True)
            rows.append(
                {
                    "quarter": label,
                    "rank": row["rank"],
                    "score": row["score"],
                    "tier": row["tier"],
                    "complaints": row["complaints"],
                    "firms": ranked.height,
                }
            )
    schema = {
        "quarter": pl.String,
        "rank": pl.Int64,
        "score": pl.Float64,
        "tier": pl.String,
        "complaints": pl.Int64,
        "firms": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


PEER_COUNT_COLUMNS: tuple[str, ...] = (
    "complaints",
    "resolved",
    "unresolved",
    "in_progress",
    "withdrawn",
    "overdue_in_progress",
    "responded",
    "timely_known",
    "late",
)


def peer_counts(
    industry: pl.DataFrame, firm: pl.DataFrame, key: str = "period_start"
) -> pl.DataFrame:
    """The industry's counts less the firm's own, per `key`: what the other firms received.

    Both frames hold `key` and the count columns they share with PEER_COUNT_COLUMNS; a key the
    firm lacks counts 0 for it. Sums and medians cannot be split this way and are dropped.
    """
    columns = [c for c in PEER_COUNT_COLUMNS if c in industry.columns and c in firm.columns]
    own = firm.select(key, *[pl.col(c).cast(pl.Int64).alias(f"_own_{c}") for c in columns])
    joined = industry.select(key, *[pl.col(c).cast(pl.Int64) for c in columns]).join(
        own, on=key, how="left"
    )
    return joined.select(
        key, *[(pl.col(c) - pl.col(f"_own_{c}").fill_null(0)).alias(c) for c in columns]
    )
