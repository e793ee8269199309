"""A pull from no cursor: the scope a kind of record at a time, parents first, nothing missed
or shown older while others keep writing, then an ordinary cursor at the head."""

from __future__ import annotations

import base64
import json

from liaison_app.server.pull import decode_cursor, encode_first
from tests.server.support import Device, firm, new_id

KINDS = ("enterprise", "visit", "problem", "action")


def _history(device: Device, eid: str) -> dict[str, str]:
    """A visit, a problem raised on it and a follow-up action; then the firm is edited, so
    in version order the firm would come after all of them."""
    vid, pid, aid = new_id(), new_id(), new_id()
    device.push(
        device.mutation("visit", "create", vid, {"visit_date": "2026-11-18"}, enterprise_id=eid),
        device.mutation(
            "problem",
            "create",
            pid,
            {"category": "funding", "description": "抽贷", "visit_id": vid},
            enterprise_id=eid,
        ),
    )
    device.push(
        device.mutation(
            "action",
            "create",
            aid,
            {"problem_id": pid, "kind": "chase", "text": "电话催办", "at": "2026-11-19T02:00:00Z"},
            enterprise_id=eid,
        )
    )
    device.push(device.mutation("enterprise", "update", eid, {"phone": "13912345678"}))
    return {"visit": vid, "problem": pid, "action": aid}


def _pull_all(device: Device, limit: int) -> list[dict]:
    got: list[dict] = []
    while True:
        page = device.pull(limit=limit)
        got += page["changes"]
        if not page["more"]:
            return got


def test_parents_come_before_their_children_whatever_their_versions(api):
    wang = Device(api, "wang")
    firms = [firm(wang, name=f"沈阳君威新能科技有限公司{n}") for n in range(3)]
    made = {eid: _history(wang, eid) for eid in firms}
    for limit in (1, 2, 5, 500):  # pages ending anywhere, even inside one kind
        fresh = Device(api, "wang")  # another folder of the same officer: a first sync
        got = _pull_all(fresh, limit)
        kinds = [c["entity"] for c in got]
        assert kinds == sorted(kinds, key=KINDS.index), kinds
        ids = [c["id"] for c in got]
        expected = set(firms) | {rid for rec in made.values() for rid in rec.values()}
        assert len(ids) == len(set(ids)) and set(ids) == expected
        firm_rows = [c for c in got if c["entity"] == "enterprise"]
        assert all(c["data"]["phone"] == "13912345678" for c in firm_rows)
        # Done: an ordinary cursor at the head, and nothing more to come.
        assert decode_cursor(fresh.cursor)[2] == "" and fresh.pull()["changes"] == []


def test_writes_during_a_first_pull_are_neither_lost_nor_shown_older(api):
    wang, root = Device(api, "wang"), Device(api, "root")
    eid = firm(wang)
    made = _history(wang, eid)
    other = firm(wang, name="大连港湾物流有限公司")
    second = _history(wang, other)
    reader = Device(api, "wang")
    first = reader.pull(limit=2)  # both firms; the visits, problems and actions still to come
    assert [c["entity"] for c in first["changes"]] == ["enterprise", "enterprise"]
    assert first["more"]
    # Meanwhile: the firm already sent is edited, a visit not yet sent is edited by two
    # officers from one base (a conflict on it), and a new visit is made.
    wang.push(wang.mutation("enterprise", "update", eid, {"address": "和平区青年大街1号"}))
    base = root.pull()
    version = next(c["version"] for c in base["changes"] if c["id"] == second["visit"])
    for device, summary in ((root, "走访甲"), (wang, "走访乙")):
        device.push(
            device.mutation(
                "visit",
                "update",
                second["visit"],
                {"summary": summary},
                base_version=version,
                base={"summary": None},
            )
        )
    late = new_id()
    wang.push(
        wang.mutation("visit", "create", late, {"visit_date": "2026-11-20"}, enterprise_id=eid)
    )
    seen: dict[str, int] = {c["id"]: c["version"] for c in first["changes"]}
    conflicts: list[dict] = []
    while True:
        page = reader.pull(limit=2)
        conflicts += page["conflicts"]
        for change in page["changes"]:
            # Never an older version of a record than one this client was already given.
            assert change["version"] >= seen.get(change["id"], 0), change
            seen[change["id"]] = change["version"]
        if not page["more"]:
            break
    everything = {c["id"]: c["version"] for c in root.pull()["changes"]}
    wanted = {eid, other, late, *made.values(), *second.values()}
    assert wanted <= set(seen)
    assert all(seen[rid] == everything[rid] for rid in everything if rid in seen)
    assert [(c["record_id"], c["field"]) for c in conflicts] == [(second["visit"], "summary")]
    assert reader.pull()["changes"] == []


def test_a_first_pull_keeps_to_the_callers_scope(api):
    wang, li, zhao = Device(api, "wang"), Device(api, "li"), Device(api, "zhao")
    eid = firm(wang)
    _history(wang, eid)
    outside = firm(li, name="抚顺石化配套有限公司", district_code="210402")
    assert {c["id"] for c in _pull_all(Device(api, "li"), 1)} == {outside}
    district = _pull_all(zhao, 1)
    assert outside not in {c["id"] for c in district} and len(district) == 4


def test_a_first_pull_cursor_that_is_not_ours_is_refused_not_a_crash(api):
    wang = Device(api, "wang")
    eid = firm(wang)
    _history(wang, eid)
    wang.pull(limit=1)
    good = json.loads(base64.urlsafe_b64decode(wang.cursor + "=" * (-len(wang.cursor) % 4)))
    forged = [
        encode_first(good["e"], good["s"], good["i"], good["h"], "deadbeef"),  # another tag
        encode_first(good["e"], good["s"], good["i"], good["h"] + 50, good["t"]),  # beyond
        encode_first(0, 0, "", 2**63 - 1, good["t"]),
    ]
    for body in (
        {**good, "e": 9},
        {**good, "e": "x"},
        {**good, "h": -1},
        {**good, "i": 5 * "x" * 9},
    ):
        raw = json.dumps(body).encode()
        forged.append(base64.urlsafe_b64encode(raw).decode().rstrip("="))
    for cursor in forged:
        r = api.post("/v1/pull", json={"cursor": cursor}, headers=wang.headers)
        assert r.status_code == 409 and r.json()["error"] == "cursor_invalid", (cursor, r.text)
