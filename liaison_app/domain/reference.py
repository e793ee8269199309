"""Built-in reference data: categories, departments, industries and Liaoning's districts.

Each entry is a stable code with Chinese and English labels. The same codes are seeded into
every client database and into the server; offices may add more (``builtin`` stays False).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class RefItem:
    code: str
    zh: str
    en: str
    sort: int = 0
    parent: str | None = None  # districts: the city code; departments: None
    kind: str | None = None  # districts: 市辖区 / 县 / 县级市 …

    def label(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en


def _items(rows: list[tuple[str, str, str]]) -> tuple[RefItem, ...]:
    return tuple(RefItem(code, zh, en, sort=i) for i, (code, zh, en) in enumerate(rows))


CATEGORIES = _items(
    [
        ("funding", "资金与融资", "Funding & credit"),
        ("production", "复工复产", "Resuming production"),
        ("labour", "用工与招工", "Hiring & labour"),
        ("sales", "销售与市场", "Sales & market"),
        ("logistics", "物流运输", "Logistics"),
        ("materials", "原材料与水电气热", "Raw materials & utilities"),
        ("tax", "税费与退税", "Tax, fees & refunds"),
        ("legal", "法律服务", "Legal"),
        ("ip_certification", "知识产权与认证检测", "IP, certification & testing"),
        ("permits", "审批与许可", "Permits & approvals"),
        ("arrears", "账款拖欠", "Arrears owed to the firm"),
        ("policy", "政策咨询", "Policy consultation"),
        ("other", "其他", "Other"),
    ]
)

DEPARTMENTS = _items(
    [
        ("market_regulation", "市场监管局", "Market regulation"),
        (
            "business_environment",
            "营商环境建设局（12345热线）",
            "Business environment / 12345 hotline",
        ),
        ("commerce", "商务厅", "Commerce"),
        ("justice", "司法厅", "Justice"),
        ("tax", "税务局", "Taxation"),
        ("civil_affairs", "民政厅", "Civil affairs"),
        ("customs", "海关", "Customs"),
        ("finance", "财政局", "Finance"),
        ("hr_social_security", "人力资源和社会保障局", "Human resources & social security"),
        ("industry_it", "工业和信息化局", "Industry & information technology"),
        ("development_reform", "发展和改革委员会", "Development & reform"),
        ("natural_resources", "自然资源局", "Natural resources"),
        ("housing_construction", "住房和城乡建设局", "Housing & construction"),
        ("ecology_environment", "生态环境局", "Ecology & environment"),
        ("transport", "交通运输局", "Transport"),
        ("financial_regulation", "金融监管局 / 人民银行", "Financial regulation & banks"),
        ("utilities", "供电、供水、供气、供热单位", "Utilities (power, water, gas, heat)"),
    ]
)

INDUSTRIES = _items(
    [
        ("A", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry & fishery"),
        ("B", "采矿业", "Mining"),
        ("C", "制造业", "Manufacturing"),
        ("D", "电力、热力、燃气及水生产和供应业", "Electricity, heat, gas & water"),
        ("E", "建筑业", "Construction"),
        ("F", "批发和零售业", "Wholesale & retail"),
        ("G", "交通运输、仓储和邮政业", "Transport, storage & post"),
        ("H", "住宿和餐饮业", "Accommodation & catering"),
        ("I", "信息传输、软件和信息技术服务业", "Information, software & IT services"),
        ("J", "金融业", "Finance"),
        ("K", "房地产业", "Real estate"),
        ("L", "租赁和商务服务业", "Leasing & business services"),
        ("M", "科学研究和技术服务业", "Research & technical services"),
        ("N", "水利、环境和公共设施管理业", "Water, environment & public facilities"),
        ("O", "居民服务、修理和其他服务业", "Residential, repair & other services"),
        ("P", "教育", "Education"),
        ("Q", "卫生和社会工作", "Health & social work"),
        ("R", "文化、体育和娱乐业", "Culture, sports & entertainment"),
        ("S", "公共管理、社会保障和社会组织", "Public administration & social organisations"),
        ("T", "国际组织", "International organisations"),
    ]
)


@cache
def districts() -> tuple[RefItem, ...]:
    """Liaoning's 100 county-level divisions (GB/T 2260), from the bundled cross-checked CSV."""
    text = files("liaison_app.domain").joinpath("data/districts.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        RefItem(
            r["code"],
            r["name_zh"],
            r["name_en"],
            sort=i,
            parent=r["city_code"],
            kind=r["kind_zh"],
        )
        for i, r in enumerate(rows)
    )


@cache
def cities() -> dict[str, tuple[str, str]]:
    """City code → (Chinese name, English name), from the district table."""
    text = files("liaison_app.domain").joinpath("data/districts.csv").read_text("utf-8")
    return {r["city_code"]: (r["city_zh"], r["city_en"]) for r in csv.DictReader(text.splitlines())}


REFERENCE_KINDS = ("categories", "departments", "districts", "industries")


def _short_city(name_en: str) -> str:
    return name_en.removesuffix(" City")


def district_names(
    rows: Iterable[tuple[str, str, str, str | None]],
) -> dict[str, tuple[str, str]]:
    """(code, zh, en, city code) → code → (zh, en), a name two districts share said with its
    city (沈阳市铁西区 / Tiexi District, Shenyang; Anshan has a 铁西区 too) so that no picker,
    list or breakdown shows two identical names."""
    rows = list(rows)
    seen_zh = Counter(zh for _c, zh, _e, _p in rows)
    seen_en = Counter(en for _c, _z, en, _p in rows)
    known = cities()
    out = {}
    for code, zh, en, city in rows:
        city_zh, city_en = known.get(city or "", (city or "", city or ""))
        ambiguous = seen_zh[zh] > 1 or seen_en[en] > 1
        out[code] = (
            (f"{city_zh}{zh}", f"{en}, {_short_city(city_en)}") if ambiguous and city else (zh, en)
        )
    return out


# The abbreviation that opens a problem's number (SY-2026-000123), per city code (GB/T 2260).
CITY_ABBREVIATIONS = {
    "210100": "SY",  # 沈阳
    "210200": "DL",  # 大连
    "210300": "AS",  # 鞍山
    "210400": "FS",  # 抚顺
    "210500": "BX",  # 本溪
    "210600": "DD",  # 丹东
    "210700": "JZ",  # 锦州
    "210800": "YK",  # 营口
    "210900": "FX",  # 阜新
    "211000": "LY",  # 辽阳
    "211100": "PJ",  # 盘锦
    "211200": "TL",  # 铁岭
    "211300": "CY",  # 朝阳
    "211400": "HLD",  # 葫芦岛
}
PROVINCE_ABBREVIATION = "LN"  # a firm without a known district


def city_abbreviation(district_code: str | None) -> str:
    """The number prefix for an enterprise's district: its city's, else the province's."""
    if not district_code or len(district_code) != 6:
        return PROVINCE_ABBREVIATION
    return CITY_ABBREVIATIONS.get(district_code[:4] + "00", PROVINCE_ABBREVIATION)


def problem_number(abbreviation: str, year: int, n: int) -> str:
    """A problem's human number: city, year and a six-digit sequence per city and year."""
    return f"{abbreviation}-{year}-{n:06d}"


def is_city_code(code: str) -> bool:
    """GB/T 2260: a prefecture-level city's code ends in 00 (210100 Shenyang)."""
    return code.endswith("00")


def builtin(kind: str) -> tuple[RefItem, ...]:
    if kind == "categories":
        return CATEGORIES
    if kind == "departments":
        return DEPARTMENTS
    if kind == "districts":
        return districts()
    if kind == "industries":
        return INDUSTRIES
    raise KeyError(kind)


@cache
def builtin_district_names() -> dict[str, tuple[str, str]]:
    return district_names((i.code, i.zh, i.en, i.parent) for i in districts())
