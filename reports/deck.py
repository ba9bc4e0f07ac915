"""The quarterly report as a PowerPoint deck: native tables and charts a team lead can edit.

Every table is a PowerPoint table and every chart a PowerPoint chart (its numbers sit in the
chart's embedded workbook, so "Edit Data" works); text that a spreadsheet would run as a formula
is stored there as text.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from reports.content import QuarterlyReport
from reports.text import change, count, day, percent, points, text
from reports.wording import departure_reason, methodology_paragraphs
from scoring.config import FACTORS
from scoring.exports import neutral_text
from scoring.summaries import TIERS

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.45)
BODY_WIDTH = SLIDE_WIDTH - 2 * MARGIN
TARGET_ROWS_PER_SLIDE = 5
MAX_SURGE_ROWS = 12
TITLE_ONLY_LAYOUT = 5
GREY = RGBColor(0x59, 0x59, 0x59)
FACTOR_COLOURS = ("1F4E79", "2E75B6", "9DC3E6", "C55A11", "F4B183", "7F7F7F")


def slide_count(report: QuarterlyReport) -> int:
    """How many slides the deck of a report has (title, headline, trend, industries, target
    pages, contributions when there are targets, surges, departures, two appendix slides)."""
    targets = report.targets.height
    return 8 + max(1, math.ceil(targets / TARGET_ROWS_PER_SLIDE)) + (1 if targets else 0)


def _slide(deck: PresentationType, title: str) -> Slide:
    """A 'Title Only' slide with its title set, so the deck's outline reads like the report."""
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.35), BODY_WIDTH, Inches(0.9)
    shape.text = title
    for paragraph in shape.text_frame.paragraphs:
        paragraph.font.size = Pt(30)
        paragraph.font.bold = True
    return slide


def _text(
    slide: Slide,
    lines: Sequence[str],
    left: int,
    top: int,
    width: int,
    height: int,
    size: float = 14,
    colour: RGBColor | None = None,
    bold: bool = False,
) -> None:
    """A text box holding one paragraph per line."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        paragraph.space_after = Pt(6)
        if colour is not None:
            paragraph.font.color.rgb = colour


def _table(
    slide: Slide,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    left: int,
    top: int,
    width: int,
    fractions: Sequence[float],
    size: float = 11,
    numeric: Sequence[int] = (),
) -> None:
    """A native table: header row and one row per record; `numeric` columns align right."""
    from pptx.enum.text import PP_ALIGN

    height = Inches(0.3) * (len(rows) + 1)
    table = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, height).table
    total = sum(fractions)
    for index, fraction in enumerate(fractions):
        table.columns[index].width = Emu(int(width * fraction / total))
    for r, values in enumerate([header, *rows]):
        lines = 1
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = "" if value is None else str(value)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(size)
                if c in numeric:
                    paragraph.alignment = PP_ALIGN.RIGHT
            lines = max(lines, _lines(cell.text, table.columns[c].width, size))
        # Rows sized to their text: PowerPoint grows a row that is too short, other viewers may
        # not, and a stored height that fits keeps the slide the same everywhere.
        table.rows[r].height = Emu(int(Pt(size * 1.3) * lines + Inches(0.12)))


def _lines(value: str, width: int, size: float) -> int:
    """About how many lines `value` takes in a cell `width` EMU wide at `size` points: Hangul
    and other wide characters count one em, the rest about half of one."""
    usable = max(width - Inches(0.2), Inches(0.3)) / Pt(size)
    count = 0
    for paragraph in value.split("\n"):
        ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in paragraph)
        count += max(1, math.ceil(ems / usable))
    return count


def _chart_fonts(chart: object, size: float = 11) -> None:
    chart.font.size = Pt(size)  # type: ignore[attr-defined]


def _title_slide(deck: PresentationType, report: QuarterlyReport, language: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    q = report.quarter
    slide.shapes.title.text = f"{text('q.title', language)} {q.label}"
    subtitle = slide.placeholders[1]
    subtitle.text = "\n".join(
        [
            text("q.period", language, quarter=q.label, start=day(q.start), end=day(q.end)),
            text("q.generated", language, day=day(report.prepared)),
            text("q.internal", language),
        ]
    )
    for paragraph in subtitle.text_frame.paragraphs:
        paragraph.font.size = Pt(16)


def _headline_slide(deck: PresentationType, report: QuarterlyReport, language: str) -> None:
    slide = _slide(deck, f"{text('q.headline', language)}: {report.quarter.label}")
    h = report.headline
    figures = [
        (text("q.complaints", language), count(h["complaints"])),
        (text("q.change_previous", language), change(h["change_previous"])),  # type: ignore[arg-type]
        (text("q.change_year", language), change(h["change_year"])),  # type: ignore[arg-type]
        (text("q.unresolved", language), percent(h["unresolved_share"])),  # type: ignore[arg-type]
    ]
    box_width = BODY_WIDTH // 4
    for index, (label, value) in enumerate(figures):
        left = MARGIN + index * box_width
        _text(slide, [label], left, BODY_TOP, box_width, Inches(0.4), size=14, colour=GREY)
        _text(
            slide, [value], left, BODY_TOP + Inches(0.4), box_width, Inches(0.8), size=36, bold=True
        )
    tiers = h["tiers"]
    _text(slide, [text("q.tiers", language)], MARGIN, Inches(3.0), Inches(4), Inches(0.4), 14, GREY)
    _table(
        slide,
        [text("col.tier", language), text("q.firms", language)],
        [(text(f"tier.{t}", language), count(tiers[t])) for t in TIERS],  # type: ignore[index]
        MARGIN,
        Inches(3.45),
        Inches(4.2),
        (2.5, 1.7),
        size=14,
        numeric=(1,),
    )
    data = CategoryChartData(number_format="#,##0")
    data.categories = report.complaints_by_quarter["quarter"].to_list()
    data.add_series(text("q.complaints", language), report.complaints_by_quarter["complaints"])
    left = MARGIN + Inches(5.2)
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        left,
        Inches(2.9),
        SLIDE_WIDTH - left - MARGIN,
        Inches(4.2),
        data,
    ).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = text("q.three_quarters", language)
    chart.has_legend = False
    chart.value_axis.minimum_scale = 0  # bars that start at zero, not at an exaggerating floor
    chart.value_axis.tick_labels.number_format = "#,##0"
    chart.value_axis.tick_labels.number_format_is_linked = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "#,##0"
    plot.data_labels.number_format_is_linked = False
    _chart_fonts(chart, 13)


def _quarterly_date_ticks(axis: object) -> None:
    """A date axis labelled every three months (python-pptx has no setter for the unit)."""
    element = axis._element  # type: ignore[attr-defined]
    for tag, value in (("c:majorUnit", "3"), ("c:majorTimeUnit", "months")):
        for old in element.findall(qn(tag)):
            element.remove(old)
        child = element.makeelement(qn(tag), {"val": value})
        element.append(child)


def _trend_slide(deck: PresentationType, report: QuarterlyReport, language: str) -> None:
    slide = _slide(deck, text("q.trend", language))
    weekly = report.weekly
    data = CategoryChartData(number_format="#,##0")
    data.categories = weekly["period_start"].to_list()
    data.add_series(text("q.complaints", language), weekly["complaints"].to_list())
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.LINE, MARGIN, BODY_TOP, BODY_WIDTH, Inches(5.0), data
    ).chart
    chart.has_legend = False
    chart.has_title = False
    _quarterly_date_ticks(chart.category_axis)
    chart.category_axis.tick_labels.number_format = "yyyy-mm"
    chart.category_axis.tick_labels.number_format_is_linked = False
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.tick_labels.number_format = "#,##0"
    chart.value_axis.tick_labels.number_format_is_linked = False
    series = chart.plots[0].series[0]
    series.smooth = False
    series.format.line.width = Pt(2.25)
    _chart_fonts(chart, 12)
    first = day(weekly["period_start"].min()) if weekly.height else "–"
    last = day(weekly["period_start"].max()) if weekly.height else "–"
    _text(
        slide,
        [text("q.trend_caption", language, first=first, last=last)],
        MARGIN,
        Inches(6.55),
        BODY_WIDTH,
        Inches(0.5),
        size=12,
        colour=GREY,
    )


def _industry_slide(deck: PresentationType, report: QuarterlyReport, language: str) -> None:
    slide = _slide(deck, text("q.industries", language))
    industries = report.industries
    columns = (
        "industry",
        "firms",
        "complaints",
        "change_previous",
        "unresolved_share",
        "investigate",
        "monitor",
    )
    _table(
        slide,
        [text(f"col.{c}", language) for c in columns],
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
            for r in industries.head(14).iter_rows(named=True)
        ],
        MARGIN,
        BODY_TOP,
        Inches(8.0),
        (2.0, 1.3, 1.3, 1.2, 1.2, 1.2, 1.2),
        size=10.5,
        numeric=(1, 2, 3, 4, 5, 6),
    )
    data = CategoryChartData(number_format="#,##0")
    data.categories = [neutral_text(str(v)) for v in industries["industry"].head(14)]
    data.add_series(text("q.complaints", language), industries["complaints"].head(14).to_list())
    left = MARGIN + Inches(8.3)
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, left, BODY_TOP, SLIDE_WIDTH - left - MARGIN, Inches(5.5), data
    ).chart
    chart.has_legend = False
    chart.has_title = True
    chart.chart_title.text_frame.text = text("q.industries_chart", language)
    chart.category_axis.reverse_order = True  # the largest at the top, as in the table
    chart.value_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.value_axis.tick_labels.number_format = "#,##0"
    chart.value_axis.tick_labels.number_format_is_linked = False
    _chart_fonts(chart, 11)


def _tier(tier: object, language: str) -> str:
    return "–" if tier is None else text(f"tier.{tier}", language)


def _target_slides(deck: PresentationType, report: QuarterlyReport, language: str) -> None:
    targets = report.targets
    if targets.height == 0:
        slide = _slide(deck, text("q.targets", language))
        _text(slide, [text("q.targets_none", language)], MARGIN, BODY_TOP, BODY_WIDTH, Inches(1))
        return
    pages = math.ceil(targets.height / TARGET_ROWS_PER_SLIDE)
    for page in range(pages):
        title = text("q.targets", language)
        if pages > 1:
            title = text("q.targets_page", language, page=page + 1, pages=pages)
        slide = _slide(deck, title)
        _text(
            slide,
            [text("q.targets_caption", language, count=targets.height)],
            MARGIN,
            Inches(1.15),
            BODY_WIDTH,
            Inches(0.35),
            size=12,
            colour=GREY,
        )
        chunk = targets.slice(page * TARGET_ROWS_PER_SLIDE, TARGET_ROWS_PER_SLIDE)
        _table(
            slide,
            [
                text(f"col.{c}", language)
                for c in (
                    "rank",
                    "name",
                    "industry",
                    "tier",
                    "previous_tier",
                    "score",
                    "complaints",
                    "explanation",
                )
            ],
            [
                (
                    r["rank"],
                    r["name"],
                    r["industry"],
                    _tier(r["tier"], language),
                    _tier(r["previous_tier"], language),
                    points(r["score"]),
                    count(r["complaints"]),
                    r["explanation"],
                )
                for r in chunk.iter_rows(named=True)
            ],
            MARGIN,
            Inches(1.6),
            BODY_WIDTH,
            (0.45, 2.2, 1.3, 1.15, 1.15, 0.75, 1.2, 5.8),
            size=10.5,
            numeric=(0, 5, 6),
        )


def _contribution_slide(deck: PresentationType, report: QuarterlyReport, language: str) -> None:
    targets = report.targets
    slide = _slide(deck, text("q.contributions", language))
    data = CategoryChartData(number_format="0.00")
    data.categories = [neutral_text(str(name)) for name in targets["name"]]
    for factor in FACTORS:
        data.add_series(
            text(f"factor.{factor}", language), targets[f"{factor}_contribution"].to_list()
        )
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_STACKED, MARGIN, BODY_TOP, BODY_WIDTH, Inches(5.7), data
    ).chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.category_axis.reverse_order = True  # rank 1 at the top
    chart.value_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.value_axis.has_major_gridlines = True
    for series, colour in zip(chart.plots[0].series, FACTOR_COLOURS, strict=False):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = RGBColor.from_string(colour)
    _chart_fonts(chart, 12)


def _surge_slide(deck: PresentationType, report: QuarterlyReport, language: str) -> None:
    slide = _slide(deck, text("q.surges", language))
    surges = report.surges
    new = int((surges["status"] == "new").sum())
    notes = []
    if surges.height:
        notes.append(text("q.surges_caption", language, new=new, continuing=surges.height - new))
    else:
        notes.append(text("q.surges_none", language))
    if surges.height > MAX_SURGE_ROWS:
        notes.append(text("q.surges_more", language, count=surges.height - MAX_SURGE_ROWS))
    if report.data_event_weeks:
        weeks = ", ".join(day(w) for w in report.data_event_weeks)
        notes.append(text("q.data_events", language, weeks=weeks))
    _text(slide, notes, MARGIN, Inches(1.15), BODY_WIDTH, Inches(0.6), size=12, colour=GREY)
    if surges.height == 0:
        return
    _table(
        slide,
        [
            text(f"col.{c}", language)
            for c in ("status", "level", "subject", "start", "observed", "expected", "q_value")
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
            for r in surges.head(MAX_SURGE_ROWS).iter_rows(named=True)
        ],
        MARGIN,
        Inches(2.0),
        BODY_WIDTH,
        (1.2, 1.2, 4.0, 1.6, 1.2, 1.2, 1.2),
        size=12,
        numeric=(4, 5, 6),
    )


def _departure_slide(deck: PresentationType, report: QuarterlyReport, language: str) -> None:
    slide = _slide(deck, text("q.departures", language))
    previous = report.quarter.shifted(-1).label
    departures = report.departures
    _text(
        slide,
        [text("q.departures_caption", language, previous=previous)],
        MARGIN,
        Inches(1.15),
        BODY_WIDTH,
        Inches(0.4),
        size=12,
        colour=GREY,
    )
    if departures.height == 0:
        _text(
            slide, [text("q.departures_none", language)], MARGIN, Inches(1.8), BODY_WIDTH, Inches(1)
        )
        return
    minimum = report.config.min_complaints
    _table(
        slide,
        [
            text(f"col.{c}", language)
            for c in ("name", "industry", "previous_tier", "tier", "reason")
        ],
        [
            (
                r["name"],
                r["industry"],
                _tier(r["previous_tier"], language),
                _tier(r["tier"], language),
                departure_reason(r, language, minimum),
            )
            for r in departures.head(10).iter_rows(named=True)
        ],
        MARGIN,
        Inches(1.7),
        BODY_WIDTH,
        (2.6, 1.5, 1.4, 1.4, 6.0),
        size=11,
    )


def _appendix_slides(deck: PresentationType, report: QuarterlyReport, language: str) -> None:
    sections = methodology_paragraphs(report, language)
    heading, paragraphs = sections[0]
    slide = _slide(deck, heading)
    _text(slide, paragraphs, MARGIN, BODY_TOP, BODY_WIDTH, Inches(5.5), size=15)
    slide = _slide(deck, " · ".join(h for h, _ in sections[1:]))
    top = BODY_TOP
    for heading, paragraphs in sections[1:]:
        _text(slide, [heading], MARGIN, top, BODY_WIDTH, Inches(0.4), size=16, bold=True)
        lines = paragraphs if len(paragraphs) == 1 else [f"• {p}" for p in paragraphs]
        _text(slide, lines, MARGIN, top + Inches(0.45), BODY_WIDTH, Inches(2.2), size=14)
        top += Inches(2.2)


def build_deck(report: QuarterlyReport) -> bytes:
    """The quarterly report as .pptx bytes (16:9), in the report's language."""
    language = report.language
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    deck.core_properties.title = f"{text('q.title', language)} {report.quarter.label}"
    deck.core_properties.author = "Complaint Radar"
    deck.core_properties.language = language
    _title_slide(deck, report, language)
    _headline_slide(deck, report, language)
    _trend_slide(deck, report, language)
    _industry_slide(deck, report, language)
    _target_slides(deck, report, language)
    if report.targets.height:
        _contribution_slide(deck, report, language)
    _surge_slide(deck, report, language)
    _departure_slide(deck, report, language)
    _appendix_slides(deck, report, language)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
