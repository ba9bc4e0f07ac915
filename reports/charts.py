"""Charts for PDF reports drawn with reportlab's own graphics: vector, no browser, and legible
in black and white (dark and light grey fills with black outlines, dashed lines, direct labels).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors

DARK = colors.Color(0.2, 0.2, 0.2)
LIGHT = colors.Color(0.78, 0.78, 0.78)
SHADE = colors.Color(0.9, 0.9, 0.9)
AXIS_FONT_SIZE = 7


def _nice_max(value: float) -> float:
    """A round axis maximum a little above `value` (at least 1)."""
    if value <= 0:
        return 1.0
    step = 10 ** len(str(int(value))) / 10
    for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value * 1.08 <= step * factor:
            return step * factor
    return step * 10


def _style_axes(chart: object, font: str, value_format: str = "{:,.0f}") -> None:
    """Shared axis fonts, a zero-based value axis and thousands separators."""
    for axis in (chart.categoryAxis, chart.valueAxis):  # type: ignore[attr-defined]
        axis.labels.fontName = font
        axis.labels.fontSize = AXIS_FONT_SIZE
    chart.valueAxis.valueMin = 0  # type: ignore[attr-defined]
    chart.valueAxis.labelTextFormat = value_format.format  # type: ignore[attr-defined]
    chart.valueAxis.gridStrokeColor = LIGHT  # type: ignore[attr-defined]
    chart.valueAxis.visibleGrid = True  # type: ignore[attr-defined]


def _legend(font: str, x: float, y: float, pairs: list[tuple[object, str]]) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, AXIS_FONT_SIZE + 1
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 120
    legend.dx = legend.dy = 8
    legend.colorNamePairs = pairs
    legend.strokeColor = colors.black
    return legend


def column_chart(
    labels: Sequence[str], values: Sequence[float], font: str, width: float, height: float
) -> Drawing:
    """One series of vertical bars with its value written on each bar."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 45, 20, width - 60, height - 35
    chart.data = [tuple(float(v) for v in values)]
    chart.categoryAxis.categoryNames = list(labels)
    _style_axes(chart, font)
    chart.valueAxis.valueMax = _nice_max(max(values, default=0))
    chart.bars[0].fillColor = LIGHT
    chart.bars[0].strokeColor = colors.black
    chart.barLabelFormat = "{:,.0f}".format
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = AXIS_FONT_SIZE + 1
    chart.barLabels.nudge = 8
    drawing.add(chart)
    return drawing


def bar_chart(
    labels: Sequence[str], values: Sequence[float], font: str, width: float, label_width: float
) -> Drawing:
    """Horizontal bars, largest first at the top, with the value after each bar."""
    height = 22 + 16 * max(len(labels), 1)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 15
    chart.width, chart.height = width - label_width - 40, height - 22
    # reportlab draws the first category at the bottom: reverse so the list reads top down.
    chart.data = [tuple(float(v) for v in reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    _style_axes(chart, font)
    chart.valueAxis.valueMax = _nice_max(max(values, default=0))
    chart.bars[0].fillColor = LIGHT
    chart.bars[0].strokeColor = colors.black
    chart.barLabelFormat = "{:,.0f}".format
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = AXIS_FONT_SIZE
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def weekly_line(
    weeks: Sequence[date],
    counts: Sequence[float],
    highlight_from: date,
    font: str,
    width: float,
    height: float,
) -> Drawing:
    """Complaints per week as a line; the weeks from `highlight_from` on are shaded grey."""
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 45, 25, width - 60, height - 35
    n = max(len(weeks), 1)
    start = next((i for i, w in enumerate(weeks) if w >= highlight_from), n)
    if start < n:
        band = chart.width * (n - start) / n
        drawing.add(
            Rect(
                chart.x + chart.width - band,
                chart.y,
                band,
                chart.height,
                fillColor=SHADE,
                strokeColor=None,
            )
        )
    chart.data = [tuple(float(c) for c in counts)]
    # A label at each quarter's first week keeps the axis readable.
    chart.categoryAxis.categoryNames = [
        w.strftime("%Y-%m")
        if (i == 0 or w.month != weeks[i - 1].month) and w.month % 3 == 1
        else ""
        for i, w in enumerate(weeks)
    ]
    chart.categoryAxis.tickDown = 0
    _style_axes(chart, font)
    chart.valueAxis.valueMax = _nice_max(max(counts, default=0))
    chart.lines[0].strokeColor = colors.black
    chart.lines[0].strokeWidth = 1.2
    drawing.add(chart)
    return drawing


def grouped_columns(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    font: str,
    width: float,
    height: float,
    percent: bool = False,
) -> Drawing:
    """Side-by-side vertical bars for up to two series (dark, then light grey), with a legend."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 45, 20, width - 60, height - 50
    chart.data = [tuple(float(v or 0.0) for v in values) for _, values in series]
    chart.categoryAxis.categoryNames = list(labels)
    _style_axes(chart, font, "{:.0%}" if percent else "{:,.0f}")
    top = max((max(values) for values in chart.data if values), default=0.0)
    chart.valueAxis.valueMax = min(_nice_max(top), 1.0) if percent and top <= 1 else _nice_max(top)
    fills = (DARK, LIGHT)
    for index in range(len(series)):
        chart.bars[index].fillColor = fills[index % 2]
        chart.bars[index].strokeColor = colors.black
    chart.groupSpacing = 8
    drawing.add(chart)
    pairs = [(fills[i % 2], name) for i, (name, _) in enumerate(series)]
    drawing.add(_legend(font, chart.x + 10, height - 8, pairs))
    return drawing


def bars_with_pace(
    labels: Sequence[str],
    bars: Sequence[float],
    pace: Sequence[float | None] | None,
    names: tuple[str, str],
    font: str,
    width: float,
    height: float,
) -> Drawing:
    """Monthly bars (light grey) with an optional dashed pace line drawn over the same axes."""
    drawing = Drawing(width, height)
    top = _nice_max(max([*bars, *[p for p in (pace or []) if p is not None]], default=0))
    x, y, w, h = 45, 42, width - 60, height - 62
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = x, y, w, h
    chart.data = [tuple(float(b) for b in bars)]
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.angle = 90
    chart.categoryAxis.labels.boxAnchor = "e"
    _style_axes(chart, font)
    chart.valueAxis.valueMax = top
    chart.bars[0].fillColor = LIGHT
    chart.bars[0].strokeColor = colors.black
    drawing.add(chart)
    pairs: list[tuple[object, str]] = [(LIGHT, names[0])]
    if pace is not None and any(p is not None for p in pace):
        line = HorizontalLineChart()
        line.x, line.y, line.width, line.height = x, y, w, h
        line.data = [tuple(float(p) if p is not None else None for p in pace)]
        line.categoryAxis.categoryNames = list(labels)
        line.categoryAxis.visible = False
        line.valueAxis.visible = False
        line.valueAxis.valueMin, line.valueAxis.valueMax = 0, top
        line.lines[0].strokeColor = colors.black
        line.lines[0].strokeWidth = 1.4
        line.lines[0].strokeDashArray = (4, 2)
        drawing.add(line)
        pairs.append((colors.black, names[1]))
    drawing.add(_legend(font, x + 10, height - 6, pairs))
    return drawing
