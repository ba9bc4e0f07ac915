"""Sentences shared by the deck and the PDF: why a firm left its tier, the methodology
appendix, a firm's key figures and its most frequent issues."""

from __future__ import annotations

from reports.content import FirmReport, QuarterlyReport
from reports.text import count, day, percent, points, text


def departure_reason(row: dict[str, object], language: str, minimum: int) -> str:
    """Why a firm left its tier, in words: too few complaints, or the factor that fell most."""
    parts = []
    if row["below_minimum"]:
        parts.append(text("q.reason_minimum", language, count=row["complaints"], minimum=minimum))
    if row["factor"] is not None:
        parts.append(
            text(
                "q.reason_factor",
                language,
                factor=text(f"factor.{row['factor']}", language),
                before=points(row["contribution_before"]),  # type: ignore[arg-type]
                after=points(row["contribution_after"]),  # type: ignore[arg-type]
            )
        )
    parts.append(
        text(
            "q.reason_score",
            language,
            before=points(row["previous_score"]),  # type: ignore[arg-type]
            after=points(row["score"]),  # type: ignore[arg-type]
        )
    )
    return "; ".join(parts)


def methodology_paragraphs(report: QuarterlyReport, language: str) -> list[tuple[str, list[str]]]:
    """The appendix as (heading, paragraphs): scoring, tiers, alerts, coverage and caveats."""
    config = report.config
    weights = ", ".join(
        f"{text(f'factor.{f}', language)} {w:g}" for f, w in config.weights.as_dict().items()
    )
    coverage = report.coverage
    caveats = ["q.caveat_unverified", "q.caveat_sample", "q.caveat_scores"]
    return [
        (
            text("q.method", language),
            [
                text("q.method_score", language, weights=weights),
                text(
                    "q.method_tiers",
                    language,
                    investigate=f"{config.investigate_score:g}",
                    monitor=f"{config.monitor_score:g}",
                    watch=f"{config.watch_score:g}",
                    minimum=config.min_complaints,
                ),
                text("q.method_alerts", language),
            ],
        ),
        (
            text("q.coverage", language),
            [
                text(
                    "q.coverage_text",
                    language,
                    complaints=count(coverage["complaints"]),
                    companies=count(coverage["companies"]),
                    first=day(coverage["first_received"]),  # type: ignore[arg-type]
                    last=day(coverage["last_received"]),  # type: ignore[arg-type]
                    active=count(coverage["active"]),
                    ranked=count(coverage["ranked"]),
                )
            ],
        ),
        (text("q.caveats", language), [text(key, language) for key in caveats]),
    ]


def most_complained(report: FirmReport, language: str, top: int = 3) -> list[str]:
    """One line for each of the firm's most frequent issues, with the peers' share if shown."""
    lines = []
    for row in report.issues.head(top).iter_rows(named=True):
        peer = (
            text("f.most_peer", language, share=percent(row["peer_share"]))
            if report.compare and row["peer_share"] is not None
            else ""
        )
        lines.append(
            text(
                "f.most_line",
                language,
                issue=row["issue"],
                count=count(row["complaints"]),
                share=percent(row["share"]),
                peer=peer,
            )
        )
    return lines


def firm_figures(report: FirmReport, language: str) -> list[tuple[str, str, str]]:
    """Key figures as (measure, this firm, other firms in the industry) rows."""
    f = report.figures
    return [
        (text("f.complaints", language), count(f["complaints"]), "–"),
        (text("f.previous", language), count(f["previous"]), "–"),
        (text("f.year_ago", language), count(f["year_ago"]), "–"),
        (
            text("f.unresolved", language),
            percent(f["unresolved_rate"]),  # type: ignore[arg-type]
            percent(f["peer_unresolved_rate"]),
        ),  # type: ignore[arg-type]
        (
            text("f.late", language, days=report.deadline_days),
            percent(f["late_rate"]),
            percent(f["peer_late_rate"]),
        ),  # type: ignore[arg-type]
    ]
