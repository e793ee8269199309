"""Enterprises through the service layer: create, edit, delete, restore, list, validation."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from liaison_app.domain.uscc import with_check_character
from liaison_app.errors import NotFoundError, ValidationError
from liaison_app.services.store import Store

HUACHEN = {
    "name": "沈阳华晨机械制造有限公司",
    "uscc": "91210102MAPJ96WP38",
    "district_code": "210102",
    "industry_code": "C3411",
    "size": "small",
    "ownership": "private",
    "address": "沈阳市和平区南京北街1号",
    "legal_rep": "张伟",
    "contact_name": "李娜",
    "contact_title": "办公室主任",
    "phone": "024-23456789",
    "park": "和平科技园",
    "specialised": True,
}


def rows(store: Store, table: str) -> int:
    with store.db.reading() as s:
        return s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_create_stores_every_field_and_defaults_the_officer(store: Store) -> None:
    saved = store.enterprises.create(HUACHEN)
    e = saved.record
    assert saved.warnings == ()
    assert saved.changes.kinds == {"enterprise"}
    assert saved.changes.ids == {e.id}
    for key, value in HUACHEN.items():
        assert getattr(e, key) == value, key
    assert e.officer == "王小明"
    assert e.open_problems == 0
    assert store.enterprises.get(e.id) == e
    assert store.enterprises.count() == 1


def test_typed_codes_are_normalised_before_storing(store: Store) -> None:
    e = store.enterprises.create(
        {
            "name": "  大连港物流有限公司  ",
            "uscc": "９１２１０２１１ｍａｎｑ８ｈ７ｌ９ｐ",
            "district_code": "210211",
            "industry_code": "g54",
            "phone": "+86 138 0013 8000",
        }
    ).record
    stored = store.enterprises.get(e.id)
    assert stored.name == "大连港物流有限公司"
    assert stored.uscc == "91210211MANQ8H7L9P"
    assert stored.industry_code == "G54"
    assert stored.phone == "13800138000"


def test_invalid_fields_are_all_named_and_nothing_is_written(store: Store) -> None:
    before = rows(store, "enterprise"), rows(store, "search_doc")
    with pytest.raises(ValidationError) as info:
        store.enterprises.create(
            {
                "name": "   ",
                "uscc": "91310115MA1H8R7C6D",
                "district_code": "310115",
                "industry_code": "Z99",
                "size": "huge",
                "ownership": "martian",
                "phone": "12345",
            }
        )
    fields = {e.field: e.code for e in info.value.errors}
    assert fields == {
        "name": "required",
        "uscc": "uscc_check",
        "district_code": "unknown_code",
        "industry_code": "unknown_code",
        "size": "unknown",
        "ownership": "unknown",
        "phone": "bad_phone",
    }
    assert "should be '7'" in info.value.for_field("uscc").message
    assert (rows(store, "enterprise"), rows(store, "search_doc")) == before


def test_a_name_is_required(store: Store) -> None:
    with pytest.raises(ValidationError) as info:
        store.enterprises.create({"district_code": "210102"})
    assert info.value.for_field("name") is not None
    assert rows(store, "enterprise") == 0


def test_forbidden_letter_in_uscc_names_the_position(store: Store) -> None:
    with pytest.raises(ValidationError) as info:
        store.enterprises.create({"name": "测试公司", "uscc": "91210100MA0O004960"})
    message = info.value.for_field("uscc").message
    assert "character 12" in message
    assert rows(store, "enterprise") == 0


def test_a_second_enterprise_with_the_same_uscc_is_refused_naming_the_first(store: Store) -> None:
    first = store.enterprises.create(HUACHEN).record
    before = (rows(store, "enterprise"), rows(store, "search_doc"))
    with pytest.raises(ValidationError) as info:
        store.enterprises.create({**HUACHEN, "name": "华晨机械（分部）"})
    error = info.value.for_field("uscc")
    assert error is not None and error.code == "duplicate_uscc"
    assert first.name in error.message and first.id not in error.message  # never a UUID
    assert error.params["id"] == first.id and error.params["name"] == first.name
    assert (rows(store, "enterprise"), rows(store, "search_doc")) == before
    assert store.enterprises.same_uscc(HUACHEN["uscc"]) == (first.id, first.name)
    assert store.enterprises.same_uscc(HUACHEN["uscc"], own_id=first.id) is None


def test_editing_an_enterprise_onto_anothers_uscc_is_refused(store: Store) -> None:
    first = store.enterprises.create(HUACHEN).record
    other = store.enterprises.create({"name": "辽宁某公司", "district_code": "210102"}).record
    with pytest.raises(ValidationError) as info:
        store.enterprises.update(other.id, {"uscc": HUACHEN["uscc"]})
    assert info.value.for_field("uscc").code == "duplicate_uscc"
    assert store.enterprises.get(other.id).uscc is None
    # Editing the first one's other fields (its USCC unchanged) is not a duplicate of itself.
    assert store.enterprises.update(first.id, {"phone": "13812345678"}).record.phone
    assert store.enterprises.update(first.id, {"uscc": HUACHEN["uscc"]}).warnings == ()


def test_undoing_a_delete_is_refused_when_another_took_the_uscc_meanwhile(store: Store) -> None:
    first = store.enterprises.create(HUACHEN).record
    store.enterprises.delete(first.id)
    store.enterprises.create({**HUACHEN, "name": "新登记的华晨"})
    with pytest.raises(ValidationError):
        store.enterprises.restore(first.id)
    assert store.enterprises.count() == 1


def test_deleted_enterprise_does_not_count_as_a_duplicate(store: Store) -> None:
    first = store.enterprises.create(HUACHEN).record
    store.enterprises.delete(first.id)
    assert store.enterprises.create(HUACHEN).warnings == ()


def test_without_uscc_or_district_a_warning_asks_for_the_district(store: Store) -> None:
    saved = store.enterprises.create({"name": "个体修车铺"})
    assert saved.record.uscc is None
    assert any(w.startswith("district_code:") for w in saved.warnings)
    assert (
        store.enterprises.create({"name": "个体修车铺", "district_code": "210102"}).warnings == ()
    )


def test_inner_check_failure_is_only_a_warning(store: Store) -> None:
    code = with_check_character("91210102MAPJ96WP4")  # the inner check wants ...WP3
    saved = store.enterprises.create({"name": "测试公司", "uscc": code})
    assert saved.record.uscc == code
    assert any("GB 11714" in w for w in saved.warnings)


def test_edit_changes_only_what_was_given(store: Store) -> None:
    e = store.enterprises.create(HUACHEN).record
    saved = store.enterprises.update(e.id, {"contact_name": "赵敏", "phone": "13912345678"})
    assert saved.changes.kinds == {"enterprise"}
    after = store.enterprises.get(e.id)
    assert after.contact_name == "赵敏"
    assert after.phone == "13912345678"
    assert after.name == HUACHEN["name"]
    assert after.uscc == HUACHEN["uscc"]


def test_edit_with_no_change_reports_no_change(store: Store) -> None:
    e = store.enterprises.create(HUACHEN).record
    saved = store.enterprises.update(e.id, {"name": HUACHEN["name"]})
    assert saved.changes.kinds == frozenset()
    assert store.enterprises.get(e.id).updated_at == e.updated_at


def test_invalid_edit_changes_nothing(store: Store) -> None:
    e = store.enterprises.create(HUACHEN).record
    with pytest.raises(ValidationError) as info:
        store.enterprises.update(e.id, {"contact_name": "赵敏", "uscc": "91210102MAPJ96WP39"})
    assert [x.field for x in info.value.errors] == ["uscc"]
    assert store.enterprises.get(e.id) == e


def test_clearing_optional_fields(store: Store) -> None:
    e = store.enterprises.create(HUACHEN).record
    store.enterprises.update(e.id, {"uscc": "", "phone": None, "park": "  "})
    after = store.enterprises.get(e.id)
    assert (after.uscc, after.phone, after.park) == (None, None, None)


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_blanking_the_name_on_edit_is_a_field_error(store: Store, blank: str | None) -> None:
    e = store.enterprises.create(HUACHEN).record
    with pytest.raises(ValidationError) as info:
        store.enterprises.update(e.id, {"name": blank})
    assert info.value.for_field("name") is not None


def test_delete_and_restore(store: Store) -> None:
    e = store.enterprises.create(HUACHEN).record
    before = rows(store, "enterprise")
    deleted = store.enterprises.delete(e.id)
    assert deleted.record.deleted_at is not None
    assert rows(store, "enterprise") == before  # a tombstone, not a hard delete
    assert store.enterprises.count() == 0
    assert store.enterprises.list() == []
    with pytest.raises(NotFoundError):
        store.enterprises.get(e.id)
    with pytest.raises(NotFoundError):
        store.enterprises.update(e.id, {"name": "新名称"})
    with pytest.raises(NotFoundError):
        store.enterprises.delete(e.id)
    restored = store.enterprises.restore(e.id).record
    assert restored.deleted_at is None
    assert store.enterprises.get(e.id).name == HUACHEN["name"]
    assert store.enterprises.count() == 1


def test_delete_takes_visits_and_problems_with_it_and_restore_brings_them_back(
    store: Store,
) -> None:
    e = store.enterprises.create(HUACHEN).record
    v = store.visits.create(e.id, {"visit_date": "2026-11-18", "summary": "走访"}).record
    p1 = store.problems.create({"category": "funding", "description": "续贷难"}, visit_id=v.id)
    p2 = store.problems.create({"category": "labour", "description": "招工难"}, enterprise_id=e.id)
    assert store.enterprises.get(e.id).open_problems == 2
    saved = store.enterprises.delete(e.id)
    assert {e.id, v.id, p1.record.id, p2.record.id} <= saved.changes.ids
    assert store.visits.list() == []
    assert store.problems.list() == []
    store.enterprises.restore(e.id)
    assert [x.id for x in store.visits.list()] == [v.id]
    assert {x.id for x in store.problems.list()} == {p1.record.id, p2.record.id}
    assert store.enterprises.get(e.id).open_problems == 2


def test_restore_leaves_records_deleted_earlier_deleted(store: Store) -> None:
    e = store.enterprises.create(HUACHEN).record
    keep = store.visits.create(e.id, {"visit_date": "2026-11-18"}).record
    gone = store.visits.create(e.id, {"visit_date": "2026-11-10"}).record
    store.visits.delete(gone.id)
    store.enterprises.delete(e.id)
    store.enterprises.restore(e.id)
    assert [v.id for v in store.visits.list()] == [keep.id]


def test_restore_of_an_unknown_id(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.enterprises.restore("no-such-id")


def test_list_filters(store: Store) -> None:
    a = store.enterprises.create(HUACHEN).record
    b = store.enterprises.create(
        {"name": "大连港物流有限公司", "district_code": "210211", "industry_code": "G54"}
    ).record
    c = store.enterprises.create(
        {"name": "沈河区小吃店", "district_code": "210103", "industry_code": "H62", "size": "micro"}
    ).record
    assert {x.id for x in store.enterprises.list(district="210100")} == {a.id, c.id}  # city
    assert [x.id for x in store.enterprises.list(district="210211")] == [b.id]
    assert [x.id for x in store.enterprises.list(industry="c")] == [a.id]
    assert [x.id for x in store.enterprises.list(size="micro")] == [c.id]
    assert len(store.enterprises.list(officer="王小明")) == 3
    assert store.enterprises.list(officer="别人") == []
    assert len(store.enterprises.list(limit=2)) == 2
    assert len(store.enterprises.list(limit=2, offset=2)) == 1


def test_open_problem_count_ignores_finished_problems(store: Store) -> None:
    from liaison_app.domain.lifecycle import StepInput

    e = store.enterprises.create(HUACHEN).record
    p = store.problems.create({"category": "tax", "description": "退税慢"}, enterprise_id=e.id)
    store.problems.create({"category": "tax", "description": "发票"}, enterprise_id=e.id)
    store.problems.step(p.record.id, "resolve", StepInput(note="已退税"))
    assert store.enterprises.get(e.id).open_problems == 1
    assert store.enterprises.list()[0].open_problems == 1
