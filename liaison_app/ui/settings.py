"""One typed registry of the app's settings over QSettings: each key declared once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")
SETTINGS_VERSION = 1


@dataclass(frozen=True)
class Key(Generic[T]):
    name: str
    type: type
    default: T


# User preferences
LANGUAGE: Key[str] = Key("prefs/language", str, "system")  # system | zh_CN | en
LAST_DATA_DIR: Key[str] = Key("prefs/last_data_dir", str, "")
# The folder an enterprise list was last imported from or a ledger exported to.
EXCHANGE_DIR: Key[str] = Key("prefs/exchange_dir", str, "")
DUE_WITHIN_DAYS: Key[int] = Key("prefs/due_within_days", int, 7)
# Follow-ups due also list problems received but not accepted for more than this many working
# days, and show the officer's own problems ("mine") or everyone's ("all").
WAITING_WORKING_DAYS: Key[int] = Key("prefs/waiting_working_days", int, 5)
DUE_WHOSE: Key[str] = Key("prefs/due_whose", str, "mine")
SYNC_SERVER: Key[str] = Key("prefs/sync_server", str, "")  # offered again at the next sign-in
SYNC_USER: Key[str] = Key("prefs/sync_user", str, "")
# Photos attached shrunk to 2000 px (1) or as taken (0); full-size originals kept here (1).
SHRINK_PHOTOS: Key[int] = Key("prefs/shrink_photos", int, 0)
KEEP_ORIGINALS: Key[int] = Key("prefs/keep_originals", int, 1)
# Window state, kept apart from preferences
GEOMETRY: Key[QByteArray] = Key("window/geometry", QByteArray, QByteArray())
STATE: Key[QByteArray] = Key("window/state", QByteArray, QByteArray())
PAGE: Key[int] = Key("window/page", int, 0)
VERSION: Key[int] = Key("meta/version", int, 0)


class AppSettings:
    """Typed get/set; ``path`` gives tests (and portable installs) their own INI file."""

    def __init__(self, path: str | None = None) -> None:
        if path:
            self._qs = QSettings(path, QSettings.Format.IniFormat)
        else:
            self._qs = QSettings("Liaison", "Liaison")
        self._upgrade()

    def get(self, key: Key[T]) -> T:
        value = self._qs.value(key.name, key.default)
        if value is None:
            return key.default
        if key.type is int:
            try:
                return int(value)  # type: ignore[return-value]
            except (TypeError, ValueError):
                return key.default
        if key.type is str:
            return str(value)  # type: ignore[return-value]
        return value  # type: ignore[no-any-return]

    def set(self, key: Key[Any], value: Any) -> None:
        self._qs.setValue(key.name, value)

    def sync(self) -> None:
        self._qs.sync()

    def _upgrade(self) -> None:
        version = self.get(VERSION)
        if version < SETTINGS_VERSION:
            # Upgrade hooks for older settings files go here, one per version step.
            self.set(VERSION, SETTINGS_VERSION)
