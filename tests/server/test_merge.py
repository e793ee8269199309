"""The merge decision, a pure function: no database, every rule of design.md §3 by itself."""

from __future__ import annotations

from liaison_app.server.merge import PENDING, Decision, RecordState, apply, decide

ME, OTHER = "client-me", "client-other"


def state(deleted: bool = False, version: int = 10) -> RecordState:
    return RecordState(
        data={"phone": "1", "name": "甲", "address": "x"},
        field_meta={"phone": [8, OTHER], "name": [3, OTHER], "address": [PENDING, OTHER]},
        version=version,
        deleted=deleted,
    )


def run(s: RecordState, op: str = "update", **kw) -> Decision:
    kw.setdefault("base_version", 5)
    kw.setdefault("base", None)
    return decide(s, op=op, client_id=kw.pop("client", ME), head=lambda: 20, **kw)


def test_unchanged_since_base_applies():
    d = run(state(), fields={"name": "乙"})
    assert d.changes == {"name": "乙"} and d.conflicts == []


def test_both_changed_later_arrival_wins_and_loser_is_kept():
    d = run(state(), fields={"phone": "2"}, base={"phone": "0"})
    assert d.changes == {"phone": "2"}
    assert d.conflicts == [
        {
            "kind": "field",
            "field": "phone",
            "base": "0",
            "applied": "2",
            "losing": "1",
            "losing_client_id": OTHER,
        }
    ]


def test_equal_value_is_no_conflict_and_no_change():
    d = run(state(), fields={"phone": "1"})
    assert d.changes == {} and d.conflicts == [] and d.is_noop(state())


def test_same_client_and_newer_base_and_base_beyond_head_apply():
    assert run(state(), fields={"phone": "2"}, client=OTHER).conflicts == []
    assert run(state(), fields={"phone": "2"}, base_version=8).conflicts == []
    assert run(state(), fields={"phone": "2"}, base_version=21).conflicts == []  # head is 20


def test_pending_metadata_counts_at_the_records_own_version():
    # "address" was written at the record's version (10): a base of 9 predates it.
    assert run(state(), fields={"address": "y"}, base_version=9).conflicts[0]["field"] == "address"
    assert run(state(), fields={"address": "y"}, base_version=10).conflicts == []


def test_edit_to_a_deleted_record_changes_nothing_and_is_a_deleted_conflict():
    d = run(state(deleted=True), fields={"name": "乙"}, forced={"status": "x"})
    assert d.changes == {} and d.deleted
    assert d.conflicts[0]["kind"] == "deleted"
    assert d.conflicts[0]["applied"] == {"name": "乙", "status": "x"}


def test_delete_restore_and_forced_values():
    assert run(state(), op="delete", fields={}).deleted
    assert not run(state(deleted=True), op="restore", fields={}).deleted
    d = run(state(), op="transition", fields={}, forced={"status": "accepted"})
    assert d.changes == {"status": "accepted"}


def test_legacy_metadata_of_any_shape_counts_as_unwritten():
    s = RecordState({"phone": "1"}, {"phone": "junk"}, 4, False)
    assert run(s, fields={"phone": "2"}).changes == {"phone": "2"}


def test_apply_marks_the_writer_and_who_deleted():
    s = state()
    data, meta = apply(s, Decision({"name": "乙"}, True), ME)
    assert data["name"] == "乙" and meta["name"] == [PENDING, ME]
    assert meta["deleted"] == [PENDING, ME]
    assert s.data["name"] == "甲"  # the state itself is untouched
