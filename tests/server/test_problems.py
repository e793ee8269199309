"""Problems on the server: human numbers, lifecycle-only fields, strict transitions, UTC+14
dates, and authorship taken from the token (never from the payload)."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import uuid

import pytest
from sqlalchemy import select

from liaison_app.domain.dates import latest_today
from liaison_app.domain.lifecycle import LIFECYCLE_FIELDS
from liaison_app.server import accounts
from liaison_app.server.cli import main
from liaison_app.server.schema import records
from tests.server.support import PASSWORD, Device, firm, new_id

PROBLEM = {"category": "tax", "description": "退税", "raised_on": "2026-11-18"}


def problem(device: Device, eid: str, pid: str | None = None, **extra) -> dict:
    fields = {**PROBLEM, **extra.pop("fields", {})}
    return device.mutation("problem", "create", pid or new_id(), fields, enterprise_id=eid, **extra)


def step(device: Device, pid: str, name: str, before: str, after: str, **fields) -> dict:
    return device.mutation(
        "problem", "transition", pid, fields, step=name, transition={"from": before, "to": after}
    )


def data_of(engine, rid: str) -> dict:
    with engine.connect() as conn:
        return conn.execute(select(records.c.data).where(records.c.id == rid)).scalar_one()


def test_numbers_per_city_and_year_given_once_and_replayed(api, engine):
    wang = Device(api, "wang")
    shenyang, dalian = firm(wang), firm(wang, name="大连港湾物流有限公司", district_code="210202")
    nowhere = firm(wang, name="无区县企业", district_code=None)
    batch = [
        problem(wang, shenyang),
        problem(wang, shenyang),
        problem(wang, dalian),
        problem(wang, shenyang, fields={"raised_on": "2025-03-01"}),
        problem(wang, nowhere),
    ]
    results = wang.push(*batch)["results"]
    numbers = [r["number"] for r in results]
    assert numbers == [
        "SY-2026-000001",
        "SY-2026-000002",
        "DL-2026-000001",
        "SY-2025-000001",
        "LN-2026-000001",
    ]
    # Stored in the record's data, pulled with it, and never a field anyone wrote.
    assert data_of(engine, batch[0]["record_id"])["number"] == "SY-2026-000001"
    pulled = {c["id"]: c["data"] for c in wang.pull()["changes"]}
    assert pulled[batch[2]["record_id"]]["number"] == "DL-2026-000001"
    # A replay answers the same number; a create sent again under another id takes none.
    assert [r["number"] for r in wang.push(*batch)["results"]] == numbers
    again = problem(wang, shenyang, batch[0]["record_id"])
    assert wang.push(again)["results"][0].get("number") is None
    assert wang.push(problem(wang, shenyang))["results"][0]["number"] == "SY-2026-000003"
    # Nobody sets a number by hand.
    bad = wang.mutation("problem", "update", batch[0]["record_id"], {"number": "SY-2026-999999"})
    (refused,) = wang.push(bad)["results"]
    assert refused["status"] == "rejected" and refused["errors"][0]["code"] == "server_field"


def test_numbers_stay_unique_under_concurrent_pushes(api, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time")
    officers = [f"officer{i}" for i in range(4)]
    for name in officers:
        accounts.add_user(engine, name, "officer", PASSWORD)
    devices = [Device(api, name) for name in officers]
    firms = [firm(d) for d in devices]
    numbers: list[str] = []
    errors: list[BaseException] = []

    def work(d: Device, eid: str) -> None:
        try:
            for _ in range(5):
                out = d.push(*[problem(d, eid) for _ in range(4)])["results"]
                numbers.extend(r["number"] for r in out)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=pair) for pair in zip(devices, firms, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"SY-2026-{n:06d}" for n in range(1, 81)]


def test_lifecycle_fields_are_refused_in_plain_creates_and_updates(api):
    wang = Device(api, "wang")
    eid = firm(wang)
    pid = new_id()
    good = problem(wang, eid, pid)
    batch = [good]
    for name in LIFECYCLE_FIELDS:
        batch.append(problem(wang, eid, fields={name: None}))
        batch.append(wang.mutation("problem", "update", pid, {name: None}))
    results = wang.push(*batch)["results"]
    assert results[0]["status"] == "applied"
    for r, m in zip(results[1:], batch[1:], strict=True):
        (name,) = m["fields"].keys() - PROBLEM.keys()
        assert r["status"] == "rejected", (name, r)
        assert {"field": name, "code": "lifecycle_only"} == {
            k: r["errors"][0][k] for k in ("field", "code")
        }


def test_transitions_are_strict_and_apply_only_from_the_status_seen(api, engine):
    wang = Device(api, "wang")
    eid = firm(wang)
    pid = new_id()
    wang.push(problem(wang, eid, pid))
    today = latest_today().isoformat()
    hostile = [
        step(wang, pid, "accept", "received", "accepted", accepted_on=20261120),
        step(wang, pid, "accept", "received", "accepted", accepted_on="2026-11-20", result="x"),
        step(wang, pid, "accept", "received", "closed"),
        step(wang, pid, "fly", "received", "accepted"),
        step(wang, pid, "resolve", "received", "resolved", result="x" * 20_001),
        step(wang, pid, "resolve", "received", "resolved", result=["list"]),
        step(wang, pid, "callback", "received", "called_back", satisfaction=["good"]),
        step(wang, pid, "assign", "received", "assigned", lead_department="market_regulation"),
        step(wang, pid, "accept", "received", "accepted", accepted_on="2099-01-01"),
        step(wang, pid, "reopen", "rejected", "received", reopen_count="1"),
    ]
    for r in wang.push(*hostile)["results"]:
        assert r["status"] == "rejected", r
    assert data_of(engine, pid)["status"] == "received"
    ok = [
        step(wang, pid, "accept", "received", "accepted", accepted_on=today),
        step(
            wang,
            pid,
            "assign",
            "accepted",
            "assigned",
            lead_department="market_regulation",
            assigned_on=today,
            deadline="2026-12-31",
        ),
        step(wang, pid, "resolve", "assigned", "resolved", result="已办", resolved_on=today),
        step(
            wang,
            pid,
            "callback",
            "resolved",
            "called_back",
            callback_on=today,
            satisfaction="dissatisfied",
            dissatisfied_reason="没解决",
            callback_by="冒名者",
        ),
        step(wang, pid, "reopen", "called_back", "in_progress", resolved_on=None),
        step(wang, pid, "resolve", "in_progress", "resolved", result="再办", resolved_on=today),
        step(wang, pid, "reopen", "resolved", "in_progress"),
    ]
    assert [r["status"] for r in wang.push(*ok)["results"]] == ["applied"] * len(ok)
    data = data_of(engine, pid)
    assert (data["status"], data["reopen_count"], data["resolved_on"]) == ("in_progress", 2, None)
    assert data["callback_by"] == "wang" and data["lead_department"] == "market_regulation"
    # A step from a status the problem has left: a lifecycle conflict, status unchanged.
    stale = wang.push(step(wang, pid, "close", "called_back", "closed", closed_on=today))
    assert stale["results"][0]["conflicts"] == [{"kind": "lifecycle", "field": "status"}]
    assert data_of(engine, pid)["status"] == "in_progress"


def test_a_problem_created_with_its_history(api, engine):
    wang = Device(api, "wang")
    eid = firm(wang)
    pid = new_id()
    history = {
        "status": "closed",
        "accepted_on": "2026-11-01",
        "lead_department": "market_regulation",
        "deadline": "2026-11-30",
        "result": "已办",
        "resolved_on": "2026-11-10",
        "callback_on": "2026-11-11",
        "callback_by": "demo",
        "satisfaction": "satisfied",
        "closed_on": "2026-11-12",
        "reopen_count": 1,
    }
    (r,) = wang.push(problem(wang, eid, pid, lifecycle=history))["results"]
    assert r["status"] == "applied" and r["number"].startswith("SY-2026-")
    data = data_of(engine, pid)
    assert {k: data[k] for k in history} == {**history, "callback_by": "wang"}
    # Ignored, not refused, once the server has the problem; refused when malformed.
    again = problem(wang, eid, pid, lifecycle={"status": "received"})
    assert wang.push(again)["results"][0]["status"] == "applied"
    assert data_of(engine, pid)["status"] == "closed"
    for bad in ({"reopen_count": 1}, {"status": "closed", "number": "x"}, ["closed"]):
        out = wang.push(problem(wang, eid, lifecycle=bad))["results"][0]
        assert out["status"] == "rejected", bad


def test_dates_are_checked_against_utc_plus_14_not_the_servers_utc_date(api):
    wang = Device(api, "wang")
    eid = firm(wang)
    ahead = latest_today()  # already "tomorrow" in UTC for part of every day
    too_far = ahead + dt.timedelta(days=1)
    results = wang.push(
        wang.mutation(
            "visit", "create", new_id(), {"visit_date": ahead.isoformat()}, enterprise_id=eid
        ),
        problem(wang, eid, fields={"raised_on": ahead.isoformat()}),
        wang.mutation(
            "visit", "create", new_id(), {"visit_date": too_far.isoformat()}, enterprise_id=eid
        ),
    )["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["errors"][0]["code"] == "in_future"


def test_authorship_comes_from_the_token(api, engine):
    accounts.add_user(
        engine, "chen", "officer", PASSWORD, display_name="陈晓东", unit="沈阳市营商局"
    )
    chen = Device(api, "chen")
    hello = api.get("/v1/hello", headers=chen.headers).json()
    assert (hello["display_name"], hello["unit"]) == ("陈晓东", "沈阳市营商局")
    assert api.get("/v1/hello", headers=Device(api, "wang").headers).json()["display_name"] == (
        "wang"
    )
    eid = firm(chen)
    pid, aid = new_id(), new_id()
    chen.push(
        problem(chen, eid, pid, fields={"officer": "别人"}),
        chen.mutation(
            "action",
            "create",
            aid,
            {"problem_id": pid, "at": "2026-11-20T09:00:00", "kind": "chase", "actor": "别人"},
            enterprise_id=eid,
        ),
        chen.mutation("problem", "update", pid, {"officer": "又一个人", "request": "加快"}),
    )
    assert data_of(engine, pid)["officer"] == "陈晓东" and data_of(engine, aid)["actor"] == "陈晓东"
    # The display name and unit are managed from the command line.
    url = str(engine.url.render_as_string(hide_password=False))
    assert main(["--db", url, "user", "edit", "chen", "--display-name", "陈东", "--unit", ""]) == 0
    assert api.get("/v1/hello", headers=chen.headers).json()["display_name"] == "陈东"
    rows = {r.name: r for r in accounts.list_users(engine)}
    assert (rows["chen"].display_name, rows["chen"].unit) == ("陈东", None)
    assert (rows["wang"].display_name, rows["wang"].unit) == ("wang", None)


def test_user_add_and_list_show_display_name_and_unit(engine, capsys, monkeypatch):
    import io

    url = str(engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = ["--db", url, "user", "add", "liu", "--role", "officer", "--password-stdin"]
    assert main([*args, "--display-name", "刘洋", "--unit", "和平区"]) == 0
    capsys.readouterr()
    assert main(["--db", url, "--json", "user", "list"]) == 0
    (liu,) = [u for u in json.loads(capsys.readouterr().out) if u["name"] == "liu"]
    assert (liu["display_name"], liu["unit"]) == ("刘洋", "和平区")
    assert main(["--db", url, "user", "list"]) == 0
    assert re.search(r"liu\tofficer\t\t刘洋\t和平区", capsys.readouterr().out)
    assert main(["--db", url, "user", "edit", "liu", "--display-name", "x" * 201]) == 2
    assert uuid.UUID(new_id())
