"""Field-level validation of records as a person types them: every error at once, by field."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from liaison_app.domain import contact, uscc
from liaison_app.domain.labels import OWNERSHIP, SIZES, SOURCES, URGENCIES, VISIT_MODES
from liaison_app.errors import FieldError, ValidationError

# kind ("categories", "departments", "districts", "industries") → the codes that exist.
CodeLookup = Callable[[str], Collection[str]]

_INDUSTRY = re.compile(r"[A-T](\d{2}(\d{1,2})?)?")
MAX_TEXT = 20_000
MAX_NAME = 200


class Cleaner:
    """Collects cleaned values and field errors for one record."""

    def __init__(self, raw: Mapping[str, Any], codes: CodeLookup, creating: bool = True) -> None:
        # A required field must be given when creating, and may never be blanked by an edit.
        self.creating = creating
        self.raw = raw
        self.codes = codes
        self.out: dict[str, Any] = {}
        self.errors: list[FieldError] = []
        self.warnings: list[str] = []

    def present(self, name: str) -> bool:
        return name in self.raw

    def error(self, name: str, code: str, message: str, **params: object) -> None:
        self.errors.append(FieldError(name, code, message, params))

    def text(self, name: str, *, required: bool = False, max_len: int = MAX_TEXT) -> None:
        if not self.present(name):
            if required and self.creating:
                self.error(name, "required", "is required")
            return
        value = self.raw[name]
        value = None if value is None else str(value).strip()
        if not value:
            if required:
                self.error(name, "required", "is required and may not be blank")
            else:
                self.out[name] = None
            return
        if len(value) > max_len:
            self.error(
                name,
                "too_long",
                f"is {len(value)} characters; at most {max_len}",
                length=len(value),
                max=max_len,
            )
            return
        self.out[name] = value

    def choice(self, name: str, allowed: Collection[str], *, required: bool = False) -> None:
        if not self.present(name) or self.raw[name] in (None, ""):
            if required and (self.creating or self.present(name)):
                self.error(name, "required", "is required")
            elif self.present(name):
                self.out[name] = None
            return
        value = str(self.raw[name]).strip()
        if value not in allowed:
            self.error(
                name,
                "unknown",
                f"unknown value {value!r}; allowed: {', '.join(allowed)}",
                value=value,
            )
            return
        self.out[name] = value

    def ref(
        self,
        name: str,
        kind: str,
        *,
        required: bool = False,
        normalise: Callable[[str], str] = str.strip,
    ) -> None:
        if not self.present(name) or self.raw[name] in (None, ""):
            if required and (self.creating or self.present(name)):
                self.error(name, "required", "is required")
            elif self.present(name):
                self.out[name] = None
            return
        value = normalise(str(self.raw[name]))
        if value not in self.codes(kind):
            singular = kind[:-3] + "y" if kind.endswith("ies") else kind[:-1]
            self.error(
                name,
                "unknown_code",
                f"unknown {singular} code {value!r} (see `liaison reference list {kind}`)",
                value=value,
            )
            return
        self.out[name] = value

    def date(self, name: str, *, required: bool = False, not_future: dt.date | None = None) -> None:
        if not self.present(name) or self.raw[name] in (None, ""):
            if required and (self.creating or self.present(name)):
                self.error(name, "required", "is required")
            elif self.present(name):
                self.out[name] = None
            return
        value = parse_date(self.raw[name])
        if value is None:
            self.error(
                name,
                "bad_date",
                f"{self.raw[name]!r} is not a date (YYYY-MM-DD)",
                value=self.raw[name],
            )
            return
        if not_future is not None and value > not_future:
            self.error(
                name,
                "in_future",
                f"{value} is in the future (today is {not_future})",
                value=value,
                today=not_future,
            )
            return
        self.out[name] = value

    def number(
        self, name: str, *, integer: bool = False, low: float = 0, high: float | None = None
    ) -> None:
        if not self.present(name):
            return
        value = self.raw[name]
        if value in (None, ""):
            self.out[name] = None
            return
        try:
            num: float = int(value) if integer else float(value)
        except (TypeError, ValueError):
            num = math.nan
        if not math.isfinite(num):
            kind = "a whole number" if integer else "a number"
            self.error(name, "not_number", f"{value!r} is not {kind}", value=value)
            return
        if num < low or (high is not None and num > high):
            bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            self.error(name, "out_of_range", f"{num:g} must be {bound}", value=num, bound=bound)
            return
        self.out[name] = num

    def flag(self, name: str) -> None:
        if self.present(name):
            self.out[name] = bool(self.raw[name])

    def names(self, name: str) -> None:
        """A list of person names (officers): a list, or text separated by , 、 ; or newlines."""
        if not self.present(name):
            return
        value = self.raw[name]
        items: Iterable[str] = (
            re.split(r"[,，、;；\n]", value) if isinstance(value, str) else (value or [])
        )
        self.out[name] = [s.strip() for s in items if s and s.strip()]

    def refs(self, name: str, kind: str) -> None:
        if not self.present(name):
            return
        value = self.raw[name]
        items = re.split(r"[,，、;；\s]+", value) if isinstance(value, str) else (value or [])
        codes = [s.strip() for s in items if s and s.strip()]
        unknown = [c for c in codes if c not in self.codes(kind)]
        if unknown:
            self.error(
                name,
                "unknown_code",
                f"unknown codes: {', '.join(unknown)}",
                value=", ".join(unknown),
            )
            return
        self.out[name] = codes

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise ValidationError(self.errors)
        return self.out


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def clean_enterprise(
    raw: Mapping[str, Any], codes: CodeLookup, *, creating: bool
) -> tuple[dict[str, Any], list[str]]:
    """Clean enterprise fields; returns (values, warnings) or raises ValidationError."""
    c = Cleaner(raw, codes, creating)
    c.text("name", required=True, max_len=MAX_NAME)
    if c.present("uscc"):
        value = raw["uscc"]
        if value is None or not str(value).strip():
            c.out["uscc"] = None
        else:
            result = uscc.check(str(value))
            if result.ok:
                c.out["uscc"] = result.code
                c.warnings.extend(f"uscc: {w}" for w in result.warnings)
            else:
                c.error(
                    "uscc",
                    result.error_code or "uscc",
                    f"{result.code!r}: {result.error}",
                    uscc=result.code,
                    **result.params,
                )
    c.ref("district_code", "districts")
    if c.present("industry_code"):
        value = str(raw["industry_code"] or "").strip().upper()
        if not value:
            c.out["industry_code"] = None
        elif industry_codes(codes("industries"))(value):
            c.out["industry_code"] = value
        else:
            c.error(
                "industry_code",
                "unknown_code",
                f"{value!r} is not a GB/T 4754 code: a section letter A-T, optionally "
                "followed by 2-4 digits (e.g. C or C3411)",
                value=value,
            )
    c.choice("size", SIZES)
    c.choice("ownership", OWNERSHIP)
    for name in (
        "address",
        "legal_rep",
        "contact_name",
        "contact_title",
        "park",
        "officer",
        "unit",
    ):
        c.text(name, max_len=MAX_NAME if name != "address" else 500)
    c.text("notes")
    if c.present("phone"):
        value = raw["phone"]
        if value is None or not str(value).strip():
            c.out["phone"] = None
        else:
            problem = contact.phone_error(str(value))
            if problem:
                c.error("phone", "bad_phone", problem, value=contact.normalise_phone(str(value)))
            else:
                c.out["phone"] = contact.normalise_phone(str(value))
    c.flag("specialised")
    out = c.done()
    return out, c.warnings


def industry_codes(sections: Collection[str]) -> Callable[[str], bool]:
    """A GB/T 4754 code is valid when it has the section-letter form and a known section."""

    def ok(code: str) -> bool:
        return bool(_INDUSTRY.fullmatch(code)) and code[0] in sections

    return ok


def clean_visit(
    raw: Mapping[str, Any], codes: CodeLookup, *, creating: bool, today: dt.date
) -> dict[str, Any]:
    c = Cleaner(raw, codes, creating)
    if creating and not c.present("mode"):
        c.out["mode"] = "onsite"
    c.date("visit_date", required=True, not_future=today)
    if c.present("mode"):
        c.choice("mode", VISIT_MODES, required=True)
    c.names("officers")
    for name in (
        "people_met",
        "business_situation",
        "policies",
        "opinions",
        "solved_on_site",
        "summary",
    ):
        c.text(name)
    c.number("output_value")
    c.number("revenue")
    c.number("staff", integer=True)
    c.number("capacity_use", high=100)
    return c.done()


def clean_problem(
    raw: Mapping[str, Any], codes: CodeLookup, *, creating: bool, today: dt.date
) -> dict[str, Any]:
    c = Cleaner(raw, codes, creating)
    c.ref("category", "categories", required=True)
    c.text("description", required=True)
    c.text("request")
    if creating and not c.present("urgency"):
        c.out["urgency"] = "normal"
    else:
        c.choice("urgency", URGENCIES, required=True)
    if creating and not c.present("source"):
        c.out["source"] = "visit"
    else:
        c.choice("source", SOURCES, required=True)
    c.date("raised_on", not_future=today)
    c.date("deadline")  # a past deadline is allowed: the problem is then overdue
    c.flag("shared")
    c.ref("lead_department", "departments")
    c.refs("co_departments", "departments")
    c.text("officer", max_len=MAX_NAME)
    return c.done()
