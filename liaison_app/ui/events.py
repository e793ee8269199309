"""One signal that re-broadcasts what each write changed, so views decide whether to refresh."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from liaison_app.domain.records import Changes


class DataEvents(QObject):
    changed = Signal(object)  # Changes

    def emit_changes(self, changes: Changes) -> None:
        if changes.kinds:
            self.changed.emit(changes)
