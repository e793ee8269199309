"""The problem lifecycle through `liaison problem <step>` and `liaison action add`."""

from __future__ import annotations

from cli_support import TODAY, day, db_snapshot

WALK = [
    # (kind, from, to)
    ("create", None, "received"),
    ("accept", "received", "accepted"),
    ("assign", "accepted", "assigned"),
    ("start", "assigned", "in_progress"),
    ("supervise", "in_progress", "in_progress"),
    ("resolve", "in_progress", "resolved"),
    ("callback", "resolved", "called_back"),
    ("close", "called_back", "closed"),
]


def test_walk_from_received_to_closed(base):
    cli, today = base.cli, TODAY.isoformat()
    p = cli.new_id(
        "problem", "add", "--visit", base.visit, "--category", "permits",
        "--description", "厂房扩建规划许可审批慢", "--urgency", "urgent",
    )  # fmt: skip

    r = cli.json("problem", "accept", p)
    assert r["id"] == p and r["status"] == "accepted" and r["accepted_on"] == today

    r = cli.json(
        "problem", "assign", p, "--department", "natural_resources", "--deadline", day(14),
        "--note", "请自然资源局牵头办理",
    )  # fmt: skip
    assert r["status"] == "assigned"
    assert r["lead_department"] == "natural_resources"
    assert r["deadline"] == day(14) and r["assigned_on"] == today

    out, _ = cli("problem", "start", p)  # human-readable: the Chinese label and the code
    assert "办理中" in out and "(in_progress)" in out

    logged = cli.json(
        "action", "add", "--problem", p, "--kind", "supervise", "--text", "督办：两周内答复"
    )
    assert logged["problem_id"] == p and isinstance(logged["id"], str)

    r = cli.json("problem", "resolve", p, "--note", "已完成规划许可审批")
    assert r["status"] == "resolved" and r["result"] == "已完成规划许可审批"
    assert r["resolved_on"] == today

    r = cli.json("problem", "callback", p, "--satisfaction", "very_satisfied")
    assert r["status"] == "called_back"
    assert r["satisfaction"] == "very_satisfied" and r["callback_on"] == today

    r = cli.json("problem", "close", p)
    assert r["status"] == "closed" and r["closed_on"] == today
    assert r["allowed_steps"] == ["reopen"]

    shown = cli.json("problem", "show", p)
    assert shown["status"] == "closed" and shown["reopen_count"] == 0 and not shown["overdue"]
    actions = shown["actions"]
    assert [(a["kind"], a["from_status"], a["to_status"]) for a in actions] == WALK
    assert all(a["problem_id"] == p and isinstance(a["id"], str) for a in actions)
    assert len({a["id"] for a in actions}) == len(actions)
    by_kind = {a["kind"]: a for a in actions}
    assert by_kind["assign"]["department"] == "natural_resources"
    assert by_kind["assign"]["deadline"] == day(14)
    assert by_kind["assign"]["text"] == "请自然资源局牵头办理"
    assert by_kind["supervise"]["id"] == logged["id"]
    assert by_kind["supervise"]["text"] == "督办：两周内答复"
    assert by_kind["resolve"]["text"] == "已完成规划许可审批"
    assert by_kind["callback"]["satisfaction"] == "very_satisfied"


def test_dissatisfied_callback_reopens_the_problem(base):
    cli = base.cli
    p = cli.new_id(
        "problem", "add", "--visit", base.visit, "--category", "arrears",
        "--description", "政府项目工程款拖欠半年",
    )  # fmt: skip
    assert cli.json("problem", "resolve", p, "--note", "已督促业主单位付款")["status"] == "resolved"

    # A dissatisfied call-back needs the reason: refused, nothing written.
    before = db_snapshot(cli.db_path)
    _, err = cli("problem", "callback", p, "--satisfaction", "dissatisfied", expect=2)
    assert "note" in err
    assert db_snapshot(cli.db_path) == before

    r = cli.json(
        "problem", "callback", p, "--satisfaction", "dissatisfied", "--note", "款项仍未到账"
    )
    assert r["status"] == "in_progress"
    assert r["satisfaction"] == "dissatisfied" and r["dissatisfied_reason"] == "款项仍未到账"
    assert r["reopen_count"] == 1 and r["resolved_on"] is None
    assert "resolve" in r["allowed_steps"]
    assert [(a["kind"], a["from_status"], a["to_status"]) for a in r["actions"][-2:]] == [
        ("callback", "resolved", "called_back"),
        ("reopen", "called_back", "in_progress"),
    ]
    assert r["actions"][-2]["satisfaction"] == "dissatisfied"

    # The database still agrees with itself (status matches the last action, index complete).
    out, _ = cli("check")
    assert out.strip() == "ok"
