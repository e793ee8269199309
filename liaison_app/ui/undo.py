"""Undoable deletes: a delete is a tombstone, so undo is a restore (cheap and exact)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from liaison_app.domain.records import Saved
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
) -> None:
    """Delete through the undo stack (Ctrl+Z restores); a failure is shown, never swallowed."""
    from liaison_app.ui.errors import ErrorDialog

    command = DeleteCommand(
        text, events, lambda: service.delete(ident), lambda: service.restore(ident)
    )
    try:
        stack.push(command)
    except Exception as exc:  # noqa: BLE001
        ErrorDialog.show_error(parent, exc)
