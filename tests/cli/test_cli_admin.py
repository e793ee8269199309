"""Demo data, integrity check, backups and failures that are not the user's input (exit 1)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from cli_support import db_snapshot


def _enterprises(db: Path) -> dict[str, str]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return dict(con.execute("SELECT id, name FROM enterprise WHERE deleted_at IS NULL"))
    finally:
        con.close()


def test_demo_once_then_check_then_damage(cli, run, run_json):
    result = run_json("demo", "--size", "small", "--seed", "3")
    assert result["size"] == "small" and result["seed"] == 3
    assert result["enterprises"] > 0 and result["visits"] > 0 and result["problems"] > 0

    before = db_snapshot(cli.db_path)
    out, err = run("demo", "--size", "small", expect=2)
    assert out == "" and "already" in err and "enterprises" in err
    assert db_snapshot(cli.db_path) == before

    out, _ = run("check")
    assert out.strip() == "ok"

    # Damage: a live enterprise loses its search-index entry.
    con = sqlite3.connect(cli.db_path)
    with con:
        victim = con.execute(
            "SELECT ref_id FROM search_doc WHERE kind = 'enterprise' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        con.execute("DELETE FROM search_doc WHERE ref_id = ?", (victim,))
    con.close()
    report = run_json("check", expect=1)
    assert report["ok"] is False
    issue = report["issues"]["live record missing from the search index"]
    assert issue == {"count": 1, "examples": [victim]}


def test_unreadable_database_is_failure_not_bad_input(cli):
    cli.data_dir.mkdir(parents=True)
    cli.db_path.write_bytes(b"this is not an SQLite database, just text" * 100)
    out, err = cli("enterprise", "list", expect=1)
    assert out == "" and "database" in err and "Traceback" not in err


def test_backup(office, tmp_path):
    cli = office.cli
    live = _enterprises(cli.db_path)
    assert set(live) == {office.e1, office.e2}

    target = tmp_path / "copy.sqlite3"
    r = cli.expect("backup", str(target), "--json")
    written = json.loads(r.out)
    assert written == {"path": str(target), "bytes": target.stat().st_size}
    assert _enterprises(target) == live
    assert not list(tmp_path.glob("*.partial"))

    # Backing up onto an existing file is refused, and the file is left alone.
    content = target.read_bytes()
    out, err = cli("backup", str(target), expect=2)
    assert out == "" and "exists" in err and str(target) in err
    assert target.read_bytes() == content

    # With no path the copy goes into the data folder's backups.
    out, _ = cli("backup")
    copy = Path(out.strip())
    assert copy.parent == cli.data_dir / "backups" and _enterprises(copy) == live


def test_backup_without_path_never_collides_with_an_earlier_one(cli):
    # Backups already taken "this second" (and the next minute): the automatic name has
    # one-second resolution, so a second `liaison backup` must still find a fresh name.
    backups = cli.data_dir / "backups"
    backups.mkdir(parents=True)
    now = dt.datetime.now()
    earlier = []
    for s in range(60):
        stamp = (now + dt.timedelta(seconds=s)).strftime("%Y%m%d-%H%M%S")
        earlier.append(backups / f"liaison-backup-{stamp}.sqlite3")
        earlier[-1].write_bytes(b"earlier backup")
    out, _ = cli("backup")
    copy = Path(out.strip())
    assert copy.parent == backups and copy not in earlier
    assert _enterprises(copy) == {}  # a real (empty) database, not an earlier file
    assert all(f.read_bytes() == b"earlier backup" for f in earlier)
