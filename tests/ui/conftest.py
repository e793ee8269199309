"""GUI fixtures: a real QApplication (offscreen), the app context over a fresh data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from liaison_app.services.store import Store
from liaison_app.ui.context import AppContext, Labels
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.events import DataEvents
from liaison_app.ui.i18n import Translations
from liaison_app.ui.settings import AppSettings
from liaison_app.ui.tasks import ImmediateRunner


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Errors that would have been shown in a dialog (tests fail if one is unexpected)."""
    shown: list[BaseException] = []
    monkeypatch.setattr(
        ErrorDialog, "show_error", classmethod(lambda cls, parent, exc: shown.append(exc))
    )
    return shown


@pytest.fixture
def ctx(qapp, store: Store, tmp_path: Path, errors) -> Iterator[AppContext]:
    translations = Translations(qapp)
    translations.switch("en")
    context = AppContext(
        store,
        DataEvents(),
        Labels(translations),
        ImmediateRunner(),
        AppSettings(str(tmp_path / "settings.ini")),
        QUndoStack(),
    )
    context.load_reference()
    yield context
    translations.switch("en")


def add_enterprise(store: Store, name: str, **fields) -> str:
    return store.enterprises.create({"name": name, **fields}).record.id


def type_text(widget, text: str) -> None:
    """Type text key by key, Chinese included (QTest.keyClicks only handles Latin-1)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )
