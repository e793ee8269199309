"""Dashboard: the headline resolution rate and its companions, with breakdowns as charts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.figures import StatsReport
from liaison_app.domain.labels import format_rate
from liaison_app.domain.records import Changes
from liaison_app.ui.context import AppContext
from liaison_app.ui.dashboard.figures_model import FiguresTableModel
from liaison_app.ui.errors import ErrorDialog

PERIODS = ("all", "year", "quarter", "month")
BREAKDOWNS = ("category", "department", "district")
CHART_BARS = 12
LABEL_CHARS = 12


def chart_bars(groups: list[Any], limit: int, others: str) -> list[tuple[str, int, int]]:
    """(label, received, resolved) per bar: every group when they fit, else the largest and
    one explicit "N others" bar adding up the rest, so no data is dropped silently."""
    bars = [(g.label or g.key or "—", g.received, g.resolved) for g in groups]
    if len(bars) <= limit:
        return bars
    rest = bars[limit - 1 :]
    folded = (
        others.replace("%1", str(len(rest))),
        sum(r for _n, r, _d in rest),
        sum(d for _n, _r, d in rest),
    )
    return [*bars[: limit - 1], folded]


def short_label(text: str) -> str:
    """A bar's label, cut with an ellipsis that says so (the table beside it has it whole)."""
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def period_range(period: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    if period == "year":
        return dt.date(today.year, 1, 1), today
    if period == "quarter":
        return today - dt.timedelta(days=90), today
    if period == "month":
        return today - dt.timedelta(days=30), today
    return None, None


class Breakdown(QWidget):
    """One grouping: a bar chart of received vs resolved beside its table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtCharts import QChart, QChartView  # loaded on first use, not at start-up

        self.model = FiguresTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        # Columns as wide as their figures (not 100 px each), so the resolution rate stays in
        # view beside the names in a narrow window (a laptop at 150 %); the last one fills.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.chart = QChart()
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.chart_view)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 500])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def show_report(self, report: StatsReport, received: str, resolved: str) -> None:
        from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QHorizontalBarSeries, QValueAxis

        groups = list(report.groups)
        self.model.set_rows(groups)
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        others = self.tr("%1 others")
        top = list(reversed(chart_bars(groups, CHART_BARS, others)))  # largest at the top
        got, done = QBarSet(received), QBarSet(resolved)
        for _name, n_received, n_resolved in top:
            got.append(n_received)
            done.append(n_resolved)
        series = QHorizontalBarSeries()
        series.append(got)
        series.append(done)
        self.chart.addSeries(series)
        names = QBarCategoryAxis()
        names.append([short_label(name) for name, _r, _d in top])
        values = QValueAxis()
        values.setRange(0, max([r for _n, r, _d in top] + [1]))
        # Whole-number ticks: "%d" of 1.75, 3.5… printed 1, 3, 5.
        values.applyNiceNumbers()
        if values.max() <= 10:
            values.setTickCount(int(values.max()) + 1)
        values.setLabelFormat("%d")
        self.chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(names)
        series.attachAxis(values)


class DashboardView(QWidget):
    refreshed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.period = QComboBox()
        for p in PERIODS:
            self.period.addItem(p, p)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.headline = QLabel()
        font = QFont(self.headline.font())
        font.setPointSize(font.pointSize() * 3)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline_caption = QLabel()
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.tiles = {
            k: QLabel() for k in ("overdue", "on_time_rate", "callback_rate", "satisfaction_rate")
        }
        grid = QGridLayout()
        for i, tile in enumerate(self.tiles.values()):
            tile.setTextFormat(Qt.TextFormat.RichText)
            grid.addWidget(tile, 0, i)
        top = QHBoxLayout()
        head = QVBoxLayout()
        head.addWidget(self.headline_caption)
        head.addWidget(self.headline)
        head.addWidget(self.counts)
        top.addLayout(head)
        top.addLayout(grid, 1)
        side = QVBoxLayout()
        side.addWidget(self.period)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_statistics)
        side.addWidget(self.print_button)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.export_ledger)
        side.addWidget(self.export_button)
        side.addStretch(1)
        top.addLayout(side)
        self.tabs = QTabWidget()
        self.breakdowns: dict[str, Breakdown] = {}
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note)
        ctx.events.changed.connect(self._on_data_changed)
        self._loaded = False
        self.report: StatsReport | None = None
        self.retranslate_ui()

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self._build_tabs()
            self.refresh()

    def groupings(self) -> tuple[str, ...]:
        """The breakdowns shown: by officer too where the folder holds several officers'
        problems (a supervisor's district, an administrator's everything)."""
        return (*BREAKDOWNS, "officer") if self._ctx.permissions.sees_everyone else BREAKDOWNS

    def _build_tabs(self) -> None:
        wanted = self.groupings()
        for b in list(self.breakdowns):
            if b not in wanted:
                self.tabs.removeTab(self.tabs.indexOf(self.breakdowns[b]))
                self.breakdowns.pop(b).deleteLater()
        for b in wanted:
            if b not in self.breakdowns:
                self.breakdowns[b] = Breakdown()
                self.tabs.addTab(self.breakdowns[b], "")
        self.retranslate_ui()

    def refresh(self) -> None:
        """Recompute in the background (three groupings over every problem), show when done."""
        if not self._loaded:
            return
        start, end = period_range(self.period.currentData(), self._ctx.store.clock.today())
        lang = self._ctx.labels.translations.language
        stats = self._ctx.store.stats
        if self.report is None:
            self.headline.setText("…")

        groupings = tuple(self.breakdowns)

        def compute(_state: object) -> dict[str, StatsReport]:
            return {b: stats.figures(start, end, b, lang) for b in groupings}

        self._ctx.tasks.run(compute, self._show, lambda exc: ErrorDialog.show_error(self, exc))

    def _show(self, reports: dict[str, StatsReport]) -> None:
        self.report = reports["category"]
        o = self.report.overall
        self.headline.setText(format_rate(o.resolution_rate))
        self.counts.setText(
            self.tr("%1 resolved of %2 received")
            .replace("%1", f"{o.resolved:,}")
            .replace("%2", f"{o.received:,}")
        )
        values = {
            "overdue": (self.tr("Overdue"), f"{o.overdue:,}"),
            "on_time_rate": (self.tr("On-time rate"), format_rate(o.on_time_rate)),
            "callback_rate": (self.tr("Call-back rate"), format_rate(o.callback_rate)),
            "satisfaction_rate": (self.tr("Satisfaction rate"), format_rate(o.satisfaction_rate)),
        }
        for key, (caption, value) in values.items():
            self.tiles[key].setText(
                f"<div style='font-size:11pt'>{caption}</div><div style='font-size:20pt'><b>{value}</b></div>"
            )
        for b, report in reports.items():
            if b in self.breakdowns:  # (a tab may have gone meanwhile: signed out)
                self.breakdowns[b].show_report(report, self.tr("Received"), self.tr("Resolved"))
        self.refreshed.emit()

    def _on_data_changed(self, changes: Changes) -> None:
        if self._loaded and "permissions" in changes.kinds:
            self._build_tabs()
            self.refresh()
        elif self._loaded and changes.kinds & {"problem", "enterprise", "visit"}:
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.refresh()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        names = {
            "all": self.tr("All time"),
            "year": self.tr("This year"),
            "quarter": self.tr("Last 90 days"),
            "month": self.tr("Last 30 days"),
        }
        for i, p in enumerate(PERIODS):
            self.period.setItemText(i, names[p])
        self.headline_caption.setText(self.tr("Resolution rate (resolved / received)"))
        self.print_button.setText(self.tr("&Print statistics…"))
        self.export_button.setText(self.tr("E&xport ledger to Excel…"))
        self.export_button.setToolTip(self.tr("Every problem, whatever the period shown"))
        tab_names = {
            "category": self.tr("By category"),
            "department": self.tr("By department"),
            "district": self.tr("By district"),
            "officer": self.tr("By officer"),
        }
        for b, page in self.breakdowns.items():
            self.tabs.setTabText(self.tabs.indexOf(page), tab_names[b])
        self.note.setText(
            self.tr(
                "Satisfaction rate counts very satisfied, satisfied and basically satisfied among rated problems; periods count problems by the date raised."
            )
        )

    def export_ledger(self) -> None:
        """The ledger of every problem, to .xlsx or .csv."""
        from liaison_app.ui.exchange.export import export_ledger

        self.exporter = export_ledger(self._ctx, self, {})

    def print_statistics(self) -> None:
        from liaison_app.ui.reports.preview import show_report

        start, end = period_range(self.period.currentData(), self._ctx.store.clock.today())
        lang = self._ctx.labels.translations.language
        reports = self._ctx.store.reports
        show_report(
            self._ctx,
            self,
            lambda: reports.statistics(start, end, lang),
            self.tr("Statistics"),
            (
                self.tr("Statistics"),
                start,
                end or (None if start else self._ctx.store.clock.today()),
            ),
        )
