"""Cell values as spreadsheets hand them over, made into the text a person meant."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

# Excel's day 0 (1900 system, with its phantom 29 February 1900 folded in).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Trimmed on both sides beside ordinary whitespace (str.strip already takes NBSP and U+3000).
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# C0/C1 controls other than tab and line breaks, and lone surrogates: never stored.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_INT_TEXT = re.compile(r"[+-]?\d+\.0+")
# Floats at or above this lost digits in Excel (15 significant digits) or are no count.
_EXACT_LIMIT = 1e15
TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "对", "有"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "无", "不是"})


class CellError(ValueError):
    """A cell that cannot be taken as it is: the message says why."""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (Excel's column names)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 0, AA → 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def bad_characters(text: str) -> str | None:
    """A description of the first control character in ``text``, or None."""
    m = CONTROL.search(text)
    if m is None:
        return None
    ch = m.group()
    if ch == "\x00":
        return "contains a NUL character (U+0000)"
    return f"contains a control character (U+{ord(ch):04X})"


def clean_text(text: str) -> str:
    text = text.strip()
    if text and (text[0] in _INVISIBLE or text[-1] in _INVISIBLE):
        return text.strip(_INVISIBLE).strip()
    return text


def number_text(value: float) -> str:
    """A number as a person typed it: 13912345678.0 → '13912345678', 1.50 → '1.5'."""
    if math.isfinite(value) and value.is_integer() and abs(value) < _EXACT_LIMIT:
        return str(int(value))
    return repr(value)


def to_text(value: Any) -> str | None:
    """The text of a cell (None when empty); raises CellError for control characters."""
    if value is None:
        return None
    if isinstance(value, str):
        if CONTROL.search(value):
            raise CellError(bad_characters(value) or "contains a control character")
        text = clean_text(value)
        return text or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(str(value)) or None


def int_text(text: str) -> str:
    """'13912345678.0' (a number that went through a float and back to text) → digits."""
    if _INT_TEXT.fullmatch(text):
        return text.split(".", 1)[0]
    return text


def to_date(value: Any) -> dt.date | None:
    """A date from an Excel date cell, an Excel serial number or text such as 2026-01-02,
    2026/1/2, 2026年1月2日 or 20260102; None when empty; CellError when not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a date")
    if isinstance(value, int | float):
        return _serial(float(value))
    text = to_text(value)
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text)
    m = _DATE_TEXT.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise CellError(f"{text!r} is not a date") from None
    try:
        return _serial(float(text))
    except ValueError:
        raise CellError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _serial(number: float) -> dt.date:
    # Serial 60 is Excel's 29 February 1900, which never was; 1..59 are off by one day.
    if not math.isfinite(number) or not 1 <= number < 2_958_466:
        raise CellError(f"{number_text(number)} is not a date")
    days = int(number)
    if days < 61:
        days += 1
    return EXCEL_EPOCH + dt.timedelta(days=days)


def to_flag(value: Any) -> bool | None:
    """Yes/no as sheets write it: 是/否, Y/N, TRUE/FALSE, 1/0, √; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = to_text(value)
    if text is None:
        return None
    word = unicodedata.normalize("NFKC", text).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"{text!r} is not yes or no (是/否, Y/N)")
