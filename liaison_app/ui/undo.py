"""Undoable deletes (a tombstone, so undo is a restore) and imports (undone as one step)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from liaison_app.domain.records import Changes, Saved
from liaison_app.ui.events import DataEvents


class DeleteCommand(QUndoCommand):
    """Pushing it deletes; undo restores; redo deletes again."""

    def __init__(
        self,
        text: str,
        events: DataEvents,
        delete: Callable[[], Saved],
        restore: Callable[[], Saved],
    ) -> None:
        super().__init__(text)
        self._events, self._delete, self._restore = events, delete, restore

    def redo(self) -> None:
        self._events.emit_changes(self._delete().changes)

    def undo(self) -> None:
        self._events.emit_changes(self._restore().changes)


class Deletable(Protocol):
    def delete(self, ident: str) -> Saved: ...
    def restore(self, ident: str) -> Saved: ...


def delete_undoably(
    stack: QUndoStack,
    events: DataEvents,
    service: Deletable,
    ident: str,
    text: str,
    parent: QWidget | None,
) -> bool:
    """Delete through the undo stack (Ctrl+Z restores); a failure is shown, never swallowed.
    True when deleted."""
    from liaison_app.ui.errors import ErrorDialog

    command = DeleteCommand(
        text, events, lambda: service.delete(ident), lambda: service.restore(ident)
    )
    try:
        stack.push(command)
    except Exception as exc:  # noqa: BLE001
        ErrorDialog.show_error(parent, exc)
        return False
    return True


class ImportCommand(QUndoCommand):
    """An import already written: pushing it does nothing more; undo takes the whole import
    back through the service. Redo would need the file again, so an undone import leaves the
    stack (Redo is not offered); an undo the service refuses (the firms got visits since)
    is shown and the import stays on the stack, to be undone once those are dealt with."""

    def __init__(
        self,
        text: str,
        events: DataEvents,
        undo: Callable[[], tuple[Any, Changes]],
        stack: QUndoStack,
        parent: QWidget | None,
    ) -> None:
        super().__init__(text)
        self._events, self._undo, self._stack, self._parent = events, undo, stack, parent
        self._written = True  # redo() on push: the import is written already
        self.undone: Any = None  # the service's UndoReport once undone

    def redo(self) -> None:
        # Reached on push, and when a refused undo puts the command back: nothing to do.
        self._written = True

    def undo(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report, changes = self._undo()
        except Exception as exc:  # noqa: BLE001 - refused (or failed): shown, stack restored
            self._written = False
            QTimer.singleShot(0, lambda e=exc: self._refused(e))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.undone = report
        self.setObsolete(True)
        self._events.emit_changes(changes)

    def _refused(self, exc: BaseException) -> None:
        from liaison_app.ui.errors import ErrorDialog

        if not self._written:
            self._stack.redo()  # back on the stack as it was: Edit › Undo offers it again
        ErrorDialog.show_error(self._parent, exc)


class UndoNotice(QFrame):
    """ "Deleted 鞍山钢铁… · Undo": shown after an undoable step, its button undoes that very
    step (not whatever is on top of the stack by then); it hides after NOTICE_MS or on undo."""

    NOTICE_MS = 15000

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stack = stack
        self._index = -1
        self.setObjectName("undoNotice")
        self.setStyleSheet("#undoNotice { background: #fff4d6; border: 1px solid #e0c070; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.undo_button = QPushButton()
        self.undo_button.clicked.connect(self.undo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 4, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        stack.indexChanged.connect(self._stack_moved)
        self.undo_button.setText(self.tr("Undo"))
        self.hide()

    def announce(self, text: str) -> None:
        """Call right after pushing the step the notice offers to undo."""
        self._index = self._stack.index()
        self.label.setText(text)
        self.show()
        self._timer.start(self.NOTICE_MS)

    def undo(self) -> None:
        if self._stack.index() == self._index:
            self._stack.undo()
        self.hide()

    def _stack_moved(self, index: int) -> None:
        if index != self._index:  # undone by Ctrl+Z, or something newer done
            self.hide()

    def retranslate_ui(self) -> None:
        self.undo_button.setText(self.tr("Undo"))
