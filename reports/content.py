"""What a report says, gathered once from a ReportSource and read by every output format.

`quarterly_report` and `firm_report` collect the frames; the builders in `reports.deck` and
`reports.pdf` only lay them out. Nothing here computes a statistic of its own: headline,
industry table, tier departures and surges come from `scoring.summaries`, firm figures from the
ranking and `scoring.profile`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from privacy.masking import mask_text
from queries.filters import ComplaintFilter
from reports.sources import ReportSource
from reports.text import check_language
from scoring.alerts import backfill_alerts
from scoring.config import FACTORS, ScoringConfig
from scoring.profile import company_timeline, peer_counts, unresolved_share, with_shares
from scoring.quarters import Quarter, quarters_between
from scoring.summaries import (
    TARGET_TIERS,
    headline,
    industry_table,
    surges_in_period,
    tier_departures,
)

TREND_QUARTERS = 8  # the weekly trend covers the quarter and the seven before, as the overview
FIRM_TREND_MONTHS = 24
MIN_PEER_FIRMS = 5  # industry figures in a firm report pool at least this many other firms
TOP_BREAKDOWN_ROWS = 10


class ReportError(ValueError):
    """A report that cannot be made as asked (unknown firm, quarter outside the data)."""


@dataclass(frozen=True, eq=False)
class QuarterlyReport:
    """Everything the quarterly deck and PDF show, for one quarter."""

    quarter: Quarter
    language: str
    prepared: date
    headline: dict[str, object]
    complaints_by_quarter: pl.DataFrame  # quarter, complaints: a year ago, last quarter, this one
    weekly: pl.DataFrame  # period_start, complaints: whole weeks of the last TREND_QUARTERS
    industries: pl.DataFrame  # scoring.summaries.industry_table
    targets: pl.DataFrame  # investigate and monitor firms, ranked, with previous_tier
    surges: pl.DataFrame  # scoring.summaries.surges_in_period
    data_event_weeks: tuple[date, ...]
    departures: pl.DataFrame  # scoring.summaries.tier_departures
    coverage: dict[str, object]
    config: ScoringConfig


@dataclass(frozen=True, eq=False)
class FirmReport:
    """Everything the consumer-voice report of one firm shows: its own figures and pooled peers."""

    quarter: Quarter
    language: str
    prepared: date
    company_id: str
    name: str
    industry: str
    figures: dict[str, object]
    compare: bool  # whether enough other firms pool into the industry figures
    peer_firms: int
    timeline: pl.DataFrame  # period_start, complaints, expected, unresolved_share, peer share
    products: pl.DataFrame  # product, complaints, share, unresolved_share
    issues: pl.DataFrame  # issue, complaints, share, peer_share
    response: pl.DataFrame  # bucket, complaints, share, peer_share
    deadline_days: int


def check_quarter(source: ReportSource, quarter: Quarter) -> None:
    """ReportError unless the warehouse holds the whole quarter."""
    summary = source.warehouse_summary()
    first, last = summary["first_received"], summary["last_received"]
    if first is None or last is None:
        raise ReportError("the warehouse holds no complaints yet.")
    available = quarters_between(first, last)  # type: ignore[arg-type]
    if quarter not in available:
        span = f"{available[0].label} to {available[-1].label}" if available else "none"
        raise ReportError(
            f"quarter {quarter.label} is not complete in the warehouse "
            f"(complaints from {first} to {last}; complete quarters: {span})."
        )


def sundays(start: date, end: date) -> list[date]:
    """Every Sunday from start to end, and end itself: the days the alert list is read on."""
    first = start + timedelta(days=(6 - start.weekday()) % 7)
    days = [first + timedelta(weeks=k) for k in range((end - first).days // 7 + 1)]
    return sorted({*[d for d in days if d <= end], end})


def quarterly_report(
    source: ReportSource, quarter: Quarter, language: str = "en", prepared: date | None = None
) -> QuarterlyReport:
    """Gather the quarter's headline, trend, industries, targets, surges and departures; the
    report and the firms' explanations are in `language`."""
    check_language(language)
    check_quarter(source, quarter)
    ranked = source.ranking(quarter.end, language)
    previous = source.ranking(quarter.shifted(-1).end, language)
    figures = headline(ranked)
    trend = ComplaintFilter(start=quarter.shifted(1 - TREND_QUARTERS).start, end=quarter.end)
    # A week cut by the quarter's end would look like a collapse: whole weeks only.
    weekly = source.weekly_totals(trend).filter(
        pl.col("period_start") <= quarter.end - timedelta(days=6)
    )
    totals = ranked.select(
        pl.col("complaints_year_ago").sum(),
        pl.col("complaints_previous").sum(),
        pl.col("complaints").sum(),
    ).row(0)
    by_quarter = pl.DataFrame(
        {
            "quarter": [quarter.shifted(-4).label, quarter.shifted(-1).label, quarter.label],
            "complaints": [int(v) for v in totals],
        }
    )
    last_tier = previous.select("company_id", pl.col("tier").alias("previous_tier"))
    targets = (
        ranked.filter(pl.col("tier").is_in(TARGET_TIERS))
        .join(last_tier, on="company_id", how="left", maintain_order="left")
        .select(
            "rank",
            "company_id",
            "name",
            "industry",
            "tier",
            "previous_tier",
            "score",
            "complaints",
            "explanation",
            *[f"{f}_contribution" for f in FACTORS],
        )
    )
    inputs = source.alert_inputs(quarter.end)
    backfilled = backfill_alerts(inputs, sundays(quarter.start, quarter.end))
    events = backfilled.filter(
        (pl.col("level") == "data") & (pl.col("first_flagged") >= quarter.start)
    )
    summary = source.warehouse_summary()
    return QuarterlyReport(
        quarter=quarter,
        language=language,
        prepared=prepared or date.today(),
        headline=figures,
        complaints_by_quarter=by_quarter,
        weekly=weekly,
        industries=industry_table(ranked),
        targets=targets,
        surges=surges_in_period(backfilled, quarter.start),
        data_event_weeks=tuple(sorted(set(events["first_flagged"].to_list()))),
        departures=tier_departures(ranked, previous, source.config.min_complaints),
        coverage={
            "complaints": summary["complaints"],
            "companies": summary["companies"],
            "first_received": summary["first_received"],
            "last_received": summary["last_received"],
            "ranked": ranked.height,
            "active": int((ranked["complaints"] > 0).sum()),
        },
        config=source.config,
    )


def _masked_labels(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Category labels with any personal data masked (labels come from source files as typed)."""
    return frame.with_columns(
        pl.col(column).fill_null("–").map_elements(mask_text, return_dtype=pl.String)
    )


def _decided_share(frame: pl.DataFrame) -> pl.Expr:
    return unresolved_share(frame).alias("unresolved_share")


def _with_peer_share(
    own: pl.DataFrame, industry: pl.DataFrame, key: str, compare: bool
) -> pl.DataFrame:
    """Add peer_share: the other firms' share of their own complaints per key (null if withheld)."""
    own = with_shares(own.select(key, pl.col("complaints").cast(pl.Int64)))
    if not compare:
        return own.with_columns(pl.lit(None, dtype=pl.Float64).alias("peer_share"))
    peers = with_shares(peer_counts(industry, own, key=key).select(key, "complaints"))
    return own.join(
        peers.select(key, pl.col("share").alias("peer_share")), on=key, how="left"
    ).with_columns(pl.col("peer_share").fill_null(0.0))


def firm_report(
    source: ReportSource,
    company_id: str,
    quarter: Quarter,
    language: str = "en",
    prepared: date | None = None,
) -> FirmReport:
    """Gather one firm's complaints, response times and unresolved share against its peers.

    Peers are the other firms of its industry, pooled; with fewer than MIN_PEER_FIRMS of them
    having complaints this quarter, no industry figure is given (it could single one out).
    """
    check_language(language)
    record = source.company_record(company_id)
    if record is None:
        raise ReportError(f"unknown company {company_id!r}.")
    check_quarter(source, quarter)
    ranked = source.ranking(quarter.end, language)
    industry = str(record["industry"] or "")
    row = ranked.filter(pl.col("company_id") == company_id)
    firm = row.row(0, named=True) if row.height else {}
    peer_firms = int(
        ranked.filter(
            (pl.col("industry") == industry)
            & (pl.col("company_id") != company_id)
            & (pl.col("complaints") > 0)
        ).height
    )
    compare = peer_firms >= MIN_PEER_FIRMS

    def peer(name: str) -> object:
        return firm.get(name) if compare else None

    figures = {
        "complaints": int(firm.get("complaints") or 0),
        "previous": int(firm.get("complaints_previous") or 0),
        "year_ago": int(firm.get("complaints_year_ago") or 0),
        "unresolved_rate": firm.get("unresolved_rate"),
        "peer_unresolved_rate": peer("peer_unresolved_rate"),
        "late_rate": firm.get("late_rate"),
        "peer_late_rate": peer("peer_late_rate"),
    }
    months = source.firm_months(company_id, quarter.end)
    industry_months = source.industry_months(industry, quarter.end)
    timeline = company_timeline(months, peer_counts(industry_months, months)).rename(
        {"industry_unresolved_share": "peer_unresolved_share"}
    )
    timeline = timeline.filter(pl.col("period_start") >= quarter.shifted(-7).start)
    if not compare:
        timeline = timeline.with_columns(
            pl.lit(None, dtype=pl.Float64).alias(c) for c in ("expected", "peer_unresolved_share")
        )
    window = ComplaintFilter(company_ids=(company_id,), start=quarter.start, end=quarter.end)
    industry_window = ComplaintFilter(industry=industry, start=quarter.start, end=quarter.end)
    products = source.breakdown("product", window, quarter.end)
    products = with_shares(
        products.select("product", pl.col("complaints").cast(pl.Int64), _decided_share(products))
    )
    issues = _with_peer_share(
        source.breakdown("issue", window, quarter.end),
        source.breakdown("issue", industry_window, quarter.end),
        "issue",
        compare,
    )
    response = _with_peer_share(
        source.response_histogram(window),
        source.response_histogram(industry_window),
        "bucket",
        compare,
    )
    order = ["complaints", "product"]
    return FirmReport(
        quarter=quarter,
        language=language,
        prepared=prepared or date.today(),
        company_id=company_id,
        name=str(record["name"] or company_id),
        industry=industry,
        figures=figures,
        compare=compare,
        peer_firms=peer_firms,
        timeline=timeline,
        products=_masked_labels(
            products.sort(order, descending=[True, False]).head(TOP_BREAKDOWN_ROWS), "product"
        ),
        issues=_masked_labels(
            issues.sort(["complaints", "issue"], descending=[True, False]).head(TOP_BREAKDOWN_ROWS),
            "issue",
        ),
        response=response,
        deadline_days=source.config.deadline_days,
    )
