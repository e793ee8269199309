"""Undoable deletes: a delete is a tombstone, so undo is a restore (cheap and exact)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

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
