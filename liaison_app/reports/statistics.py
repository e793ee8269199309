"""The statistics report: the dashboard's figures for a period, a bar chart and a table per
grouping, each table closed by a 合计 row; districts grouped by city with subtotals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from liaison_app.domain.figures import Figures, StatsReport
from liaison_app.domain.labels import format_rate, is_zh
from liaison_app.domain.reference import cities
from liaison_app.reports.fonts import draw_string, register
from liaison_app.reports.layout import (
    RULE,
    Meta,
    Report,
    build,
    cn_date,
    fit_widths,
    grid,
    para,
    punct,
    styles,
)
from liaison_app.reports.ledger import form_lines, summary_table
from liaison_app.reports.text import break_lines, measurer
from liaison_app.reports.words import Names

WIDTH = 180 * mm
CHART_BARS = 15  # groups drawn as bars; the rest are one "其余 N 项" bar
RECEIVED = colors.HexColor("#404040")
RESOLVED = colors.HexColor("#b0b0b0")
COUNTS = [f.name for f in fields(Figures) if f.type in ("int", int)]


def add_up(groups: Sequence[Figures], key: str | None, label: str) -> Figures:
    totals = {name: sum(getattr(g, name) for g in groups) for name in COUNTS}
    return Figures(key=key, label=label, **totals)


def _label(g: Figures) -> str:
    return g.label or g.key or "—"


class BarChart(Flowable):
    """Received and resolved per group, every label whole (wrapped), each value on its bar."""

    LABEL_W = 42 * mm
    FONT_SIZE = 8.0
    BAR = 9.0  # points per bar

    def __init__(self, groups: Sequence[Figures], apart: Sequence[Figures], names: Names) -> None:
        super().__init__()
        self.groups, self.apart, self.names = list(groups), apart, names
        measure = measurer(register(), self.FONT_SIZE)
        self._labels = [break_lines(_label(g), self.LABEL_W - 4, measure) for g in self.groups]
        self._rows = [max(2 * self.BAR + 5, len(lines) * 10 + 3) for lines in self._labels]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = min(availWidth, WIDTH)
        self.height = sum(self._rows) + 22 + 14 * len(self.apart)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        font = register()
        w = self.names.word
        top = self.height - 4
        bar_x = self.LABEL_W
        bar_w = self.width - bar_x - 40
        peak = max([g.received for g in self.groups] + [1])
        y = top
        c.setLineWidth(0.4)
        for g, lines, row_h in zip(self.groups, self._labels, self._rows, strict=True):
            ly = y - (row_h - len(lines) * 10) / 2 - 8
            for line in lines:
                lw = measurer(font, self.FONT_SIZE)(line)
                draw_string(c, self.LABEL_W - 4 - lw, ly, line, font, self.FONT_SIZE)
                ly -= 10
            by = y - (row_h - 2 * self.BAR) / 2 - self.BAR
            for value, fill in ((g.received, RECEIVED), (g.resolved, RESOLVED)):
                length = bar_w * value / peak
                c.setFillColor(fill)
                c.setStrokeColor(RULE)
                c.rect(bar_x, by + 1, max(length, 0.5), self.BAR - 2, stroke=1, fill=1)
                c.setFillColor(colors.black)
                draw_string(c, bar_x + length + 3, by + 2.5, f"{value:,}", font, self.FONT_SIZE)
                by -= self.BAR
            y -= row_h
        c.setStrokeColor(RULE)
        c.line(bar_x, y, bar_x, top)
        y -= 4
        for a in self.apart:  # apart from the bars: they would dwarf the rest
            text = f"{_label(a)}{punct(self.names.lang)[0]}{w('received')} {a.received:,}，{w('resolved')} {a.resolved:,}"
            if not is_zh(self.names.lang):
                text = text.replace("，", ", ")
            draw_string(c, bar_x, y - 10, text, font, self.FONT_SIZE)
            y -= 14
        for i, (key, fill) in enumerate((("received", RECEIVED), ("resolved", RESOLVED))):
            x = bar_x + i * 30 * mm
            c.setFillColor(fill)
            c.rect(x, y - 12, 8, 7, stroke=1, fill=1)
            c.setFillColor(colors.black)
            draw_string(c, x + 11, y - 12, w(key), font, self.FONT_SIZE)


def by_city(groups: Sequence[Figures], names: Names) -> list[tuple[Figures, list[Figures]]]:
    """Districts under their city (GB/T 2260: the city is the code's first four digits)."""
    members: dict[str, list[Figures]] = {}
    for g in groups:
        members.setdefault((g.key or "")[:4] + "00" if g.key else "", []).append(g)
    names_of = cities()
    zh = is_zh(names.lang)
    out = []
    for city, group in members.items():
        label = names_of.get(city, ("—", "—"))[0 if zh else 1]
        out.append((add_up(group, city, label), group))
    return out


def chart_groups(report: StatsReport, names: Names) -> tuple[list[Figures], list[Figures]]:
    """The bars (districts: one per city) and the groups told apart in words under the chart:
    the no-department group and, past CHART_BARS, "其余 N 项" — as bars they would dwarf the
    rest."""
    groups = list(report.groups)
    apart: list[Figures] = []
    if report.by == "district":
        groups = [city for city, _members in by_city(groups, names)]
    if report.by == "department":
        none = [g for g in groups if not g.key]
        groups = [g for g in groups if g.key]
        if none:
            apart.append(add_up(none, None, names.word("no_department")))
    groups.sort(key=lambda g: -g.received)
    if len(groups) > CHART_BARS:
        rest = groups[CHART_BARS:]
        groups = groups[:CHART_BARS]
        apart.append(add_up(rest, "_others", names.word("others").format(n=len(rest))))
    return groups, apart


def _row(g: Figures, label: str) -> list[object]:
    return [
        label,
        f"{g.received:,}",
        f"{g.resolved:,}",
        format_rate(g.resolution_rate),
        f"{g.overdue:,}",
        format_rate(g.on_time_rate),
        format_rate(g.satisfaction_rate),
    ]


def table_rows(report: StatsReport, names: Names) -> tuple[list[list[object]], list[int]]:
    """Rows and which of them are totals (bold): 合计 last; districts under their city."""
    w = names.word
    rows: list[list[object]] = []
    bold: list[int] = []
    if report.by == "district":
        by_city: dict[str, list[Figures]] = {}
        for g in report.groups:
            city = (g.key or "")[:4] + "00" if g.key else ""
            by_city.setdefault(city, []).append(g)
        names_of = cities()
        zh = names.lang.startswith("zh")
        for city, members in by_city.items():
            city_name = names_of.get(city, ("—", "—"))[0 if zh else 1]
            bold.append(len(rows))
            rows.append(
                _row(
                    add_up(members, city, city_name),
                    f"{city_name}（{w('subtotal')}）" if zh else f"{city_name} ({w('subtotal')})",
                )
            )
            rows += [_row(g, "　" + _label(g)) for g in members]
    else:
        rows = [_row(g, _label(g)) for g in report.groups]
    bold.append(len(rows))
    rows.append(_row(report.overall, w("total")))
    return rows, bold


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
    made = made or dt.datetime.now()
    colon = punct(names.lang)[0]
    period = period_words(date_from, date_to, names)
    first = next(iter(reports.values()))
    top, bottom = form_lines(names, st, made.date())
    story: list[Flowable] = [
        para(w("stats_title"), st["title"]),
        para(f"{w('period')}{colon}{period}", st["subtitle"]),
        top,
        summary_table(first.overall, names, st, width=WIDTH),
        para(w("satisfaction_note"), st["small"]),
    ]
    texts: list[str | None] = []
    header = [
        w("group"),
        w("received"),
        w("resolved"),
        w("resolution_rate"),
        w("overdue_count"),
        w("on_time_rate"),
        w("satisfaction_rate"),
    ]
    for by, report in reports.items():
        report = replace(report, by=report.by or by)
        rows, bold = table_rows(report, names)
        texts += [g.label for g in report.groups]
        widths = fit_widths(header, rows, WIDTH, {0: 1.0}, st)  # type: ignore[arg-type]
        table = grid(header, rows, widths, st, numeric=range(1, 7), bold_rows=bold)
        groups, apart = chart_groups(report, names)
        story += [
            KeepTogether([para(w(f"by_{by}"), st["h2"]), BarChart(groups, apart, names)]),
            table,
        ]
    story.append(bottom)
    meta = Meta(w("stats_title"), names.lang, names.author, f"{w('period')}{colon}{period}")
    return build(story, meta=meta, texts=texts, made=made)


def period_words(date_from: dt.date | None, date_to: dt.date | None, names: Names) -> str:
    """The period as dates (2026年1月1日 – 2026年11月20日); an open end said in words
    (全部时间 / All time, 2026年1月1日起)."""
    w, lang = names.word, names.lang
    if date_from and date_to:
        return f"{cn_date(date_from, lang)} – {cn_date(date_to, lang)}"
    if date_from:
        return w("since").replace("%1", cn_date(date_from, lang) or "")
    if date_to:
        return w("until").replace("%1", cn_date(date_to, lang) or "")
    return w("all_time")
