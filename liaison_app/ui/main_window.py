"""The main window: navigation between the screens, menus and shortcuts, the status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)
from shiboken6 import isValid

from liaison_app import __version__
from liaison_app.domain.permissions import Permissions
from liaison_app.domain.records import Changes
from liaison_app.ui import settings as keys
from liaison_app.ui.context import AppContext
from liaison_app.ui.dashboard.view import DashboardView
from liaison_app.ui.enterprises.view import EnterprisesView
from liaison_app.ui.problems.view import ProblemLedgerView
from liaison_app.ui.sync.controller import SyncController, SyncView
from liaison_app.ui.sync.status import SyncStatus
from liaison_app.ui.visits.view import VisitsView

log = logging.getLogger(__name__)
STARTUP_DELAY_MS = 300  # let the first paint happen before background reads start

PAGES = ("enterprises", "visits", "ledger", "due", "dashboard")


class MainWindow(QMainWindow):
    language_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._unit: str | None = None  # the signed-in user's unit, from the server
        self._ctx = ctx
        self.nav = QListWidget()
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.enterprises = EnterprisesView(ctx)
        self.visits = VisitsView(ctx)
        self.ledger = ProblemLedgerView(ctx, "ledger")
        self.due = ProblemLedgerView(ctx, "due")
        self.dashboard = DashboardView(ctx)
        self.pages: dict[str, QWidget] = {
            "enterprises": self.enterprises,
            "visits": self.visits,
            "ledger": self.ledger,
            "due": self.due,
            "dashboard": self.dashboard,
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
            self.nav.addItem("")
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(4, 4, 4, 0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.show_page)

        self.officer_label = QLabel()
        self.counts_label = QLabel()
        self.sync_status = SyncStatus()
        self.role_label = QLabel()
        self.role_label.setVisible(False)
        self.statusBar().addWidget(self.officer_label)
        self.statusBar().addWidget(self.role_label)
        self.statusBar().addWidget(self.counts_label, 1)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.sync = SyncController(ctx, self)
        self.sync.view_changed.connect(self._on_sync_view)
        self.sync.sync_finished.connect(lambda _r: self.refresh_permissions())
        self._who: tuple[bool, str | None] | None = None
        self.sync_status.state_clicked.connect(self._on_sync_state_clicked)
        self.sync_status.pending_clicked.connect(self.sync.sync_now)
        self.sync_status.rejected_clicked.connect(self.show_not_accepted)
        self.sync_status.conflicts_clicked.connect(self.show_conflicts)

        self.enterprises.new_visit_requested.connect(self.new_visit)
        self.enterprises.problem_requested.connect(self.open_problem)
        self.visits.entry.visit_saved.connect(
            lambda _v: self.statusBar().showMessage(self.tr("Visit saved"), 4000)
        )
        ctx.events.changed.connect(self._on_data_changed)
        self._build_menus()
        self.retranslate_ui()
        self.update_counts()

    # ---- menus ---------------------------------------------------------------------------
    def _action(
        self,
        menu_attr: str,
        shortcut: str | QKeySequence.StandardKey | None,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _c=False: slot())
        self.addAction(action)
        setattr(self, menu_attr, action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self._action("act_new_visit", "Ctrl+N", self.new_visit))
        self.file_menu.addAction(
            self._action("act_new_enterprise", "Ctrl+Shift+E", self.new_enterprise)
        )
        self.file_menu.addAction(
            self._action("act_save", QKeySequence.StandardKey.Save, self.save_current)
        )
        self.file_menu.addAction(self._action("act_export", "Ctrl+Shift+P", self.export_visits))
        self.file_menu.addSeparator()
        self.file_menu.addAction(
            self._action("act_import", "Ctrl+Shift+I", self.import_enterprises)
        )
        self.file_menu.addSeparator()
        self.file_menu.addAction(
            self._action("act_quit", QKeySequence.StandardKey.Quit, self.close)
        )
        self.edit_menu = bar.addMenu("")
        self.act_undo = self._ctx.undo.createUndoAction(self)
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self._ctx.undo.createRedoAction(self)
        self.act_redo.setShortcut(QKeySequence.StandardKey.Redo)
        # Our own words around the command's ("撤销导入 名单.xlsx"), in our translation.
        self._ctx.undo.undoTextChanged.connect(self._on_undo_text_changed)
        self._ctx.undo.redoTextChanged.connect(self._on_redo_text_changed)
        self.edit_menu.addAction(self.act_undo)
        self.edit_menu.addAction(self.act_redo)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self._action("act_find", QKeySequence.StandardKey.Find, self.find))
        self.view_menu = bar.addMenu("")
        self.page_actions = []
        for i, name in enumerate(PAGES):
            act = self._action(
                f"act_page_{name}", f"Ctrl+{i + 1}", lambda i=i: self.nav.setCurrentRow(i)
            )
            self.view_menu.addAction(act)
            self.page_actions.append(act)
        self.sync_menu = bar.addMenu("")
        self.sync_menu.addAction(self._action("act_sync_now", "F5", self.sync_now))
        self.sync_menu.addSeparator()
        self.sync_menu.addAction(self._action("act_sign_in", None, self.sign_in))
        self.sync_menu.addAction(self._action("act_sign_out", None, self.sign_out))
        self.sync_menu.addSeparator()
        self.sync_menu.addAction(self._action("act_conflicts", None, self.show_conflicts))
        self.sync_menu.addAction(self._action("act_not_accepted", None, self.show_not_accepted))
        self.settings_menu = bar.addMenu("")
        self.language_menu = self.settings_menu.addMenu("")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code in ("system", "zh_CN", "en"):
            act = QAction(self, checkable=True)
            act.triggered.connect(lambda _c=False, code=code: self.language_requested.emit(code))
            group.addAction(act)
            self.language_menu.addAction(act)
            self.language_actions[code] = act
        self.language_actions[self._ctx.settings.get(keys.LANGUAGE)].setChecked(True)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self._action("act_about", None, self.about))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self._show_role()
        self.setWindowTitle(self.tr("Liaison — enterprise problems, visits and follow-ups"))
        names = {
            "enterprises": self.tr("My enterprises"),
            "visits": self.tr("Visits"),
            "ledger": self.tr("Problem ledger"),
            "due": self.tr("Follow-ups due"),
            "dashboard": self.tr("Dashboard"),
        }
        for i, name in enumerate(PAGES):
            self.nav.item(i).setText(names[name])
            self.page_actions[i].setText(names[name])
        # As wide as its longest name, no wider: every pixel counts on a small screen.
        self.nav.setFixedWidth(max(100, self.nav.sizeHintForColumn(0) + 28))
        self.file_menu.setTitle(self.tr("&File"))
        self.edit_menu.setTitle(self.tr("&Edit"))
        self.view_menu.setTitle(self.tr("&View"))
        self.sync_menu.setTitle(self.tr("S&ync"))
        self.act_sync_now.setText(self.tr("Sync &now"))
        self.act_sign_in.setText(self.tr("Sign &in…"))
        self.act_sign_out.setText(self.tr("Sign &out"))
        self.act_conflicts.setText(self.tr("&Conflicts…"))
        self.act_not_accepted.setText(self.tr("Changes &not accepted…"))
        self.settings_menu.setTitle(self.tr("&Settings"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.language_actions["system"].setText(self.tr("Follow the system"))
        self.language_actions["zh_CN"].setText("简体中文")
        self.language_actions["en"].setText("English")
        self.act_new_visit.setText(self.tr("New &visit"))
        self.act_new_enterprise.setText(self.tr("New &enterprise"))
        self.act_save.setText(self.tr("&Save visit"))
        self.act_export.setText(self.tr("E&xport visit records…"))
        self.act_quit.setText(self.tr("&Quit"))
        self.act_find.setText(self.tr("&Find"))
        self.act_about.setText(self.tr("&About Liaison"))
        self.act_import.setText(self.tr("&Import enterprises…"))
        self._undo_texts()
        self.update_counts()

    def _undo_texts(self) -> None:
        self._on_undo_text_changed(self._ctx.undo.undoText())
        self._on_redo_text_changed(self._ctx.undo.redoText())

    def _on_undo_text_changed(self, text: str) -> None:
        if not isValid(self.act_undo):  # the stack outlives the window (it is the app's)
            return
        self.act_undo.setText(self.tr("&Undo %1").replace("%1", text) if text else self.tr("&Undo"))

    def _on_redo_text_changed(self, text: str) -> None:
        if not isValid(self.act_redo):
            return
        self.act_redo.setText(self.tr("&Redo %1").replace("%1", text) if text else self.tr("&Redo"))

    # ---- navigation ----------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        if index < 0:
            return
        page = self.pages[PAGES[index]]
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)
        self.stack.setCurrentWidget(page)
        ensure = getattr(page, "ensure_loaded", None)
        if ensure:
            ensure()

    def current_page(self) -> str:
        return PAGES[self.stack.currentIndex()]

    def new_visit(self, enterprise_id: str | None = None) -> None:
        self.show_page(PAGES.index("visits"))
        self.visits.new_visit(enterprise_id)

    def new_enterprise(self) -> None:
        self.show_page(PAGES.index("enterprises"))
        self.enterprises.new_enterprise()

    def open_problem(self, ident: str) -> None:
        self.show_page(PAGES.index("ledger"))
        self.ledger.select(ident)

    def offer_draft(self) -> None:
        """A visit left unsaved by a crash or a close is offered back, on the visit page."""
        if self.visits.entry.offer_draft():
            self.show_page(PAGES.index("visits"))
            self.visits.tabs.setCurrentIndex(0)

    def export_visits(self) -> None:
        from liaison_app.ui.reports.batch import BatchExportDialog

        BatchExportDialog(self._ctx, self).exec()

    def import_enterprises(self) -> None:
        from liaison_app.ui.exchange.import_wizard import ImportWizard

        self.run_dialog(ImportWizard(self._ctx, self))

    def save_current(self) -> None:
        if self.current_page() == "visits":
            self.visits.entry.save()

    def find(self) -> None:
        page = self.stack.currentWidget()
        focus = getattr(page, "focus_search", None)
        if focus:
            focus()
        else:
            self.show_page(0)
            self.enterprises.focus_search()

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Liaison"),
            self.tr(
                "Liaison %1 — records of enterprise visits and the problems raised, "
                "kept on this computer and usable offline."
            ).replace("%1", __version__),
        )

    # ---- status --------------------------------------------------------------------------
    def update_counts(self) -> None:
        """Refresh the status bar; the counts are computed in the background."""
        store = self._ctx.store
        self._show_officer()

        def count(_state: object) -> tuple[int, int, int]:
            return (
                store.enterprises.count(),
                store.problems.count(open_only=True),
                store.problems.count(overdue=True),
            )

        first = not self.counts_label.text()
        self._ctx.tasks.run(
            count,
            self._show_counts,
            lambda exc: log.warning("counts failed: %s", exc),
            delay_ms=STARTUP_DELAY_MS if first else 0,
        )

    def _show_counts(self, counts: tuple[int, int, int]) -> None:
        enterprises, open_count, overdue = counts
        self.counts_label.setText(
            self.tr("Enterprises: %1 · open problems: %2 · overdue: %3")
            .replace("%1", f"{enterprises:,}")
            .replace("%2", f"{open_count:,}")
            .replace("%3", f"{overdue:,}")
        )

    def _on_data_changed(self, changes: Changes) -> None:
        if "permissions" in changes.kinds:
            self._show_role()
        self.update_counts()

    # ---- sync ------------------------------------------------------------------------------
    def start_sync(self) -> None:
        """Begin syncing by itself (the app calls this once the window shows)."""
        self.sync.start()

    def sync_now(self) -> None:
        view = self.sync.view
        if not view.signed_in or view.needs_sign_in:
            self.sign_in()
            return
        self.sync.sync_now()

    def _on_sync_view(self, view: SyncView) -> None:
        self.sync_status.show_view(view)
        self.act_sign_in.setEnabled(not view.signed_in or view.needs_sign_in)
        self.act_sign_out.setEnabled(view.signed_in)
        self.act_sync_now.setEnabled(not view.running)
        self.act_conflicts.setEnabled(view.conflicts > 0)
        self.act_not_accepted.setEnabled(view.not_accepted > 0)
        self._show_officer()
        who = (view.signed_in, view.role)
        if who != self._who:
            self._who = who
            self.refresh_permissions()

    def refresh_permissions(self) -> None:
        """Ask the sync service what the signed-in user may write (a supervisor's district
        comes with each sync's hello); screens follow the "permissions" change."""
        store, ctx = self._ctx.store, self._ctx
        ctx.tasks.run(
            lambda _s: (store.sync.permissions(), store.sync.unit()),
            self._on_permissions,
            lambda exc: log.warning("permissions unknown: %s", exc),
        )

    def _show_officer(self) -> None:
        """The officer (the server's name for the user while signed in) and, signed in, the
        unit the server gave them."""
        officer = self._ctx.store.settings.officer_name() or self.tr("(no officer set)")
        text = self.tr("Officer: %1").replace("%1", officer)
        if self._unit and self.sync.view.signed_in:
            text += f" · {self._unit}"
        self.officer_label.setText(text)

    def _on_permissions(self, answer: tuple[Permissions, str | None]) -> None:
        permissions, self._unit = answer
        self._show_officer()
        self._ctx.set_permissions(permissions)  # broadcast: each screen follows

    def _show_role(self) -> None:
        p = self._ctx.permissions
        if p.supervisor:
            district = self._ctx.labels("districts", p.district) if p.district else ""
            text = (
                self.tr("Supervisor of %1").replace("%1", district)
                if district
                else self.tr("Supervisor (no district assigned yet)")
            )
        elif p.role == "admin":
            text = self.tr("Administrator")
        else:
            text = ""
        self.role_label.setText(text)
        self.role_label.setVisible(bool(text))
        reason = p.create_enterprise(p.district) if p.supervisor else None
        self.act_new_enterprise.setEnabled(reason is None)

    def _on_sync_state_clicked(self) -> None:
        self.sync_now()

    def sign_in(self) -> None:
        from liaison_app.ui.sync.sign_in import SignInDialog

        view = self.sync.view  # signing in again: the folder's server and user, filled in
        dialog = SignInDialog(
            self._ctx,
            self,
            server=view.server,
            user=view.user,
            reason=view.error if view.needs_sign_in else None,
        )
        if self.run_dialog(dialog):
            self.sync.signed_in()
            self.update_counts()

    def sign_out(self) -> None:
        from liaison_app.ui.sync.sign_in import sign_out

        if sign_out(self._ctx, self):
            self.sync.signed_out()

    def show_conflicts(self) -> None:
        from liaison_app.ui.sync.conflicts import ConflictsDialog

        dialog = ConflictsDialog(self._ctx, self)
        dialog.resolved.connect(lambda _i: self.sync.refresh())
        self.run_dialog(dialog)

    def show_not_accepted(self) -> None:
        from liaison_app.ui.sync.rejected import NotAcceptedDialog

        dialog = NotAcceptedDialog(self._ctx, self)
        dialog.changed.connect(self.sync.refresh)
        self.run_dialog(dialog)

    @classmethod
    def run_dialog(cls, dialog: QDialog) -> bool:
        """Modal dialogs go through here, so tests can drive them instead."""
        return bool(dialog.exec())

    # ---- window state --------------------------------------------------------------------
    def restore_state(self) -> None:
        geometry = self._ctx.settings.get(keys.GEOMETRY)
        if geometry and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        self.fit_to_screen()
        page = self._ctx.settings.get(keys.PAGE)
        self.show_page(page if 0 <= page < len(PAGES) else 0)

    def fit_to_screen(self) -> None:
        """Keep the whole window on its screen: a laptop's 1366×768 (or a saved geometry from
        a larger monitor, or 150 % scaling) must not hide the status bar below the edge."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        frame = self.frameGeometry()
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()
        width = min(self.width(), room.width() - extra_w)
        height = min(self.height(), room.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        frame = self.frameGeometry()
        x = min(max(frame.x(), room.x()), room.right() - frame.width() + 1)
        y = min(max(frame.y(), room.y()), room.bottom() - frame.height() + 1)
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def closeEvent(self, event: QCloseEvent) -> None:
        entry = self.visits.entry
        if entry.dirty:
            entry.save_draft()  # kept whatever the answer: nothing typed is lost
            if not self.confirm_close():
                event.ignore()
                return
        self.sync.stop()
        self._ctx.settings.set(keys.GEOMETRY, self.saveGeometry())
        self._ctx.settings.set(keys.PAGE, self.stack.currentIndex())
        self._ctx.settings.sync()
        event.accept()

    def confirm_close(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved visit"),
            self.tr(
                "The visit you are recording is not saved. Quit anyway? (It is kept as a draft "
                "and offered again next time.)"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
