"""Where the bundled resources are: the CJK font and its licence, translations, icons."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

FONT_FILE = "wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei"


def resources_dir() -> Path:
    return Path(str(files("liaison_resources")))


def font_path() -> Path:
    return resources_dir() / "fonts" / FONT_FILE


def translations_dir() -> Path:
    return resources_dir() / "i18n"
