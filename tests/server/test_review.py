"""Conflicts (list, resolve, 403 outside scope), verify checksums, reference import, stats."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from liaison_app.server.reference_import import import_reference
from liaison_app.server.review import figures
from liaison_app.server.schema import audit_log, departments
from tests.server.support import Device, firm, new_id


def make_conflict(wang: Device, root: Device) -> str:
    eid = firm(wang)
    base = wang.pull()["changes"][0]["version"]
    root.pull()
    root.push(
        root.mutation("enterprise", "update", eid, {"phone": "13900000000"}, base_version=base)
    )
    wang.push(
        wang.mutation("enterprise", "update", eid, {"phone": "13911111111"}, base_version=base)
    )
    return eid


def test_conflicts_listed_resolved_and_hidden_outside_scope(api, engine):
    wang, li, root = Device(api, "wang"), Device(api, "li"), Device(api, "root")
    eid = make_conflict(wang, root)
    mine = api.get("/v1/conflicts", headers=wang.headers).json()
    assert [(c["field"], c["applied"], c["losing"]) for c in mine] == [
        ("phone", "13911111111", "13900000000")
    ]
    assert api.get("/v1/conflicts", headers=li.headers).json() == []
    cid = mine[0]["id"]
    r = api.post(f"/v1/conflicts/{cid}/resolve", json={"note": "确认新号码"}, headers=li.headers)
    # Outside the caller's scope it answers exactly as an unknown conflict (no oracle).
    unknown = api.post("/v1/conflicts/999999/resolve", json={}, headers=li.headers)
    assert (
        (r.status_code, r.json()["error"]) == (404, unknown.json()["error"]) == (404, "not_found")
    )
    assert "13911111111" not in r.text
    for absurd in (0, -1, 2**31, 10**20):  # beyond the column's integers: 404, not a 500
        assert api.post(
            f"/v1/conflicts/{absurd}/resolve", json={}, headers=wang.headers
        ).status_code in (404, 422)
    done = api.post(
        f"/v1/conflicts/{cid}/resolve", json={"note": "确认新号码"}, headers=wang.headers
    )
    assert done.status_code == 200 and done.json()["resolved_at"]
    assert api.get("/v1/conflicts", headers=wang.headers).json() == []
    assert len(api.get("/v1/conflicts?resolved=true", headers=wang.headers).json()) == 1
    assert eid
    with engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.action)).scalars().all()
    assert "conflict.resolve" in actions and actions.count("push") >= 3


def test_verify_counts_and_checksums_per_scope(api):
    wang, li = Device(api, "wang"), Device(api, "li")
    eid = firm(wang)
    wang.push(
        wang.mutation("visit", "create", new_id(), {"visit_date": "2026-11-01"}, enterprise_id=eid)
    )
    first = api.post("/v1/verify", headers=wang.headers).json()
    assert (
        first["entities"]["enterprise"]["count"] == 1 and first["entities"]["visit"]["count"] == 1
    )
    assert api.post("/v1/verify", headers=li.headers).json()["entities"] == {}
    wang.push(wang.mutation("enterprise", "update", eid, {"phone": "13912345678"}))
    after = api.post("/v1/verify", headers=wang.headers).json()
    assert (
        after["entities"]["enterprise"]["checksum"] != first["entities"]["enterprise"]["checksum"]
    )
    assert after["entities"]["visit"] == first["entities"]["visit"]


def test_reference_import_adds_and_renames(engine, tmp_path):
    source = tmp_path / "more.json"
    source.write_text(
        json.dumps(
            {
                "departments": [
                    {
                        "code": "emergency",
                        "name_zh": "应急管理局",
                        "name_en": "Emergency management",
                    },
                    {"code": "tax", "name_zh": "税务局（新）", "name_en": "Taxation"},
                ]
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    assert import_reference(engine, source) == {"added": 1, "changed": 1}
    with engine.connect() as conn:
        names = dict(conn.execute(select(departments.c.code, departments.c.name_zh)).all())
    assert names["emergency"] == "应急管理局" and names["tax"] == "税务局（新）"
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,code,name_zh,name_en\nplanets,x,火星,Mars\n", "utf-8")
    try:
        import_reference(engine, bad)
    except Exception as exc:  # noqa: BLE001
        assert "planets" in str(exc)
    else:
        raise AssertionError("an unknown kind must be refused")


def test_stats_across_all_officers(api, engine):
    wang = Device(api, "wang")
    eid = firm(wang)
    done, open_ = new_id(), new_id()
    wang.push(
        wang.mutation(
            "problem", "create", done, {"category": "tax", "description": "退税"}, enterprise_id=eid
        ),
        wang.mutation(
            "problem",
            "create",
            open_,
            {"category": "labour", "description": "招工"},
            enterprise_id=eid,
            lifecycle={
                "status": "assigned",
                "lead_department": "market_regulation",
                "deadline": "2026-01-01",
            },
        ),
        wang.mutation(
            "problem",
            "transition",
            done,
            {"resolved_on": "2026-11-20", "result": "已退"},
            step="resolve",
            transition={"from": "received", "to": "resolved"},
        ),
    )
    f = figures(engine)
    assert (f.received, f.resolved, f.overdue) == (2, 1, 1) and f.resolution_rate == 0.5
    assert uuid.UUID(eid)


def test_clients_learn_of_a_reference_import_and_fetch_only_what_changed(api, engine, tmp_path):
    wang = Device(api, "wang")
    hello = api.get("/v1/hello", headers=wang.headers).json()
    assert hello["reference_version"] == 0  # the built-in codes, which every client has
    everything = api.get("/v1/reference", headers=wang.headers).json()
    assert everything["version"] == 0 and len(everything["departments"]) >= 17
    source = tmp_path / "more.csv"
    source.write_text(
        "kind,code,name_zh,name_en\ndepartments,emergency,应急管理局,Emergency management\n",
        "utf-8",
    )
    import_reference(engine, source)
    version = api.get("/v1/hello", headers=wang.headers).json()["reference_version"]
    assert version > 0
    changed = api.get("/v1/reference", params={"since": 0}, headers=wang.headers).json()
    assert changed["version"] == version
    assert [d["code"] for d in changed["departments"]] == ["emergency"]
    assert changed["categories"] == [] and changed["districts"] == []
    latest = api.get("/v1/reference", params={"since": version}, headers=wang.headers).json()
    assert latest["departments"] == []
    assert api.get("/v1/reference", params={"since": -1}, headers=wang.headers).status_code == 422
