"""The bundled CJK font plus fallback fonts for rare characters, embedded as subsets.

Every character is drawn in the first font that has it (the body font, then the fallbacks
under resources/fonts/fallback: CJK Extensions A, B and beyond, which people's and firms' names
use); a character no font has is drawn as a visible placeholder (〓) and counted on the canvas, so
the page says so and the caller can refuse (``--strict``).

reportlab writes characters beyond the Basic Multilingual Plane into the font's ToUnicode map as
bare code points (<20BB7>), which readers take for two characters; they are written here as
UTF-16 surrogate pairs (<D842DFB7>), so copying and searching the PDF gives the name back.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from reportlab import rl_config
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from liaison_app.resources import font_path

FONT = "LiaisonCJK"
PLACEHOLDER = "〓"  # GB/T 15834's mark for a character that cannot be set
_lock = threading.Lock()
_fonts: list[tuple[str, TTFont]] = []  # body font first, then the fallbacks
_owner: dict[str, str] = {}  # character -> the font name that draws it ("" when none)
_fallbacks_loaded = False


def _utf16_hex(code: int) -> str:
    if code <= 0xFFFF:
        return f"{code:04X}"
    code -= 0x10000
    return f"{0xD800 + (code >> 10):04X}{0xDC00 + (code & 0x3FF):04X}"


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with code points beyond U+FFFF as surrogate pairs."""
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def fallback_paths() -> list[Path]:
    folder = font_path().parent / "fallback"
    return sorted(p for p in folder.glob("*.tt[fc]")) if folder.is_dir() else []


def register() -> str:
    """Register the fonts once per process (TrueType outlines: reportlab embeds subsets)."""
    with _lock:
        if not _fonts:
            ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # type: ignore[assignment]
            body = TTFont(FONT, str(font_path()), subfontIndex=0)
            pdfmetrics.registerFont(body)
            found = [(FONT, body)]
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT, bold, italic, FONT)  # no bold face: the same outlines
            # Nothing may fall back to an unembedded standard font, charts included.
            rl_config.canvas_basefontname = FONT
            rl_config.useA85 = 0  # binary page streams: smaller and faster than ASCII85
            STATE_DEFAULTS["fontName"] = FONT
            _fonts.extend(found)
    return FONT


def _fallback_having(code: int) -> str:
    """The fallback font that draws ``code`` ("" when none), reading the fallback files one at a
    time, in order, only until one has it: they are large (the one for Extensions B to F is
    30 MB) and most documents need none of them; a name in Extension A never reads B."""
    global _fallbacks_loaded
    with _lock:
        for name, font in _fonts[1:]:
            if code in font.face.charToGlyph:
                return name
        if _fallbacks_loaded:
            return ""
        paths = fallback_paths()
        for path in paths[len(_fonts) - 1 :]:
            name = f"LiaisonFallback-{path.stem}"
            font = TTFont(name, str(path), subfontIndex=0)
            # reportlab takes a second font of the same face name for the first (HanaMinA-ExtA
            # and HanaMinA-CompatSup are both "HanaMinA"), and names the embedded subset by it
            font.face.name = path.stem.encode("ascii")
            pdfmetrics.registerFont(font)
            _fonts.append((name, font))
            if code in font.face.charToGlyph:
                return name
        _fallbacks_loaded = True
        return ""


def loaded_fallbacks() -> list[Path]:
    """The fallback files read so far in this process."""
    return fallback_paths()[: len(_fonts) - 1]


def font_for(ch: str) -> str:
    """The name of the font that draws ``ch`` ("" when none has it)."""
    name = _owner.get(ch)
    if name is None:
        register()
        code = ord(ch)
        name = FONT if code in _fonts[0][1].face.charToGlyph else _fallback_having(code)
        _owner[ch] = name
    return name


def char_width(ch: str, font: str = FONT) -> float:
    """Advance width in thousandths of an em, in the font that will draw ``ch``."""
    owner = font_for(ch) if ch not in "\n\r\t" else font
    if not owner:
        owner, ch = FONT, PLACEHOLDER
    return pdfmetrics.stringWidth(ch, owner, 1000)


def runs(text: str, font: str = FONT, gaps: set[str] | None = None) -> list[tuple[str, str]]:
    """``text`` cut into (font, text) runs; characters no font has become the placeholder
    (and are added to ``gaps``)."""
    out: list[tuple[str, str]] = []
    for ch in text:
        owner = font_for(ch)
        if not owner:
            if gaps is not None:
                gaps.add(ch)
            owner, ch = font, PLACEHOLDER
        elif owner == FONT:
            owner = font
        if out and out[-1][0] == owner:
            out[-1] = (owner, out[-1][1] + ch)
        else:
            out.append((owner, ch))
    return out


def draw_string(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, *, bold: bool = False
) -> None:
    """One line at (x, y), each character in a font that has it; bold is fill + stroke.

    The text object is written straight to the page (what reportlab's text object writes, less
    its per-call bookkeeping: a ledger draws tens of thousands of lines)."""
    cache: dict[tuple[str, str, float], tuple[str, frozenset[str]]]
    cache = canvas.__dict__.setdefault("liaison_line_cache", {})
    key = (text, font, size)
    hit = cache.get(key)
    if hit is None:  # ledgers repeat their dates, districts and statuses: encode once
        doc = canvas._doc
        gaps: set[str] = set()
        parts = []
        for owner, part in runs(text, font, gaps):
            face = pdfmetrics.getFont(owner)
            for subset, chunk in face.splitString(part, doc):
                name = face.getSubsetInternalName(subset, doc)
                parts.append(f"{name} {size:g} Tf ({canvas._escape(chunk)}) Tj")
        hit = cache[key] = (" ".join(parts), frozenset(gaps))
    shown, gaps_here = hit
    if gaps_here:
        missing = getattr(canvas, "missing_chars", None)
        if missing is not None:
            missing.update(gaps_here)
    mode = "2 Tr " if bold else ""
    end = "0 Tr ET" if bold else "ET"
    canvas._code.append(f"BT {mode}1 0 0 1 {x:.3f} {y:.3f} Tm {shown} {end}")


def missing_glyphs(texts: Iterable[str | None]) -> list[str]:
    """Characters no bundled font can draw (they are printed as the placeholder)."""
    register()
    missing: set[str] = set()
    for text in texts:
        for ch in text or "":
            if ch not in "\n\r\t" and not font_for(ch):
                missing.add(ch)
    return sorted(missing)
