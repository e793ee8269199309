"""Read one sheet of an .xlsx workbook or a .csv file as numbered rows of cell values.

Rows are numbered as Excel numbers them (1-based, title rows counted) and cells keep their
column index (0 = A), so every problem can be reported where the person will look for it.
CSV text is UTF-8 (with or without BOM), UTF-16 with BOM or GB18030/GBK, detected, never
guessed: a file that is none of them is refused.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from liaison_app.errors import InputError

XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
CSV_SUFFIXES = frozenset({".csv", ".txt"})
MAX_FILE_BYTES = 200 * 1024 * 1024
# The dense rectangle calamine builds for a sheet (it aborts the process when it cannot
# allocate one): a list of 200,000 firms × 50 columns fits, a stray cell at XFD1048576 not.
MAX_CELLS = 10_000_000
MAX_SHEET_XML = 1024 * 1024 * 1024
CSV_FIELD_LIMIT = 1_000_000
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A cell's reference (column letters, row number); and the root element's namespace prefix.
_REF_COL = re.compile(rb' r="([A-Z]{1,3})[0-9]')
_REF_ROW = re.compile(rb' r="[A-Z]{1,3}([0-9]{1,7})"')
_ROOT = re.compile(rb"\s*(?:<\?xml[^>]*>)?\s*<(\w+:)?worksheet")
_VALUED = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>')


@dataclass
class Sheet:
    """One sheet's rows: ``rows`` yields (Excel row number, values from column ``first_col``)."""

    name: str
    sheet_names: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    first_col: int = 0
    total: int = 0  # rows in the sheet, about (for progress)
    encoding: str | None = None  # CSV only
    notes: list[str] = field(default_factory=list)


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """Open ``path`` (.xlsx or .csv) at ``sheet`` (default: the first); InputError if it
    cannot be read, with what to do about it."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path.name} is {size / 2**20:.0f} MB; at most 200 MB can be imported")
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, sheet)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, sheet)
    raise InputError(
        f"{path.name}: only .xlsx and .csv files can be imported (save the sheet as .xlsx)"
    )


# ---- xlsx -----------------------------------------------------------------------------------


def _read_xlsx(path: Path, sheet: str | None) -> Sheet:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with zipfile.ZipFile(path) as zf:
            names, targets = _workbook_sheets(zf)
            name = _pick(names, sheet)
            _check_extent(zf, targets.get(name), name)
    except zipfile.BadZipFile:
        raise InputError(
            f"{path.name} is not an .xlsx workbook (it cannot be opened as one); save it "
            "from Excel or WPS as .xlsx"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    try:
        wb = CalamineWorkbook.from_path(str(path))
        data = wb.get_sheet_by_name(name)
        start = data.start
        rows = data.iter_rows()
    except CalamineError as exc:
        raise InputError(f"cannot read sheet {name!r} of {path.name}: {exc}") from None
    except BaseException as exc:  # a panic in the Rust reader arrives as BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise InputError(f"cannot read sheet {name!r} of {path.name}: {exc}") from None
    first_row, first_col = start if start is not None else (0, 0)
    numbered = ((first_row + i + 1, list(r)) for i, r in enumerate(rows))
    return Sheet(name, names, numbered if start is not None else iter(()), first_col, data.height)


def _pick(names: list[str], sheet: str | None) -> str:
    if not names:
        raise InputError("the workbook has no sheets")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    folded = {unicodedata.normalize("NFKC", n).strip().casefold(): n for n in names}
    match = folded.get(unicodedata.normalize("NFKC", sheet).strip().casefold())
    if match is not None:
        return match
    raise InputError(f"no sheet named {sheet!r}; the sheets are: {', '.join(names)}")


def _workbook_sheets(zf: zipfile.ZipFile) -> tuple[list[str], dict[str, str]]:
    """The sheet names in workbook order, and each one's XML part in the archive."""
    try:
        book = ElementTree.fromstring(_small_member(zf, "xl/workbook.xml"))
        rels = ElementTree.fromstring(_small_member(zf, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        raise InputError(
            "the workbook's structure is damaged (no readable xl/workbook.xml)"
        ) from None
    parts = {
        r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship") if r.get("Id")
    }
    names: list[str] = []
    targets: dict[str, str] = {}
    for s in book.iter(f"{_NS_MAIN}sheet"):
        name = s.get("name")
        if name is None:
            continue
        names.append(name)
        target = parts.get(s.get(f"{_NS_REL}id"), "")
        if target:
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[name] = str(PurePosixPath(member))
    return names, targets


def _small_member(zf: zipfile.ZipFile, name: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > 50 * 1024 * 1024:
        raise InputError(f"the workbook's {name} is implausibly large")
    return zf.read(info)


def _check_extent(zf: zipfile.ZipFile, member: str | None, name: str) -> None:
    """Refuse a sheet whose cells span more than MAX_CELLS (before calamine sees it)."""
    if member is None:
        return
    try:
        info = zf.getinfo(member)
    except KeyError:
        return  # calamine reports the missing part
    if info.file_size > MAX_SHEET_XML:
        raise InputError(f"sheet {name!r} is too large to import ({info.file_size:,} bytes)")
    xml = zf.read(info)
    root = _ROOT.match(xml)
    tag = b"<" + ((root.group(1) or b"") if root else b"") + b"c"
    elements = xml.count(tag + b" ") + xml.count(tag + b">") + xml.count(tag + b"/>")
    col_refs: list[bytes] = _REF_COL.findall(xml)
    if len(col_refs) >= elements:
        cols, rows = set(col_refs), set(_REF_ROW.findall(xml))
    else:  # other spacing than Excel's: the careful (slower) pattern
        found = _VALUED.findall(xml)
        if len(found) < elements:
            return  # cells without references (rare writers): calamine places them in order
        cols, rows = {c for c, _, _ in found}, {r for _, r, _ in found}
    if not cols:
        return
    extent = _extent(cols, rows)
    if extent[0] > MAX_CELLS:
        # Cells with a style but no value (a formatted column) are not data: count the rest.
        valued = [(c, r) for c, r, closed in _VALUED.findall(xml) if not closed]
        if valued:
            extent = _extent({c for c, _ in valued}, {r for _, r in valued})
    cells, left, right, top, bottom = extent
    if cells > MAX_CELLS:
        from liaison_app.exchange.cells import column_letter

        corner = f"{column_letter(left)}{top}:{column_letter(right)}{bottom}"
        raise InputError(
            f"sheet {name!r}: its cells span {corner} ({cells:,} cells; at most "
            f"{MAX_CELLS:,} can be read) — delete the stray cells far from the list (the "
            f"last column in use is {column_letter(right)}, the last row {bottom}) and save again"
        )


def _extent(cols: set[bytes], rows: set[bytes]) -> tuple[int, int, int, int, int]:
    """(cells, first column, last column, first row, last row) of the rectangle spanned."""
    numbers = [_col(c) for c in cols]
    row_numbers = [int(r) for r in rows]
    left, right = min(numbers), max(numbers)
    top, bottom = min(row_numbers), max(row_numbers)
    return (bottom - top + 1) * (right - left + 1), left, right, top, bottom


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


# ---- csv ------------------------------------------------------------------------------------


def _read_csv(path: Path, sheet: str | None) -> Sheet:
    raw = path.read_bytes()
    if raw.startswith(b"PK\x03\x04"):
        raise InputError(
            f"{path.name} is a zip archive (an Excel workbook?), not CSV text; give it the "
            ".xlsx extension"
        )
    text, encoding = decode(raw, path.name)
    name = path.stem
    if sheet is not None and sheet != name:
        raise InputError(
            f"a CSV file has one sheet ({name!r}); --sheet {sheet!r} names none of its sheets"
        )
    delimiter = _delimiter(text)
    return Sheet(name, [name], _csv_rows(text, delimiter), 0, text.count("\n"), encoding)


def decode(raw: bytes, label: str = "the file") -> tuple[str, str]:
    """The text of a CSV file and its encoding: BOMs first, then strict UTF-8, then strict
    GB18030 only when the result reads as Chinese text; else InputError."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return _strict(raw[3:], "utf-8", label, "UTF-8 (with BOM)"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(raw, "utf-16", label, "UTF-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _reads_as_chinese(text):
        return text, "gb18030"
    raise InputError(
        f"{label} is neither UTF-8 nor GB18030/GBK text, so its characters cannot be read "
        "reliably; in Excel choose Save As › CSV UTF-8 (or save it as .xlsx) and import that"
    )


def _strict(raw: bytes, codec: str, label: str, shown: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{label} starts as {shown} but byte {exc.start:,} is not {shown}; save it again "
            "as CSV UTF-8"
        ) from None


def _plausible(ch: str) -> bool:
    o = ord(ch)
    return (
        0x20 <= o < 0x7F
        or ch in "\t\r\n"
        or 0x4E00 <= o <= 0x9FFF  # CJK unified ideographs (every GBK hanzi)
        or 0x3000 <= o <= 0x303F  # CJK punctuation
        or 0xFF01 <= o <= 0xFF5E  # full-width forms
        or 0x2010 <= o <= 0x2027  # dashes, quotes, ellipsis
        or o in (0x00B7, 0x00D7, 0x2116, 0x2460, 0x00A0, 0x3001, 0x25CB, 0x221A)
        or 0x2460 <= o <= 0x249B  # circled numbers
        or 0x2160 <= o <= 0x217F  # Roman numerals
    )


def _reads_as_chinese(text: str) -> bool:
    """GB18030 decodes most byte soups: accept it only when (almost) every character is one
    that Chinese office text uses, and there is some Chinese in it."""
    if not text:
        return True
    odd = sum(1 for ch in text if not _plausible(ch))
    hanzi = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return hanzi > 0 and odd <= len(text) // 1000


def _delimiter(text: str) -> str:
    lines = [ln for ln in text[:65536].splitlines()[:20] if ln.strip()]
    counts = {d: sum(ln.count(d) for ln in lines) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    csv.field_size_limit(CSV_FIELD_LIMIT)
    # strict: a quoted cell never closed (or text after a closing quote) is an error, not a
    # cell that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    n = 0
    try:
        for n, row in enumerate(reader, start=1):  # noqa: B007 - n is reported on error
            yield n, row
    except csv.Error as exc:
        why = str(exc)
        if why == "unexpected end of data":
            why = 'a quote (") opened here is never closed'
        raise InputError(f"row {n + 1} of the CSV file cannot be read: {why}") from None
