"""Enterprises, visits and problems through the `liaison` command; global options; JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys

from cli_support import TODAY, child_env, day

CATEGORY_CODES = [
    "funding",
    "production",
    "labour",
    "sales",
    "logistics",
    "materials",
    "tax",
    "legal",
    "ip_certification",
    "permits",
    "arrears",
    "policy",
    "other",
]
ENTERPRISE_KEYS = {
    "id",
    "name",
    "uscc",
    "district_code",
    "industry_code",
    "size",
    "ownership",
    "address",
    "legal_rep",
    "contact_name",
    "contact_title",
    "phone",
    "park",
    "officer",
    "unit",
    "specialised",
    "notes",
    "created_at",
    "updated_at",
    "deleted_at",
}
PROBLEM_KEYS = {
    "id",
    "number",
    "enterprise_id",
    "visit_id",
    "source",
    "raised_on",
    "category",
    "description",
    "request",
    "urgency",
    "shared",
    "lead_department",
    "co_departments",
    "accepted_on",
    "assigned_on",
    "deadline",
    "status",
    "result",
    "resolved_on",
    "callback_on",
    "callback_by",
    "satisfaction",
    "dissatisfied_reason",
    "closed_on",
    "reopen_count",
    "officer",
    "created_at",
    "updated_at",
}


def test_enterprise_add_show_edit_list_delete_restore(cli, run, run_json):
    name = "沈阳华辽机械有限公司"
    # Without --json, `add` prints the new id and nothing else. The USCC is typed in lower
    # case and the phone with +86 and spaces: both are stored normalised.
    out, _ = run(
        "enterprise", "add", "--name", name, "--uscc", "91210102ma0qcx3l72",
        "--district", "210102", "--industry", "C3411", "--address", "沈阳市和平区南京北街1号",
        "--contact", "张伟", "--phone", "+86 139 1234 5678",
    )  # fmt: skip
    e1 = out.strip()
    assert out == e1 + "\n" and len(e1) == 36

    # With --json, `add` prints exactly {"id": "..."} (a string id).
    r = cli.expect("enterprise", "add", "--name", "大连海韵食品有限公司", "--json")
    added = json.loads(r.out)
    assert added == {"id": added["id"]} and isinstance(added["id"], str)
    e2 = added["id"]
    assert e2 != e1

    # show --json: one object, model field names, codes as codes, Chinese unescaped in UTF-8.
    r = cli.expect("enterprise", "show", e1, "--json")
    assert name.encode("utf-8") in r.out_bytes and b"\\u" not in r.out_bytes
    shown = json.loads(r.out)
    assert isinstance(shown, dict) and set(shown) >= ENTERPRISE_KEYS
    assert shown["id"] == e1
    assert shown["name"] == name
    assert shown["uscc"] == "91210102MA0QCX3L72"
    assert shown["district_code"] == "210102"
    assert shown["industry_code"] == "C3411"
    assert shown["address"] == "沈阳市和平区南京北街1号"
    assert shown["contact_name"] == "张伟"
    assert shown["phone"] == "13912345678"
    assert shown["deleted_at"] is None

    # edit changes only the options given.
    edited = run_json("enterprise", "edit", e1, "--contact", "李娜", "--phone", "024-23456789")
    assert edited["contact_name"] == "李娜" and edited["phone"] == "024-23456789"
    unchanged = {k: v for k, v in shown.items() if k not in ("contact_name", "phone", "updated_at")}
    assert {k: edited[k] for k in unchanged} == unchanged

    # delete: gone from the list; restore brings it back, searchable again.
    out, _ = run("enterprise", "delete", e1)
    assert e1 in out
    listed = run_json("enterprise", "list")
    assert isinstance(listed, list) and [e["id"] for e in listed] == [e2]
    restored = run_json("enterprise", "restore", e1)
    assert restored["id"] == e1 and restored["deleted_at"] is None
    assert [e["id"] for e in run_json("enterprise", "list", "--search", "华辽")] == [e1]


def test_visits_and_problems_recorded_and_listed(cli, run, run_json):
    e = cli.new_id("enterprise", "add", "--name", "鞍山钢联物流有限公司", "--district", "210302")
    v1 = cli.new_id(
        "visit", "add", "--enterprise", e, "--date", day(-3), "--mode", "meeting",
        "--summary", "座谈物流成本问题",
    )  # fmt: skip
    v2 = cli.new_id("visit", "add", "--enterprise", e, "--date", TODAY.isoformat())  # today is fine
    p = cli.new_id(
        "problem", "add", "--visit", v1, "--category", "logistics",
        "--description", "高速通行费负担重", "--urgency", "very_urgent",
    )  # fmt: skip

    visits = run_json("visit", "list", "--enterprise", e)
    assert [v["id"] for v in visits] == [v2, v1]  # newest first
    assert [v["visit_date"] for v in visits] == [TODAY.isoformat(), day(-3)]
    assert visits[1]["mode"] == "meeting" and visits[0]["mode"] == "onsite"  # the default

    shown = run_json("visit", "show", v1)
    assert shown["id"] == v1 and shown["enterprise_id"] == e
    assert shown["enterprise_name"] == "鞍山钢联物流有限公司"
    assert shown["summary"] == "座谈物流成本问题"
    assert [q["id"] for q in shown["problems"]] == [p]

    # edit prints the problem as stored now
    problem = run_json(
        "problem", "edit", p, "--description", "高速通行费和港杂费负担重",
        "--category", "tax", "--urgency", "normal",
    )  # fmt: skip
    assert set(problem) >= PROBLEM_KEYS
    assert problem["id"] == p and problem["visit_id"] == v1 and problem["enterprise_id"] == e
    assert problem["status"] == "received"
    assert problem["category"] == "tax" and problem["urgency"] == "normal"
    assert problem["description"] == "高速通行费和港杂费负担重"
    assert problem["raised_on"] == day(-3)  # a problem raised during a visit dates from it
    assert [a["kind"] for a in problem["actions"]] == ["create"]
    assert problem["actions"][0]["to_status"] == "received"
    assert all(isinstance(problem[k], str) for k in ("id", "enterprise_id", "visit_id"))


def test_reference_lists_and_global_options_before_or_after(cli):
    # --data-dir and --json both before the subcommand …
    r = cli.expect("--json", "reference", "list", "categories")
    categories = json.loads(r.out)
    # … both after it …
    r = cli.expect(
        "reference", "list", "departments", "--data-dir", str(cli.data_dir), "--json",
        data_dir=False,
    )  # fmt: skip
    departments = json.loads(r.out)
    # … and one before, one after.
    districts = cli.json("reference", "list", "districts")

    assert [c["code"] for c in categories] == CATEGORY_CODES
    for items in (categories, departments, districts):
        assert isinstance(items, list) and items
        for item in items:
            assert isinstance(item["code"], str) and item["code"]
            assert item["name_zh"] and item["name_en"]
    by_code = {c["code"]: c for c in categories}
    assert by_code["funding"]["name_zh"] == "资金与融资"
    assert by_code["ip_certification"]["name_en"] == "IP, certification & testing"
    assert {"market_regulation", "tax", "financial_regulation"} <= {d["code"] for d in departments}
    assert {d["code"]: d["name_zh"] for d in districts}["210102"] == "和平区"

    # The folder given after the subcommand was used; the default folder never was.
    assert cli.db_path.exists()
    assert not (cli.data_dir.parent / "default-data-folder").exists()


def test_json_is_utf8_even_when_python_would_print_ascii(cli, tmp_path):
    # LANG=C without UTF-8 mode or locale coercion: Python's own stdout encoding is ASCII here,
    # so only the command itself can make the output UTF-8.
    env = child_env(tmp_path, PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.stdout.encoding)"],
        env=env, capture_output=True, check=True,
    )  # fmt: skip
    assert probe.stdout.strip().lower() in (b"ascii", b"ansi_x3.4-1968")
    r = cli.expect("reference", "list", "categories", "--json", env=env)
    assert "资金与融资".encode() in r.out_bytes
    assert b"\\u" not in r.out_bytes
    assert [c["code"] for c in json.loads(r.out)] == CATEGORY_CODES
