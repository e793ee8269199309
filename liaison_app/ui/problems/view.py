"""The problem ledger: filters, the lazily fetched table, and the selected problem's timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.records import Changes
from liaison_app.ui import settings as keys
from liaison_app.ui.columns import keep_column_widths
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.forms import code_combo, combo_code, compact, refill, relabel
from liaison_app.ui.permissions import allow
from liaison_app.ui.problems.detail import ProblemDetail
from liaison_app.ui.problems.table_model import ProblemTableModel
from liaison_app.ui.sync.record_state import fit_sync_column
from liaison_app.ui.undo import delete_undoably


def _qdate_to_date(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class ProblemLedgerView(QWidget):
    """``mode`` "ledger" shows everything filterable; "due" shows what needs chasing soon."""

    def __init__(
        self, ctx: AppContext, mode: str = "ledger", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.mode = mode
        labels = ctx.labels
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.status = compact(code_combo(labels.items("status"), searchable=False))
        self.category = compact(code_combo(labels.items("categories")))
        self.department = compact(code_combo(labels.items("departments")))
        self.district = compact(code_combo(labels.items("districts")))
        # A supervisor's folder holds the whole district: whose problems to show.
        self.officer = compact(code_combo([], searchable=False))
        self.officer.setVisible(False)
        self.overdue = QCheckBox()
        self.use_dates = QCheckBox()
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        today = QDate.currentDate()
        for edit, value in ((self.date_from, today.addMonths(-1)), (self.date_to, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(value)
        self.count_label = QLabel()
        self.delete_button = QPushButton()
        self.print_button = QPushButton()
        self.export_button = QPushButton()
        self.model = ProblemTableModel(ctx, self, days=mode == "due")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        fit_sync_column(self.table, self.model.SYNC_COLUMN, self.model.marks)
        keep_column_widths(
            self.table,
            ctx.settings,
            mode,
            {0: 175, 1: 220, 2: 110, 3: 70, 4: 110, 5: 130, 6: 95, 7: 95}
            if mode == "ledger"
            else {0: 175, 1: 150, 2: 220, 3: 110, 4: 70, 5: 110, 6: 130, 7: 95, 8: 95},
        )
        self.detail = ProblemDetail(ctx)
        self.delete_button.clicked.connect(self.delete_selected)
        self.print_button.clicked.connect(self.print_ledger)
        self.export_button.clicked.connect(self.export_ledger)

        grid = QGridLayout()
        grid.addWidget(self.search, 0, 0, 1, 3)
        grid.addWidget(self.overdue, 0, 3)
        grid.addWidget(self.status, 1, 0)
        grid.addWidget(self.category, 1, 1)
        grid.addWidget(self.department, 1, 2)
        grid.addWidget(self.district, 1, 3)
        grid.addWidget(self.use_dates, 2, 0)
        grid.addWidget(self.date_from, 2, 1)
        grid.addWidget(self.date_to, 2, 2)
        grid.addWidget(self.officer, 2, 3)
        grid.addWidget(self.count_label, 3, 0, 1, 4)
        filters = QWidget()
        filters.setLayout(grid)
        filters.setVisible(mode == "ledger")
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(filters)
        ll.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        ll.addLayout(buttons)
        # Follow-ups due: whose problems, said and switchable (an office's shared folder holds
        # everyone's; an officer's name may match none of them).
        self.due_label = QLabel()
        self.due_label.setWordWrap(True)
        self.whose = QComboBox()
        self.whose.addItem("", "mine")
        self.whose.addItem("", "all")
        self.whose.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.whose.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.whose.setCurrentIndex(max(self.whose.findData(ctx.settings.get(keys.DUE_WHOSE)), 0))
        due_row = QHBoxLayout()
        due_row.addWidget(self.due_label, 1)
        due_row.addWidget(self.whose)
        due_box = QWidget()
        due_box.setLayout(due_row)
        due_row.setContentsMargins(0, 0, 0, 0)
        due_box.setVisible(mode == "due")
        ll.insertWidget(0, due_box)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.status, self.category, self.department, self.district, self.officer):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.whose.currentIndexChanged.connect(self._whose_changed)
        for box in (self.overdue, self.use_dates):
            box.toggled.connect(lambda _b: self.apply_filters())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.use_dates.isChecked() and self.apply_filters())
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        ctx.events.changed.connect(self._on_data_changed)
        self._loaded = False
        self.retranslate_ui()

    def filters(self) -> dict[str, Any]:
        if self.mode == "due":
            return {}
        f: dict[str, Any] = {
            "search": self.search.text().strip() or None,
            "status": combo_code(self.status),
            "category": combo_code(self.category),
            "department": combo_code(self.department),
            "district": combo_code(self.district),
            "overdue": self.overdue.isChecked(),
        }
        if not self.officer.isHidden():
            f["officer"] = combo_code(self.officer)
        if self.use_dates.isChecked():
            f["date_from"] = _qdate_to_date(self.date_from.date())
            f["date_to"] = _qdate_to_date(self.date_to.date())
        return f

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.apply_filters()

    def apply_filters(self) -> None:
        svc = self._ctx.store.problems
        try:
            if self.mode == "due":
                settings = self._ctx.settings
                mine = self.whose.currentData() == "mine"
                rows = svc.due(
                    settings.get(keys.DUE_WITHIN_DAYS),
                    officer=self._ctx.store.settings.officer_name() if mine else None,
                    waiting_days=settings.get(keys.WAITING_WORKING_DAYS),
                )
                self.model.set_loader(lambda offset, limit: rows[offset : offset + limit])
                total = len(rows)
            else:
                f = self.filters()
                self.model.set_loader(
                    lambda offset, limit: svc.list(sort="raised", limit=limit, offset=offset, **f)
                )
                total = svc.count(**f)
        except Exception as exc:  # noqa: BLE001 - e.g. an unknown code typed into a filter
            ErrorDialog.show_error(self, exc)
            return
        self._total = total
        self._say_count()
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self.detail.show_problem(None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        labels = self._ctx.labels
        relabel(self.status, labels.items("status"))
        relabel(self.category, labels.items("categories"))
        relabel(self.department, labels.items("departments"))
        relabel(self.district, labels.items("districts"))
        self._say_count()
        self.search.setPlaceholderText(self.tr("Search number, description, result… (Ctrl+F)"))
        self.status.setItemText(0, self.tr("All statuses"))
        self.category.setItemText(0, self.tr("All categories"))
        self.department.setItemText(0, self.tr("All departments"))
        self.district.setItemText(0, self.tr("All districts"))
        self.officer.setItemText(0, self.tr("All officers"))
        self.overdue.setText(self.tr("&Overdue only"))
        self.use_dates.setText(self.tr("Raised between"))
        self.delete_button.setText(self.tr("Delete problem"))
        self.print_button.setText(self.tr("&Print ledger…"))
        self.export_button.setText(self.tr("E&xport to Excel…"))
        self.whose.setItemText(0, self.tr("My problems"))
        self.whose.setItemText(1, self.tr("Everyone's problems"))
        self._say_whose()
        self.model.headerDataChanged.emit(
            Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1
        )

    def _say_count(self) -> None:
        total = getattr(self, "_total", None)
        if total is None:
            self.count_label.setText("")
            return
        text = self.tr("%1 problem") if total == 1 else self.tr("%1 problems")
        self.count_label.setText(text.replace("%1", f"{total:,}"))  # 20,000: separators

    def _whose_changed(self) -> None:
        self._ctx.settings.set(keys.DUE_WHOSE, self.whose.currentData())
        self._say_whose()
        if self._loaded:
            self.apply_filters()

    def _say_whose(self) -> None:
        settings = self._ctx.settings
        text = (
            self.tr(
                "My problems (raised by %1) that are overdue, due within %2 days, or received "
                "and not accepted for more than %3 working days; most urgent first."
            ).replace("%1", self._ctx.store.settings.officer_name() or "—")
            if self.whose.currentData() == "mine"
            else self.tr(
                "Everyone's problems that are overdue, due within %2 days, or received and "
                "not accepted for more than %3 working days; most urgent first."
            )
        )
        self.due_label.setText(
            text.replace("%2", str(settings.get(keys.DUE_WITHIN_DAYS))).replace(
                "%3", str(settings.get(keys.WAITING_WORKING_DAYS))
            )
        )

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def select(self, ident: str) -> None:
        row = self.model.row_of(ident)
        if row < 0 and self.mode == "ledger":
            record = self._ctx.store.problems.get(ident)
            self.search.blockSignals(True)
            self.search.setText(record.number)
            self.search.blockSignals(False)
            self.apply_filters()
            row = self.model.row_of(ident)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.detail.load(ident)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record = self.model.record(current.row()) if current.isValid() else None
        self.detail.load(record.id if record else None)
        why = self._ctx.permissions.write_enterprise(record.district_code) if record else None
        allow(self._ctx, self.delete_button, why, available=record is not None)

    def _load_officers(self) -> None:
        """The officer filter, for a supervisor's (or administrator's) folder."""
        if self.mode != "ledger" or not self._ctx.permissions.sees_everyone:
            self.officer.setVisible(False)
            return
        store = self._ctx.store

        def fill(names: list[str]) -> None:
            refill(self.officer, names)
            self.officer.setVisible(True)

        self._ctx.tasks.run(
            lambda _s: store.problems.officers(),
            fill,
            lambda exc: ErrorDialog.show_error(self, exc),
        )

    def _on_data_changed(self, changes: Changes) -> None:
        if "permissions" in changes.kinds:
            was_hidden = self.officer.isHidden()
            self._load_officers()
            if self._loaded and self.officer.isHidden() and not was_hidden:
                self.apply_filters()
            self.detail.show_problem(self.detail.problem)
        elif self._ctx.permissions.sees_everyone and "problem" in changes.kinds:
            self._load_officers()
        if not self._loaded or not changes.kinds & {"problem", "enterprise", "visit"}:
            return
        current = self.detail.problem.id if self.detail.problem else None
        if self.mode == "due":
            self.apply_filters()
        else:
            self.model.reload()
        if current and (row := self.model.row_of(current)) >= 0:
            self.table.selectRow(row)
        self.detail.load(current)

    def delete_selected(self) -> None:
        p = self.detail.problem
        if p is None:
            return
        delete_undoably(
            self._ctx.undo,
            self._ctx.events,
            self._ctx.store.problems,
            p.id,
            self.tr("Delete problem %1").replace("%1", self._ctx.labels.number(p)),
            self,
        )

    def export_ledger(self) -> None:
        """The ledger of what the filters select now, to .xlsx or .csv."""
        from liaison_app.ui.exchange.export import export_ledger

        filters = self.filters() if self.mode == "ledger" else {"open_only": True}
        self.exporter = export_ledger(self._ctx, self, filters)

    def print_ledger(self) -> None:
        """The ledger of what the filters select now (or, for follow-ups due, of open problems)."""
        from liaison_app.ui.reports.preview import show_report

        filters = self.filters() if self.mode == "ledger" else {"open_only": True}
        lang = self._ctx.labels.translations.language
        reports = self._ctx.store.reports
        show_report(
            self._ctx,
            self,
            lambda: reports.ledger(lang, **filters),
            self.tr("Problem ledger"),
            (self.tr("Problem ledger"), self._ctx.store.clock.today()),
        )
