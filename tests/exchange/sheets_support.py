"""Real enterprise lists for the import tests, written the way offices' files come."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from liaison_app.domain import uscc

# Valid codes (both the check character and the GB 11714 inner check).
USCC_A = "91210202MA0QCX3L77"
USCC_B = uscc.with_check_character("91210102MA0P5B4F7")
USCC_C = uscc.with_check_character("91210106MA0TXH2K0")
HEADERS = ["序号", "企业名称", "统一社会信用代码", "所属区县", "行业", "规模", "联系电话", "备注"]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str] = HEADERS,
    *,
    title: str | None = "2026年沈阳市重点企业包保名单",
    sheet: str = "企业名单",
    extra_sheets: Sequence[str] = (),
) -> Path:
    """A workbook with a merged title row and a blank row above the header (as offices send)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.append([])
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    for name in extra_sheets:
        wb.create_sheet(name).append(["企业名称", "所属区县"])
    wb.save(path)
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], encoding: str, headers: Sequence[str] = HEADERS
) -> Path:
    lines = [",".join(headers)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def sample_rows() -> list[list[Any]]:
    """Three firms with the usual mess: lower-case and full-width USCCs, phones as floats,
    numbers stored as text, a date as an Excel serial and as text, names of districts."""
    return [
        [1, " 沈阳华辽机械有限公司\u00a0", USCC_A.lower(), "沈阳市和平区", "C3411", "小型", 13912345678.0, dt.date(2026, 1, 2)],
        [None] * 8,
        ["2", "沈阳北方重型机械有限公司", full_width(USCC_B), "210102", "制造业", "中型", "024-23456789", "2026年3月5日"],
        [3, "沈阳铁西装备制造有限公司", USCC_C, "沈阳市铁西区", "c", "微型", "13800000000", None],
    ]  # fmt: skip
