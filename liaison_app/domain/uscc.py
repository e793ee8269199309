"""The unified social credit code (GB 32100-2015): normalisation and the check character."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28

# GB 11714 organisation code (chars 9-17 of a USCC): 8 chars + a check char (0-9 or X).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

KINDS = {
    "91": "enterprise",
    "92": "individual_trader",
    "93": "farmers_cooperative",
}


def normalise(raw: str) -> str:
    """Trim, fold full-width to half-width (NFKC) and upper-case. Never guesses O→0."""
    return unicodedata.normalize("NFKC", raw).strip().upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17; raises ValueError on a character outside CHARSET."""
    if len(first17) != 17:
        raise ValueError("need exactly 17 characters")
    total = 0
    for ch, weight in zip(first17, WEIGHTS, strict=True):
        if ch not in _VALUE:
            raise ValueError(f"character {ch!r} is not allowed in a USCC")
        total += _VALUE[ch] * weight
    # The outer mod matters: a sum divisible by 31 gives index 0, not 31.
    return CHARSET[(31 - total % 31) % 31]


def org_code_ok(uscc: str) -> bool:
    """GB 11714 inner check on chars 9-17. Informational only: warn, never block."""
    body, check = uscc[8:16], uscc[16]
    if any(c not in _ORG_CHARSET for c in body):
        return False
    total = sum(_ORG_CHARSET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    rem = 11 - total % 11
    expected = "0" if rem == 11 else "X" if rem == 10 else str(rem)
    return check == expected


@dataclass(frozen=True)
class UsccCheck:
    """The outcome of checking one code: the normalised code, an error or warnings."""

    code: str
    error: str | None = None  # a reason to refuse the code
    error_code: str | None = None
    warnings: tuple[str, ...] = ()
    params: dict[str, object] = field(default_factory=dict)  # values named in the error

    @property
    def ok(self) -> bool:
        return self.error is None


def check(raw: str) -> UsccCheck:
    """Validate a USCC as typed by a person. Errors name what is wrong and where."""
    code = normalise(raw)
    if len(code) != 18:
        return UsccCheck(
            code,
            f"must be 18 characters, got {len(code)}",
            "uscc_length",
            params={"length": len(code)},
        )
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            hint = " (I, O, S, V and Z are never used)" if ch in "IOSVZ" else ""
            return UsccCheck(
                code,
                f"character {pos} ({ch!r}) is not allowed{hint}",
                "uscc_charset",
                params={"position": pos, "char": ch},
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccCheck(
            code,
            f"check character is {code[17]!r} but should be {expected!r}: "
            "a character was probably mistyped",
            "uscc_check",
            params={"got": code[17], "expected": expected},
        )
    warnings: list[str] = []
    if not org_code_ok(code):
        warnings.append("characters 9-17 fail the organisation-code (GB 11714) check")
    return UsccCheck(code, warnings=tuple(warnings))


def is_valid(raw: str) -> bool:
    return check(raw).ok


def with_check_character(first17: str) -> str:
    """Complete 17 characters into a valid code (used by the demo data generator)."""
    return first17 + check_character(first17)
