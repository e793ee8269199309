"""Records named as people name them (USCC, problem number), errors a script can read, and a
reader that stops early: one data folder, each subprocess proving as much as it can."""

from __future__ import annotations

import json
import os
import subprocess

from cli_support import COMMAND, USCC_BAD_CHECK, USCC_DALIAN, day, db_snapshot


def test_names_people_use_json_errors_and_an_early_closed_pipe(cli):
    # A USCC names an enterprise, typed in any case, wherever an id is taken.
    ident = cli.new_id("enterprise", "add", "--name", "大连海韵食品有限公司", "--uscc", USCC_DALIAN)
    lower = USCC_DALIAN.lower()
    assert cli.json("enterprise", "edit", lower, "--phone", "13912345678")["id"] == ident
    visit = cli.new_id("visit", "add", "--enterprise", lower, "--date", day(-1))
    assert [v["id"] for v in cli.json("visit", "list", "--enterprise", USCC_DALIAN)] == [visit]
    problem = cli.new_id(
        "problem", "add", "--enterprise", USCC_DALIAN, "--category", "funding",
        "--description", "续贷",
    )  # fmt: skip
    number = cli.json("problem", "show", problem)["number"]  # and a number names a problem
    cli("problem", "accept", number)
    assert cli.json("problem", "list", "--enterprise", USCC_DALIAN)[0]["status"] == "accepted"
    cli("enterprise", "delete", USCC_DALIAN)
    # a deleted firm's USCC names it to restore it
    assert cli.json("enterprise", "restore", USCC_DALIAN)["id"] == ident

    # With --json an error is one JSON object on stderr, nothing written.
    before = db_snapshot(cli.db_path)
    r = cli.expect(
        "enterprise", "add", "--name", "测试", "--uscc", USCC_BAD_CHECK, "--json", expect=2
    )
    assert r.out == ""
    error = json.loads(r.err)["error"]  # nothing else on stderr
    assert error["field"] == "uscc" and error["code"] == "uscc_check"
    assert USCC_BAD_CHECK in error["message"] and error["warnings"] == []
    r = cli.expect("problem", "accept", "SY-2026-999999", "--json", expect=2)
    error = json.loads(r.err)["error"]
    assert error["code"] == "not_found" and "SY-2026-999999" in error["message"]
    assert error["field"] is None
    assert db_snapshot(cli.db_path) == before

    # A reader that has closed the pipe (`| head -1` gone) ends the command quietly.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [*COMMAND, "--data-dir", str(cli.data_dir), "enterprise", "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=cli.env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert proc.stderr.decode("utf-8") == ""
    assert proc.returncode == 0
