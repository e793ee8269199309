"""My enterprises: search as you type, filters, the list, and the selected firm's page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.records import Changes, EnterpriseRecord
from liaison_app.errors import NotFoundError
from liaison_app.ui.columns import keep_column_widths
from liaison_app.ui.context import AppContext
from liaison_app.ui.enterprises.editor import EnterpriseEditor
from liaison_app.ui.enterprises.table_model import EnterpriseTableModel
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.forms import code_combo, combo_code, compact, refill, relabel
from liaison_app.ui.permissions import allow
from liaison_app.ui.richtext import esc
from liaison_app.ui.sync.record_state import fit_sync_column, page_line
from liaison_app.ui.undo import UndoNotice, delete_undoably

SEARCH_DELAY_MS = 150
STARTUP_DELAY_MS = 200


class EnterprisesView(QWidget):
    new_visit_requested = Signal(str)  # enterprise id
    problem_requested = Signal(str)  # problem id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.district = compact(code_combo(self._district_items()))
        self.industry = compact(code_combo(ctx.labels.items("industries")))
        self.size = compact(code_combo(ctx.labels.items("size"), searchable=False), 6)
        # A supervisor's folder holds the whole district: whose firms to show.
        self.officer = compact(code_combo([], searchable=False))
        self.officer.setVisible(False)
        self.count_label = QLabel()
        self.model = EnterpriseTableModel(ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        fit_sync_column(self.table, self.model.SYNC_COLUMN, self.model.marks)
        keep_column_widths(
            self.table, ctx.settings, "enterprises", {0: 260, 1: 170, 2: 110, 3: 120, 4: 60, 5: 90}
        )
        self.table.doubleClicked.connect(self.edit_selected)
        self.new_button = QPushButton()
        self.edit_button = QPushButton()
        self.delete_button = QPushButton()
        self.visit_button = QPushButton()
        self.new_button.clicked.connect(self.new_enterprise)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.visit_button.clicked.connect(self._request_visit)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.anchorClicked.connect(
            lambda url: self.problem_requested.emit(url.toString().removeprefix("problem:"))
        )
        self.history = QListWidget()
        self.problems_label = QLabel()
        self.history_label = QLabel()

        # Long district and industry names must not squeeze the search box (1366 px screens).
        for combo in (self.district, self.industry):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
        for combo, chars in ((self.size, 5), (self.officer, 6)):  # "全部规模", "全部联络员"
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(chars)
        self.search.setMinimumWidth(220)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.district, 2)
        filters.addWidget(self.industry, 2)
        filters.addWidget(self.size, 1)
        filters.addWidget(self.officer, 1)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.delete_button, self.visit_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(filters)
        ll.addWidget(self.table)
        self.undo_notice = UndoNotice(ctx.undo, self)
        ll.addWidget(self.undo_notice)
        ll.addLayout(buttons)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.details, 3)
        rl.addWidget(self.history_label)
        rl.addWidget(self.history, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.district, self.industry, self.size, self.officer):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        ctx.events.changed.connect(self._on_data_changed)
        self.retranslate_ui()
        self._loaded = False
        self._showing: str | None = None
        self._history_shown = False

    def _district_items(self) -> list[tuple[str, str]]:
        from liaison_app.domain.reference import cities

        labels = self._ctx.labels
        out: list[tuple[str, str]] = []
        for city_code, (zh, en) in cities().items():
            out.append((city_code, zh if labels.zh else en))
            for code, text in labels.items("districts"):
                if code[:4] == city_code[:4]:
                    out.append((code, f"　{text}"))
        return out

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.apply_filters()

    def apply_filters(self) -> None:
        self.model.set_filters(
            search=self.search.text().strip() or None,
            district=combo_code(self.district),
            industry=combo_code(self.industry),
            size=combo_code(self.size),
            officer=None if self.officer.isHidden() else combo_code(self.officer),
        )
        self._update_count()
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._show(None)

    def _update_count(self) -> None:
        n = self.model.rowCount()
        text = self.tr("%1 enterprise") if n == 1 else self.tr("%1 enterprises")
        self.count_label.setText(text.replace("%1", f"{n:,}"))  # 20,000: separators

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.undo_notice.retranslate_ui()
        relabel(self.district, self._district_items())
        relabel(self.industry, self._ctx.labels.items("industries"))
        relabel(self.size, self._ctx.labels.items("size"))
        self.search.setPlaceholderText(self.tr("Search name, USCC, address, contact… (Ctrl+F)"))
        self.district.setItemText(0, self.tr("All districts"))
        self.industry.setItemText(0, self.tr("All industries"))
        self.size.setItemText(0, self.tr("All sizes"))
        self.officer.setItemText(0, self.tr("All officers"))
        self.new_button.setText(self.tr("&New enterprise"))
        self.edit_button.setText(self.tr("Ed&it…"))
        self.delete_button.setText(self.tr("&Delete"))
        self.visit_button.setText(self.tr("&Record visit"))
        self.history_label.setText(self.tr("Visit history"))
        self._update_count()
        self.model.headerDataChanged.emit(
            Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1
        )
        self._show(self.current())

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def current(self) -> EnterpriseRecord | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def select(self, ident: str) -> None:
        row = self.model.row_of(ident)
        if row < 0:
            self.search.clear()
            self.apply_filters()
            row = self.model.row_of(ident)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show(self.model.record(current.row()) if current.isValid() else None)

    def _show(self, r: EnterpriseRecord | None) -> None:
        self._apply_permissions(r)
        self.history.clear()
        self._showing = None
        if r is None:
            empty = self.tr("No enterprise selected.")
            self.details.setHtml(f"<p>{esc(empty)}</p>")
            return
        labels = self._ctx.labels
        rows = [
            (self.tr("USCC"), r.uscc or self.tr("(none yet)")),
            (self.tr("District"), labels("districts", r.district_code)),
            (
                self.tr("Industry"),
                f"{r.industry_code or ''} {labels('industries', (r.industry_code or '')[:1] or None)}",
            ),
            (self.tr("Size"), labels("size", r.size)),
            (self.tr("Address"), r.address or ""),
            (
                self.tr("Contact"),
                " ".join(filter(None, [r.contact_name, r.contact_title, r.phone])),
            ),
            (self.tr("Liaison officer"), r.officer or ""),
        ]
        html = [f"<h2>{esc(r.name)}</h2>", page_line(self._ctx, r.id)]
        if r.specialised:
            flag = self.tr("Specialised and innovative")
            html.append(f"<p><b>{esc(flag)}</b></p>")
        html.append("<table cellspacing=4>")
        html += [f"<tr><td><b>{esc(k)}</b></td><td>{esc(v)}</td></tr>" for k, v in rows]
        html.append("</table>")
        self.details.setHtml("".join(html))
        # Problems and visits come from the ORM: read them in the background, show when ready.
        store, ident = self._ctx.store, r.id
        self._showing = ident

        def load(_state: object) -> tuple[str, list, list]:
            problems = store.problems.list(enterprise_id=ident, open_only=True, sort="deadline")
            return ident, problems, store.visits.list(enterprise_id=ident, limit=100)

        first = not self._history_shown  # at start-up, paint the window before loading more
        self._history_shown = True
        self._ctx.tasks.run(
            load,
            lambda result: self._show_history(html, *result),
            lambda exc: ErrorDialog.show_error(self, exc),
            delay_ms=STARTUP_DELAY_MS if first else 0,
        )

    def _show_history(self, html: list[str], ident: str, problems: list, visits: list) -> None:
        if ident != self._showing:
            return  # the selection moved on meanwhile
        labels = self._ctx.labels
        heading = self.tr("Open problems: %n", "", len(problems))
        overdue_text = self.tr("overdue")
        html = [*html, f"<h3>{esc(heading)}</h3><ul>"]
        for p in problems[:50]:
            flag = f" <span style='color:#b00020'>{esc(overdue_text)}</span>" if p.overdue else ""
            html.append(
                f"<li><a href='problem:{p.id}'>{esc(self._ctx.labels.number(p))}</a> [{esc(labels('status', p.status))}] "
                f"{esc(p.description[:60])}{flag}</li>"
            )
        html.append("</ul>")
        self.details.setHtml("".join(html))
        self.history.clear()
        for v in visits:
            item = QListWidgetItem(
                f"{v.visit_date}  {labels('visit_mode', v.mode)}  {v.summary or v.business_situation or ''}"
            )
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            self.history.addItem(item)

    # ---- what the signed-in user may do ----------------------------------------------------
    def _apply_permissions(self, r: EnterpriseRecord | None) -> None:
        """Disable what the server would refuse, saying why (domain.permissions)."""
        p = self._ctx.permissions
        allow(self._ctx, self.new_button, p.create_enterprise(p.district))
        why = p.write_enterprise(r.district_code) if r is not None else None
        for b in (self.edit_button, self.delete_button, self.visit_button):
            allow(self._ctx, b, why, available=r is not None)

    def _load_officers(self) -> None:
        """The officer filter, for a supervisor's (or administrator's) folder."""
        if not self._ctx.permissions.sees_everyone:
            self.officer.setVisible(False)
            return
        store = self._ctx.store

        def fill(names: list[str]) -> None:
            refill(self.officer, names)
            self.officer.setVisible(True)

        self._ctx.tasks.run(
            lambda _s: store.enterprises.officers(),
            fill,
            lambda exc: ErrorDialog.show_error(self, exc),
        )

    def _on_data_changed(self, changes: Changes) -> None:
        if "permissions" in changes.kinds:
            self._load_officers()
            self._apply_permissions(self.current())
            if self.officer.isHidden() and self._loaded:
                self.apply_filters()
        if self._ctx.permissions.sees_everyone and changes.kinds & {"enterprise", "problem"}:
            self._load_officers()
        if self._loaded and changes.kinds == {"sync_state"}:
            self._show(self.current())  # the page's sync mark may have moved
            return
        if not self._loaded or not changes.kinds & {"enterprise", "visit", "problem"}:
            return
        current = self.current()
        keep = current.id if current else None
        self.model.reload()
        self._update_count()
        if keep and self.model.row_of(keep) >= 0:
            self.select(keep)
        else:
            self._show(self.current())

    def new_enterprise(self) -> None:
        editor = EnterpriseEditor(self._ctx, None, self)
        if editor.exec() and editor.saved_record:
            self.select(editor.saved_record.id)
        elif editor.open_instead:
            self.select(editor.open_instead)

    def edit_selected(self) -> None:
        r = self.current()
        if r is None:
            return
        try:
            fresh = self._ctx.store.enterprises.get(r.id)
        except NotFoundError as exc:
            ErrorDialog.show_error(self, exc)
            return
        editor = EnterpriseEditor(self._ctx, fresh, self)
        if not editor.exec() and editor.open_instead:
            self.select(editor.open_instead)

    def delete_selected(self) -> None:
        r = self.current()
        if r is None:
            return
        if not self.confirm_delete(r.name):
            return
        if delete_undoably(
            self._ctx.undo,
            self._ctx.events,
            self._ctx.store.enterprises,
            r.id,
            self.tr("Delete %1").replace("%1", r.name),
            self,
        ):
            self.undo_notice.announce(self.tr("Deleted %1").replace("%1", r.name))

    def confirm_delete(self, name: str) -> bool:  # a dialog a test can replace
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Delete enterprise"),
            self.tr(
                "Delete %1? Its visits and problems go with it; Undo brings them back."
            ).replace("%1", name),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        box.exec()
        return box.clickedButton() is delete

    def _request_visit(self) -> None:
        r = self.current()
        if r:
            self.new_visit_requested.emit(r.id)
