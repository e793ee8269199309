"""Composition root of the desktop app: settings, store, translators, main window."""

from __future__ import annotations

import argparse
import faulthandler
import logging
import logging.handlers
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from liaison_app import paths

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from liaison_app.ui.context import AppContext
    from liaison_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def setup_logging(data_dir: Path) -> None:
    folder = paths.logs_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        folder / "liaison.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    crash_log = (folder / "crash.log").open("a", encoding="utf-8")
    faulthandler.enable(crash_log)


# Said instead of Qt's own text when its window system plugin cannot load (Qt blamed
# xcb-cursor0 while libxcb-icccm4 and libxcb-keysyms1 were missing); the README has this too.
DEBIAN_PACKAGES = (
    "libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0 "
    "libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 "
    "libxcb-xinerama0 libxcb-xkb1"
)
FEDORA_PACKAGES = (
    "mesa-libEGL mesa-libGL fontconfig dbus-libs libxkbcommon-x11 xcb-util-cursor "
    "xcb-util-wm xcb-util-image xcb-util-keysyms xcb-util-renderutil"
)
PLATFORM_HELP = (
    "Liaison cannot open its window: this system lacks libraries Qt needs to draw it. "
    f"Install them with `sudo apt-get install {DEBIAN_PACKAGES}` (Debian/Ubuntu) or "
    f"`sudo dnf install {FEDORA_PACKAGES}` (Fedora), then start Liaison again."
)


NO_DISPLAY_HELP = (
    "Liaison cannot open its window: there is no display to show it on (DISPLAY is not set "
    "or no X server answers there). Start it from your desktop session."
)
_display_refused: list[str] = []


def qt_message(kind: object, _context: object, message: str) -> None:
    """Qt's messages go to the log; a platform plugin that cannot load is said plainly."""
    from PySide6.QtCore import QtMsgType

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }
    logging.getLogger("qt").log(levels.get(kind, logging.INFO), message)  # type: ignore[call-overload]
    if "could not connect to display" in message:
        _display_refused.append(message)
    if kind == QtMsgType.QtFatalMsg and "platform plugin" in message:
        # Qt aborts right after this: one plain sentence instead of its text.
        print(NO_DISPLAY_HELP if _display_refused else PLATFORM_HELP, file=sys.stderr, flush=True)


def route_qt_messages() -> None:
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(qt_message)


def register_font(app: QApplication) -> str | None:
    """The bundled CJK font serves the UI, so Chinese shows on machines without Chinese fonts."""
    from PySide6.QtGui import QFont, QFontDatabase

    from liaison_app.resources import font_path

    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("bundled font %s could not be loaded", font_path())
        return None
    font = QFont(families[0])
    font.setPointSize(max(app.font().pointSize(), 10))
    app.setFont(font)
    return families[0]


def build_context(
    app: QApplication, data_dir: Path, settings_path: str | None = None, language: str | None = None
) -> AppContext:
    from PySide6.QtGui import QUndoStack

    from liaison_app.services.store import open_store
    from liaison_app.ui import settings as keys
    from liaison_app.ui.context import AppContext, Labels
    from liaison_app.ui.events import DataEvents
    from liaison_app.ui.i18n import Translations, resolve
    from liaison_app.ui.settings import AppSettings
    from liaison_app.ui.tasks import TaskRunner

    settings = AppSettings(settings_path)
    translations = Translations(app)
    translations.switch(resolve(language or settings.get(keys.LANGUAGE)))
    store = open_store(data_dir)
    ctx = AppContext(
        store, DataEvents(), Labels(translations), TaskRunner(), settings, QUndoStack()
    )
    ctx.load_reference()
    return ctx


def build_window(ctx: AppContext) -> MainWindow:
    from liaison_app.ui import settings as keys
    from liaison_app.ui.i18n import resolve
    from liaison_app.ui.main_window import MainWindow

    window = MainWindow(ctx)

    def switch_language(preference: str) -> None:
        ctx.settings.set(keys.LANGUAGE, preference)
        ctx.labels.translations.switch(resolve(preference))  # LanguageChange re-translates

    window.language_requested.connect(switch_language)
    return window


STARTUP_SYNC_MS = 1_500


def first_run(ctx: AppContext, parent: object = None) -> bool:
    """Ask the officer's name and offer demo data (in an empty folder only); False if the
    person cancels. A failure is shown and the app carries on: it never closes the app."""
    from liaison_app.ui.errors import ErrorDialog
    from liaison_app.ui.welcome import WelcomeDialog

    held = ctx.store.enterprises.count()
    dialog = WelcomeDialog(parent, held)  # type: ignore[arg-type]
    if not dialog.exec():
        return False
    try:
        ctx.store.settings.set_officer_name(dialog.officer_name)
        if dialog.wants_demo:
            ctx.store.demo.generate("small", seed=1)
    except Exception as exc:  # noqa: BLE001 - shown and logged; the app starts all the same
        ErrorDialog.show_error(None, exc)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="liaison-app", description="Liaison desktop app")
    parser.add_argument("--data-dir", metavar="DIR", help="data folder (shared with `liaison`)")
    parser.add_argument("--lang", choices=("system", "zh_CN", "en"), help="language for this run")
    args = parser.parse_args(argv)
    data_dir = paths.resolve_data_dir(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    setup_logging(data_dir)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from liaison_app.ui.errors import ErrorDialog, install_excepthook

    route_qt_messages()  # before the platform plugin loads: its failure is said plainly
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Liaison")
    app.setOrganizationName("Liaison")
    register_font(app)
    install_excepthook()
    try:
        ctx = build_context(app, data_dir, language=args.lang)
    except Exception as exc:  # noqa: BLE001 - e.g. an unreadable database: explain, then exit
        ErrorDialog.show_error(None, exc)
        return 1
    if ctx.store.settings.officer_name() is None and not first_run(ctx):
        return 0
    window = build_window(ctx)
    window.restore_state()
    window.show()
    QTimer.singleShot(0, window.offer_draft)
    QTimer.singleShot(STARTUP_SYNC_MS, window.start_sync)  # after the first paint
    # Load the ORM while the officer looks at the list, so the first edit does not wait.
    ctx.tasks.run(
        lambda _s: ctx.store.warm_up(),
        lambda _r: None,
        lambda exc: log.warning("warming up failed: %s", exc),
        delay_ms=250,  # after the first paint
    )
    code = app.exec()
    ctx.tasks.wait()  # let background reads finish before the database closes
    ctx.store.close()
    return code
