"""Small helpers for rich text in widgets."""

from __future__ import annotations

import html


def esc(text: object) -> str:
    """User text made safe for Qt rich text."""
    return html.escape("" if text is None else str(text))
