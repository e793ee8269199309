"""Push and pull: exactly once, in order, merged field by field, within scope, paged by cursor."""

from __future__ import annotations

from sqlalchemy import select

from liaison_app.server import scopes
from liaison_app.server.pull import decode_cursor, encode_cursor
from liaison_app.server.schema import conflicts, mutation_ledger
from tests.server.support import USCC, Device, firm, new_id


def test_create_pull_and_scope(api):
    wang, li, zhao, root = (Device(api, u) for u in ("wang", "li", "zhao", "root"))
    eid = firm(wang)
    vid, pid = new_id(), new_id()
    out = wang.push(
        wang.mutation(
            "visit",
            "create",
            vid,
            {"visit_date": "2026-11-18", "mode": "onsite"},
            enterprise_id=eid,
        ),
        wang.mutation(
            "problem",
            "create",
            pid,
            {
                "category": "funding",
                "description": "抽贷",
                "visit_id": vid,
                "raised_on": "2026-11-18",
            },
            enterprise_id=eid,
        ),
    )
    assert [r["status"] for r in out["results"]] == ["applied", "applied"]
    # One push is one transaction with one server sequence value.
    assert out["results"][0]["seq"] == out["results"][1]["seq"] == out["head"]
    got = wang.pull()
    assert {c["id"] for c in got["changes"]} == {eid, vid, pid}
    assert next(c for c in got["changes"] if c["id"] == pid)["data"]["status"] == "received"
    assert wang.pull()["changes"] == []  # at the head: nothing again
    assert li.pull()["changes"] == []  # another officer sees nothing of it
    assert {c["id"] for c in zhao.pull()["changes"]} == {eid, vid, pid}  # the district's supervisor
    assert len(root.pull()["changes"]) == 3
    # Li may not write into Wang's enterprise; the refusal does not block Li's next mutation.
    refused = li.mutation(
        "visit", "create", new_id(), {"visit_date": "2026-11-18"}, enterprise_id=eid
    )
    own = li.mutation(
        "enterprise",
        "create",
        new_id(),
        {"name": "大连港湾物流有限公司", "district_code": "210202"},
    )
    results = li.push(refused, own)["results"]
    assert results[0]["status"] == "rejected" and "scope" in results[0]["reason"]
    assert results[1]["status"] == "applied"


def test_a_folder_registered_anew_replays_what_its_revoked_id_sent(api, engine):
    """A push applied for a client that was then revoked (its answer lost) comes again from
    the folder's new registration: a replay, not a second firm and not a refusal, and it
    takes its number there, so the next change follows without a gap. Neither another user
    nor another live folder of the same user can claim the mutation."""
    from liaison_app.server import accounts

    old = Device(api, "wang")
    eid = new_id()
    m = old.mutation(
        "enterprise", "create", eid, {"name": "营口港务有限公司", "district_code": "210802"}
    )
    first = old.push(m)["results"][0]
    accounts.revoke_device(engine, old.client_id)
    other = Device(api, "wang")  # another folder of the same user, never revoked
    anew = Device(api, "wang")
    anew.seq = 1  # numbered 1 again under the new id
    again = anew.push(m)["results"][0]
    assert again["replayed"] and again["seq"] == first["seq"]
    after = anew.mutation("enterprise", "update", eid, {"phone": "13912345678"})
    assert anew.push(after)["results"][0]["status"] == "applied"
    assert other.push({**m, "seq": 1}, expect=409)["error"] == "mutation_reused"
    assert [c["id"] for c in anew.pull()["changes"]] == [eid]  # one firm, not two
    assert Device(api, "li").push(m, expect=409)["error"] == "mutation_reused"


def test_exactly_once_and_in_order(api, engine):
    wang = Device(api, "wang")
    eid = new_id()
    m = wang.mutation(
        "enterprise", "create", eid, {"name": "营口港务有限公司", "district_code": "210802"}
    )
    first = wang.push(m)["results"][0]
    again = wang.push(m)["results"][0]  # the response was lost; the client sends it again
    assert again["replayed"] and again["seq"] == first["seq"]
    changed = {**m, "fields": {"name": "别的名字"}}
    assert wang.push(changed, expect=409)["error"] == "mutation_reused"
    gap = wang.mutation("enterprise", "update", eid, {"name": "x"})
    gap["seq"] += 5
    refused = wang.push(gap, expect=409)
    assert refused["error"] == "sequence_gap" and refused["expected"] == 2
    behind = {**wang.mutation("enterprise", "update", eid, {"phone": "13912345678"}), "seq": 1}
    refused = wang.push(behind, expect=409)  # number 1 was used by another mutation
    assert refused["error"] == "client_behind" and refused["high_water_mark"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(mutation_ledger.c.client_seq)).scalars().all() == [1]


def test_field_merge_rules(api, engine):
    wang, root = Device(api, "wang"), Device(api, "root")
    eid = firm(wang)
    base = wang.pull()["changes"][0]["version"]
    root.pull()
    # Different fields from the same base: both apply, no conflict.
    a = wang.push(
        wang.mutation("enterprise", "update", eid, {"phone": "13912345678"}, base_version=base)
    )
    b = root.push(
        root.mutation(
            "enterprise", "update", eid, {"address": "和平区青年大街1号"}, base_version=base
        )
    )
    assert a["results"][0]["status"] == b["results"][0]["status"] == "applied"
    # The same field, both from the old base: the later arrival wins, the loser is kept.
    root.push(
        root.mutation(
            "enterprise",
            "update",
            eid,
            {"contact_name": "韩大冬"},
            base_version=base,
            base={"contact_name": None},
        )
    )
    late = wang.push(
        wang.mutation(
            "enterprise",
            "update",
            eid,
            {"contact_name": "韩冬"},
            base_version=base,
            base={"contact_name": None},
        )
    )["results"][0]
    assert late["status"] == "conflict" and late["conflicts"] == [
        {"kind": "field", "field": "contact_name"}
    ]
    # The same value is no conflict at all.
    same = wang.push(
        wang.mutation(
            "enterprise", "update", eid, {"address": "和平区青年大街1号"}, base_version=base
        )
    )["results"][0]
    assert same["status"] == "applied"
    data = root.pull()["changes"][-1]["data"]
    assert data["contact_name"] == "韩冬" and data["phone"] == "13912345678"
    with engine.connect() as conn:
        row = conn.execute(select(conflicts)).one()
    assert (row.kind, row.field, row.applied, row.losing) == (
        "field",
        "contact_name",
        "韩冬",
        "韩大冬",
    )


def test_edit_to_a_deleted_record_is_kept_as_a_conflict(api):
    wang, root = Device(api, "wang"), Device(api, "root")
    eid = firm(wang)
    root.push(root.mutation("enterprise", "delete", eid))
    edit = wang.push(wang.mutation("enterprise", "update", eid, {"phone": "13912345678"}))[
        "results"
    ][0]
    assert edit["status"] == "conflict" and edit["conflicts"][0]["kind"] == "deleted"
    latest = root.pull()["changes"][-1]
    assert latest["deleted"] and "phone" not in latest["data"]


def test_second_enterprise_with_the_same_uscc_is_applied_and_flagged(api):
    wang, li, zhao, root = (Device(api, u) for u in ("wang", "li", "zhao", "root"))
    first = firm(wang, uscc=USCC)
    twin = new_id()
    result = wang.push(
        wang.mutation(
            "enterprise",
            "create",
            twin,
            {"name": "同一家公司", "uscc": USCC, "district_code": "210102"},
        )
    )["results"][0]
    assert result["status"] == "conflict" and result["conflicts"][0]["kind"] == "duplicate"
    (seen,) = wang.pull()["conflicts"]
    assert (seen["kind"], seen["applied"], seen["losing"]) == ("duplicate", twin, first)
    assert seen["applied_by"] == seen["losing_by"] == "wang"


def test_a_duplicate_outside_the_callers_scope_is_not_revealed(api):
    wang, li, zhao, root = (Device(api, u) for u in ("wang", "li", "zhao", "root"))
    first = firm(wang, uscc=USCC)
    other = new_id()
    result = li.push(
        li.mutation(
            "enterprise",
            "create",
            other,
            {"name": "同一家公司", "uscc": USCC, "district_code": "210102"},
        )
    )["results"][0]
    # Li cannot see Wang's firm: applied, and nothing in the answer or the pull names it.
    assert result["status"] == "applied" and result["conflicts"] == []
    page = li.pull()
    assert {c["id"] for c in page["changes"]} == {other} and page["conflicts"] == []
    assert first not in str(page) and wang.pull()["conflicts"] == []
    # Who sees both (the district's supervisor, an administrator) has the duplicate to merge.
    for person in (zhao, root):
        (dup,) = person.pull()["conflicts"]
        assert (dup["kind"], dup["applied"], dup["losing"]) == ("duplicate", other, first)
        assert (dup["applied_by"], dup["losing_by"]) == ("li", "wang")


def test_invalid_fields_are_rejected_with_reasons(api):
    wang = Device(api, "wang")
    bad = wang.mutation(
        "enterprise", "create", new_id(), {"name": "坏代码", "uscc": "91310115MA1H8R7C6D"}
    )
    good = wang.mutation(
        "enterprise", "create", new_id(), {"name": "好企业", "district_code": "210102"}
    )
    results = wang.push(bad, good)["results"]
    assert results[0]["status"] == "rejected" and results[0]["errors"][0]["field"] == "uscc"
    assert results[1]["status"] == "applied"


def test_lifecycle_transition_applies_only_from_the_status_seen(api):
    wang, root = Device(api, "wang"), Device(api, "root")
    eid = firm(wang)
    pid = new_id()
    wang.push(
        wang.mutation(
            "problem", "create", pid, {"category": "tax", "description": "退税"}, enterprise_id=eid
        )
    )
    accept = wang.mutation(
        "problem",
        "transition",
        pid,
        {"accepted_on": "2026-11-20"},
        step="accept",
        transition={"from": "received", "to": "accepted"},
    )
    assert wang.push(accept)["results"][0]["status"] == "applied"
    stale = root.mutation(
        "problem",
        "transition",
        pid,
        {"result": "不属实"},
        step="reject",
        transition={"from": "received", "to": "rejected"},
    )
    result = root.push(stale)["results"][0]
    assert result["status"] == "conflict" and result["conflicts"][0]["kind"] == "lifecycle"
    problem = next(c for c in root.pull()["changes"] if c["id"] == pid)
    assert problem["data"]["status"] == "accepted"


def test_pull_pages_and_cursor_checks(api, engine):
    wang = Device(api, "wang")
    eid = firm(wang)
    wang.push(
        *[
            wang.mutation(
                "visit", "create", new_id(), {"visit_date": "2026-11-01"}, enterprise_id=eid
            )
            for _ in range(24)
        ]
    )
    seen: list[str] = []
    pages = 0
    while True:
        page = wang.pull(limit=10)
        pages += 1
        seen += [c["id"] for c in page["changes"]]
        if not page["more"]:
            break
    assert pages == 3 and len(seen) == 25 == len(set(seen))
    seq, tag, _ = decode_cursor(wang.cursor)
    forged = encode_cursor(seq, "deadbeef", "")
    r = api.post("/v1/pull", json={"cursor": forged}, headers=wang.headers)
    assert r.status_code == 409 and r.json()["error"] == "cursor_invalid"
    beyond = encode_cursor(seq + 100, tag, "")
    assert api.post("/v1/pull", json={"cursor": beyond}, headers=wang.headers).status_code == 409
    for absurd in (2**63, 10**20, -1):  # beyond any database integer: refused, not a 500
        r = api.post(
            "/v1/pull", json={"cursor": encode_cursor(absurd, tag, "")}, headers=wang.headers
        )
        assert r.status_code == 409 and r.json()["error"] == "cursor_invalid"


def test_a_no_op_after_a_write_in_the_same_push_gets_that_push_sequence(api):
    wang = Device(api, "wang")
    eid = new_id()
    create = wang.mutation(
        "enterprise", "create", eid, {"name": "铁岭阀门有限公司", "district_code": "210102"}
    )
    same = wang.mutation("enterprise", "update", eid, {})  # changes nothing
    first = wang.push(create, same)["results"]
    assert first[1].get("noop") and first[1]["seq"] == first[0]["seq"] > 0
    wang.seq -= 2  # the answer was lost: the client sends the same push again
    again = wang.push(create, same)["results"]
    assert [r["seq"] for r in again] == [first[0]["seq"]] * 2
    assert all(r.get("replayed") for r in again)


def test_assignment_sends_the_enterprise_whole(api, engine):
    wang, li = Device(api, "wang"), Device(api, "li")
    eid = firm(wang)
    wang.push(
        wang.mutation("visit", "create", new_id(), {"visit_date": "2026-11-02"}, enterprise_id=eid)
    )
    assert li.pull()["changes"] == []
    scopes.assign_enterprise(engine, eid, "li")
    got = li.pull()["changes"]
    assert {c["entity"] for c in got} == {"enterprise", "visit"} and all(
        c.get("snapshot") for c in got
    )
    assert (
        li.push(li.mutation("enterprise", "update", eid, {"phone": "13912345678"}))["results"][0][
            "status"
        ]
        == "applied"
    )


def test_tombstones_past_the_horizon_are_cleaned_and_old_cursors_get_410(api, engine):
    import datetime as dt

    from liaison_app.server.cleanup import clean_tombstones

    wang, root = Device(api, "wang"), Device(api, "root")
    kept, gone = firm(wang), firm(wang, name="已注销企业", district_code="210103")
    old_cursor_holder = Device(api, "wang")
    old_cursor_holder.pull()
    root.push(root.mutation("enterprise", "delete", gone))
    assert clean_tombstones(engine, dt.timedelta(days=1))["removed"] == 0  # too young
    done = clean_tombstones(engine, dt.timedelta(0))
    assert done["removed"] == 1
    r = api.post(
        "/v1/pull", json={"cursor": old_cursor_holder.cursor}, headers=old_cursor_holder.headers
    )
    assert r.status_code == 410 and r.json()["error"] == "cursor_expired"
    fresh = Device(api, "wang").pull()
    assert {c["id"] for c in fresh["changes"]} == {kept}


def test_withdrawn_assignment_is_a_scope_remove_and_earlier_edits_still_land(api, engine):
    wang, li = Device(api, "wang"), Device(api, "li")
    eid = firm(wang)
    scopes.assign_enterprise(engine, eid, "li")
    base = li.pull()["changes"][0]["version"]
    # Li edits offline; meanwhile the assignment is withdrawn.
    scopes.unassign_enterprise(engine, eid, "li")
    got = li.pull()["changes"]
    assert got == [{"entity": "scope_remove", "id": eid, "enterprise_id": eid}]
    offline = li.push(
        li.mutation("enterprise", "update", eid, {"phone": "13912345678"}, base_version=base)
    )
    assert offline["results"][0]["status"] == "applied"  # made before the loss of scope
    assert li.pull()["changes"] == []  # this cursor proves Li has the withdrawal
    later = li.push(
        li.mutation(
            "enterprise", "update", eid, {"phone": "13900000000"}, base_version=offline["head"]
        )
    )
    assert later["results"][0]["status"] == "rejected"
    assert li.pull()["changes"] == []  # nothing more of it reaches Li
