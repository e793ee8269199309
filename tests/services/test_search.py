"""Search across enterprises, visits and problems for Chinese substrings of 1, 2, 3 characters."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from liaison_app.domain.lifecycle import StepInput
from liaison_app.services.store import Store


@dataclass
class Records:
    firm: str
    other: str
    visit: str
    problem: str


@pytest.fixture
def records(store: Store) -> Records:
    firm = store.enterprises.create(
        {
            "name": "沈阳华晨机械制造有限公司",
            "uscc": "91210102MAPJ96WP38",
            "district_code": "210102",
            "address": "和平区南京北街1号",
            "contact_name": "李娜",
        }
    ).record.id
    other = store.enterprises.create(
        {"name": "大连港物流有限公司", "district_code": "210211"}
    ).record.id
    visit = store.visits.create(
        firm,
        {"visit_date": "2026-11-18", "summary": "走访机械车间，了解复工复产", "people_met": "张伟"},
    ).record.id
    problem = store.problems.create(
        {"category": "funding", "description": "机械设备贷款到期续贷困难", "request": "协调银行"},
        visit_id=visit,
    ).record.id
    return Records(firm, other, visit, problem)


def found(store: Store, query: str, kinds: tuple[str, ...] | None = None) -> set[tuple[str, str]]:
    return {(h.kind, h.id) for h in store.search.search(query, kinds)}


@pytest.mark.parametrize(
    ("query", "kind", "attr"),
    [
        ("华", "enterprise", "firm"),  # 1 character
        ("晨机", "enterprise", "firm"),  # 2 characters
        ("南京北", "enterprise", "firm"),  # 3 characters, from the address
        ("李娜", "enterprise", "firm"),  # contact name
        ("mapj96", "enterprise", "firm"),  # part of the USCC, lower case
        ("港", "enterprise", "other"),
        ("车", "visit", "visit"),
        ("复产", "visit", "visit"),
        ("了解复", "visit", "visit"),
        ("王小明", "visit", "visit"),  # the officer recorded on the visit
        ("续", "problem", "problem"),
        ("续贷", "problem", "problem"),
        ("续贷困", "problem", "problem"),
        ("协调银行", "problem", "problem"),  # the request
    ],
)
def test_chinese_substrings_find_the_record(
    store: Store, records: Records, query: str, kind: str, attr: str
) -> None:
    assert found(store, query) == {(kind, getattr(records, attr))}


def test_a_substring_shared_by_all_kinds_finds_all(store: Store, records: Records) -> None:
    expected = {
        ("enterprise", records.firm),
        ("visit", records.visit),
        ("problem", records.problem),
    }
    assert found(store, "机械") == expected
    assert found(store, "械") == expected
    assert found(store, "机械", ("visit", "problem")) == expected - {("enterprise", records.firm)}


@pytest.mark.parametrize("query", ["械机", "沈华", "续困", "鞍山", "铁", "，", ""])
def test_non_substrings_find_nothing(store: Store, records: Records, query: str) -> None:
    assert store.search.search(query) == []


def test_hits_carry_titles_for_display(store: Store, records: Records) -> None:
    hits = {h.kind: h for h in store.search.search("机械")}
    assert hits["enterprise"].title == "沈阳华晨机械制造有限公司"
    assert "91210102MAPJ96WP38" in hits["enterprise"].detail
    assert hits["visit"].title == "2026-11-18 沈阳华晨机械制造有限公司"
    assert hits["problem"].title == "L-2026-000001 沈阳华晨机械制造有限公司"
    assert hits["problem"].detail.startswith("[待受理]")
    english = {h.kind: h for h in store.search.search("机械", lang="en")}
    assert english["problem"].detail.startswith("[Received]")


def test_problem_number_is_searchable(store: Store, records: Records) -> None:
    assert found(store, "L-2026-000001") == {("problem", records.problem)}


def test_list_filters_search_too(store: Store, records: Records) -> None:
    assert [e.id for e in store.enterprises.list(search="港物")] == [records.other]
    assert [v.id for v in store.visits.list(search="复工")] == [records.visit]
    assert [p.id for p in store.problems.list(search="贷")] == [records.problem]
    assert store.problems.list(search="物流") == []
    assert store.problems.list(search="，") == []


def test_deleted_records_are_not_found_and_restored_ones_are(
    store: Store, records: Records
) -> None:
    store.problems.delete(records.problem)
    assert found(store, "续贷") == set()
    store.problems.restore(records.problem)
    assert found(store, "续贷") == {("problem", records.problem)}

    store.visits.delete(records.visit)  # takes the problem with it
    assert found(store, "机械") == {("enterprise", records.firm)}
    store.visits.restore(records.visit)
    assert len(found(store, "机械")) == 3

    store.enterprises.delete(records.firm)  # takes the visit and the problem with it
    assert found(store, "机械") == set()
    assert found(store, "华") == set()
    assert found(store, "港") == {("enterprise", records.other)}
    store.enterprises.restore(records.firm)
    assert len(found(store, "机械")) == 3


def test_an_edit_re_indexes(store: Store, records: Records) -> None:
    store.enterprises.update(records.firm, {"name": "沈阳重型装备有限公司"})
    assert found(store, "华晨") == set()
    assert found(store, "重型装") == {("enterprise", records.firm)}

    store.visits.update(records.visit, {"summary": "座谈会听取意见"})
    assert found(store, "复产") == set()
    assert found(store, "听取") == {("visit", records.visit)}

    store.problems.update(records.problem, {"description": "出口订单下降"})
    assert found(store, "续贷") == set()
    assert found(store, "订单") == {("problem", records.problem)}


def test_the_result_of_a_resolved_problem_is_searchable(store: Store, records: Records) -> None:
    assert found(store, "展期") == set()
    store.problems.step(records.problem, "resolve", StepInput(note="银行同意展期一年"))
    assert found(store, "展期") == {("problem", records.problem)}


def test_limit(store: Store, records: Records) -> None:
    assert len(store.search.search("机械", limit=2)) == 2


def test_common_terms_page_the_same_rows_as_rare_ones(store, clock):
    """A term in most problems takes the newest-first walk; the rows must be identical."""
    import datetime as dt

    ent = store.enterprises.create({"name": "测试企业", "district_code": "210102"}).record.id
    visits = [
        store.visits.create(
            ent, {"visit_date": (clock.day - dt.timedelta(days=d)).isoformat()}
        ).record.id
        for d in range(6)
    ]
    made = []
    for i in range(30):
        text = f"资金紧张问题{i}" if i % 5 else f"用工问题{i}"
        made.append(
            store.problems.create(
                {"category": "funding", "description": text}, visit_id=visits[i % 6]
            ).record.id
        )
    store.problems.delete(made[1])  # deleted ones never show, on either path
    everything = [p.id for p in store.problems.list(search="资金")]  # no limit: the plain path
    assert len(everything) == 23 and made[1] not in everything
    for offset in (0, 5, 20):
        page = [p.id for p in store.problems.list(search="资金", limit=5, offset=offset)]
        assert page == everything[offset : offset + 5]
    assert store.problems.count(search="资金") == 23
    assert store.problems.count(search="资金", category="funding") == 23
    assert store.problems.count(search="用工") == 6
