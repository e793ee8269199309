"""Write a table of plain values to .xlsx (streamed, with a summary sheet) or .csv, atomically.

Pure: values in (str, int, float, date, datetime, None), a file out; no Qt, no database. The
caller turns codes into labels. The file is written under a hidden temporary name beside the
target and renamed at the end, so a failure or a cancel never leaves half a file behind.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import Cell, WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from liaison_app.errors import InputError, LiaisonError

Value = str | int | float | dt.date | dt.datetime | None
Progress = Callable[[int, int], None]

FORMATS = {".xlsx": "xlsx", ".csv": "csv"}
CSV_DEFAULT_ENCODING = "utf-8-sig"  # the BOM makes Excel read the file as UTF-8
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"
# OWASP "CSV Injection": a cell starting with one of these may be run as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r")
EXCEL_CELL_LIMIT = 32_767  # characters in one cell
MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths, in character cells
TICK = 500  # rows between progress reports and cancel checks
# Control characters that XML 1.0 (and so .xlsx) cannot hold; openpyxl refuses them.
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


class ExportError(LiaisonError):
    """The export could not be written (disk full, the file locked by another program…)."""

    code = "export_failed"


@dataclass(frozen=True)
class Column:
    """One column: its header, how wide its typical content is (in character cells, a Chinese
    character counting two) and, for numbers, an Excel number format."""

    header: str
    width: int = 10
    number_format: str | None = None


@dataclass(frozen=True)
class Table:
    """A small table for the summary sheet: a bold title line, a header row, rows."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]


@dataclass(frozen=True)
class Summary:
    """The second sheet of an .xlsx export: lines of text on top, then tables."""

    title: str
    notes: tuple[str, ...]
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class Written:
    """What an export wrote. ``cancelled``: stopped on request, nothing left at ``path``."""

    path: Path
    rows: int
    format: str
    encoding: str | None = None
    cancelled: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "rows": self.rows,
            "format": self.format,
            "encoding": self.encoding,
            "cancelled": self.cancelled,
        }


class _Cancelled(Exception):
    pass


def export_format(path: Path) -> str:
    """'xlsx' or 'csv' from the file's extension; anything else is refused."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path.name}: cannot tell the format from the extension "
            f"{path.suffix or '(none)'!r}; name the file .xlsx or .csv"
        )
    return fmt


def check_encoding(fmt: str, encoding: str | None) -> str | None:
    """The encoding to write with: a CSV's (UTF-8 with BOM unless told), none for .xlsx."""
    if fmt != "csv":
        if encoding is not None:
            raise InputError("an encoding applies to .csv files only (.xlsx is always Unicode)")
        return None
    if encoding is None:
        return CSV_DEFAULT_ENCODING
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(
            f"unknown encoding {encoding!r}; use utf-8-sig (Excel, the default) or gb18030"
        ) from None
    return encoding


def display_width(text: str) -> int:
    """Character cells ``text`` takes in a spreadsheet: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_width(column: Column) -> float:
    wanted = max(display_width(column.header), column.width) + 2
    return float(min(max(wanted, MIN_WIDTH), MAX_WIDTH))


def _sheet_title(title: str) -> str:
    return _SHEET_TITLE_BAD.sub("_", title)[:31] or "Sheet"


def neutralise(text: str) -> str:
    """OWASP's defence for CSV: a text cell that starts like a formula gets a leading '."""
    return "'" + text if text and text[0] in FORMULA_STARTS else text


# ---- the writer ---------------------------------------------------------------------------


def write_table(
    path: Path,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Value]],
    *,
    summary: Callable[[], Summary] | None = None,
    encoding: str | None = None,
    total: int = 0,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Written:
    """Write ``rows`` under a header of ``columns`` to ``path`` (.xlsx or .csv by extension).

    .xlsx streams (openpyxl write-only) with flat memory: the first sheet (``title``) holds the
    header and one row per record, ``summary()`` — called after the rows, so it may report on
    them — fills a second. .csv is one table, in ``encoding`` (UTF-8 with BOM by default).
    ``progress(done, total)`` is called every few hundred rows; when ``cancelled()`` turns
    true the export stops and leaves nothing behind (``Written.cancelled``).
    """
    path = Path(path)
    fmt = export_format(path)
    encoding = check_encoding(fmt, encoding)
    columns = tuple(columns)

    def tick(done: int, report: bool = True) -> None:
        if cancelled is not None and cancelled():
            raise _Cancelled
        if report and progress is not None:
            progress(done, max(total, done))

    partial = _open_partial(path)
    count = [0]
    try:
        with partial.open("wb") as raw:
            if fmt == "xlsx":
                _write_xlsx(raw, title, columns, rows, summary, tick, count)
            else:
                assert encoding is not None
                _write_csv(raw, encoding, columns, rows, tick, count)
            raw.flush()
            os.fsync(raw.fileno())
        _replace(partial, path)
    except _Cancelled:
        _discard(partial)
        return Written(path, count[0], fmt, encoding, cancelled=True)
    except OSError as exc:  # the disk filled up, the drive went away…
        _discard(partial)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        _discard(partial)
        raise
    finally:
        # A generator reading the database ends now (its read transaction with it), not
        # whenever the garbage collector gets to it.
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    if progress is not None:
        progress(count[0], max(total, count[0]))
    return Written(path, count[0], fmt, encoding)


def _open_partial(path: Path) -> Path:
    """Create the hidden temporary file beside ``path`` (same folder: the rename is atomic);
    every reason the target cannot be written is bad input, said plainly."""
    if path.is_dir():
        raise InputError(f"{path} is a folder; give the name of the file to write")
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: the folder {folder} does not exist")
    partial = folder / f".{path.name}.{secrets.token_hex(4)}.partial"
    try:
        # "x": a new file, with the permissions an ordinary new file gets (mkstemp's are 0600).
        partial.open("xb").close()
    except OSError as exc:
        raise InputError(f"cannot write in the folder {folder}: {exc.strerror or exc}") from exc
    return partial


def _replace(partial: Path, path: Path) -> None:
    try:
        os.replace(partial, path)
    except PermissionError as exc:
        raise InputError(
            f"cannot replace {path}: {exc.strerror} (is it open in another program?)"
        ) from exc
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _discard(partial: Path) -> None:
    with contextlib.suppress(OSError):
        partial.unlink()


# ---- CSV ----------------------------------------------------------------------------------


def _csv_value(value: Value) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _write_csv(
    raw: IO[bytes],
    encoding: str,
    columns: tuple[Column, ...],
    rows: Iterable[Sequence[Value]],
    tick: Callable[..., None],
    count: list[int],
) -> None:
    import io

    text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    try:
        writer = csv.writer(text)  # quotes fields with commas, quotes or newlines; \r\n rows
        line: Sequence[Value] = [c.header for c in columns]
        try:
            writer.writerow([neutralise(c.header) for c in columns])
            for line in rows:
                writer.writerow([_csv_value(v) for v in line])
                count[0] += 1
                if count[0] % TICK == 0:
                    tick(count[0])
            tick(count[0], report=False)
            text.flush()
        except UnicodeEncodeError as exc:
            raise _unencodable(exc, encoding, columns, line, count[0]) from None
    finally:
        text.detach()  # the caller closes (and syncs) the file itself


def _unencodable(
    exc: UnicodeEncodeError,
    encoding: str,
    columns: tuple[Column, ...],
    line: Sequence[Value],
    written: int,
) -> InputError:
    """Name the record, the column and the character that ``encoding`` cannot hold."""
    where = f"record {written + 1}"
    for column, value in zip(columns, line, strict=False):
        text = str(_csv_value(value))
        try:
            text.encode(encoding)
        except UnicodeEncodeError as inner:
            ch = text[inner.start]
            return InputError(
                f"{where}, column {column.header!r}: the character {ch!r} (U+{ord(ch):04X}) "
                f"cannot be written in {encoding}; use utf-8-sig (the default) or gb18030, "
                "which hold every character"
            )
    ch = exc.object[exc.start] if isinstance(exc.object, str) else "?"
    return InputError(f"{where}: the character {ch!r} cannot be written in {encoding}")


# ---- .xlsx --------------------------------------------------------------------------------


class _Cells:
    """Turns values into what a write-only sheet appends.

    Plain numbers and ordinary text go in as they are (fastest). Dates, formatted numbers and
    text that looks like a formula need a styled cell; one per column is made up front and
    reused: a write-only sheet serialises each appended row before ``append`` returns.
    """

    def __init__(self, ws: Any, columns: tuple[Column, ...]) -> None:
        self._dates = [self._styled(ws, number_format=DATE_FORMAT) for _ in columns]
        self._stamps = [self._styled(ws, number_format=DATETIME_FORMAT) for _ in columns]
        self._numbers = [
            self._styled(ws, number_format=c.number_format) if c.number_format else None
            for c in columns
        ]
        # Excel's own form of a typed leading apostrophe: the text stays exactly as it is,
        # Excel shows and keeps it as text (even when the cell is edited), never a formula.
        self._quoted = [self._styled(ws, quotePrefix=True) for _ in columns]

    @staticmethod
    def _styled(ws: Any, **style: Any) -> Cell:
        cell = WriteOnlyCell(ws)
        for name, value in style.items():
            setattr(cell, name, value)
        return cell

    def row(self, values: Sequence[Value]) -> list[Any]:
        return [self.cell(i, v) for i, v in enumerate(values)]

    def cell(self, i: int, value: Value) -> Any:
        if value is None:
            return None
        kind = type(value)
        if kind is str:
            text: str = value  # type: ignore[assignment]
            if _ILLEGAL_XML.search(text):
                text = _ILLEGAL_XML.sub(" ", text)
            if len(text) > EXCEL_CELL_LIMIT:
                text = text[: EXCEL_CELL_LIMIT - 1] + "…"
            if text and text[0] in FORMULA_STARTS:
                cell = self._quoted[i]
                cell.value = text
                cell.data_type = "s"  # openpyxl would take "=…" for a formula
                return cell
            return text
        if isinstance(value, dt.datetime):
            cell = self._stamps[i]
            cell.value = value.replace(tzinfo=None)
            return cell
        if isinstance(value, dt.date):
            cell = self._dates[i]
            cell.value = value
            return cell
        number = self._numbers[i]
        if number is not None and not isinstance(value, bool):
            number.value = value
            return number
        return value


def _header(ws: Any, columns: Sequence[Column]) -> list[Cell]:
    font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFDDEBF7")
    align = Alignment(vertical="center")
    cells = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c.header)
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = font, fill, align
        cells.append(cell)
    return cells


def _write_xlsx(
    raw: IO[bytes],
    title: str,
    columns: tuple[Column, ...],
    rows: Iterable[Sequence[Value]],
    summary: Callable[[], Summary] | None,
    tick: Callable[..., None],
    count: list[int],
) -> None:
    wb = Workbook(write_only=True)
    try:
        ws = wb.create_sheet(_sheet_title(title))
        # A write-only sheet writes its columns and view before the first row: set them now.
        for i, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = _column_width(column)
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.append(_header(ws, columns))
        cells = _Cells(ws, columns)
        for line in rows:
            ws.append(cells.row(line))
            count[0] += 1
            if count[0] % TICK == 0:
                tick(count[0])
        tick(count[0], report=False)
        # The filter is written after the rows, so it can cover exactly the data written.
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count[0] + 1}"
        if summary is not None:
            _write_summary(wb, summary())
        wb.save(raw)
    finally:
        _drop_sheet_files(wb)


def _write_summary(wb: Any, summary: Summary) -> None:
    ws = wb.create_sheet(_sheet_title(summary.title))
    # The summary is small and known whole, so its widths can be measured (the notes run
    # across the first columns freely and do not widen them).
    widths: list[int] = []
    for table in summary.tables:
        for i, column in enumerate(table.columns):
            if i >= len(widths):
                widths.append(0)
            values = [r[i] for r in table.rows if i < len(r)]
            widths[i] = max(
                widths[i],
                display_width(column.header),
                *(display_width(v) if isinstance(v, str) else 10 for v in values),
            )
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = float(
            min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        )
    notes = _Cells(ws, (Column(""),))
    for note in summary.notes:
        ws.append(notes.row((note,)))
    for table in summary.tables:
        ws.append([])
        heading = WriteOnlyCell(ws, value=table.title)
        heading.data_type = "s"
        heading.font = Font(bold=True, size=12)
        ws.append([heading])
        ws.append(_header(ws, table.columns))
        cells = _Cells(ws, table.columns)
        for line in table.rows:
            ws.append(cells.row(line))


def _drop_sheet_files(wb: Any) -> None:
    """openpyxl streams each write-only sheet into a temporary file it removes only when the
    workbook is saved (or at exit): after a failure or a cancel, remove them now."""
    for ws in getattr(wb, "_sheets", ()):
        writer: Any = getattr(ws, "_writer", None)
        out = getattr(writer, "out", None)
        if not isinstance(out, str) or not os.path.exists(out):
            continue  # saved (openpyxl removed it) or never started
        with contextlib.suppress(Exception):  # end the row stream, then the file's
            rows = getattr(ws, "_rows", None)
            if rows is not None:
                rows.close()
            writer.close()
        with contextlib.suppress(OSError):
            os.remove(out)
