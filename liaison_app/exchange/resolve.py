"""Names to codes: districts ("和平区", "沈阳市和平区"), industries, sizes and ownership types."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from liaison_app.domain.labels import OWNERSHIP, SIZES

_DISTRICT_CODE = re.compile(r"\d{6}")
_INDUSTRY_CODE = re.compile(r"([A-Ta-t])(\d{2}(?:\d{1,2})?)?")
_INDUSTRY_LEAD = re.compile(r"([A-Ta-t](?:\d{2}(?:\d{1,2})?)?)(?=[\s:：\-—、.（(]|$)")
_PROVINCE = ("辽宁省", "辽宁")
_SUFFIXES = ("区", "县", "市", "满族自治县", "蒙古族自治县", "自治县")

# Labels of the built-in vocabularies plus the variants sheets use.
_SIZE_WORDS = {
    **{zh: code for code, (zh, _) in SIZES.items()},
    **{en.casefold(): code for code, (_, en) in SIZES.items()},
    **{code: code for code in SIZES},
    "大": "large", "中": "medium", "小": "small", "微": "micro",
    "大型企业": "large", "中型企业": "medium", "小型企业": "small", "微型企业": "micro",
}  # fmt: skip
_OWNERSHIP_WORDS = {
    **{zh: code for code, (zh, _) in OWNERSHIP.items()},
    **{en.casefold(): code for code, (_, en) in OWNERSHIP.items()},
    **{code: code for code in OWNERSHIP},
    "民营企业": "private", "私营": "private", "私营企业": "private", "民营经济": "private",
    "国有企业": "state", "国企": "state", "国有控股": "state", "集体企业": "collective",
    "外资": "foreign", "外资企业": "foreign", "外商投资企业": "foreign", "外商独资": "foreign",
    "中外合资": "foreign", "港澳台": "hmt", "港澳台投资企业": "hmt", "港澳台商投资": "hmt",
    "股份制企业": "joint_stock", "股份有限公司": "joint_stock", "个体": "individual",
    "个体户": "individual", "个体工商户": "individual",
    "state owned": "state", "foreign invested": "foreign", "joint stock": "joint_stock",
}  # fmt: skip


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


@dataclass(frozen=True)
class DistrictRef:
    code: str
    name_zh: str
    name_en: str
    city_code: str | None


class Resolution(ValueError):
    """A name that names no code, or more than one: the message says which."""


class Resolver:
    """Resolves names against the reference rows it is given (the service reads them)."""

    def __init__(
        self,
        districts: Iterable[DistrictRef],
        cities: Mapping[str, tuple[str, str]],
        industries: Iterable[tuple[str, str, str]],
    ) -> None:
        self._districts = list(districts)
        self._by_code = {d.code: d for d in self._districts}
        self._cities = dict(cities)
        self._by_name: dict[str, list[DistrictRef]] = {}
        for d in self._districts:
            for n in {_fold(d.name_zh), _fold(d.name_en)}:
                if n:
                    self._by_name.setdefault(n, []).append(d)
        self._city_names: dict[str, str] = {}  # folded name → city code
        for code, (zh, en) in self._cities.items():
            for n in (zh, zh.removesuffix("市"), en, en.removesuffix(" City")):
                if n:
                    self._city_names[_fold(n)] = code
        self._industries: dict[str, str] = {}
        for code, zh, en in industries:
            for n in (zh, en, code):
                self._industries.setdefault(_fold(n), code)
        self._district_cache: dict[tuple[str, str | None], str] = {}

    def _city_code(self, text: str | None) -> str | None:
        if not text:
            return None
        folded = _fold(text)
        if _DISTRICT_CODE.fullmatch(folded):
            return folded if folded in self._cities else None
        for prefix in _PROVINCE:
            folded = folded.removeprefix(prefix)
        return self._city_names.get(folded)

    def district(self, text: str, city: str | None = None) -> str:
        """The district code for a code or a name, with the city (a column, or a prefix such
        as 沈阳市和平区) telling apart districts of one name; Resolution when none or several."""
        key = (text, city)
        if key not in self._district_cache:
            self._district_cache[key] = self._district(text, city)
        return self._district_cache[key]

    def _district(self, text: str, city: str | None) -> str:
        folded = _fold(text)
        if _DISTRICT_CODE.fullmatch(folded):
            return folded  # validation says whether the code exists
        for prefix in _PROVINCE:
            folded = folded.removeprefix(prefix)
        city_code = self._city_code(city)
        if city and city_code is None:
            raise Resolution(f"unknown city {city!r}")
        # A city name in front: 沈阳市和平区, 沈阳和平区.
        for name, code in sorted(self._city_names.items(), key=lambda kv: -len(kv[0])):
            if folded.startswith(name) and len(folded) > len(name):
                rest = folded[len(name) :]
                if self._candidates(rest):
                    folded, city_code = rest, code
                    break
        found = self._candidates(folded)
        if city_code is not None:
            found = [d for d in found if d.city_code == city_code]
        if len(found) == 1:
            return found[0].code
        if not found:
            where = f" in {self._cities.get(city_code or '', ('', ''))[0]}" if city_code else ""
            raise Resolution(
                f"unknown district {text!r}{where} (give a district name such as 和平区 or a "
                "6-digit code; see `liaison reference list districts`)"
            )
        options = ", ".join(
            f"{self._cities.get(d.city_code or '', ('', ''))[0]}{d.name_zh} ({d.code})"
            for d in found
        )
        raise Resolution(
            f"district {text!r} is ambiguous: {options}; write the city too (e.g. "
            f"{self._cities.get(found[0].city_code or '', ('', ''))[0]}{found[0].name_zh}) "
            "or the code"
        )

    def _candidates(self, folded: str) -> list[DistrictRef]:
        found = self._by_name.get(folded)
        if found:
            return found
        for suffix in _SUFFIXES:  # 和平 → 和平区
            found = self._by_name.get(folded + suffix)
            if found:
                return found
        return []

    def industry(self, text: str) -> str:
        """A GB/T 4754 code as given (C3411, c, "C3411 金属结构制造"), or a section's name
        (制造业 → C); names that match nothing are passed on for validation to report."""
        folded = _fold(text)
        if _INDUSTRY_CODE.fullmatch(folded):
            return folded.upper()
        code = self._industries.get(folded)
        if code is not None:
            return code
        m = _INDUSTRY_LEAD.match(unicodedata.normalize("NFKC", text).strip())
        if m:
            return m.group(1).upper()
        raise Resolution(
            f"unknown industry {text!r}: give a GB/T 4754 code (e.g. C3411) or a section "
            "name such as 制造业 (see `liaison reference list industries`)"
        )


def size_code(text: str) -> str:
    code = _SIZE_WORDS.get(_fold(text))
    if code is None:
        raise Resolution(
            f"unknown size {text!r}; allowed: 大型, 中型, 小型, 微型 (or {', '.join(SIZES)})"
        )
    return code


def ownership_code(text: str) -> str:
    code = _OWNERSHIP_WORDS.get(_fold(text))
    if code is None:
        labels = ", ".join(zh for zh, _ in OWNERSHIP.values())
        raise Resolution(f"unknown ownership type {text!r}; allowed: {labels}")
    return code
