"""Where a saved file is offered to go and under what name: the folder last saved to, else the
user's documents folder (never the program's working folder); a name a person recognises
(企业名称-走访记录表-2026-11-10.pdf), not an internal id."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from liaison_app.ui import settings as keys
from liaison_app.ui.context import AppContext

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def save_folder(ctx: AppContext) -> Path:
    remembered = ctx.settings.get(keys.EXCHANGE_DIR)
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    return documents_folder()


def remember_folder(ctx: AppContext, path: Path) -> None:
    ctx.settings.set(keys.EXCHANGE_DIR, str(path.parent))


def file_name(*parts: str | dt.date | None, suffix: str) -> str:
    """The parts joined by '-', each stripped of characters no file system takes."""
    words = [_UNSAFE.sub("_", str(p)).strip(" ._") for p in parts if p]
    return "-".join(w for w in words if w) + suffix


def suggested_path(ctx: AppContext, *parts: str | dt.date | None, suffix: str) -> str:
    return str(save_folder(ctx) / file_name(*parts, suffix=suffix))
