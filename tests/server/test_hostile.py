"""Hostile values in every field of every entity and op: each is that mutation's rejection (or
harmless), never a 5xx, never a failed batch — the mutation behind it still applies."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison_app.sync.protocol import ENTITIES, LIFECYCLE_FIELDS, OPS, SYNCED_FIELDS
from tests.server.support import Device, firm, furnish, new_id

JSON = {"Content-Type": "application/json"}


def nested(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


EVIL_TEXT = st.sampled_from(
    ["\x00", "a\x00b", "\ud800", "x\udfff", "\x00\ud83d", "'; DROP TABLE records;--"]
) | st.text(max_size=30)
HOSTILE = st.one_of(
    EVIL_TEXT,
    st.integers(min_value=2**63, max_value=10**30),
    st.integers(max_value=-(2**63) - 1, min_value=-(10**30)),
    st.just(10**20),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.just(nested(300)),
    st.just("长" * 30_000),
    st.just({"$ne": None, "a\x00": 1}),
    st.lists(EVIL_TEXT, max_size=3),
    st.dictionaries(EVIL_TEXT, EVIL_TEXT, max_size=2),
    st.sampled_from(["2026-11-01", "2026-13-45", "9999-12-31", "0" * 64, "funding", "received"]),
)
FIELD_NAMES = sorted(
    {f for fields in SYNCED_FIELDS.values() for f in fields}
    | set(LIFECYCLE_FIELDS)
    | {"number", "unknown", "\x00", "\ud800"}
)


@st.composite
def mutations(draw, ids: dict[str, str]):
    entity = draw(st.sampled_from([*ENTITIES, "\x00"]))
    op = draw(st.sampled_from([*OPS, "\ud800"]))
    known = st.sampled_from(sorted(ids.values()))
    m = {
        "entity": entity,
        "op": op,
        "record_id": draw(st.one_of(st.just(new_id()), known, HOSTILE)),
        "fields": draw(
            st.dictionaries(
                st.sampled_from(SYNCED_FIELDS.get(entity, ("name",)))
                | st.sampled_from(FIELD_NAMES),
                HOSTILE,
                max_size=4,
            )
            | HOSTILE
        ),
    }
    for key in (
        "enterprise_id",
        "base_version",
        "base",
        "step",
        "transition",
        "lifecycle",
        "conflict_id",
        "resolution",
        "value",
    ):
        if draw(st.booleans()):
            m[key] = draw(
                st.one_of(known, HOSTILE)
                if key == "enterprise_id"
                else st.one_of(HOSTILE, st.fixed_dictionaries({"from": HOSTILE, "to": HOSTILE}))
            )
    return m


def test_hostile_values_never_fail_the_batch(api):
    wang = Device(api, "wang")
    eid = firm(wang)
    vid, pid = new_id(), new_id()
    wang.push(
        wang.mutation("visit", "create", vid, {"visit_date": "2026-11-01"}, enterprise_id=eid),
        wang.mutation(
            "problem", "create", pid, {"category": "tax", "description": "退税"}, enterprise_id=eid
        ),
    )
    ids = {"enterprise": eid, "visit": vid, "problem": pid}

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(hostile=mutations(ids))
    def check(hostile):
        mark = wang.seq
        bad = {"id": new_id(), "seq": mark + 1, **hostile}
        wang.seq += 1
        good = wang.mutation(
            "visit", "create", new_id(), {"visit_date": "2026-11-02"}, enterprise_id=eid
        )
        # Sent as the stdlib writes JSON: lone surrogates as \\ud800 escapes.
        body = json.dumps({"mutations": [bad, good]})
        r = api.post("/v1/push", content=body, headers={**wang.headers, **JSON})
        if r.status_code != 200:
            wang.seq = mark
        assert r.status_code == 200, (hostile, r.text[:500])
        first, second = r.json()["results"]
        assert second["status"] == "applied", second
        assert len(r.text) < 20_000  # an answer never echoes the input
        if first["status"] == "rejected":
            assert len(first["reason"]) <= 500
        r = api.post("/v1/pull", json={"cursor": wang.cursor}, headers=wang.headers)
        assert r.status_code == 200, r.text[:500]
        wang.cursor = r.json()["cursor"]

    check()
    # The outbox keeps flowing and the server still reads everything back.
    assert api.post("/v1/pull", json={}, headers=wang.headers).status_code == 200
    assert api.get("/v1/conflicts?resolved=true", headers=wang.headers).status_code == 200


def test_each_bad_value_of_a_valid_record_is_that_mutations_rejection(api):
    wang = Device(api, "wang")
    eid = firm(wang)
    pid = new_id()
    wang.push(
        wang.mutation(
            "problem", "create", pid, {"category": "tax", "description": "退税"}, enterprise_id=eid
        )
    )
    valid = {
        "attachment": {
            "owner_kind": "problem",
            "owner_id": pid,
            "filename": "a.jpg",
            "size": 3,
            "sha256": "1" * 64,
            "caption": "照片",
        },
        "action": {"problem_id": pid, "at": "2026-11-20T09:00:00", "kind": "chase", "text": "催"},
        "visit": {"visit_date": "2026-11-01", "staff": 12, "summary": "走访"},
        "problem": {"category": "tax", "description": "退税", "co_departments": []},
        "enterprise": {"name": "新企业有限公司", "district_code": "210102"},
    }
    cases = [
        ("attachment", "size", 10**20),
        ("attachment", "size", -1),
        ("attachment", "sha256", {"a": 1}),
        ("attachment", "caption", nested(300)),
        ("attachment", "filename", "a\x00.jpg"),
        ("attachment", "owner_kind", "planet"),
        ("action", "kind", "fly"),
        ("action", "at", "yesterday"),
        ("action", "department", "nowhere"),
        ("visit", "staff", 2**64),
        ("visit", "staff", "12"),
        ("visit", "output_value", 1e300),
        ("visit", "summary", "\ud800"),
        ("visit", "officers", [{"name": "x"}]),
        ("problem", "description", ["抽贷"]),
        ("problem", "shared", "yes"),
        ("problem", "co_departments", ["nowhere"]),
        ("enterprise", "name", "x\x00"),
        ("enterprise", "specialised", 7),
        ("enterprise", "phone", 13912345678),
        ("enterprise", "colour", "red"),
    ]
    batch = []
    for entity, field, value in cases:
        fields = {**valid[entity], field: value}
        batch.append(wang.mutation(entity, "create", new_id(), fields, enterprise_id=eid))
    body = json.dumps({"mutations": batch})
    r = api.post("/v1/push", content=body, headers={**wang.headers, **JSON})
    assert r.status_code == 200, r.text[:500]
    for (entity, field, _), result in zip(cases, r.json()["results"], strict=True):
        assert result["status"] == "rejected", (entity, field, result)
        assert field in result["reason"], (entity, field, result)
    good = [
        wang.mutation(entity, "create", new_id(), fields, enterprise_id=eid)
        for entity, fields in valid.items()
    ]
    assert {r["status"] for r in wang.push(*good)["results"]} == {"applied"}


def test_legacy_junk_in_stored_records_is_a_rejection_or_a_merge_never_a_5xx(api, engine):
    from sqlalchemy import insert

    from liaison_app.server.schema import records

    wang = Device(api, "wang")
    eid = firm(wang)
    uid = wang.api.get("/v1/hello", headers=wang.headers).json()["user"]
    assert uid == "wang"
    junk_ids = [new_id() for _ in range(3)]
    with engine.begin() as conn:
        creator = conn.execute(records.select().where(records.c.id == eid)).one().created_by
        conn.execute(
            insert(records),
            [
                {
                    "id": rid,
                    "entity": "problem",
                    "enterprise_id": eid,
                    "data": data,
                    "field_meta": meta,
                    "version": 1,
                    "deleted": False,
                    "created_by": creator,
                }
                for rid, data, meta in zip(
                    junk_ids,
                    [["a", "list"], {"status": ["x"], "reopen_count": "7"}, {"status": "closed"}],
                    ["junk", {"request": "junk", "status": [1, 2, 3]}, {"status": {"a": 1}}],
                    strict=True,
                )
            ],
        )
    batch = []
    for rid in junk_ids:
        batch += [
            wang.mutation("problem", "update", rid, {"request": "加快"}, base_version=0),
            wang.mutation(
                "problem",
                "transition",
                rid,
                {},
                step="reopen",
                transition={"from": "closed", "to": "in_progress"},
            ),
            wang.mutation("problem", "delete", rid),
        ]
    good = wang.mutation(
        "visit", "create", new_id(), {"visit_date": "2026-11-02"}, enterprise_id=eid
    )
    r = api.post("/v1/push", json={"mutations": [*batch, good]}, headers=wang.headers)
    assert r.status_code == 200, r.text[:500]
    assert r.json()["results"][-1]["status"] == "applied"
    assert api.post("/v1/pull", json={}, headers=wang.headers).status_code == 200


def test_references_name_a_record_of_the_same_enterprise_or_are_rejected(api):
    """A visit, problem or action named by another record (and a visit's or problem's own
    enterprise) is one of the record's own enterprise: null, dangling, of another kind or of
    another firm — even one the caller sees — is that mutation's rejection, nothing stored.
    (They were stored, and a pulled null enterprise or a parent that never comes broke or hid
    the record in every folder.)"""
    wang, li = Device(api, "wang"), Device(api, "li")
    mine, other, theirs = (
        firm(wang),
        firm(wang, name="沈阳另一家有限公司"),
        firm(li, name="沈阳李家有限公司"),
    )
    visit, problem, _action, _photo = furnish(wang, mine)
    other_visit, their_visit = furnish(wang, other)[0], furnish(li, theirs)[0]
    wrong_ids = [None, "dangling-0001", their_visit, other_visit, problem, mine]
    note = {"at": "2026-01-05T10:00:00", "kind": "note"}
    photo = {"filename": "a.jpg", "size": 1, "sha256": "ab" * 32}
    cases = [
        ("visit", "create", {"visit_date": "2026-01-05", "enterprise_id": None}),
        ("problem", "create", {"category": "funding", "description": "d", "enterprise_id": None}),
        ("visit", visit, {"enterprise_id": None}),
        ("problem", problem, {"enterprise_id": None}),
    ]
    for wrong in wrong_ids[1:]:
        cases += [
            ("problem", "create", {"category": "funding", "description": "d", "visit_id": wrong}),
            ("problem", problem, {"visit_id": wrong}),
        ]
        if wrong != problem:
            cases.append(("action", "create", {**note, "problem_id": wrong}))
        if wrong != other_visit:  # a new attachment follows its parent to a firm the caller writes
            cases.append(
                ("attachment", "create", {**photo, "owner_kind": "visit", "owner_id": wrong})
            )
    cases += [
        ("attachment", "create", {**photo, "owner_kind": "enterprise", "owner_id": other}),
        ("attachment", "create", {**photo, "owner_kind": "problem", "owner_id": visit}),
    ]
    batch = [
        wang.mutation(
            entity,
            "create" if target == "create" else "update",
            new_id() if target == "create" else target,
            fields,
            enterprise_id=mine,
        )  # fmt: skip
        for entity, target, fields in cases
    ]
    kept = new_id()  # the mutation after them all still applies
    batch.append(wang.mutation("action", "create", kept, {**note, "problem_id": problem}, enterprise_id=mine))  # fmt: skip
    results = wang.push(*batch)["results"]
    refused = [(c, r) for c, r in zip(cases, results, strict=False) if r["status"] != "rejected"]
    assert not refused, refused
    assert all("unknown" in r["reason"] or "stays in" in r["reason"] for r in results[:-1])
    assert results[-1]["status"] == "applied"
    stored = {c["id"]: c for c in wang.pull()["changes"]}
    assert stored[visit]["data"].get("enterprise_id") in (None, mine)  # never emptied
    assert stored[problem]["data"]["visit_id"] == visit and stored[problem]["enterprise_id"] == mine
    new_records = {m["record_id"] for m in batch[:-1] if m["op"] == "create"}
    assert not new_records & stored.keys() and kept in stored


def test_many_creates_of_one_firm_record_a_bounded_number_of_twins(api, engine):
    """Each new enterprise is flagged against a handful of its twins: 40 creates of one name
    made a conflict with every earlier twin (780 here; 124,761 for a push of 500), and the
    district supervisor's pull carried them all."""
    from sqlalchemy import func, select

    from liaison_app.server.schema import conflicts

    handful = 5

    wang, zhao = Device(api, "wang"), Device(api, "zhao")
    for _ in range(2):
        batch = [
            wang.mutation(
                "enterprise",
                "create",
                new_id(),
                {"name": "沈阳重名有限公司", "district_code": "210102"},
            )  # fmt: skip
            for _ in range(20)
        ]
        results = wang.push(*batch)["results"]
        assert all(r["status"] == "conflict" or r["status"] == "applied" for r in results)
        assert all(len(r.get("conflicts", [])) <= handful for r in results)
    with engine.connect() as conn:
        recorded = conn.execute(select(func.count()).select_from(conflicts)).scalar_one()
    assert 0 < recorded <= 40 * handful
    page = zhao.pull()
    assert 0 < len(page["conflicts"]) <= 40 * handful
