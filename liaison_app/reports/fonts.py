"""The one bundled CJK font, embedded as a subset; characters it lacks are found and named."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from reportlab import rl_config
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from liaison_app.resources import font_path

FONT = "LiaisonCJK"
_lock = threading.Lock()
_font: TTFont | None = None


def register() -> str:
    """Register the font once per process (TrueType outlines: reportlab embeds a subset)."""
    global _font
    with _lock:
        if _font is None:
            _font = TTFont(FONT, str(font_path()), subfontIndex=0)
            pdfmetrics.registerFont(_font)
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT, bold, italic, FONT)  # no bold face: the same outlines
            # Nothing may fall back to an unembedded standard font, charts included.
            rl_config.canvas_basefontname = FONT
            STATE_DEFAULTS["fontName"] = FONT
    return FONT


def missing_glyphs(texts: Iterable[str | None]) -> list[str]:
    """Characters the font cannot draw (reportlab would drop them silently)."""
    register()
    assert _font is not None
    covered = _font.face.charToGlyph
    missing: set[str] = set()
    for text in texts:
        for ch in text or "":
            if ch not in "\n\r\t" and ord(ch) not in covered:
                missing.add(ch)
    return sorted(missing)
