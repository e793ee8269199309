"""Find the header row of an enterprise list and map its headers onto enterprise fields."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from liaison_app.domain.fields import ENTERPRISE_FIELDS
from liaison_app.errors import InputError
from liaison_app.exchange.cells import CellError, column_letter, to_text

HEADER_SCAN_ROWS = 20
# Not an enterprise field, but read to tell two districts of the same name apart.
CITY = "city"
TARGETS = (*ENTERPRISE_FIELDS, CITY)

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "企业名称", "企业名", "企业(单位)名称", "单位名称", "公司名称", "名称", "市场主体名称",
        "企业全称", "纳税人名称", "企业名称(全称)",
        "enterprise name", "enterprise", "company name", "company", "name", "firm", "firm name",
        "registered name",
    ),
    "uscc": (
        "统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码", "统一代码",
        "uscc", "unified social credit code", "social credit code", "credit code",
    ),
    "district_code": (
        "所属区县", "区划代码", "区县名称", "区县", "县区", "所属县区", "所在区县", "行政区划",
        "行政区划代码", "所属区域", "所在地区", "所属地区", "区域", "地区", "区县代码",
        "district", "district code", "county", "region",
    ),
    "industry_code": (
        "行业", "行业代码", "所属行业", "行业类别", "行业门类", "国民经济行业", "行业分类",
        "国民经济行业代码", "industry", "industry code", "sector",
    ),
    "size": ("规模", "企业规模", "规模类型", "企业规模类型", "size", "scale", "enterprise size"),
    "ownership": (
        "所有制", "所有制类型", "所有制形式", "经济类型", "经济性质", "所有制/经济类型",
        "ownership", "ownership type", "economic type",
    ),
    "address": (
        "地址", "企业地址", "经营地址", "生产经营地址", "注册地址", "住所", "详细地址",
        "通讯地址", "办公地址", "address", "operating address", "registered address",
    ),
    "legal_rep": (
        "法定代表人", "法人代表", "法人", "法定代表人姓名", "legal representative", "legal rep",
    ),
    "contact_name": (
        "联系人", "联系人姓名", "企业联系人", "contact", "contact person", "contact name",
    ),
    "contact_title": ("职务", "联系人职务", "title", "position", "job title", "contact title"),
    "phone": (
        "联系电话", "电话", "手机", "手机号", "手机号码", "电话号码", "联系方式", "联系人电话",
        "phone", "telephone", "tel", "mobile", "phone number", "contact phone",
    ),
    "park": (
        "园区", "所在园区", "所属园区", "园区/街道", "街道", "所属街道", "街道(园区)",
        "park", "street", "park/street",
    ),
    "officer": (
        "联络员", "驻企联络员", "包保干部", "服务专员", "联络员姓名", "包联干部",
        "officer", "liaison officer",
    ),
    "unit": ("联络员单位", "包保单位", "派出单位", "联络单位", "包联单位", "unit", "officer unit"),
    "specialised": (
        "专精特新", "是否专精特新", "专精特新企业", "specialised", "specialized",
        "specialised and innovative", "specialized and innovative",
    ),
    "notes": ("备注", "说明", "备注说明", "notes", "note", "remarks", "remark", "comment"),
    CITY: ("所属城市", "城市", "地市", "所属地市", "所在城市", "市", "city"),
}  # fmt: skip
# Headers lists often carry that no enterprise field takes: known, so they count towards
# finding the header row, and left out.
_KNOWN_IGNORED = (
    "序号", "编号", "no", "no.", "#", "成立日期", "成立时间", "注册资本", "经营范围", "登记机关",
    "登记状态", "企业类型", "注册日期", "营业期限", "从业人数", "职工人数", "营业收入", "产值",
    "邮箱", "电子邮箱", "邮编", "省份", "省", "established", "registered capital", "email",
)  # fmt: skip


def normalise_header(text: str) -> str:
    """Fold widths and case, drop spaces, required-markers and trailing colons."""
    h = unicodedata.normalize("NFKC", text).casefold()
    h = re.sub(r"\s+", "", h).strip("*:：")
    return h.replace("_", "")


def _table() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for target, names in _ALIASES.items():
        for n in names:
            out.setdefault(normalise_header(n), target)
    for n in _KNOWN_IGNORED:
        out.setdefault(normalise_header(n), None)
    for target in TARGETS:  # the field names themselves (a sheet exported by hand)
        out.setdefault(normalise_header(target), target)
    return out


ALIASES = _table()
_UNKNOWN = object()


def guess_field(header: str) -> str | None | object:
    """The field a header names, None for a known header that maps to nothing, else _UNKNOWN."""
    key = normalise_header(header)
    if key in ALIASES:
        return ALIASES[key]
    bare = re.sub(r"[(\[（【].*?[)\]）】]", "", key)  # 联系电话（手机） → 联系电话
    if bare and bare in ALIASES:
        return ALIASES[bare]
    return _UNKNOWN


def is_known(header: str) -> bool:
    return guess_field(header) is not _UNKNOWN


@dataclass(frozen=True)
class Column:
    index: int  # 0 = column A
    header: str
    field: str | None  # None: ignored

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class HeaderRow:
    row: int  # the Excel row number of the header row
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def mapping(self) -> dict[str, str | None]:
        return {c.header: c.field for c in self.columns}

    def fields(self) -> dict[str, list[Column]]:
        """Each field with the columns that give it, in sheet order (the first non-empty one
        gives the value: 区划代码 beside 区县名称)."""
        out: dict[str, list[Column]] = {}
        for c in self.columns:
            if c.field is not None:
                out.setdefault(c.field, []).append(c)
        return out


def header_texts(values: Sequence[Any]) -> list[str]:
    out = []
    for v in values:
        try:
            out.append(to_text(v) or "")
        except CellError:
            out.append("")
    return out


def header_key(headers: Sequence[str]) -> str:
    """A short stable key of a header set (to remember a corrected mapping for it)."""
    names = sorted({normalise_header(h) for h in headers if h})
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()[:32]


def find_header(
    rows: Sequence[tuple[int, Sequence[Any]]],
    first_col: int = 0,
    overrides: Mapping[str, str | None] | None = None,
) -> HeaderRow:
    """The row among the first ones that names the most known headers (a title row or merged
    cells above it do not count), mapped with ``overrides`` (header → field or None) first;
    InputError when no column gives the enterprise name."""
    header = locate_header(rows, first_col, overrides)
    if "name" not in header.fields():
        shown = ", ".join(f"{c.letter} {c.header}" for c in header.columns)
        raise InputError(
            f"row {header.row} looks like the header row but no column holds the enterprise "
            f"name (企业名称 / Enterprise name); its columns: {shown}"
        )
    return header


def locate_header(
    rows: Sequence[tuple[int, Sequence[Any]]],
    first_col: int = 0,
    overrides: Mapping[str, str | None] | None = None,
) -> HeaderRow:
    """As find_header, but a header row without a name column is returned too (a person
    choosing the mapping may still point at the name column)."""
    overrides = dict(overrides or {})
    folded = {normalise_header(k): v for k, v in overrides.items()}
    best: tuple[int, int, list[str]] | None = None
    for number, values in rows[:HEADER_SCAN_ROWS]:
        texts = header_texts(values)
        score = sum(1 for t in texts if t and (normalise_header(t) in folded or is_known(t)))
        if score >= 2 and (best is None or score > best[1]):
            best = (number, score, texts)
    if best is None:
        seen = [t for _, v in rows[:HEADER_SCAN_ROWS] for t in header_texts(v) if t][:12]
        raise InputError(
            "no header row found in the first 20 rows: a header row names the columns, such "
            "as 企业名称, 统一社会信用代码, 所属区县 (or Enterprise name, USCC, District)"
            + (f"; cells seen: {', '.join(seen)}" if seen else "; the sheet is empty")
        )
    number, _, texts = best
    columns: list[Column] = []
    for i, text in enumerate(texts):
        if not text:
            continue
        key = normalise_header(text)
        if key in folded:
            target = folded[key]
            if target is not None and target not in TARGETS:
                raise InputError(
                    f"mapping: {text!r} → {target!r} is no field; fields: {', '.join(TARGETS)}"
                )
        else:
            guess = guess_field(text)
            target = None if guess is _UNKNOWN else guess  # type: ignore[assignment]
        columns.append(Column(first_col + i, text, target))
    return HeaderRow(number, tuple(columns))
