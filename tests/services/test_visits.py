"""Visits through the service layer: record, edit, delete with their problems, restore."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from liaison_app.errors import NotFoundError, ValidationError
from liaison_app.services.store import Store

TODAY = dt.date(2026, 11, 20)


def rows(store: Store, table: str) -> int:
    with store.db.reading() as s:
        return s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.fixture
def firm(store: Store) -> str:
    return store.enterprises.create(
        {"name": "沈阳华晨机械制造有限公司", "district_code": "210102"}
    ).record.id


def test_record_a_visit_with_defaults(store: Store, firm: str) -> None:
    saved = store.visits.create(firm, {"visit_date": "2026-11-19"})
    v = saved.record
    assert saved.changes.kinds == {"visit"}
    assert v.visit_date == dt.date(2026, 11, 19)
    assert v.mode == "onsite"
    assert v.officers == ("王小明",)
    assert v.enterprise_name == "沈阳华晨机械制造有限公司"
    assert store.visits.get(v.id) == v


def test_record_a_visit_with_every_field(store: Store, firm: str) -> None:
    v = store.visits.create(
        firm,
        {
            "visit_date": dt.date(2026, 11, 20),
            "mode": "meeting",
            "officers": "王小明、李四，张三",
            "people_met": "张伟（总经理）",
            "business_situation": "订单恢复八成",
            "output_value": "1200.5",
            "revenue": 800,
            "staff": "56",
            "capacity_use": "82.5",
            "policies": "留抵退税政策",
            "opinions": "希望加快退税",
            "solved_on_site": "现场解答社保缓缴问题",
            "summary": "座谈了解复工复产",
        },
    ).record
    assert v.officers == ("王小明", "李四", "张三")
    assert (v.output_value, v.revenue, v.staff, v.capacity_use) == (1200.5, 800.0, 56, 82.5)
    assert store.visits.get(v.id).policies == "留抵退税政策"


def test_visit_today_is_allowed_but_not_tomorrow(store: Store, firm: str) -> None:
    store.visits.create(firm, {"visit_date": TODAY})
    before = rows(store, "visit"), rows(store, "search_doc")
    with pytest.raises(ValidationError) as info:
        store.visits.create(firm, {"visit_date": TODAY + dt.timedelta(days=1)})
    error = info.value.for_field("visit_date")
    assert error is not None and error.code == "in_future"
    assert "2026-11-21" in error.message
    assert (rows(store, "visit"), rows(store, "search_doc")) == before


def test_future_follows_the_clock(store: Store, firm: str, clock) -> None:  # type: ignore[no-untyped-def]
    clock.day = dt.date(2026, 11, 25)
    assert store.visits.create(firm, {"visit_date": "2026-11-24"}).record


def test_invalid_fields_are_all_named_and_nothing_is_written(store: Store, firm: str) -> None:
    before = rows(store, "visit")
    with pytest.raises(ValidationError) as info:
        store.visits.create(
            firm,
            {
                "visit_date": "20.11.2026",
                "mode": "walk",
                "staff": "lots",
                "capacity_use": "120",
                "revenue": "-5",
            },
        )
    assert {e.field: e.code for e in info.value.errors} == {
        "visit_date": "bad_date",
        "mode": "unknown",
        "staff": "not_number",
        "capacity_use": "out_of_range",
        "revenue": "out_of_range",
    }
    assert rows(store, "visit") == before


def test_a_visit_date_is_required(store: Store, firm: str) -> None:
    with pytest.raises(ValidationError) as info:
        store.visits.create(firm, {"summary": "走访"})
    assert info.value.for_field("visit_date").code == "required"
    assert rows(store, "visit") == 0


def test_not_a_number_is_refused(store: Store, firm: str) -> None:
    with pytest.raises(ValidationError) as info:
        store.visits.create(firm, {"visit_date": "2026-11-19", "capacity_use": "nan"})
    assert info.value.for_field("capacity_use") is not None


def test_visit_for_a_deleted_or_unknown_enterprise_is_refused(store: Store, firm: str) -> None:
    store.enterprises.delete(firm)
    with pytest.raises(NotFoundError):
        store.visits.create(firm, {"visit_date": "2026-11-19"})
    with pytest.raises(NotFoundError):
        store.visits.create("no-such-id", {"visit_date": "2026-11-19"})
    assert rows(store, "visit") == 0


def test_edit_a_visit(store: Store, firm: str) -> None:
    v = store.visits.create(firm, {"visit_date": "2026-11-19", "summary": "初访"}).record
    saved = store.visits.update(v.id, {"summary": "复访", "mode": "phone", "staff": 60})
    assert saved.changes.kinds == {"visit"}
    after = store.visits.get(v.id)
    assert (after.summary, after.mode, after.staff) == ("复访", "phone", 60)
    assert after.visit_date == dt.date(2026, 11, 19)


def test_edit_into_the_future_is_refused_and_changes_nothing(store: Store, firm: str) -> None:
    v = store.visits.create(firm, {"visit_date": "2026-11-19", "summary": "初访"}).record
    with pytest.raises(ValidationError) as info:
        store.visits.update(v.id, {"summary": "复访", "visit_date": "2026-12-01"})
    assert [e.field for e in info.value.errors] == ["visit_date"]
    assert store.visits.get(v.id) == v


@pytest.mark.parametrize("field", ["visit_date", "mode"])
def test_blanking_a_required_field_on_edit_is_a_field_error(
    store: Store, firm: str, field: str
) -> None:
    v = store.visits.create(firm, {"visit_date": "2026-11-19"}).record
    with pytest.raises(ValidationError) as info:
        store.visits.update(v.id, {field: ""})
    assert info.value.for_field(field) is not None


def test_delete_takes_the_problems_raised_during_the_visit(store: Store, firm: str) -> None:
    v = store.visits.create(firm, {"visit_date": "2026-11-19"}).record
    raised = store.problems.create({"category": "funding", "description": "续贷"}, visit_id=v.id)
    other = store.problems.create({"category": "tax", "description": "退税"}, enterprise_id=firm)
    saved = store.visits.delete(v.id)
    assert saved.changes.ids == {v.id, raised.record.id}
    assert store.visits.list() == []
    assert [p.id for p in store.problems.list()] == [other.record.id]
    with pytest.raises(NotFoundError):
        store.visits.get(v.id)
    with pytest.raises(NotFoundError):
        store.problems.create({"category": "tax", "description": "x"}, visit_id=v.id)

    store.visits.restore(v.id)
    assert store.visits.get(v.id).id == v.id
    assert {p.id for p in store.problems.list()} == {raised.record.id, other.record.id}


def test_restore_leaves_a_problem_deleted_earlier_deleted(store: Store, firm: str) -> None:
    v = store.visits.create(firm, {"visit_date": "2026-11-19"}).record
    p = store.problems.create({"category": "funding", "description": "续贷"}, visit_id=v.id)
    store.problems.delete(p.record.id)
    store.visits.delete(v.id)
    store.visits.restore(v.id)
    assert store.problems.list(visit_id=v.id) == []


def test_restore_needs_a_live_enterprise(store: Store, firm: str) -> None:
    v = store.visits.create(firm, {"visit_date": "2026-11-19"}).record
    store.visits.delete(v.id)
    store.enterprises.delete(firm)
    with pytest.raises(NotFoundError):
        store.visits.restore(v.id)
    with pytest.raises(NotFoundError):
        store.visits.restore("no-such-id")


def test_list_by_enterprise_and_dates_newest_first(store: Store, firm: str) -> None:
    other = store.enterprises.create({"name": "大连港物流", "district_code": "210211"}).record
    a = store.visits.create(firm, {"visit_date": "2026-10-01"}).record
    b = store.visits.create(firm, {"visit_date": "2026-11-15"}).record
    c = store.visits.create(other.id, {"visit_date": "2026-11-01"}).record
    assert [v.id for v in store.visits.list()] == [b.id, c.id, a.id]
    assert [v.id for v in store.visits.list(enterprise_id=firm)] == [b.id, a.id]
    assert [v.id for v in store.visits.list(date_from="2026-11-01")] == [b.id, c.id]
    assert [v.id for v in store.visits.list(date_to="2026-11-01")] == [c.id, a.id]
    assert [v.id for v in store.visits.list(limit=1, offset=1)] == [c.id]
    store.enterprises.delete(other.id)
    with pytest.raises(NotFoundError):
        store.visits.list(enterprise_id=other.id)
