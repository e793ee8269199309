"""Turn the rows of an enterprise list into cleaned enterprise values and per-cell issues.

Pure: the caller gives the sheet, the reference data (a Resolver and the codes that exist)
and gets back one ParsedRow per non-empty data row, validated with domain.validation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from liaison_app.domain.validation import CodeLookup, clean_enterprise
from liaison_app.errors import ValidationError
from liaison_app.exchange.cells import (
    CONTROL,
    CellError,
    clean_text,
    int_text,
    number_text,
    to_flag,
    to_text,
)
from liaison_app.exchange.headers import (
    CITY,
    HEADER_SCAN_ROWS,
    Column,
    HeaderRow,
    find_header,
    header_key,
    header_texts,
)
from liaison_app.exchange.report import RowIssue
from liaison_app.exchange.resolve import Resolution, Resolver, ownership_code, size_code
from liaison_app.exchange.sheets import Sheet

PROGRESS_EVERY = 500


class Cancelled(Exception):
    """The caller's cancel check said stop."""


@dataclass(slots=True)
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, Column] = field(default_factory=dict)  # field → the column it came from
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    key: tuple[str, str | None] = ("", None)  # (identity_name, district): who the firm is

    @property
    def ok(self) -> bool:
        return not self.errors

    def column_of(self, name: str) -> str | None:
        col = self.columns.get(name)
        return col.letter if col is not None else None


@dataclass
class ParsedSheet:
    header: HeaderRow
    rows: list[ParsedRow]
    total: int  # data rows read (empty ones not counted)


def identity_name(name: str) -> str:
    """A name as compared to find the same firm: widths folded, spaces dropped, no case."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def parse_enterprises(
    sheet: Sheet,
    resolver: Resolver,
    codes: CodeLookup,
    mapping: Mapping[str, str | None] | None = None,
    *,
    recall: Callable[[str], Mapping[str, str | None] | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    total_hint: int = 0,
) -> ParsedSheet:
    """Find the header, then clean every data row below it; also marks rows that name the
    same firm as an earlier row of the file. ``mapping`` (header → field, or None to leave a
    column out) overrides the guesses, over what ``recall`` remembers for this header set."""
    rows = sheet.rows
    head: list[tuple[int, list[Any]]] = []
    for item in rows:
        head.append(item)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    remembered = recalled(head, recall)
    header = find_header(head, sheet.first_col, {**(remembered or {}), **(mapping or {})})
    plan = _plan(header, sheet.first_col, resolver)
    name_column = header.fields()["name"][0]
    parsed: list[ParsedRow] = []
    n = 0

    def data() -> Iterator[tuple[int, list[Any]]]:
        for number, values in head:
            if number > header.row:
                yield number, values
        yield from rows

    for number, values in data():
        if not any(v not in (None, "") for v in values):
            continue  # an empty row
        row = _parse_row(number, values, plan, name_column, codes)
        if row is None:
            continue
        parsed.append(row)
        n += 1
        if n % PROGRESS_EVERY == 0:
            if cancelled is not None and cancelled():
                raise Cancelled
            if progress is not None:
                progress(n, max(total_hint, n))
    _mark_duplicates(parsed)
    return ParsedSheet(header, parsed, n)


def recalled(
    head: Sequence[tuple[int, Sequence[Any]]],
    recall: Callable[[str], Mapping[str, str | None] | None] | None,
) -> Mapping[str, str | None] | None:
    """The mapping remembered for one of the first rows' header sets, if any."""
    if recall is None:
        return None
    for _, values in head:
        texts = [t for t in header_texts(values) if t]
        if len(texts) >= 2:
            found = recall(header_key(texts))
            if found:
                return found
    return None


Converter = Callable[[Any, "str | None"], Any]


def _uscc_cell(value: Any, city: str | None) -> Any:
    if isinstance(value, float) and abs(value) >= 1e15:
        raise CellError(
            f"was stored as a number ({number_text(value)}) and lost its last digits; format "
            "the column as text and type the code again"
        )
    return to_text(value)


def _phone_cell(value: Any, city: str | None) -> Any:
    text = to_text(value)
    return None if text is None else int_text(text)


def _text_cell(value: Any, city: str | None) -> Any:
    return value if type(value) is str else to_text(value)


def _flag_cell(value: Any, city: str | None) -> Any:
    return to_flag(value)


def _looked_up(lookup: Callable[[str, str | None], str]) -> Converter:
    """A converter through a name → code lookup, remembering each distinct cell (a list
    repeats its districts, industries and sizes thousands of times)."""
    memo: dict[tuple[Any, str | None], str] = {}

    def convert(value: Any, city: str | None) -> Any:
        key = (value, city)
        if key in memo:
            return memo[key]
        text = to_text(value)
        if text is None:
            return None
        code = lookup(text, city)
        memo[key] = code
        return code

    return convert


def converters(resolver: Resolver) -> dict[str, Converter]:
    return {
        "uscc": _uscc_cell,
        "phone": _phone_cell,
        "specialised": _flag_cell,
        "district_code": _looked_up(resolver.district),
        "industry_code": _looked_up(lambda t, _c: resolver.industry(t)),
        "size": _looked_up(lambda t, _c: size_code(t)),
        "ownership": _looked_up(lambda t, _c: ownership_code(t)),
    }


@dataclass(frozen=True)
class _Field:
    name: str
    columns: tuple[tuple[int, Column], ...]  # (index into the row's values, column)
    convert: Converter


def _plan(
    header: HeaderRow, first_col: int, resolver: Resolver
) -> tuple[list[_Field], _Field | None]:
    convs = converters(resolver)
    fields: list[_Field] = []
    city: _Field | None = None
    for name, cols in header.fields().items():
        f = _Field(
            name,
            tuple((c.index - first_col, c) for c in cols),
            convs.get(name, _text_cell),
        )
        if name == CITY:
            city = f
        else:
            fields.append(f)
    return fields, city


def _parse_row(
    number: int,
    values: Sequence[Any],
    plan: tuple[list[_Field], _Field | None],
    name_column: Column,
    codes: CodeLookup,
) -> ParsedRow | None:
    fields, city_field = plan
    width = len(values)
    row = ParsedRow(number)
    raw: dict[str, Any] = {}
    city: str | None = None
    if city_field is not None:
        j, col = city_field.columns[0]
        row.columns[CITY] = col
        try:
            city = to_text(values[j]) if j < width else None
        except CellError as exc:
            row.errors.append(RowIssue(number, col.letter, f"{col.header}: {exc}"))
    # One search for control characters in the whole row; only a row with one looks closer.
    careful = CONTROL.search("".join(v for v in values if type(v) is str)) is not None
    seen_any = False
    for f in fields:
        for j, col in f.columns:
            value = values[j] if j < width else None
            if value is None or value == "":
                continue
            try:
                if type(value) is str:
                    value = to_text(value) if careful else clean_text(value)
                    if not value:
                        continue
                seen_any = True
                converted = f.convert(value, city)
            except CellError as exc:
                seen_any = True
                row.errors.append(
                    RowIssue(number, col.letter, f"{col.header}: {exc}", f.name, "bad_cell")
                )
                row.columns[f.name] = col
                break
            except Resolution as exc:
                row.errors.append(RowIssue(number, col.letter, str(exc), f.name, "unresolved"))
                row.columns[f.name] = col
                break
            if converted is None:
                continue
            raw[f.name] = converted
            row.columns[f.name] = col
            break
    if not seen_any and not row.errors:
        return None  # only ignored columns hold anything (a footer, a note beside the list)
    failed = {e.field for e in row.errors}
    row.columns.setdefault("name", name_column)
    raw.setdefault("name", None)
    try:
        cleaned, warnings = clean_enterprise(raw, codes, creating=True)
    except ValidationError as exc:
        # Every problem of the row at once; a cell already refused is not "required" too.
        for e in exc.errors:
            if e.field not in failed:
                row.errors.append(
                    RowIssue(
                        number, row.column_of(e.field), f"{e.field}: {e.message}", e.field, e.code
                    )
                )
        row.errors.sort(key=lambda i: cells_order(i.column))
        return row
    if row.errors:
        row.errors.sort(key=lambda i: cells_order(i.column))
        return row
    row.values = cleaned
    if not cleaned.get("uscc") and not cleaned.get("district_code"):
        warnings.append(
            "district_code: without a USCC, name and district identify the firm; "
            "please give the district"
        )
    for w in warnings:
        name = w.split(":", 1)[0]
        row.warnings.append(RowIssue(number, row.column_of(name), w, name))
    return row


def cells_order(letters: str | None) -> tuple[int, str]:
    """Issues of a row in column order (A before B before AA)."""
    return (len(letters or ""), letters or "")


def _mark_duplicates(rows: list[ParsedRow]) -> None:
    """Two rows that would match the same firm: the later one is an error naming the first
    (same USCC; or same name and district where the later has no USCC, or the earlier none)."""
    by_uscc: dict[str, int] = {}
    by_name: dict[tuple[str, str | None], tuple[int, bool]] = {}
    for row in rows:
        if not row.ok:
            continue
        code = row.values.get("uscc")
        key = row.key = (identity_name(row.values["name"]), row.values.get("district_code"))
        earlier: int | None = None
        column = "uscc" if code else "name"
        if code and code in by_uscc:
            earlier = by_uscc[code]
        elif key in by_name and (not code or not by_name[key][1]):
            earlier = by_name[key][0]
            column = "name"
        if earlier is not None:
            what = f"USCC {code}" if column == "uscc" else "name and district"
            row.errors.append(
                RowIssue(
                    row.row,
                    row.column_of(column),
                    f"the same enterprise as row {earlier} ({what}): each firm may appear once",
                    column,
                    "duplicate_row",
                )
            )
            continue
        if code:
            by_uscc[code] = row.row
        by_name.setdefault(key, (row.row, bool(code)))
