"""Scope changes and what they allow: withdrawals decided from the cursors a client presented,
supervisors' districts sent whole, existence never revealed, blobs linked only with proof."""

from __future__ import annotations

import hashlib

from sqlalchemy import insert, select, update

from liaison_app.server import accounts, scopes
from liaison_app.server.schema import clients, records
from liaison_app.sync.protocol import MAX_PULL_BYTES
from tests.server.support import Device, firm, new_id


def writes_to(device: Device, eid: str, vid: str, pid: str, aid: str) -> list[dict]:
    """One write of every kind to an enterprise and the records under it."""
    return [
        device.mutation("enterprise", "update", eid, {"phone": "13912345678"}, base_version=0),
        device.mutation("enterprise", "update", eid, {"name": "改名有限公司"}, base_version=10**6),
        device.mutation("visit", "update", vid, {"summary": "又来了"}),
        device.mutation(
            "visit", "create", new_id(), {"visit_date": "2026-11-01"}, enterprise_id=eid
        ),
        device.mutation(
            "problem",
            "create",
            new_id(),
            {"category": "tax", "description": "新问题"},
            enterprise_id=eid,
        ),
        device.mutation(
            "action",
            "create",
            new_id(),
            {"problem_id": pid, "at": "2026-11-20T10:00:00", "kind": "note"},
            enterprise_id=eid,
        ),
        device.mutation(
            "attachment",
            "create",
            new_id(),
            {
                "owner_kind": "visit",
                "owner_id": vid,
                "filename": "a.jpg",
                "size": 3,
                "sha256": "0" * 64,
            },
            enterprise_id=eid,
        ),
        device.mutation("action", "update", aid, {"text": "x"}),
        device.mutation("visit", "delete", vid),
        device.mutation("enterprise", "delete", eid),
        device.mutation("enterprise", "restore", eid),
    ]


def furnished(wang: Device) -> tuple[str, str, str, str]:
    eid, vid, pid, aid = firm(wang), new_id(), new_id(), new_id()
    out = wang.push(
        wang.mutation("visit", "create", vid, {"visit_date": "2026-11-01"}, enterprise_id=eid),
        wang.mutation(
            "problem", "create", pid, {"category": "tax", "description": "退税"}, enterprise_id=eid
        ),
        wang.mutation(
            "action",
            "create",
            aid,
            {"problem_id": pid, "at": "2026-11-20T09:00:00", "kind": "chase"},
            enterprise_id=eid,
        ),
    )
    assert {r["status"] for r in out["results"]} == {"applied"}
    return eid, vid, pid, aid


def test_withdrawn_writes_land_until_the_client_pulls_past_the_removal(api, engine):
    wang, li = Device(api, "wang"), Device(api, "li")
    eid, vid, pid, aid = furnished(wang)
    scopes.assign_enterprise(engine, eid, "li")
    li.pull()
    scopes.unassign_enterprise(engine, eid, "li")
    # Offline: Li cannot know yet. Every kind of write is still taken (append-only actions
    # excepted, as ever), whatever base_version claims.
    before = li.push(*writes_to(li, eid, vid, pid, aid))["results"]
    assert [r["status"] != "rejected" for r in before] == [True] * 7 + [False] + [True] * 3
    page = li.pull()  # the page that tells Li
    assert {"entity": "scope_remove", "id": eid, "enterprise_id": eid} in page["changes"]
    still = li.push(li.mutation("enterprise", "update", eid, {"phone": "13900000001"}))["results"][
        0
    ]
    assert still["status"] == "applied"  # Li has not shown it received that page yet
    li.pull()  # presents the cursor past the removal
    after = li.push(*writes_to(li, eid, vid, pid, aid))["results"]
    assert {r["status"] for r in after} == {"rejected"}
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(clients.c.pulled_seq).where(clients.c.id == li.client_id)
            ).scalar_one()
            >= page["head"]
        )
    # Another folder of Li's, signed in after the withdrawal, never had it: no grace at all.
    fresh = Device(api, "li")
    assert {r["status"] for r in fresh.push(*writes_to(fresh, eid, vid, pid, aid))["results"]} == {
        "rejected"
    }
    # Assigned again: writable again, and sent whole.
    scopes.assign_enterprise(engine, eid, "li")
    again = li.pull()["changes"]
    assert {c["id"] for c in again} >= {eid, vid, pid, aid} and all(
        c.get("snapshot") for c in again if c["version"] <= page["head"]
    )
    assert not any(c["entity"] == "scope_remove" for c in again)
    assert (
        li.push(li.mutation("enterprise", "update", eid, {"phone": "13900000002"}))["results"][0][
            "status"
        ]
        == "applied"
    )


def test_a_pull_at_the_head_stays_a_read(api, engine):
    wang = Device(api, "wang")
    firm(wang)
    wang.pull()
    wang.pull()
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(clients.c.pulled_seq).where(clients.c.id == wang.client_id)
            ).scalar_one()
            is None
        )


def test_a_supervisors_new_district_arrives_whole_and_the_old_one_leaves(api, engine):
    wang, zhao = Device(api, "wang"), Device(api, "zhao")
    here = firm(wang)  # 210102
    there = firm(wang, name="沈河区企业", district_code="210103")
    visits = [new_id() for _ in range(5)]
    wang.push(
        *[
            wang.mutation("visit", "create", v, {"visit_date": "2026-11-01"}, enterprise_id=there)
            for v in visits
        ]
    )
    assert {c["id"] for c in zhao.pull()["changes"]} == {here}
    scopes.assign_district(engine, "210103", "zhao")
    got: list[dict] = []
    while True:  # paged like any pull, small pages
        page = zhao.pull(limit=2)
        got += page["changes"]
        assert len([c for c in page["changes"] if c["entity"] != "scope_remove"]) <= 2
        if not page["more"]:
            break
    assert {c["id"] for c in got if c["entity"] != "scope_remove"} == {there, *visits}
    assert all(c.get("snapshot") for c in got if c["entity"] != "scope_remove")
    assert {"entity": "scope_remove", "id": here, "enterprise_id": here} in got
    assert zhao.pull()["changes"] == []
    hello = api.get("/v1/hello", headers=zhao.headers).json()
    assert hello["scopes"] == ["district:210103"]


def test_outside_the_scope_answers_exactly_as_unknown(api):
    wang, li = Device(api, "wang"), Device(api, "li")
    eid, vid, pid, _aid = furnished(wang)
    ghost = new_id()
    pairs = [
        (
            li.mutation("enterprise", "delete", eid),
            li.mutation("enterprise", "delete", ghost),
        ),
        (
            li.mutation("problem", "update", vid, {"request": "x"}),  # a visit, not a problem
            li.mutation("problem", "delete", ghost),
        ),
        (
            li.mutation(
                "visit", "create", new_id(), {"visit_date": "2026-11-01"}, enterprise_id=eid
            ),
            li.mutation(
                "visit", "create", new_id(), {"visit_date": "2026-11-01"}, enterprise_id=ghost
            ),
        ),
        (
            li.mutation(
                "visit", "create", new_id(), {"visit_date": "2026-11-01"}, enterprise_id=vid
            ),
            li.mutation(
                "visit", "create", new_id(), {"visit_date": "2026-11-01"}, enterprise_id=ghost
            ),
        ),
    ]
    results = li.push(*[m for pair in pairs for m in pair])["results"]
    for (real, unknown), a, b in zip(pairs, results[::2], results[1::2], strict=True):
        assert a["status"] == b["status"] == "rejected"
        real_id = real.get("enterprise_id") or real["record_id"]
        unknown_id = unknown.get("enterprise_id") or unknown["record_id"]
        assert a["reason"].replace(real_id, "ID") == b["reason"].replace(unknown_id, "ID")
        assert "visit" not in a["reason"]
    # In scope, the owner hears plainly what is wrong.
    plain = wang.push(wang.mutation("problem", "update", vid, {"request": "x"}))["results"][0]
    assert "is a visit" in plain["reason"]


def test_linking_an_existing_blob_needs_proof_of_possession(api, engine):
    wang, li = Device(api, "wang"), Device(api, "li")
    photo = b"wang's photo"
    sha = hashlib.sha256(photo).hexdigest()
    assert api.put(f"/v1/blobs/{sha}?offset=0", content=photo, headers=wang.headers).is_success
    assert api.post(f"/v1/blobs/{sha}/commit", headers=wang.headers).is_success

    def link(device: Device, eid: str, digest: str) -> dict:
        fields = {
            "owner_kind": "enterprise",
            "owner_id": eid,
            "filename": "p.jpg",
            "size": 12,
            "sha256": digest,
        }
        m = device.mutation("attachment", "create", new_id(), fields, enterprise_id=eid)
        return device.push(m)["results"][0]

    mine, theirs = firm(wang), firm(li, name="李的企业")
    assert link(wang, mine, sha)["status"] == "applied"  # the uploader
    stolen = link(li, theirs, sha)  # knows the hash, never had the bytes
    assert stolen["status"] == "rejected" and stolen["errors"][0]["code"] == "unknown_blob"
    assert link(li, theirs, "ab" * 32)["status"] == "applied"  # not uploaded yet: fine
    scopes.assign_enterprise(engine, mine, "li")  # now Li sees Wang's attachment of it
    assert link(li, theirs, sha)["status"] == "applied"
    r = api.get(f"/v1/blobs/{sha}", headers=li.headers)
    assert r.status_code == 200


def test_a_pull_page_stays_under_the_byte_cap(api, engine):
    wang = Device(api, "wang")
    eid = firm(wang)
    notes = "备注" * 9_000  # ≈ 54 KB of JSON a visit
    ids = []
    for _ in range(4):
        batch = []
        for _ in range(14):
            vid = new_id()
            ids.append(vid)
            batch.append(
                wang.mutation(
                    "visit",
                    "create",
                    vid,
                    {"visit_date": "2026-11-01", "summary": notes},
                    enterprise_id=eid,
                )
            )
        assert {r["status"] for r in wang.push(*batch)["results"]} == {"applied"}
    # One huge row (stored before the caps, say) still goes, alone.
    with engine.begin() as conn:
        conn.execute(
            update(records)
            .where(records.c.id == ids[0])
            .values(data={"visit_date": "2026-11-01", "summary": "大" * 800_000})
        )
    seen, pages = [], 0
    while True:
        r = api.post("/v1/pull", json={"cursor": wang.cursor}, headers=wang.headers)
        assert len(r.content) < MAX_PULL_BYTES or len(r.json()["changes"]) == 1
        page = r.json()
        wang.cursor = page["cursor"]
        seen += [c["id"] for c in page["changes"]]
        pages += 1
        if not page["more"]:
            break
    assert pages >= 2 and sorted(seen) == sorted({eid, *ids}) and len(seen) == len(set(seen))


def test_stats_never_crash_on_stored_junk(api, engine):
    from liaison_app.server.cli import main
    from liaison_app.server.review import figures

    wang = Device(api, "wang")
    eid = firm(wang)
    uid = accounts.list_users(engine)[0].id
    junk = [
        {"status": ["resolved"], "deadline": 20260101, "satisfaction": ["good"]},
        {"status": "resolved", "deadline": {"d": 1}, "resolved_on": 5, "satisfaction": {}},
        {"status": "assigned", "deadline": "2026-01-01", "satisfaction": 3},
        ["not", "an", "object"],
    ]
    with engine.begin() as conn:
        conn.execute(
            insert(records),
            [
                {
                    "id": new_id(),
                    "entity": "problem",
                    "enterprise_id": eid,
                    "data": data,
                    "field_meta": {},
                    "version": 1,
                    "deleted": False,
                    "created_by": uid,
                }
                for data in junk
            ],
        )
    f = figures(engine)
    assert (f.received, f.resolved, f.overdue) == (4, 1, 1)
    url = str(engine.url.render_as_string(hide_password=False))
    assert main(["--db", url, "stats"]) == 0


def _conflict_ids(pages: list[dict]) -> set[int]:
    return {c["id"] for p in pages for c in p["conflicts"]}


def _pull_all(device: Device, limit: int = 500) -> list[dict]:
    pages = [device.pull(limit=limit)]
    while pages[-1]["more"]:
        pages.append(device.pull(limit=limit))
    return pages


def test_a_firm_coming_back_into_scope_brings_its_open_conflicts(api, engine):
    """Li clashes with Wang over a phone, is withdrawn (the client forgets the firm and its
    conflicts), then assigned again: the rescan carries the conflict that is still open — and
    one that arose while Li was away — but not one settled meanwhile."""
    wang, li = Device(api, "wang"), Device(api, "li")
    eid, vid, _pid, _aid = furnished(wang)
    scopes.assign_enterprise(engine, eid, "li")
    base = {c["id"]: c["version"] for c in li.pull()["changes"]}
    wang.pull()
    li.push(li.mutation("enterprise", "update", eid, {"phone": "13900000000"}, base_version=1))
    wang.push(
        wang.mutation(
            "enterprise", "update", eid, {"phone": "13911111111"}, base_version=base[eid]
        ),
        wang.mutation("visit", "update", vid, {"summary": "王的"}, base_version=base[vid]),
    )
    first = _conflict_ids(_pull_all(li))
    assert len(first) == 1
    scopes.unassign_enterprise(engine, eid, "li")
    _pull_all(li)  # the scope_remove: Li's folder forgets the firm
    # While Li is away, Li's offline edit of the visit arrives and loses against Wang's.
    li.push(li.mutation("visit", "update", vid, {"summary": "李的"}, base_version=base[vid]))
    away = _conflict_ids(_pull_all(wang)) - first
    assert len(away) == 1 and not _conflict_ids(_pull_all(li)) & away
    scopes.assign_enterprise(engine, eid, "li")
    pages = _pull_all(li, limit=2)  # paged: the conflicts come with their records' pages
    assert _conflict_ids(pages) == first | away
    assert all(
        c["id"] in first | away and c["resolved_seq"] is None for p in pages for c in p["conflicts"]
    )
    # Settled while Li is away: not brought back as open on the next return.
    settled = next(iter(away))
    scopes.unassign_enterprise(engine, eid, "li")
    _pull_all(li)
    wang.push(
        wang.mutation("visit", "resolve-conflict", vid, conflict_id=settled, resolution="dismiss")
    )
    scopes.assign_enterprise(engine, eid, "li")
    back = [c for p in _pull_all(li) for c in p["conflicts"]]
    assert {c["id"] for c in back if c["resolved_seq"] is None} == first
    assert all(c["resolved_seq"] is not None for c in back if c["id"] == settled)
