"""Phone numbers as practice writes them in China: mobiles and landlines."""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"1[3-9]\d{9}")
# 0 + 2-3 digit area code, optional '-', 7-8 digits, optional extension.
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:(?:-|转|ext\.?|x)\d{1,6})?", re.IGNORECASE)


def normalise_phone(raw: str) -> str:
    """Fold full-width digits, drop spaces, a leading +86 / 0086 country prefix and the
    dashes people put in a mobile number (a landline keeps the one after its area code)."""
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    for prefix in ("+86-", "+86", "0086"):
        if text.startswith(prefix) and len(text) > len(prefix) + 8:
            text = text[len(prefix) :].lstrip("-")
            if not text.startswith(("1", "0")):
                text = "0" + text  # international form drops the trunk 0 of an area code
            break
    if _MOBILE.fullmatch(text.replace("-", "")):
        return text.replace("-", "")  # 138-4001-2345 as many write a mobile
    return text


def phone_kind(number: str) -> str | None:
    """``"mobile"``, ``"landline"`` or None when the normalised number is neither."""
    if _MOBILE.fullmatch(number):
        return "mobile"
    if _LANDLINE.fullmatch(number):
        return "landline"
    return None


def phone_error(raw: str) -> str | None:
    """None for a valid phone number, else an explanation of the accepted forms."""
    number = normalise_phone(raw)
    if phone_kind(number):
        return None
    if number.startswith("1") and number.isdigit():
        return f"{number!r} is not a mobile number: mobiles have 11 digits and start 13-19"
    return (
        f"{number!r} is neither a mobile (11 digits, 13-19…) nor a landline "
        "(0 + 2-3 digit area code, optional '-', 7-8 digits, optional extension)"
    )
