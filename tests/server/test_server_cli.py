"""`liaison-server` from a shell: starts on an empty database, manages users, clear refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def server(tmp_path, *args, stdin="", expect=0):
    env = {**os.environ, "LIAISON_SERVER_DATA": str(tmp_path / "srv")}
    env.pop("LIAISON_SERVER_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "liaison_app.server.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == expect, done.stderr
    return done


def test_user_management_from_the_command(tmp_path):
    server(tmp_path, "migrate")
    assert (tmp_path / "srv" / "server.sqlite3").exists()  # the embedded default
    server(
        tmp_path,
        "user",
        "add",
        "wang",
        "--role",
        "officer",
        "--password-stdin",
        stdin="a long password\n",
    )
    refused = server(
        tmp_path,
        "user",
        "add",
        "wang",
        "--role",
        "officer",
        "--password-stdin",
        stdin="a long password\n",
        expect=2,
    )
    assert "exists already" in refused.stderr
    short = server(
        tmp_path,
        "user",
        "add",
        "li",
        "--role",
        "admin",
        "--password-stdin",
        stdin="short\n",
        expect=2,
    )
    assert "password" in short.stderr
    server(tmp_path, "user", "disable", "wang")
    users = json.loads(server(tmp_path, "--json", "user", "list").stdout)
    assert [(u["name"], u["role"], u["disabled"]) for u in users] == [("wang", "officer", True)]
    assert server(tmp_path, "device", "revoke", "nope", expect=2).stderr
