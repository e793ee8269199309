"""The statistics report: the dashboard's figures for a period, with bar charts per grouping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from liaison_app.domain.figures import StatsReport
from liaison_app.domain.labels import format_rate
from liaison_app.reports.fonts import register
from liaison_app.reports.layout import Report, build, para, styles
from liaison_app.reports.ledger import summary_table
from liaison_app.reports.visit_record import _grid
from liaison_app.reports.words import Names

CHART_BARS = 12
RECEIVED = colors.HexColor("#2a78b8")
RESOLVED = colors.HexColor("#7fb13d")


def bar_chart(report: StatsReport, names: Names) -> Drawing:
    """Received and resolved per group, largest first, labels in the bundled font."""
    font = register()
    groups = list(report.groups[:CHART_BARS])[::-1]
    height = 22 * mm + 9 * mm * max(len(groups), 1)
    drawing = Drawing(180 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 45 * mm, 14 * mm
    chart.width, chart.height = 125 * mm, height - 20 * mm
    chart.data = [[g.received for g in groups] or [0], [g.resolved for g in groups] or [0]]
    chart.categoryAxis.categoryNames = [(g.label or g.key or "—")[:14] for g in groups] or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = RECEIVED
    chart.bars[1].fillColor = RESOLVED
    chart.barSpacing = 1
    chart.groupSpacing = 4
    drawing.add(chart)
    for i, (word_key, color) in enumerate((("received", RECEIVED), ("resolved", RESOLVED))):
        x = 45 * mm + i * 35 * mm
        drawing.add(String(x + 5 * mm, 3 * mm, names.word(word_key), fontName=font, fontSize=8))
        legend = String(x, 3 * mm, "■", fontName=font, fontSize=9)
        legend.fillColor = color
        drawing.add(legend)
    return drawing


def render_statistics(
    reports: Mapping[str, StatsReport],
    date_from: dt.date | None,
    date_to: dt.date | None,
    names: Names,
    made: dt.datetime | None = None,
) -> Report:
    """``reports`` maps "category" / "department" / "district" to figures for the same period."""
    st = styles()
    w = names.word
    period = period_words(date_from, date_to, w)
    first = next(iter(reports.values()))
    story: list = [
        para(w("stats_title"), st["title"]),
        para(f"{w('period')}{w('colon')}{period}", st["subtitle"]),
        summary_table(first.overall, names, st, width=180),
        para(w("satisfaction_note"), st["small"]),
    ]
    texts: list[str | None] = []
    for by, report in reports.items():
        rows = [
            [
                g.label or g.key or "—",
                f"{g.received:,}",
                f"{g.resolved:,}",
                format_rate(g.resolution_rate),
                f"{g.overdue:,}",
                format_rate(g.on_time_rate),
                format_rate(g.satisfaction_rate),
            ]
            for g in report.groups
        ]
        texts += [g.label for g in report.groups]
        table = _grid(
            [
                w("group"),
                w("received"),
                w("resolved"),
                w("resolution_rate"),
                w("overdue_count"),
                w("on_time_rate"),
                w("satisfaction_rate"),
            ],
            rows,
            [50 * mm, 20 * mm, 20 * mm, 24 * mm, 20 * mm, 24 * mm, 22 * mm],
            st,
        )
        story += [KeepTogether([para(w(f"by_{by}"), st["h2"]), bar_chart(report, names)]), table]
    return build(story, lang=names.lang, title=w("stats_title"), texts=texts, made=made)


def period_words(
    date_from: dt.date | None, date_to: dt.date | None, w: Callable[[str], str]
) -> str:
    """ "2026-01-01 – 2026-11-20"; an open end said in words (全部时间 / All time, 2026-01-01 起)."""
    if date_from and date_to:
        return f"{date_from.isoformat()} – {date_to.isoformat()}"
    if date_from:
        return w("since").replace("%1", date_from.isoformat())
    if date_to:
        return w("until").replace("%1", date_to.isoformat())
    return w("all_time")
