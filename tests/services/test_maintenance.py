"""Integrity checks and backups of the local database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from liaison_app.domain.lifecycle import StepInput
from liaison_app.errors import InputError
from liaison_app.models.migrate import SCHEMA_HEAD
from liaison_app.services.store import Store


@pytest.fixture
def problem(store: Store) -> str:
    firm = store.enterprises.create(
        {"name": "沈阳华晨机械制造有限公司", "district_code": "210102"}
    ).record.id
    visit = store.visits.create(firm, {"visit_date": "2026-11-18", "summary": "走访"}).record.id
    ident = store.problems.create(
        {"category": "funding", "description": "续贷困难"}, visit_id=visit
    ).record.id
    store.problems.step(ident, "resolve", StepInput(note="已续贷"))
    store.problems.step(ident, "callback", StepInput(satisfaction="dissatisfied", note="利率高"))
    store.problems.add_action(ident, "chase", "催办")
    return ident


def raw_sql(store: Store, sql: str, *params: object) -> None:
    con = sqlite3.connect(store.db.path)
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def test_check_on_a_new_database(store: Store) -> None:
    report = store.maintenance.check()
    assert report.ok
    assert report.sqlite == "ok"
    assert report.schema == SCHEMA_HEAD
    assert report.issues == {}


def test_check_on_a_healthy_database_with_records(store: Store, problem: str) -> None:
    other = store.enterprises.create({"name": "大连港物流", "district_code": "210211"}).record.id
    store.enterprises.delete(other)
    report = store.maintenance.check()
    assert report.ok, report.issues
    out = report.as_dict()
    assert out["ok"] is True
    assert out["issues"] == {}
    assert out["schema_revision"] == SCHEMA_HEAD


def test_check_reports_a_live_problem_missing_from_the_search_index(
    store: Store, problem: str
) -> None:
    raw_sql(store, "DELETE FROM search_doc WHERE ref_id = ?", problem)
    report = store.maintenance.check()
    assert not report.ok
    assert report.sqlite == "ok"
    assert report.issues == {"live record missing from the search index": [problem]}
    assert report.as_dict()["issues"]["live record missing from the search index"] == {
        "count": 1,
        "examples": [problem],
    }


def test_check_reports_a_status_edited_behind_the_log(store: Store, problem: str) -> None:
    raw_sql(store, "UPDATE problem SET status = 'closed' WHERE id = ?", problem)
    report = store.maintenance.check()
    assert not report.ok
    assert report.issues == {"problem whose status disagrees with its last action": [problem]}


def test_check_reports_an_unknown_status(store: Store, problem: str) -> None:
    raw_sql(store, "UPDATE problem SET status = 'lost' WHERE id = ?", problem)
    issues = store.maintenance.check().issues
    assert issues["problem with unknown status"] == [problem]


def test_check_reports_a_search_entry_of_a_deleted_record(store: Store, problem: str) -> None:
    raw_sql(store, "UPDATE problem SET deleted_at = '2026-11-20 00:00:00' WHERE id = ?", problem)
    report = store.maintenance.check()
    assert not report.ok
    assert report.issues == {"search entry of a deleted or missing record": [problem]}


def test_check_reports_a_schema_behind_head(store: Store) -> None:
    raw_sql(store, "UPDATE alembic_version SET version_num = '0000'")
    report = store.maintenance.check()
    assert not report.ok
    assert report.schema == "0000"
    assert "schema not at head" in report.issues


def test_backup_is_a_readable_copy(store: Store, problem: str, tmp_path: Path) -> None:
    target = tmp_path / "copy.sqlite3"
    made = store.maintenance.backup(target, tmp_path / "unused")
    assert made == target
    assert not (tmp_path / "copy.sqlite3.partial").exists()
    assert not (tmp_path / "unused").exists()
    con = sqlite3.connect(target)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT id, status FROM problem").fetchall() == [
            (problem, "in_progress")
        ]
        assert con.execute("SELECT count(*) FROM follow_up_action").fetchone()[0] == 5
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    finally:
        con.close()
    # The original is untouched and still in use.
    assert store.problems.get(problem).status == "in_progress"


def test_backup_refuses_to_overwrite(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "precious.sqlite3"
    target.write_bytes(b"an earlier backup")
    with pytest.raises(InputError, match="exists already"):
        store.maintenance.backup(target, tmp_path)
    assert target.read_bytes() == b"an earlier backup"


def test_backup_into_a_missing_folder_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        store.maintenance.backup(tmp_path / "nowhere" / "copy.sqlite3", tmp_path)
    assert not (tmp_path / "nowhere").exists()


def test_backup_to_a_folder_or_the_default_folder(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    into_folder = store.maintenance.backup(folder, tmp_path / "default")
    assert into_folder.parent == folder
    assert into_folder.name.startswith("liaison-backup-")
    default = store.maintenance.backup(None, tmp_path / "default")
    assert default.parent == tmp_path / "default"
    for copy in (into_folder, default):
        con = sqlite3.connect(copy)
        try:
            assert con.execute("SELECT count(*) FROM category").fetchone()[0] == 13
        finally:
            con.close()
