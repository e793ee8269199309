"""What every screen is handed: services, data events, labels, tasks, settings, undo."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QUndoStack

from liaison_app.domain import labels as catalogue
from liaison_app.domain.permissions import Permissions
from liaison_app.domain.records import Changes
from liaison_app.domain.reference import district_names
from liaison_app.services.store import Store
from liaison_app.ui.collation import PinyinSorter
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

    def number(self, problem: Any) -> str:
        """A problem's number, marked when it is still provisional."""
        return catalogue.problem_number(
            problem.number, problem.number_provisional, self.translations.language
        )

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

    # What the signed-in user may write (the sync service answers; the main window keeps it
    # current and broadcasts a change as the "permissions" kind).
    permissions: Permissions = field(default_factory=Permissions)

    _sorter: PinyinSorter = field(default_factory=PinyinSorter)
    _all_enterprises: list[tuple[str, str]] | None = None

    def __post_init__(self) -> None:
        self.events.changed.connect(self._forget_enterprises)

    def set_permissions(self, permissions: Permissions) -> None:
        if permissions != self.permissions:
            self.permissions = permissions
            self.events.emit_changes(Changes(frozenset({"permissions"})))

    def _forget_enterprises(self, changes: Changes) -> None:
        if "enterprise" in changes.kinds:
            self._all_enterprises = None

    def enterprise_names(self, **filters: object) -> list[tuple[str, str]]:
        """(id, name) in pinyin order; the unfiltered list is shared by every screen."""
        if not any(filters.values()):
            if self._all_enterprises is None:
                rows = self.store.quick.enterprise_names()
                self._sorter.sort_rows(rows)
                self._all_enterprises = rows
            return list(self._all_enterprises)
        rows = self.store.quick.enterprise_names(**filters)  # type: ignore[arg-type]
        self._sorter.sort_rows(rows)
        return rows

    def load_reference(self) -> None:
        for kind in ("categories", "departments", "industries"):
            self.labels.reference[kind] = {
                r.code: (r.name_zh, r.name_en) for r in self.store.quick.reference(kind)
            }
        self.labels.reference["districts"] = district_names(
            (r.code, r.name_zh, r.name_en, r.parent)
            for r in self.store.quick.reference("districts")
        )
