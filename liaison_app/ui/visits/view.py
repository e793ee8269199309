"""Visits: the visit form on one tab, every visit (newest first, fetched as you scroll) on another."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.records import Changes, VisitRecord
from liaison_app.ui.columns import keep_column_widths
from liaison_app.ui.context import AppContext
from liaison_app.ui.sync.record_state import SyncMarks, fit_sync_column, header_tip, mark_data
from liaison_app.ui.table_models.paged import Index, PagedTableModel
from liaison_app.ui.visits.detail import VisitDetail
from liaison_app.ui.visits.entry import VisitEntry


class VisitTableModel(PagedTableModel[VisitRecord]):
    SYNC_COLUMN = 5

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.marks = SyncMarks(ctx, self)
        self.marks.changed.connect(self._on_marks_changed)

    def load(self) -> None:
        visits = self._ctx.store.visits
        self.marks.forget()
        self.set_loader(
            self.marks.wrap(lambda offset, limit: visits.list(limit=limit, offset=offset))
        )

    def reload(self) -> None:
        self.marks.forget()
        super().reload()

    def _on_marks_changed(self) -> None:
        if self._rows:
            last = self.index(len(self._rows) - 1, self.SYNC_COLUMN)
            self.dataChanged.emit(self.index(0, self.SYNC_COLUMN), last)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return header_tip() if section == self.SYNC_COLUMN else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            QCoreApplication.translate("VisitTableModel", "Date"),
            QCoreApplication.translate("VisitTableModel", "Mode"),
            QCoreApplication.translate("VisitTableModel", "Enterprise"),
            QCoreApplication.translate("VisitTableModel", "Officers"),
            QCoreApplication.translate("VisitTableModel", "Summary"),
            "",
        )[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        v = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return v.id
        if index.column() == self.SYNC_COLUMN:
            return mark_data(self.marks, v.id, role)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            v.visit_date.isoformat(),
            self._ctx.labels("visit_mode", v.mode),
            v.enterprise_name,
            "、".join(v.officers),
            v.summary or v.business_situation or "",
        )[index.column()]


class VisitsView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.entry = VisitEntry(ctx)
        self.model = VisitTableModel(ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        fit_sync_column(self.table, self.model.SYNC_COLUMN, self.model.marks)
        keep_column_widths(
            self.table, ctx.settings, "visits", {0: 95, 1: 90, 2: 220, 3: 140, 4: 320}
        )
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_selected)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.export_visits)
        self.table.doubleClicked.connect(lambda _i: self.print_selected())
        self.detail = VisitDetail(ctx)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        ll.addLayout(buttons)
        listing = QSplitter(Qt.Orientation.Horizontal)
        listing.addWidget(left)
        listing.addWidget(self.detail)
        listing.setStretchFactor(0, 3)
        listing.setStretchFactor(1, 2)
        listing.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.entry, "")
        self.tabs.addTab(listing, "")
        self.entry.print_requested.connect(self.print_visit)
        self.entry.attachments_requested.connect(self.show_visit)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.detail.load(
                current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        ctx.events.changed.connect(self._on_data_changed)
        self.tabs.currentChanged.connect(lambda i: i == 1 and self._load_list())
        self._loaded = False
        self.retranslate_ui()

    def ensure_loaded(self) -> None:
        self.entry.ensure_enterprises()
        if self.tabs.currentIndex() == 1:
            self._load_list()

    def _load_list(self) -> None:
        """All visits are read when their tab is first shown, not with the form."""
        if not self._loaded:
            self._loaded = True
            self.model.load()

    def new_visit(self, enterprise_id: str | None = None) -> None:
        self.tabs.setCurrentIndex(0)
        self.entry.start_for(enterprise_id)

    def show_visit(self, visit_id: str) -> None:
        """The list of visits with this one selected and its page beside it (photos, scan)."""
        self.tabs.setCurrentIndex(1)
        self._load_list()
        row = self.model.row_of(visit_id)
        while row < 0 and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
            row = self.model.row_of(visit_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.detail.load(visit_id)

    def _on_data_changed(self, changes: Changes) -> None:
        if "enterprise" in changes.kinds and self.entry._enterprises_loaded:
            self.entry.reload_enterprises()
        if self._loaded and changes.kinds & {"visit", "enterprise"}:
            current = self.detail.visit.id if self.detail.visit else None
            self.model.reload()
            if current and (row := self.model.row_of(current)) >= 0:
                self.table.selectRow(row)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(0, self.tr("Record a visit"))
        self.tabs.setTabText(1, self.tr("All visits"))
        self.print_button.setText(self.tr("&Print visit record…"))
        self.export_button.setText(self.tr("E&xport visits to Excel…"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 4)

    def export_visits(self) -> None:
        """Every visit (the list has no period of its own), to .xlsx or .csv."""
        from liaison_app.ui.exchange.export import export_visits

        self.exporter = export_visits(self._ctx, self)

    def print_selected(self) -> None:
        record = self.model.record(self.table.currentIndex().row())
        if record is not None:
            self.print_visit(record.id)

    def print_visit(self, visit_id: str) -> None:
        """The visit record for the enterprise's representative to sign."""
        from liaison_app.ui.reports.preview import show_report

        lang = self._ctx.labels.translations.language
        reports = self._ctx.store.reports
        visit = self._ctx.store.visits.get(visit_id)
        show_report(
            self._ctx,
            self,
            lambda: reports.visit_record(visit_id, lang),
            self.tr("Visit record"),
            (visit.enterprise_name, self.tr("Visit record"), visit.visit_date),
        )
