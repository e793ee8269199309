"""`op: resolve-conflict`: pushed like any change, carried by pulls, first resolution stands."""

from __future__ import annotations

from sqlalchemy import select

from liaison_app.server.schema import conflicts
from tests.server.support import Device, firm, new_id


def clash(wang: Device, root: Device, name: str = "沈阳君威新能科技有限公司") -> tuple[str, dict]:
    """Wang and root change the same phone from the same base: root's edit loses."""
    eid = firm(wang, name=name)
    base = wang.pull()["changes"][0]["version"]
    root.pull()
    root.push(
        root.mutation("enterprise", "update", eid, {"phone": "13900000000"}, base_version=base)
    )
    wang.push(
        wang.mutation(
            "enterprise",
            "update",
            eid,
            {"phone": "13911111111"},
            base_version=base,
            base={"phone": None},
        )
    )
    return eid, wang.pull()["conflicts"][0]


def resolve(device: Device, conflict: dict, resolution: str, value=None, **over) -> dict:
    return device.mutation(
        conflict["entity"],
        "resolve-conflict",
        conflict["record_id"],
        conflict_id=conflict["id"],
        resolution=resolution,
        value=value,
        **over,
    )


def test_a_conflict_carries_who_wrote_each_side(api):
    wang, root = Device(api, "wang"), Device(api, "root")
    _eid, c = clash(wang, root)
    assert (c["kind"], c["field"], c["applied"], c["losing"]) == (
        "field",
        "phone",
        "13911111111",
        "13900000000",
    )
    assert (c["applied_by"], c["losing_by"]) == ("wang", "root")
    assert c["losing_client_id"] == root.client_id and c["client_id"] == wang.client_id
    assert c["created_at"] and c["resolution"] is None and c["resolved_seq"] is None


def test_resolve_with_a_value_writes_it_and_both_sides_converge(api, engine):
    wang, root = Device(api, "wang"), Device(api, "root")
    eid, c = clash(wang, root)
    root.pull()
    out = root.push(resolve(root, c, "value", "13922222222"))["results"][0]
    assert out["status"] == "applied" and out["seq"] > 0
    for device in (wang, root):
        page = device.pull()
        (record,) = [ch for ch in page["changes"] if ch["id"] == eid]
        assert record["data"]["phone"] == "13922222222"
        (done,) = page["conflicts"]
        assert done["id"] == c["id"] and done["resolved_by"] == "root"
        assert done["resolution"] == {"resolution": "value", "value": "13922222222"}
        assert done["resolved_seq"] == out["seq"]
    # Someone else's later resolution: an applied no-op, the first one stands.
    late = wang.push(resolve(wang, c, "dismiss"))["results"][0]
    assert late["status"] == "applied" and late["noop"] and late["already_resolved"]
    assert late["seq"] == out["seq"]
    with engine.connect() as conn:
        row = conn.execute(select(conflicts)).one()
    assert row.resolution["resolution"] == "value"


def test_dismiss_changes_no_record(api):
    wang, root = Device(api, "wang"), Device(api, "root")
    eid, c = clash(wang, root)
    out = wang.push(resolve(wang, c, "dismiss"))["results"][0]
    assert out["status"] == "applied"
    page = root.pull()
    assert [ch["data"]["phone"] for ch in page["changes"] if ch["id"] == eid] == ["13911111111"]
    assert page["conflicts"][0]["resolution"] == {"resolution": "dismiss", "value": None}
    # Resolved twice in one push: the second is a no-op with the same sequence.
    _eid, other = clash(wang, root, "另一家公司")
    a, b = wang.push(resolve(wang, other, "dismiss"), resolve(wang, other, "dismiss"))["results"]
    assert b["already_resolved"] and a["seq"] == b["seq"]


def test_bad_resolutions_are_rejected_and_do_not_block(api):
    wang, li, root = Device(api, "wang"), Device(api, "li"), Device(api, "root")
    eid, c = clash(wang, root)
    cases = [
        resolve(wang, c, "value", "not a phone"),  # validated like an update of that field
        resolve(wang, c, "value", {"nested": 1}),
        resolve(wang, c, "maybe"),
        resolve(wang, {**c, "id": 999_999}, "dismiss"),  # unknown
        resolve(wang, {**c, "id": 2**40}, "dismiss"),  # beyond the column
        resolve(wang, {**c, "record_id": new_id()}, "dismiss"),  # not this record's
        resolve(wang, {**c, "entity": "visit"}, "dismiss"),
    ]
    results = wang.push(*cases, resolve(wang, c, "dismiss"))["results"]
    assert [r["status"] for r in results] == ["rejected"] * len(cases) + ["applied"]
    # Outside the caller's scope: the same answer as an unknown conflict.
    _eid2, c2 = clash(wang, root, "另一家公司")
    theirs = li.push(resolve(li, c2, "dismiss"))["results"][0]
    unknown = li.push(resolve(li, {**c2, "id": 999_998}, "dismiss"))["results"][0]
    assert theirs["status"] == unknown["status"] == "rejected"
    assert theirs["reason"] == unknown["reason"]
    assert li.pull()["conflicts"] == []
    # A deleted-record conflict is dismissed, never given a value.
    root.push(root.mutation("enterprise", "delete", eid))
    wang.push(wang.mutation("enterprise", "update", eid, {"phone": "13933333333"}))
    (gone,) = [x for x in wang.pull()["conflicts"] if x["kind"] == "deleted"]
    assert wang.push(resolve(wang, gone, "value", "x"))["results"][0]["status"] == "rejected"
    assert wang.push(resolve(wang, gone, "dismiss"))["results"][0]["status"] == "applied"


def test_the_rest_resolve_is_carried_by_pulls_too(api):
    wang, root = Device(api, "wang"), Device(api, "root")
    _eid, c = clash(wang, root)
    root.pull()
    r = api.post(f"/v1/conflicts/{c['id']}/resolve", json={"note": "好"}, headers=wang.headers)
    assert r.status_code == 200 and r.json()["resolved_seq"] > 0
    (done,) = root.pull()["conflicts"]
    assert done["resolved_by"] == "wang" and done["resolution"]["resolution"] == "dismiss"
    again = wang.push(resolve(wang, c, "dismiss"))["results"][0]
    assert again["already_resolved"]
