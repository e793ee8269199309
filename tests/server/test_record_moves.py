"""Records moved to another enterprise (merging duplicate firms): the server re-scopes them,
their actions and attachments follow, the kept firm's people pull them, those who saw them
only through the firm they left get a "record remove", and a hostile move is refused."""

from __future__ import annotations

from sqlalchemy import select

from liaison_app.server import scopes
from liaison_app.server.schema import record_moves, records
from tests.server.support import USCC, Device, firm, furnish, new_id


def _anchors(engine, ids) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(records.c.id, records.c.enterprise_id).where(records.c.id.in_(ids))
        )
        return {r.id: r.enterprise_id for r in rows}


def _drain(device: Device) -> list[dict]:
    got: list[dict] = []
    while True:
        page = device.pull()
        got += page["changes"]
        if not page["more"]:
            return got


def test_a_merge_rescopes_the_records_and_their_children(api, engine):
    wang, li = Device(api, "wang"), Device(api, "li")
    kept = firm(wang, uscc=USCC)
    gone = firm(li, name="君威新能", uscc=USCC)  # li's twin: a duplicate candidate
    vid, pid, aid, att = furnish(li, gone)
    scopes.assign_enterprise(engine, gone, "wang")  # wang sees both, li only the twin
    _drain(wang)
    _drain(li)

    moves = wang.push(
        wang.mutation(
            "visit", "update", vid, {"enterprise_id": kept}, enterprise_id=kept, base_version=0
        ),
        wang.mutation("problem", "update", pid, {"enterprise_id": kept}, enterprise_id=kept),
        wang.mutation("enterprise", "delete", gone),
    )
    assert [r["status"] for r in moves["results"]] == ["applied"] * 3, moves
    assert _anchors(engine, [vid, pid, aid, att]) == {vid: kept, pid: kept, aid: kept, att: kept}

    # li saw them only through the twin: a tombstone for it, a record remove for each.
    seen = _drain(li)
    removes = {c["id"] for c in seen if c["entity"] == "record_remove"}
    assert removes == {vid, pid, aid, att}
    assert all(c["enterprise_id"] == gone for c in seen if c["entity"] == "record_remove")
    assert any(c["id"] == gone and c["deleted"] for c in seen)
    assert not any(c["entity"] in ("visit", "problem", "action", "attachment") for c in seen)

    # wang (both firms) gets the moved records under the kept firm, no removes.
    mine = _drain(wang)
    assert {c["id"]: c["enterprise_id"] for c in mine if c["entity"] != "enterprise"} == {
        vid: kept,
        pid: kept,
        aid: kept,
        att: kept,
    }
    assert not any(c["entity"] == "record_remove" for c in mine)

    # Officers assigned to the kept firm only: the moved records reach them.
    scopes.assign_enterprise(engine, kept, "li")
    back = _drain(li)
    assert {c["id"] for c in back} >= {kept, vid, pid, aid, att}
    assert not any(c["entity"] == "record_remove" for c in back)

    # The supervisor of the district sees everything and is told of no remove.
    zhao = Device(api, "zhao")
    got = _drain(zhao)
    assert {c["id"] for c in got} >= {kept, gone, vid, pid, aid, att}
    assert not any(c["entity"] == "record_remove" for c in got)
    with engine.connect() as conn:
        assert {r.record_id for r in conn.execute(select(record_moves))} == {vid, pid, aid, att}


def test_moving_to_a_firm_outside_the_scope_is_refused_per_mutation(api, engine):
    wang, li = Device(api, "wang"), Device(api, "li")
    mine = firm(wang)
    theirs = firm(li, name="别人的企业")
    vid, pid, _aid, _att = furnish(wang, mine)
    out = wang.push(
        wang.mutation("visit", "update", vid, {"enterprise_id": theirs}),
        wang.mutation("problem", "update", pid, {"enterprise_id": new_id()}),  # unknown
        wang.mutation("visit", "update", vid, {"summary": "still fine"}),
    )
    statuses = [r["status"] for r in out["results"]]
    assert statuses == ["rejected", "rejected", "applied"], out
    assert out["results"][0]["reason"] == f"unknown enterprise {theirs} (or outside your scope)"
    assert "outside your scope" in out["results"][1]["reason"]
    assert _anchors(engine, [vid, pid]) == {vid: mine, pid: mine}
    # A supervisor cannot move a record out of their district either.
    other = firm(wang, name="沈河区企业", district_code="210103")
    zhao = Device(api, "zhao")
    refused = zhao.push(zhao.mutation("visit", "update", vid, {"enterprise_id": other}))
    assert refused["results"][0]["status"] == "rejected"
    # Nor onto a deleted firm, nor may an action or attachment move by itself.
    dead = firm(wang, name="已注销企业")
    wang.push(wang.mutation("enterprise", "delete", dead))
    onto_dead = wang.push(wang.mutation("visit", "update", vid, {"enterprise_id": dead}))
    assert onto_dead["results"][0]["status"] == "rejected"
    assert _anchors(engine, [vid]) == {vid: mine}


def test_an_edit_made_before_the_merge_was_known_still_lands(api, engine):
    wang, li = Device(api, "wang"), Device(api, "li")
    kept, gone = firm(wang), firm(li, name="君威")
    vid, pid, aid, _att = furnish(li, gone)
    scopes.assign_enterprise(engine, gone, "wang")
    _drain(wang)
    _drain(li)
    wang.push(wang.mutation("visit", "update", vid, {"enterprise_id": kept}))
    # li, offline, edits the visit and adds a follow-up to the problem that has not moved yet.
    late = li.push(
        li.mutation("visit", "update", vid, {"summary": "离线时写的"}),
        li.mutation(
            "action",
            "create",
            new_id(),
            {"problem_id": pid, "at": "2026-11-21T09:00:00", "kind": "note"},
            enterprise_id=gone,
        ),
    )
    assert [r["status"] for r in late["results"]] == ["applied", "applied"], late
    _drain(li)  # the page that says so
    li.pull()  # presents the cursor past the move
    after = li.push(li.mutation("visit", "update", vid, {"summary": "再写"}))
    assert after["results"][0]["status"] == "rejected"
    # A follow-up created under a problem that moved goes where the problem now is.
    wang.push(wang.mutation("problem", "update", pid, {"enterprise_id": kept}))
    new_action = new_id()
    wang.push(
        wang.mutation(
            "action",
            "create",
            new_action,
            {"problem_id": pid, "at": "2026-11-22T09:00:00", "kind": "note"},
            enterprise_id=gone,
        )
    )
    assert _anchors(engine, [new_action, aid]) == {new_action: kept, aid: kept}
