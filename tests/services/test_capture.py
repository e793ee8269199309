"""Change capture: every write queues exactly the change it made, in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from liaison_app.domain.lifecycle import StepInput
from liaison_app.errors import ValidationError
from liaison_app.models.sync_tables import OutboxEntry
from liaison_app.services.store import Store
from liaison_app.sync.apply import Applier

TODAY = dt.date(2026, 11, 20)


def queued(store: Store) -> list[OutboxEntry]:
    with store.db.reading() as s:
        return list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.id)))


def ops(store: Store, since: int = 0) -> list[tuple[str, str]]:
    return [(e.entity, e.op) for e in queued(store)[since:]]


@pytest.fixture
def firm(store: Store) -> str:
    return store.enterprises.create({"name": "沈阳华晨机械", "district_code": "210102"}).record.id


def test_a_create_queues_its_values_and_nothing_for_a_refused_write(store: Store, firm: str):
    (entry,) = queued(store)
    assert (entry.entity, entry.op, entry.record_id) == ("enterprise", "create", firm)
    assert entry.body["fields"]["name"] == "沈阳华晨机械"
    assert entry.body["fields"]["officer"] == "王小明"
    assert entry.client_id is None and entry.state == "pending" and entry.seq is None
    with pytest.raises(ValidationError):
        store.enterprises.create({"name": "", "district_code": "210102"})
    with pytest.raises(ValidationError):
        store.enterprises.update(firm, {"phone": "12345"})
    assert len(queued(store)) == 1  # a refused write queues nothing


def test_an_edit_queues_only_the_changed_fields_with_what_was_seen(store: Store, firm: str):
    seen = store.enterprises.get(firm)
    store.enterprises.update(firm, {"name": "沈阳华晨机械", "phone": "13812345678"}, seen=seen)
    store.enterprises.update(firm, {"phone": "13812345678"})  # no change: nothing queued
    entries = queued(store)
    assert len(entries) == 2
    assert entries[1].body["fields"] == {"phone": "13812345678"}
    assert entries[1].body["base"] == {"phone": None}
    assert entries[1].body["base_version"] == 0


def test_a_lifecycle_step_is_a_transition_carrying_what_it_sets(store: Store, firm: str):
    p = store.problems.create({"category": "funding", "description": "续贷"}, enterprise_id=firm)
    ident = p.record.id
    mark = len(queued(store))
    store.problems.step(ident, "accept")
    store.problems.step(
        ident, "assign", StepInput(department="finance", deadline=TODAY + dt.timedelta(days=5))
    )
    store.problems.step(ident, "resolve", StepInput(note="已办"))
    store.problems.step(ident, "callback", StepInput(satisfaction="dissatisfied", note="不满意"))
    entries = queued(store)[mark:]
    moves = [(e.body["step"], e.body["transition"]) for e in entries if e.op == "transition"]
    assert moves == [
        ("accept", {"from": "received", "to": "accepted"}),
        ("assign", {"from": "accepted", "to": "assigned"}),
        ("resolve", {"from": "assigned", "to": "resolved"}),
        ("callback", {"from": "resolved", "to": "called_back"}),
        ("reopen", {"from": "called_back", "to": "in_progress"}),
    ]
    fields = [e.body["fields"] for e in entries if e.op == "transition"]
    assert fields[1] == {
        "lead_department": "finance",
        "assigned_on": TODAY.isoformat(),
        "deadline": (TODAY + dt.timedelta(days=5)).isoformat(),
    }
    assert fields[3]["satisfaction"] == "dissatisfied"
    assert fields[3]["dissatisfied_reason"] == "不满意"
    assert fields[4] == {"resolved_on": None}
    # Every step also logs a follow-up action, a record of its own.
    assert sum(e.entity == "action" and e.op == "create" for e in entries) == 5


def test_a_cascading_delete_queues_each_child_and_undo_restores_exactly_them(
    store: Store, firm: str
):
    v = store.visits.create(firm, {"visit_date": "2026-11-18"}).record.id
    p1 = store.problems.create({"category": "tax", "description": "退税"}, visit_id=v).record.id
    gone_before = store.problems.create(
        {"category": "tax", "description": "另一件"}, visit_id=v
    ).record.id
    store.problems.delete(gone_before)
    mark = len(queued(store))
    store.enterprises.delete(firm)
    assert sorted(ops(store, mark)) == [
        ("enterprise", "delete"),
        ("problem", "delete"),
        ("visit", "delete"),
    ]
    mark = len(queued(store))
    store.enterprises.restore(firm)
    assert sorted(ops(store, mark)) == [
        ("enterprise", "restore"),
        ("problem", "restore"),
        ("visit", "restore"),
    ]
    assert store.problems.get(p1).deleted_at is None
    assert [p.id for p in store.problems.list(enterprise_id=firm)] == [p1]  # not gone_before


def test_undo_still_works_after_a_pull_set_the_tombstones(store: Store, firm: str):
    """Pulled deletes carry the server's time, not ours: restore does not match stamps."""
    v = store.visits.create(firm, {"visit_date": "2026-11-18"}).record.id
    p = store.problems.create({"category": "tax", "description": "退税"}, visit_id=v).record.id
    store.visits.delete(v)
    page = {
        "changes": [
            {
                "entity": "visit",
                "id": v,
                "enterprise_id": firm,
                "version": 7,
                "deleted": True,
                "data": {"enterprise_id": firm, "visit_date": "2026-11-18", "mode": "onsite"},
            },
            {
                "entity": "problem",
                "id": p,
                "enterprise_id": firm,
                "version": 7,
                "deleted": True,
                "data": {
                    "enterprise_id": firm,
                    "visit_id": v,
                    "category": "tax",
                    "description": "退税",
                    "urgency": "normal",
                    "source": "visit",
                    "raised_on": "2026-11-18",
                    "status": "received",
                },
            },
        ]
    }
    with store.db.writing() as s:
        Applier(s, 1).page(page)
    store.visits.restore(v)
    assert store.problems.get(p).deleted_at is None


def test_demo_data_queue_every_record_with_its_history(store: Store):
    result = store.demo.generate("small", seed=3)
    entries = queued(store)
    creates = [e for e in entries if e.op == "create"]
    assert len(creates) == len(entries)
    by_entity: dict[str, int] = {}
    for e in creates:
        by_entity[e.entity] = by_entity.get(e.entity, 0) + 1
    assert by_entity == {
        "enterprise": result.enterprises,
        "visit": result.visits,
        "problem": result.problems,
        "action": result.actions,
    }
    closed = [
        e for e in creates if e.entity == "problem" and e.body["lifecycle"]["status"] == "closed"
    ]
    assert closed and all(e.body["lifecycle"]["closed_on"] for e in closed)


def test_demo_timelines_hold_no_time_later_than_now(store: Store, clock):
    early = dt.datetime.combine(clock.today(), dt.time(7, 30))  # before the working day's steps
    clock.now_fn = lambda: early
    store.demo.generate("small", seed=3)
    from sqlalchemy import func

    from liaison_app.models.entities import FollowUpAction

    with store.db.reading() as s:
        latest = s.scalar(select(func.max(FollowUpAction.at)))
    assert latest is not None and latest <= early
