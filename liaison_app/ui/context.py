"""What every screen is handed: services, data events, labels, tasks, settings, undo."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QUndoStack

from liaison_app.domain import labels as catalogue
from liaison_app.services.store import Store
from liaison_app.ui.events import DataEvents
from liaison_app.ui.i18n import Translations
from liaison_app.ui.settings import AppSettings
from liaison_app.ui.tasks import TaskRunner


@dataclass
class Labels:
    """Labels for codes in the current language: vocabularies and stored reference data."""

    translations: Translations
    reference: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)

    @property
    def zh(self) -> bool:
        return self.translations.language == "zh_CN"

    def __call__(self, kind: str, code: str | None) -> str:
        if code is None:
            return ""
        table = self.reference.get(kind)
        if table is not None and code in table:
            zh, en = table[code]
            return zh if self.zh else en
        return catalogue.label(kind, code, self.translations.language)

    def items(self, kind: str) -> list[tuple[str, str]]:
        """(code, label) pairs in display order, for pickers."""
        table = self.reference.get(kind)
        if table is not None:
            return [(code, zh if self.zh else en) for code, (zh, en) in table.items()]
        vocab = catalogue.VOCABULARIES[kind]
        return [(code, zh if self.zh else en) for code, (zh, en) in vocab.items()]


@dataclass
class AppContext:
    store: Store
    events: DataEvents
    labels: Labels
    tasks: TaskRunner
    settings: AppSettings
    undo: QUndoStack

    def load_reference(self) -> None:
        for kind in ("categories", "departments", "districts", "industries"):
            self.labels.reference[kind] = {
                r.code: (r.name_zh, r.name_en) for r in self.store.quick.reference(kind)
            }
