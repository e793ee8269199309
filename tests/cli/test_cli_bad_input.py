"""Bad input: exit status 2, a message naming the field or state, and nothing written."""

from __future__ import annotations

import pytest
from cli_support import UNKNOWN_ID, USCC_BAD_CHECK, USCC_DALIAN, day, db_snapshot

# (id, argv with {E} {V} for the base enterprise and visit, words the message on stderr
# must contain). Editing a valid name together with an unknown district writes neither.
CASES = [
    (
        "uscc-check-character",
        ["enterprise", "add", "--name", "测试企业", "--uscc", USCC_BAD_CHECK],
        ["uscc", USCC_BAD_CHECK, "check character", "'7'"],
    ),
    (
        "phone",
        ["enterprise", "add", "--name", "测试企业", "--phone", "12345"],
        ["phone", "12345"],
    ),
    (
        "edit-valid-name-with-unknown-district",
        ["enterprise", "edit", "{E}", "--name", "改名后的企业", "--district", "999999"],
        ["district", "999999"],
    ),
    (
        "future-visit-date",
        ["visit", "add", "--enterprise", "{E}", "--date", day(1), "--summary", "明天的走访"],
        ["date", day(1), "future"],
    ),
    (
        "unknown-category",
        ["problem", "add", "--visit", "{V}", "--category", "finance", "--description", "资金紧张"],
        ["category", "finance"],
    ),
    (
        "department-outside-assign",
        [
            "problem",
            "add",
            "--visit",
            "{V}",
            "--category",
            "funding",
            "--description",
            "资金紧张",
            "--department",
            "bank",
        ],
        ["department", "assign"],
    ),  # fmt: skip
    (
        "deadline-outside-assign",
        ["problem", "edit", "{P}", "--deadline", day(5)],
        ["deadline", "assign", "extend"],
    ),
    (
        "unknown-department",
        ["problem", "assign", "{P}", "--department", "bank"],
        ["department", "bank"],
    ),
    (
        "unknown-enterprise-id",
        ["visit", "add", "--enterprise", UNKNOWN_ID, "--date", day(-1)],
        ["enterprise", UNKNOWN_ID],
    ),
    (
        "unknown-problem-id",
        ["problem", "accept", UNKNOWN_ID],
        ["problem", UNKNOWN_ID],
    ),
]


@pytest.mark.parametrize(("argv", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_exits_2_names_the_problem_and_writes_nothing(base, argv, words):
    args = [a.format(E=base.enterprise, V=base.visit, P=base.problem) for a in argv]
    before = db_snapshot(base.cli.db_path)
    out, err = base.cli(*args, expect=2)
    assert out == ""
    for word in words:
        assert word.lower() in err.lower(), f"{word!r} not in stderr: {err}"
    assert db_snapshot(base.cli.db_path) == before


def test_step_not_allowed_from_the_state_leaves_the_problem_unchanged(base):
    cli = base.cli
    before = cli.json("problem", "show", base.problem)
    assert before["status"] == "received"
    rows = db_snapshot(cli.db_path)
    out, err = cli("problem", "close", base.problem, expect=2)
    assert out == ""
    assert "close" in err and "'received'" in err  # the step and the current state
    assert "accept" in err  # and what is allowed instead
    assert db_snapshot(cli.db_path) == rows
    assert cli.json("problem", "show", base.problem) == before


def test_clearing_the_required_name_is_bad_input(base):
    # "An empty value clears a field" must not apply to the required name.
    before = db_snapshot(base.cli.db_path)
    out, err = base.cli("enterprise", "edit", base.enterprise, "--name", "", expect=2)
    assert out == "" and "name" in err and "IntegrityError" not in err
    assert db_snapshot(base.cli.db_path) == before


def test_a_second_enterprise_with_a_uscc_on_record_is_refused(office):
    cli = office.cli
    before = db_snapshot(cli.db_path)
    for argv in (
        ["enterprise", "add", "--name", "海韵食品（重复录入）", "--uscc", USCC_DALIAN],
        ["enterprise", "edit", office.e1, "--uscc", USCC_DALIAN],
    ):
        out, err = cli(*argv, expect=2)
        assert out == ""
        assert USCC_DALIAN in err and "大连海韵食品有限公司" in err, err
        assert office.e2 not in err  # named by name, never by its internal id
    assert db_snapshot(cli.db_path) == before
