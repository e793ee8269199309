"""A first look at an enterprise list: its sheets, header row, mapping and first rows (pure)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liaison_app.exchange.cells import CellError, column_letter, to_text
from liaison_app.exchange.enterprise_rows import recalled
from liaison_app.exchange.headers import HEADER_SCAN_ROWS, TARGETS, locate_header
from liaison_app.exchange.sheets import read_sheet

PREVIEW_ROWS = 10


@dataclass(frozen=True)
class PreviewColumn:
    letter: str  # as Excel names the column
    header: str  # the text in the header row
    field: str | None  # the enterprise field it fills; None: not imported


@dataclass(frozen=True)
class SheetPreview:
    """What a person checks before importing: the columns of the header row as mapped now,
    and some data rows (Excel row number, one text per column)."""

    file: str
    sheet: str
    sheet_names: tuple[str, ...]
    header_row: int
    columns: tuple[PreviewColumn, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    fields: tuple[str, ...] = TARGETS  # what a column can be mapped to
    encoding: str | None = None
    remembered: bool = False  # the mapping came (partly) from one corrected before

    @property
    def mapping(self) -> dict[str, str | None]:
        return {c.header: c.field for c in self.columns}

    def row(self, number: int) -> tuple[str, ...] | None:
        return next((cells for n, cells in self.rows if n == number), None)


def shown(value: Any) -> str:
    """A cell as the preview shows it."""
    try:
        return to_text(value) or ""
    except CellError:
        return repr(value)


def preview_sheet(
    path: Path,
    sheet: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    *,
    recall: Callable[[str], Mapping[str, str | None] | None] | None = None,
    limit: int = PREVIEW_ROWS,
    rows: Collection[int] = (),
) -> SheetPreview:
    """The header row (found as the import finds it) and the first ``limit`` non-empty data
    rows, plus the rows numbered in ``rows`` (read on to them: a row an error names)."""
    book = read_sheet(path, sheet)
    source = book.rows
    head: list[tuple[int, list[Any]]] = []
    for item in source:
        head.append(item)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    memory = recalled(head, recall)
    header = locate_header(head, book.first_col, {**(memory or {}), **(mapping or {})})
    indexes = [c.index - book.first_col for c in header.columns]
    wanted = set(rows)
    picked: list[tuple[int, tuple[str, ...]]] = []
    first = 0

    def data() -> Any:
        for number, values in head:
            if number > header.row:
                yield number, values
        yield from source

    for number, values in data():
        if not any(v not in (None, "") for v in values):
            continue
        take = first < limit
        if take or number in wanted:
            first += take
            wanted.discard(number)
            width = len(values)
            picked.append((number, tuple(shown(values[i]) if i < width else "" for i in indexes)))
        elif not wanted:
            break
    columns = tuple(
        PreviewColumn(column_letter(c.index), c.header, c.field) for c in header.columns
    )
    return SheetPreview(
        path.name,
        book.name,
        tuple(book.sheet_names),
        header.row,
        columns,
        tuple(picked),
        encoding=book.encoding,
        remembered=bool(memory),
    )
