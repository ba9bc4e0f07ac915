"""PDF reports with reportlab: the quarterly report and one firm's consumer-voice report.

reportlab lays out tables and draws its own vector charts (reports.charts), so a PDF needs
neither a browser nor a network, and it embeds a Korean TrueType font (reports.fonts).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reports import charts
from reports.content import MIN_PEER_FIRMS, FirmReport, QuarterlyReport
from reports.fonts import ReportFonts, report_fonts
from reports.text import change, count, day, percent, points, text
from reports.wording import departure_reason, firm_figures, methodology_paragraphs, most_complained
from scoring.config import FACTORS
from scoring.summaries import TIERS

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
MAX_SURGE_ROWS = 20
HEADER_FILL = colors.Color(0.88, 0.88, 0.88)


class _Styles:
    """Paragraph styles in the report font."""

    def __init__(self, fonts: ReportFonts) -> None:
        regular, bold = fonts.regular, fonts.bold
        self.title = ParagraphStyle("title", fontName=bold, fontSize=20, leading=26)
        self.subtitle = ParagraphStyle("subtitle", fontName=regular, fontSize=12, leading=16)
        self.h1 = ParagraphStyle(
            "h1", fontName=bold, fontSize=13.5, leading=18, spaceBefore=10, spaceAfter=4
        )
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13.5)
        self.small = ParagraphStyle(
            "small",
            fontName=regular,
            fontSize=8,
            leading=10.5,
            textColor=colors.Color(0.25, 0.25, 0.25),
        )
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=7.8, leading=9.8)
        self.head = ParagraphStyle("head", fontName=bold, fontSize=7.8, leading=9.8)
        self.number = ParagraphStyle("number", parent=self.cell, alignment=2)
        self.head_number = ParagraphStyle("head_number", parent=self.head, alignment=2)
        self.big = ParagraphStyle("big", fontName=bold, fontSize=16, leading=20)


def _p(value: object, style: ParagraphStyle) -> Paragraph:
    """Text as a paragraph, escaped: names and labels never become markup. A tuple of values
    becomes one line each."""
    lines = value if isinstance(value, tuple) else (value,)
    return Paragraph("<br/>".join(escape("" if v is None else str(v)) for v in lines), style)


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    styles: _Styles,
    numeric: Sequence[int] = (),
) -> Table:
    """A ruled table, grey header repeated on every page; `numeric` columns align right."""
    body = [
        [_p(h, styles.head_number if i in numeric else styles.head) for i, h in enumerate(header)]
    ]
    for row in rows:
        body.append(
            [_p(v, styles.number if i in numeric else styles.cell) for i, v in enumerate(row)]
        )
    table = Table(body, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), styles.cell.fontName),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.Color(0.6, 0.6, 0.6)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _widths(*fractions: float) -> list[float]:
    """Column widths as fractions of the text width."""
    return [FRAME_WIDTH * f for f in fractions]


def _footer(label: str, language: str, fonts: ReportFonts) -> Callable:
    """Draw the running footer (label and page number) on every page."""

    def draw(canvas, document) -> None:  # noqa: ANN001
        canvas.saveState()
        canvas.setFont(fonts.regular, 7.5)
        canvas.drawString(MARGIN, 10 * mm, label)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN, 10 * mm, text("q.page", language, page=document.page)
        )
        canvas.restoreState()

    return draw


def _render(story: list, title: str, footer: str, language: str, fonts: ReportFonts) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        author="Complaint Radar",
        initialFontName=fonts.regular,
        lang=language,
    )
    draw = _footer(footer, language, fonts)
    document.build(story, onFirstPage=draw, onLaterPages=draw)
    return buffer.getvalue()


# --- quarterly ----------------------------------------------------------------------------


def _tier(tier: object, language: str) -> str:
    return "–" if tier is None else text(f"tier.{tier}", language)


def _headline(report: QuarterlyReport, language: str, styles: _Styles, font: str) -> list:
    h = report.headline
    figures = [
        (text("q.complaints", language), count(h["complaints"])),
        (text("q.change_previous", language), change(h["change_previous"])),  # type: ignore[arg-type]
        (text("q.change_year", language), change(h["change_year"])),  # type: ignore[arg-type]
        (text("q.unresolved", language), percent(h["unresolved_share"])),  # type: ignore[arg-type]
    ]
    cells = [
        [_p(label, styles.small) for label, _ in figures],
        [_p(v, styles.big) for _, v in figures],
    ]
    boxes = Table(cells, colWidths=_widths(0.25, 0.25, 0.25, 0.25))
    boxes.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.Color(0.6, 0.6, 0.6)),
            ]
        )
    )
    tiers = h["tiers"]
    tier_table = _table(
        [text("col.tier", language), text("q.firms", language)],
        [(text(f"tier.{t}", language), count(tiers[t])) for t in TIERS],  # type: ignore[index]
        _widths(0.2, 0.12),
        styles,
        numeric=(1,),
    )
    by_quarter = report.complaints_by_quarter
    bars = charts.column_chart(
        by_quarter["quarter"].to_list(),
        by_quarter["complaints"].to_list(),
        font,
        FRAME_WIDTH * 0.6,
        150,
    )
    side = Table(
        [[tier_table, [_p(text("q.three_quarters", language), styles.small), bars]]],
        colWidths=_widths(0.36, 0.64),
    )
    side.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [
        Paragraph(escape(text("q.headline", language)), styles.h1),
        boxes,
        Spacer(1, 8),
        _p(text("q.tiers", language), styles.small),
        side,
    ]


def build_quarterly_pdf(report: QuarterlyReport) -> bytes:
    """The quarterly report as PDF bytes (A4), in the report's language."""
    language = report.language
    fonts = report_fonts()
    styles = _Styles(fonts)
    font = fonts.regular
    q = report.quarter
    story: list = [
        _p(text("q.title", language), styles.title),
        _p(
            text("q.period", language, quarter=q.label, start=day(q.start), end=day(q.end)),
            styles.subtitle,
        ),
        Spacer(1, 4),
        _p(text("q.generated", language, day=day(report.prepared)), styles.small),
        _p(text("q.internal", language), styles.small),
        Spacer(1, 6),
    ]
    story += _headline(report, language, styles, font)

    weekly = report.weekly
    story += [
        CondPageBreak(230),
        _p(text("q.trend", language), styles.h1),
        charts.weekly_line(
            weekly["period_start"].to_list(),
            weekly["complaints"].to_list(),
            q.start,
            font,
            FRAME_WIDTH,
            190,
        ),
        _p(
            text(
                "q.trend_caption",
                language,
                first=day(weekly["period_start"].min()) if weekly.height else "–",
                last=day(weekly["period_start"].max()) if weekly.height else "–",
            ),
            styles.small,
        ),
    ]

    industries = report.industries
    story += [
        CondPageBreak(200),
        _p(text("q.industries", language), styles.h1),
        _table(
            [
                text(f"col.{c}", language)
                for c in (
                    "industry",
                    "firms",
                    "complaints",
                    "change_previous",
                    "unresolved_share",
                    "investigate",
                    "monitor",
                )
            ],
            [
                (
                    r["industry"],
                    count(r["firms"]),
                    count(r["complaints"]),
                    change(r["change_previous"]),
                    percent(r["unresolved_share"]),
                    count(r["investigate"]),
                    count(r["monitor"]),
                )
                for r in industries.iter_rows(named=True)
            ],
            _widths(0.26, 0.13, 0.13, 0.13, 0.13, 0.11, 0.11),
            styles,
            numeric=(1, 2, 3, 4, 5, 6),
        ),
        Spacer(1, 6),
        _p(text("q.industries_chart", language), styles.small),
        charts.bar_chart(
            industries["industry"].to_list(),
            industries["complaints"].to_list(),
            font,
            FRAME_WIDTH,
            110,
        ),
    ]

    targets = report.targets
    story += [CondPageBreak(200), _p(text("q.targets", language), styles.h1)]
    if targets.height:
        story += [
            _p(text("q.targets_caption", language, count=targets.height), styles.small),
            Spacer(1, 3),
            _table(
                [
                    text(f"col.{c}", language)
                    for c in (
                        "rank",
                        "name",
                        "tier_then",
                        "score",
                        "complaints",
                        "explanation",
                    )
                ],
                [
                    (
                        r["rank"],
                        (r["name"], f"{r['company_id']} · {r['industry']}"),
                        (_tier(r["tier"], language), f"({_tier(r['previous_tier'], language)})"),
                        points(r["score"]),
                        count(r["complaints"]),
                        r["explanation"],
                    )
                    for r in targets.iter_rows(named=True)
                ],
                _widths(0.05, 0.22, 0.13, 0.07, 0.1, 0.43),
                styles,
                numeric=(0, 3, 4),
            ),
            Spacer(1, 6),
            _p(text("q.contributions", language), styles.small),
            _table(
                [
                    text("col.name", language),
                    *[text(f"factor.{f}", language) for f in FACTORS],
                    text("col.score", language),
                ],
                [
                    (
                        r["name"],
                        *[points(r[f"{f}_contribution"]) for f in FACTORS],
                        points(r["score"]),
                    )
                    for r in targets.iter_rows(named=True)
                ],
                _widths(0.23, *([0.11] * 6), 0.11),
                styles,
                numeric=tuple(range(1, 8)),
            ),
        ]
    else:
        story.append(_p(text("q.targets_none", language), styles.body))

    surges = report.surges
    new = int((surges["status"] == "new").sum())
    story += [CondPageBreak(150), _p(text("q.surges", language), styles.h1)]
    if surges.height:
        shown = surges.head(MAX_SURGE_ROWS)
        story += [
            _p(
                text("q.surges_caption", language, new=new, continuing=surges.height - new),
                styles.small,
            ),
            Spacer(1, 3),
            _table(
                [
                    text(f"col.{c}", language)
                    for c in (
                        "status",
                        "level",
                        "subject",
                        "start",
                        "observed",
                        "expected",
                        "q_value",
                    )
                ],
                [
                    (
                        text(f"status.{r['status']}", language),
                        text(f"level.{r['level']}", language),
                        r["name"] or r["key"],
                        day(r["start"]),
                        count(r["observed"]),
                        f"{r['expected']:,.1f}",
                        "–" if r["q_value"] is None else f"{r['q_value']:.2g}",
                    )
                    for r in shown.iter_rows(named=True)
                ],
                _widths(0.1, 0.1, 0.36, 0.13, 0.1, 0.1, 0.11),
                styles,
                numeric=(4, 5, 6),
            ),
        ]
        if surges.height > shown.height:
            story.append(
                _p(
                    text("q.surges_more", language, count=surges.height - shown.height),
                    styles.small,
                )
            )
    else:
        story.append(_p(text("q.surges_none", language), styles.body))
    if report.data_event_weeks:
        weeks = ", ".join(day(w) for w in report.data_event_weeks)
        story.append(_p(text("q.data_events", language, weeks=weeks), styles.small))

    departures = report.departures
    minimum = report.config.min_complaints
    story += [
        CondPageBreak(120),
        _p(text("q.departures", language), styles.h1),
        _p(text("q.departures_caption", language, previous=q.shifted(-1).label), styles.small),
        Spacer(1, 3),
    ]
    if departures.height:
        story.append(
            _table(
                [
                    text(f"col.{c}", language)
                    for c in ("name", "industry", "previous_tier", "tier", "reason")
                ],
                [
                    (
                        f"{r['name']} ({r['company_id']})",
                        r["industry"],
                        _tier(r["previous_tier"], language),
                        _tier(r["tier"], language),
                        departure_reason(r, language, minimum),
                    )
                    for r in departures.iter_rows(named=True)
                ],
                _widths(0.24, 0.12, 0.11, 0.11, 0.42),
                styles,
            )
        )
    else:
        story.append(_p(text("q.departures_none", language), styles.body))

    story += _methodology(report, language, styles)
    return _render(
        story,
        f"{text('q.title', language)} {q.label}",
        f"Complaint Radar · {text('q.title', language)} · {q.label}",
        language,
        fonts,
    )


def _methodology(report: QuarterlyReport, language: str, styles: _Styles) -> list:
    story: list = [CondPageBreak(250)]
    for heading, paragraphs in methodology_paragraphs(report, language):
        story.append(_p(heading, styles.h1))
        for paragraph in paragraphs:
            story += [_p(paragraph, styles.body), Spacer(1, 4)]
    return story


# --- firm -----------------------------------------------------------------------------------


def build_firm_pdf(report: FirmReport) -> bytes:
    """One firm's consumer-voice report as PDF bytes, in the report's language: its own
    figures and pooled peers only."""
    language = report.language
    fonts = report_fonts()
    styles = _Styles(fonts)
    font = fonts.regular
    q = report.quarter
    industry = report.industry
    story: list = [
        _p(text("f.title", language), styles.title),
        _p(
            text(
                "f.subtitle",
                language,
                name=report.name,
                quarter=q.label,
                start=day(q.start),
                end=day(q.end),
            ),
            styles.subtitle,
        ),
        Spacer(1, 6),
        _p(
            text("f.intro", language, name=report.name, quarter=q.label, industry=industry),
            styles.body,
        ),
        _p(text("f.figures", language), styles.h1),
        _table(
            [
                text("col.measure", language),
                text("col.this_firm", language),
                text("col.peers", language),
            ],
            firm_figures(report, language),
            _widths(0.5, 0.25, 0.25),
            styles,
            numeric=(1, 2),
        ),
    ]
    if not report.compare:
        story.append(
            _p(
                text("f.withheld", language, minimum=MIN_PEER_FIRMS, industry=industry),
                styles.small,
            )
        )
    if report.figures["complaints"] == 0:
        story.append(_p(text("f.none", language), styles.body))
    else:
        story.append(_p(text("f.most", language), styles.h1))
        story += [_p(f"• {line}", styles.body) for line in most_complained(report, language)]

    timeline = report.timeline
    story += [
        CondPageBreak(240),
        _p(text("f.trend", language), styles.h1),
        charts.bars_with_pace(
            [d.strftime("%Y-%m") for d in timeline["period_start"]],
            timeline["complaints"].to_list(),
            timeline["expected"].to_list() if report.compare else None,
            (text("col.this_firm", language), text("f.pace", language)),
            font,
            FRAME_WIDTH,
            200,
        ),
        _p(text("f.trend_caption", language, industry=industry), styles.small),
    ]
    if report.figures["complaints"]:
        products, issues = report.products, report.issues
        story += [
            CondPageBreak(160),
            _p(text("f.products", language), styles.h1),
            _table(
                [
                    text(f"col.{c}", language)
                    for c in ("product", "complaints", "share", "unresolved_share")
                ],
                [
                    (
                        r["product"],
                        count(r["complaints"]),
                        percent(r["share"]),
                        percent(r["unresolved_share"]),
                    )
                    for r in products.iter_rows(named=True)
                ],
                _widths(0.46, 0.18, 0.18, 0.18),
                styles,
                numeric=(1, 2, 3),
            ),
            CondPageBreak(160),
            _p(text("f.issues", language), styles.h1),
            _table(
                [
                    text(f"col.{c}", language)
                    for c in ("issue", "complaints", "share", "peer_share")
                ],
                [
                    (
                        r["issue"],
                        count(r["complaints"]),
                        percent(r["share"]),
                        percent(r["peer_share"]),
                    )
                    for r in issues.iter_rows(named=True)
                ],
                _widths(0.46, 0.18, 0.18, 0.18),
                styles,
                numeric=(1, 2, 3),
            ),
        ]
    response = report.response
    series: list[tuple[str, Sequence[float | None]]] = [
        (text("col.this_firm", language), response["share"].to_list())
    ]
    if report.compare:
        series.append((text("col.peers", language), response["peer_share"].to_list()))
    story += [
        KeepTogether(
            [
                _p(text("f.response", language), styles.h1),
                charts.grouped_columns(
                    response["bucket"].to_list(), series, font, FRAME_WIDTH, 170, percent=True
                ),
                _p(text("f.response_caption", language), styles.small),
            ]
        ),
        Spacer(1, 10),
        _p(text("f.privacy", language, minimum=MIN_PEER_FIRMS), styles.small),
        _p(text("q.caveat_unverified", language), styles.small),
    ]
    return _render(
        story,
        f"{text('f.title', language)}: {report.name} {q.label}",
        f"{text('f.footer', language, name=report.name)} · {q.label}",
        language,
        fonts,
    )
