"""Figures, search and problem lists over the known `office` data set (see conftest.py)."""

from __future__ import annotations

import json

import pytest
from cli_support import day


def test_stats_all_time(office):
    r = office.cli.expect("stats", "--json")
    s = json.loads(r.out)
    assert isinstance(s, dict)
    assert s["from"] is None and s["to"] is None  # all time
    assert (s["received"], s["resolved"]) == (5, 3)
    assert s["resolution_rate"] == pytest.approx(0.6)
    assert s["overdue"] == 1
    assert (s["called_back"], s["rated"], s["satisfied"]) == (1, 1, 1)
    assert s["resolved_on_time"] == 3  # none of the resolved ones had a deadline

    out, _ = office.cli("stats")
    assert "办结率" in out and "60.0%" in out and "(3 / 5)" in out


@pytest.mark.parametrize(
    ("period", "received", "resolved"),
    [
        # V1's problems were raised on day(-10), V2's on day(-40); both ends are inclusive.
        (("--from", day(-10)), 3, 2),
        (("--to", day(-40)), 2, 1),
    ],
    ids=["from", "to"],
)
def test_stats_period(office, period, received, resolved):
    s = office.cli.json("stats", *period)
    assert (s["received"], s["resolved"]) == (received, resolved)
    assert s["resolution_rate"] == pytest.approx(resolved / received)
    assert 0 <= s["resolution_rate"] <= 1


@pytest.mark.parametrize(
    ("by", "groups"),
    [
        (
            "category",
            {
                "funding": (2, 1, "资金与融资"),
                "labour": (1, 1, "用工与招工"),
                "tax": (1, 1, "税费与退税"),
                "logistics": (1, 0, "物流运输"),
            },
        ),
        ("district", {"210102": (3, 2, "和平区"), "210202": (2, 1, "中山区")}),
        (
            "department",
            {
                "financial_regulation": (1, 0, "金融监管局 / 人民银行"),
                "hr_social_security": (1, 1, "人力资源和社会保障局"),
                None: (3, 2, None),
            },
        ),
        ("officer", {"王小明": (4, 3, "王小明"), "李四": (1, 0, "李四")}),
    ],
)
def test_stats_by_group(office, by, groups):
    s = office.cli.json("stats", "--by", by)
    assert s["by"] == by
    assert (s["received"], s["resolved"]) == (5, 3)
    got = {g["key"]: (g["received"], g["resolved"], g["label"]) for g in s["groups"]}
    assert got == groups
    for g in s["groups"]:
        assert g["resolution_rate"] == pytest.approx(g["resolved"] / g["received"])


def test_search_finds_one_two_and_three_character_chinese_substrings(office):
    cli = office.cli
    # one character (the last of a phrase: indexed on its own, not only in a pair)
    hits = cli.json("search", "难")  # 续贷困难 / 招工难，技术工人短缺
    assert sorted(h["id"] for h in hits) == sorted([office.p1, office.p3])
    assert {h["kind"] for h in hits} == {"problem"}
    # two characters, in a visit summary and a problem description
    hits = cli.json("search", "融资")
    assert sorted((h["kind"], h["id"]) for h in hits) == sorted(
        [("visit", office.v1), ("problem", office.p2)]
    )
    # three characters, human-readable output (Chinese in UTF-8 under LANG=C)
    out, _ = cli("search", "技术工")
    assert office.p3 in out and "招工难" in out
    assert all(i not in out for i in (office.p1, office.p2, office.p4, office.p5, office.e1))
    # the same characters in another order are not a substring of anything
    r = cli.expect("search", "辽华", "--json")
    assert json.loads(r.out) == []


def test_problem_lists(office):
    cli = office.cli
    everything = cli.json("problem", "list")  # all problems by default, closed ones included
    status = {p["id"]: p["status"] for p in everything}
    assert status == {
        office.p1: "resolved",
        office.p2: "assigned",
        office.p3: "resolved",
        office.p4: "closed",
        office.p5: "received",
    }
    assert {p["id"]: p["category"] for p in everything}[office.p3] == "labour"

    overdue = cli.json("problem", "list", "--overdue")
    assert [p["id"] for p in overdue] == [office.p2]
    assert overdue[0]["overdue"] is True and overdue[0]["deadline"] == day(-1)

    received = cli.json("problem", "list", "--status", "received,assigned")
    assert sorted(p["id"] for p in received) == sorted([office.p2, office.p5])
    assert [p["id"] for p in cli.json("problem", "list", "--status", "received")] == [office.p5]
