"""Built-in reference data and the figures' presentation."""

from __future__ import annotations

import re

import pytest

from liaison_app.domain import labels, reference
from liaison_app.domain.figures import Figures, rate

CATEGORY_CODES = [
    "funding",
    "production",
    "labour",
    "sales",
    "logistics",
    "materials",
    "tax",
    "legal",
    "ip_certification",
    "permits",
    "arrears",
    "policy",
    "other",
]
LIAONING_CITIES = {f"21{n:02d}00" for n in range(1, 15)}


def test_thirteen_categories_with_the_exact_codes_in_order() -> None:
    assert [c.code for c in reference.CATEGORIES] == CATEGORY_CODES
    assert [c.sort for c in reference.CATEGORIES] == list(range(13))


@pytest.mark.parametrize("kind", reference.REFERENCE_KINDS)
def test_every_item_has_chinese_and_english_labels_and_a_unique_code(kind: str) -> None:
    items = reference.builtin(kind)
    codes = [i.code for i in items]
    assert len(codes) == len(set(codes))
    for item in items:
        assert re.search(r"[\u4e00-\u9fff]", item.zh), item
        assert item.en and not re.search(r"[\u3000-\u9fff\uff00-\uffef]", item.en), item
        assert item.label("zh_CN") == item.zh
        assert item.label("zh") == item.zh
        assert item.label("en_US") == item.en


def test_category_labels() -> None:
    funding = reference.CATEGORIES[0]
    assert funding.label("zh_CN") == "资金与融资"
    assert funding.label("en") == "Funding & credit"
    assert labels.label("categories", "arrears", "zh_CN") == "账款拖欠"
    assert labels.label("categories", "arrears", "en") == "Arrears owed to the firm"
    assert labels.label("categories", "unknown_code", "en") == "unknown_code"


def test_one_hundred_districts_with_six_digit_codes() -> None:
    districts = reference.districts()
    assert len(districts) == 100
    assert len({d.code for d in districts}) == 100
    for d in districts:
        assert re.fullmatch(r"21\d{4}", d.code), d.code
        assert d.code not in LIAONING_CITIES


def test_every_city_is_present_and_owns_its_districts() -> None:
    cities = reference.cities()
    assert set(cities) == LIAONING_CITIES
    districts = reference.districts()
    assert {d.parent for d in districts} == LIAONING_CITIES
    for d in districts:
        assert d.code[:4] == d.parent[:4], d
    assert cities["210100"] == ("沈阳市", "Shenyang City")
    assert cities["211300"][1].startswith("Chaoyang")


def test_district_names_follow_official_usage() -> None:
    by_code = {d.code: d for d in reference.districts()}
    assert by_code["210102"].zh == "和平区"
    assert by_code["210224"].zh == "长海县"
    assert by_code["210224"].en.startswith("Changhai")
    assert by_code["211321"].en.startswith("Chaoyang")
    assert labels.label("districts", "210211", "en") == "Ganjingzi District"


def test_departments_and_industries() -> None:
    departments = {d.code for d in reference.DEPARTMENTS}
    assert {"market_regulation", "business_environment", "tax", "customs"} <= departments
    assert [i.code for i in reference.INDUSTRIES] == list("ABCDEFGHIJKLMNOPQRST")


def test_unknown_reference_kind() -> None:
    with pytest.raises(KeyError):
        reference.builtin("planets")


def test_headline_resolution_rate_is_shown_as_94_3_percent() -> None:
    assert labels.format_rate(25676 / 27240) == "94.3%"
    figures = Figures(None, 27240, 25676, 0, 0, 0, 0, 0)
    assert labels.format_rate(figures.resolution_rate) == "94.3%"


@pytest.mark.parametrize(
    ("value", "shown"), [(None, "—"), (0.0, "0.0%"), (1.0, "100.0%"), (2 / 3, "66.7%")]
)
def test_format_rate(value: float | None, shown: str) -> None:
    assert labels.format_rate(value) == shown


def test_rates_without_a_denominator_are_none() -> None:
    assert rate(1, 0) is None
    empty = Figures(None, 0, 0, 0, 0, 0, 0, 0)
    assert empty.resolution_rate is None
    assert empty.on_time_rate is None
    assert empty.callback_rate is None
    assert empty.satisfaction_rate is None


def test_satisfied_grades_are_the_top_three() -> None:
    assert {"very_satisfied", "satisfied", "basically_satisfied"} == labels.SATISFIED_GRADES
    assert {"dissatisfied", "very_dissatisfied"} == labels.DISSATISFIED_GRADES
    assert set(labels.SATISFACTION) == labels.SATISFIED_GRADES | labels.DISSATISFIED_GRADES
    assert labels.label("satisfaction", "basically_satisfied", "zh_CN") == "基本满意"
