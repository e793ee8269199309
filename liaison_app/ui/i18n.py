"""Language: Qt translators for widget chrome and Qt's own dialogs, switchable at runtime."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from liaison_app.domain import labels
from liaison_app.resources import translations_dir

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")


def resolve(preference: str) -> str:
    """'system' follows the locale: Chinese locales get zh_CN, everything else English."""
    if preference in LANGUAGES:
        return preference
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


class Translations:
    """Installs our .qm and qtbase's for one language; ``switch`` re-translates live windows."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self.language = "en"

    def switch(self, language: str) -> None:
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()
        self.language = language
        QLocale.setDefault(
            QLocale(QLocale.Language.Chinese, QLocale.Country.China)
            if language == "zh_CN"
            else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
        )
        # English has a file too, of its plurals only ("1 conflict", "2 conflicts"): the
        # sources write "conflict(s)".
        ours = QTranslator(self._app)
        if ours.load(str(translations_dir() / f"liaison_{language}.qm")):
            self._app.installTranslator(ours)
            self._installed.append(ours)
        else:
            log.warning("no translation file for %s", language)
        if language == "en":
            return
        qt = QTranslator(self._app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(f"qtbase_{language}", qt_dir):
            self._app.installTranslator(qt)
            self._installed.append(qt)

    def label(self, vocabulary: str, code: str | None) -> str:
        """A domain label (status, category…) from the Qt-free catalogue, in this language."""
        return labels.label(vocabulary, code, self.language)
