"""Signing in to the sync server (and out): a small form, its errors said plainly beneath it."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from liaison_app.errors import LiaisonError
from liaison_app.ui import settings as keys
from liaison_app.ui.context import AppContext

log = logging.getLogger(__name__)


class SignInDialog(QDialog):
    """Server address, user, password. The sign-in runs in the background."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        server: str | None = None,
        user: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.result_info: Any = None
        self.server = QLineEdit(server or ctx.settings.get(keys.SYNC_SERVER))
        self.server.setPlaceholderText("https://sync.example.gov.cn")
        self.user = QLineEdit(user or ctx.settings.get(keys.SYNC_USER))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = QFormLayout()
        self.server_label, self.user_label, self.password_label = QLabel(), QLabel(), QLabel()
        self.form.addRow(self.server_label, self.server)
        self.form.addRow(self.user_label, self.user)
        self.form.addRow(self.password_label, self.password)
        for label, edit in (
            (self.server_label, self.server),
            (self.user_label, self.user),
            (self.password_label, self.password),
        ):
            label.setBuddy(edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        # Wide enough for a whole server address (the placeholder was cut off), in any font.
        wide = self.server.fontMetrics().horizontalAdvance("https://sync.example.gov.cn:8443")
        for edit in (self.server, self.user, self.password):
            edit.setMinimumWidth(wide + 24)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.retranslate_ui()
        if reason:  # why the password is asked for again (a device revoked, say)
            self._say(reason)
        (self.password if self.server.text() and self.user.text() else self.server).setFocus()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Sign in to the sync server"))
        self.intro.setText(
            self.tr(
                "Signed in, this computer sends your records to the server and brings your "
                "colleagues' back whenever it can reach it. Work offline as usual: nothing "
                "is lost while there is no network."
            )
        )
        self.server_label.setText(self.tr("&Server address"))
        self.user_label.setText(self.tr("&User name"))
        self.password_label.setText(self.tr("&Password"))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Sign &in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))

    # ---- the sign-in ---------------------------------------------------------------------
    @classmethod
    def confirm_adoption(cls, parent: QWidget, count: int) -> bool:
        """Ask before changes made here without a sign-in become this user's (tests replace)."""
        answer = QMessageBox.question(
            parent,
            QCoreApplication.translate("SignInDialog", "Changes made before signing in"),
            QCoreApplication.translate(
                "SignInDialog",
                "%n change(s) recorded on this computer before signing in will be sent to the "
                "server as yours. Continue?",
                "",
                count,
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _say(self, text: str, error: bool = True) -> None:
        self.message.setStyleSheet("color: #b3261e;" if error else "")
        self.message.setText(text)
        # Taller for a message of several lines: a dialog already shown keeps its size and
        # the form would be squashed until the address and user name were cut in half.
        self.layout().activate()
        needed = self.heightForWidth(self.width()) if self.hasHeightForWidth() else 0
        needed = max(needed, self.sizeHint().height())
        if self.isVisible() and needed > self.height():
            self.resize(self.width(), needed)

    def sign_in(self) -> None:
        server, user, password = (
            self.server.text().strip(),
            self.user.text().strip(),
            self.password.text(),
        )
        if not server.startswith(("http://", "https://")):
            self._say(self.tr("The server address starts with http:// or https://"))
            self.server.setFocus()
            return
        if not user:
            self._say(self.tr("Please give your user name"))
            self.user.setFocus()
            return
        if not password:
            self._say(self.tr("Please give your password"))
            self.password.setFocus()
            return
        store = self._ctx.store
        unclaimed = store.sync.unclaimed()
        if unclaimed and not self.confirm_adoption(self, unclaimed):
            return
        self._busy(True)
        self._say(self.tr("Signing in…"), error=False)
        self._ctx.tasks.run(
            lambda _s: store.sync.login(server, user, password), self._on_done, self._on_failed
        )

    def _busy(self, busy: bool) -> None:
        for w in (self.server, self.user, self.password):
            w.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not busy)

    def _on_done(self, result: Any) -> None:
        self._busy(False)
        self.result_info = result
        self.password.clear()
        self._ctx.settings.set(keys.SYNC_SERVER, result.server)
        self._ctx.settings.set(keys.SYNC_USER, result.user)
        if result.session_only:
            QMessageBox.information(
                self,
                self.tr("No keyring on this computer"),
                self.tr(
                    "This computer has no usable keyring, so the sign-in lasts until the app "
                    "is closed. Your password is never stored."
                ),
            )
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        from liaison_app.domain.messages import error_text
        from liaison_app.ui.forms import current_language

        self._busy(False)
        if isinstance(exc, LiaisonError) and exc.code == "unreachable":
            # Not signed in yet: nothing syncs by itself later (the general message says so).
            self._say(
                self.tr(
                    "Cannot reach the server at this address. Check the address and the "
                    "network, then sign in again."
                )
            )
        elif isinstance(exc, LiaisonError):
            self._say(error_text(exc, current_language()))
        else:
            log.error("sign-in failed", exc_info=(type(exc), exc, exc.__traceback__))
            self._say(self.tr("Something went wrong while signing in: %1").replace("%1", str(exc)))
        self.password.setFocus()
        self.password.selectAll()


def sign_out(ctx: AppContext, parent: QWidget) -> bool:
    """Ask, then sign out; unsent changes stay and go out at the next sign-in as this user."""
    status = ctx.store.sync.status()
    text = QCoreApplication.translate("SignInDialog", "Sign out %1?").replace(
        "%1", status.display_name or status.user or ""
    )
    if status.pending:
        text += "\n" + QCoreApplication.translate(
            "SignInDialog",
            "%n change(s) not yet sent stay on this computer and are sent when you sign in again.",
            "",
            status.pending,
        )
    if not SignOutQuestion.ask(parent, text):
        return False
    ctx.store.sync.logout()
    return True


class SignOutQuestion:
    @classmethod
    def ask(cls, parent: QWidget, text: str) -> bool:
        """Tests replace this."""
        answer = QMessageBox.question(
            parent, QCoreApplication.translate("SignInDialog", "Sign out"), text
        )
        return answer == QMessageBox.StandardButton.Yes
