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
    QHeaderView,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.records import Changes, VisitRecord
from liaison_app.ui.context import AppContext
from liaison_app.ui.table_models.paged import Index, PagedTableModel
from liaison_app.ui.visits.entry import VisitEntry


class VisitTableModel(PagedTableModel[VisitRecord]):
    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._ctx = ctx

    def load(self) -> None:
        self.set_loader(
            lambda offset, limit: self._ctx.store.visits.list(limit=limit, offset=offset)
        )

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            QCoreApplication.translate("VisitTableModel", "Date"),
            QCoreApplication.translate("VisitTableModel", "Mode"),
            QCoreApplication.translate("VisitTableModel", "Enterprise"),
            QCoreApplication.translate("VisitTableModel", "Officers"),
            QCoreApplication.translate("VisitTableModel", "Summary"),
        )[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        v = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return v.id
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
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_selected)
        self.table.doubleClicked.connect(lambda _i: self.print_selected())
        listing = QWidget()
        ll = QVBoxLayout(listing)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.table)
        ll.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.entry, "")
        self.tabs.addTab(listing, "")
        self.entry.print_requested.connect(self.print_visit)
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

    def _on_data_changed(self, changes: Changes) -> None:
        if "enterprise" in changes.kinds and self.entry._enterprises_loaded:
            self.entry.reload_enterprises()
        if self._loaded and changes.kinds & {"visit", "enterprise"}:
            self.model.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(0, self.tr("Record a visit"))
        self.tabs.setTabText(1, self.tr("All visits"))
        self.print_button.setText(self.tr("&Print visit record…"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 4)

    def print_selected(self) -> None:
        record = self.model.record(self.table.currentIndex().row())
        if record is not None:
            self.print_visit(record.id)

    def print_visit(self, visit_id: str) -> None:
        """The visit record for the enterprise's representative to sign."""
        from liaison_app.ui.reports.preview import show_report

        lang = self._ctx.labels.translations.language
        reports = self._ctx.store.reports
        show_report(
            self._ctx,
            self,
            lambda: reports.visit_record(visit_id, lang),
            self.tr("Visit record"),
            f"visit-{visit_id[-8:]}.pdf",
        )
