"""Fixtures for the end-to-end tests of the `liaison` command (see cli_support.py).

`run(*args, expect=0)` returns (stdout, stderr) after asserting the exit status;
`run_json(*args, expect=0)` adds --json after the subcommand and parses stdout.
Data sets that tests only read, or extend without depending on each other, are built once
per session through the command itself: each subprocess costs about half a second.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_support import ALL_CALLS, USCC_DALIAN, Liaison, child_env, day


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if ALL_CALLS:
        terminalreporter.write_line(f"tests/cli: {len(ALL_CALLS)} `liaison` subprocess calls")


@pytest.fixture
def cli(tmp_path: Path) -> Liaison:
    """The command over a fresh, empty data folder of this test."""
    return Liaison(tmp_path / "data", child_env(tmp_path))


@pytest.fixture
def run(cli: Liaison):
    """run(*args, expect=0) -> (stdout, stderr), asserting the exit status."""
    return cli


@pytest.fixture
def run_json(cli: Liaison):
    """run_json(*args, expect=0) -> the parsed JSON that `... --json` printed."""
    return cli.json


# ---- shared data sets (built once, through the command itself) ------------------------------


@dataclass
class Base:
    """One enterprise, one visit, one problem still 'received'."""

    cli: Liaison
    enterprise: str
    visit: str
    problem: str


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    home = tmp_path_factory.mktemp("base")
    cli = Liaison(home / "data", child_env(home))
    e = cli.new_id(
        "enterprise", "add", "--name", "沈阳北方重型机械有限公司", "--district", "210106"
    )
    v = cli.new_id(
        "visit", "add", "--enterprise", e, "--date", day(-5), "--summary", "了解设备更新改造需求"
    )
    p = cli.new_id(
        "problem", "add", "--visit", v, "--category", "materials",
        "--description", "冬季供暖用气价格上涨，生产成本增加",
    )  # fmt: skip
    return Base(cli, e, v, p)


@dataclass
class Office:
    """A small, fully known data set for figures, search and lists.

    E1 沈阳华辽机械有限公司 (district 210102 和平区), visited V1 on day(-10):
        P1 funding, resolved                              (officer 王小明)
        P2 funding, open, deadline yesterday → overdue    (王小明, lead department financial_regulation)
        P3 labour, resolved                               (王小明, lead department hr_social_security)
    E2 大连海韵食品有限公司 (district 210202 中山区), phoned V2 on day(-40):
        P4 tax, resolved → called back (satisfied) → closed   (王小明)
        P5 logistics, received, never handled             (李四)
    All time: received 5, resolved 3 (P1, P3, P4), overdue 1, called back 1, rated 1, satisfied 1.
    """

    cli: Liaison
    e1: str
    e2: str
    v1: str
    v2: str
    p1: str
    p2: str
    p3: str
    p4: str
    p5: str


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    home = tmp_path_factory.mktemp("office")
    cli = Liaison(home / "data", child_env(home))
    cli("officer", "王小明")
    e1 = cli.new_id(
        "enterprise", "add", "--name", "沈阳华辽机械有限公司", "--district", "210102",
        "--industry", "C3411", "--address", "沈阳市和平区南京北街1号",
        "--contact", "张伟", "--phone", "13912345678",
    )  # fmt: skip
    e2 = cli.new_id(
        "enterprise", "add", "--name", "大连海韵食品有限公司", "--district", "210202",
        "--uscc", USCC_DALIAN,
    )  # fmt: skip
    v1 = cli.new_id(
        "visit", "add", "--enterprise", e1, "--date", day(-10), "--summary", "座谈融资与用工情况"
    )
    v2 = cli.new_id(
        "visit", "add", "--enterprise", e2, "--date", day(-40), "--mode", "phone",
        "--summary", "了解出口订单",
    )  # fmt: skip
    p1 = cli.new_id(
        "problem", "add", "--visit", v1, "--category", "funding",
        "--description", "流动资金贷款到期续贷困难",
    )  # fmt: skip
    cli("problem", "resolve", p1, "--note", "协调银行完成续贷")
    p2 = cli.new_id(
        "problem", "add", "--visit", v1, "--category", "funding",
        "--description", "设备融资租赁利率偏高", "--urgency", "urgent",
    )  # fmt: skip
    cli("problem", "accept", p2)
    cli("problem", "assign", p2, "--department", "financial_regulation", "--deadline", day(1))
    # Two days pass: the deadline is now yesterday and the problem overdue.
    with sqlite3.connect(cli.db_path) as con:
        con.execute("UPDATE problem SET deadline = ? WHERE id = ?", (day(-1), p2))
    p3 = cli.new_id(
        "problem", "add", "--visit", v1, "--category", "labour",
        "--description", "招工难，技术工人短缺",
    )  # fmt: skip
    cli("problem", "accept", p3)
    cli("problem", "assign", p3, "--department", "hr_social_security")
    cli("problem", "resolve", p3, "--note", "对接职业院校定向培养")
    p4 = cli.new_id(
        "problem", "add", "--visit", v2, "--category", "tax", "--description", "出口退税到账慢"
    )
    cli("problem", "resolve", p4, "--note", "税务局加快审核")
    cli("problem", "callback", p4, "--satisfaction", "satisfied")
    cli("problem", "close", p4)
    cli("officer", "李四")
    p5 = cli.new_id(
        "problem", "add", "--visit", v2, "--category", "logistics",
        "--description", "港口集装箱运费上涨",
    )  # fmt: skip
    return Office(cli, e1, e2, v1, v2, p1, p2, p3, p4, p5)
