"""The sync engine against the real server: converging, faults, crashes, restores."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison_app.domain.lifecycle import StepInput
from tests.sync.harness import FAULTS, Fault, SimulatedCrash, SyncServer, unique
from tests.sync.invariants import check_equal_to_server, check_every_mutation_reflected

TODAY = dt.date.today()
USCC = "91210102MAPJ96WP38"


def firm(folder, name=None, **extra):  # type: ignore[no-untyped-def]
    """An enterprise of a name no other test uses (the server flags same-name firms)."""
    name = name or f"沈阳君威新能科技有限公司{unique('')}"
    return folder.store.enterprises.create(
        {"name": name, "district_code": "210102", **extra}
    ).record.id


def visit_with_problem(folder, enterprise):  # type: ignore[no-untyped-def]
    saved = folder.store.visits.record_with_problems(
        enterprise,
        {"visit_date": TODAY.isoformat(), "summary": "走访了解融资情况"},
        [{"category": "funding", "description": "银行抽贷500万元"}],
    )
    problems = folder.store.problems.list(visit_id=saved.record.id)
    return saved.record.id, problems[0].id


def test_a_visit_recorded_offline_reaches_a_colleague(server, make_folder):  # type: ignore[no-untyped-def]
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(li)
    e = firm(a)
    v, p = visit_with_problem(a, e)
    a.store.problems.step(p, "accept")
    report = a.sync()
    assert len(report.pushed) >= 5 and report.rejected == []
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    got = b.store.problems.get(p)
    assert (got.status, got.description) == ("accepted", "银行抽贷500万元")
    assert got.enterprise_name.startswith("沈阳君威新能科技有限公司")
    assert [x.kind for x in got.actions] == ["create", "accept"]
    assert b.store.visits.get(v).summary == "走访了解融资情况"
    for f in (a, b):
        check_equal_to_server(server, f)
    check_every_mutation_reflected(server, [a, b])


def test_history_made_before_the_first_sign_in_arrives_with_every_status(server, make_folder):  # type: ignore[no-untyped-def]
    user = server.add_user(unique("wang"))
    a = make_folder("a")
    e = firm(a)
    _v, p = visit_with_problem(a, e)
    ps = a.store.problems
    ps.step(p, "accept")
    ps.step(p, "assign", StepInput(department="finance", deadline=TODAY + dt.timedelta(days=10)))
    ps.add_action(p, "chase", "电话催办")
    ps.step(p, "resolve", StepInput(note="已协调续贷"))
    ps.step(p, "callback", StepInput(satisfaction="dissatisfied", note="额度不足"))
    _v2, closed = visit_with_problem(a, e)
    for step, inp in (
        ("resolve", StepInput(note="当场解决")),
        ("callback", StepInput(satisfaction="satisfied")),
        ("close", StepInput()),
    ):
        ps.step(closed, step, inp)
    result = a.login(user)
    assert result.adopted > 10
    a.sync()
    b = make_folder("b")
    b.login(user)
    b.sync()
    for ident in (p, closed):
        mine, theirs = a.store.problems.get(ident), b.store.problems.get(ident)
        for name in (
            "status",
            "lead_department",
            "deadline",
            "result",
            "satisfaction",
            "dissatisfied_reason",
            "reopen_count",
            "closed_on",
        ):
            assert getattr(theirs, name) == getattr(mine, name), name
        assert [x.kind for x in theirs.actions] == [x.kind for x in mine.actions]
    assert b.store.problems.get(p).status == "in_progress"
    assert b.store.problems.get(p).reopen_count == 1
    assert b.store.problems.get(closed).status == "closed"
    check_equal_to_server(server, a)
    check_equal_to_server(server, b)


def test_edits_of_different_fields_by_two_officers_both_stand(server, make_folder):  # type: ignore[no-untyped-def]
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(li)
    e = firm(a)
    a.sync()
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    seen_a, seen_b = a.store.enterprises.get(e), b.store.enterprises.get(e)
    a.store.enterprises.update(e, {"phone": "13812345678"}, seen=seen_a)
    b.store.enterprises.update(e, {"address": "沈阳市和平区南京北街1号"}, seen=seen_b)
    b.sync()
    a.sync()
    b.sync()
    for f in (a, b):
        got = f.store.enterprises.get(e)
        assert (got.phone, got.address) == ("13812345678", "沈阳市和平区南京北街1号")
        assert f.store.sync.conflicts() == []
        check_equal_to_server(server, f)


def test_a_field_pulled_meanwhile_is_never_put_back_by_an_edit(server, make_folder):  # type: ignore[no-untyped-def]
    """The editor was opened before a pull changed the phone; saving the address alone must
    not send the old phone back (design.md §3: edits are diffs against what was seen)."""
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(li)
    e = firm(a, phone="13812345678")
    a.sync()
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    form = a.store.enterprises.get(e)  # the editor opens
    b.store.enterprises.update(e, {"phone": "13900000000"})
    b.sync()
    a.sync()  # the pull changes the phone under the open editor
    values = {**{k: getattr(form, k) for k in ("name", "phone", "address")}, "address": "新地址"}
    a.store.enterprises.update(e, values, seen=form)
    a.sync()
    b.sync()
    for f in (a, b):
        got = f.store.enterprises.get(e)
        assert (got.phone, got.address) == ("13900000000", "新地址")
        assert f.store.sync.conflicts() == []


def test_a_same_field_clash_is_an_open_conflict_on_both_sides(server, make_folder):  # type: ignore[no-untyped-def]
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(li)
    e = firm(a)
    a.sync()
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    a.store.enterprises.update(e, {"phone": "13811111111"})
    b.store.enterprises.update(e, {"phone": "13922222222"})
    a.sync()
    b.sync()  # b arrives later: its value stands, a's is kept in the conflict
    a.sync()
    ca, cb = a.store.sync.conflicts(), b.store.sync.conflicts()
    assert len(ca) == len(cb) == 1
    assert (ca[0]["mine"], ca[0]["theirs"]) == ("13811111111", "13922222222")
    assert (cb[0]["mine"], cb[0]["theirs"]) == ("13922222222", "13811111111")
    assert a.store.enterprises.get(e).phone == b.store.enterprises.get(e).phone == "13922222222"


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("where", ["/v1/push", "/v1/pull"])
def test_a_faulty_network_never_loses_or_doubles_a_record(server, make_folder, fault, where):  # type: ignore[no-untyped-def]
    user = server.add_user(unique("wang"))
    a = make_folder("a")
    a.login(user)
    e = firm(a)
    visit_with_problem(a, e)
    a.transport.plan.append(Fault(fault, where, times=2))
    a.sync_until_done()
    a.store.enterprises.update(e, {"phone": "13812345678"})
    a.transport.plan.append(Fault(fault, where, times=1))
    a.sync_until_done()
    a.sync()  # and a clean one
    assert a.transport.injected, "the fault was never injected"
    check_equal_to_server(server, a)
    check_every_mutation_reflected(server, [a])
    (count,) = server.query("SELECT count(*) FROM records WHERE enterprise_id = :e", e=e)[0]
    assert count == 4  # the enterprise, the visit, the problem, its create action: no more
    if fault == "429":
        assert 3.0 in a.waits  # Retry-After honoured


CRASH_POINTS = (
    "after_reference",
    "before_push",
    "after_push",
    "after_ack",
    "before_pull",
    "before_apply",
    "after_apply",
)


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_sync_killed_at_any_point_loses_and_doubles_nothing(server, make_folder, point):  # type: ignore[no-untyped-def]
    user = server.add_user(unique("wang"))
    a = make_folder("a")
    a.login(user)
    e = firm(a)
    visit_with_problem(a, e)
    a.crash_at = point
    with pytest.raises(SimulatedCrash):
        a.sync()
    a.reopen()
    a.store.enterprises.update(e, {"phone": "13812345678"})  # work goes on after the crash
    a.sync()
    a.sync()
    check_equal_to_server(server, a)
    check_every_mutation_reflected(server, [a])
    b = make_folder("b")
    b.login(user)
    b.sync()
    assert b.store.enterprises.get(e).phone == "13812345678"
    check_equal_to_server(server, b)


def test_a_server_restored_from_an_older_copy_gets_back_what_it_lost(own_server, make_folder):  # type: ignore[no-untyped-def]
    server: SyncServer = own_server
    user = server.add_user(unique("wang"))
    a = make_folder("a", srv=server)
    a.login(user)
    e = firm(a)
    a.sync()
    copy = server.snapshot("before-visit")
    v, p = visit_with_problem(a, e)
    a.store.problems.step(p, "accept")
    a.sync()
    server.restore(copy)  # the visit and the problem are gone from the server
    report = a.sync()
    assert any("restored" in r or "back in time" in r for r in report.repairs), report.repairs
    a.sync()
    check_equal_to_server(server, a)
    b = make_folder("b", srv=server)
    b.login(user)
    b.sync()
    assert b.store.problems.get(p).status == "accepted"
    assert b.store.visits.get(v).summary == "走访了解融资情况"


def test_a_folder_restored_from_an_older_copy_is_renumbered_not_refused(
    server, make_folder, tmp_path
):  # type: ignore[no-untyped-def]
    import shutil

    from liaison_app import paths

    user = server.add_user(unique("wang"))
    a = make_folder("a")
    a.login(user)
    e = firm(a)
    a.sync()
    a.store.close()
    shutil.copytree(a.path, tmp_path / "older")
    a.reopen()
    visit_with_problem(a, e)
    a.sync()  # the server now holds mutations this copy never made
    a.store.close()
    shutil.rmtree(a.path)
    shutil.copytree(tmp_path / "older", a.path)
    assert paths.database_path(a.path).exists()
    a.reopen()
    a.store.enterprises.update(e, {"phone": "13812345678"})  # new work in the old copy
    a.sync()
    a.sync()
    got = a.store.enterprises.get(e)
    assert got.phone == "13812345678"
    assert len(a.store.visits.list(enterprise_id=e)) == 1  # the lost visit came back
    check_equal_to_server(server, a)


def test_the_server_number_replaces_the_provisional_one(server, make_folder):  # type: ignore[no-untyped-def]
    user = server.add_user(unique("wang"))
    a = make_folder("a")
    a.login(user)
    e = firm(a)
    _v, p = visit_with_problem(a, e)
    before = a.store.problems.get(p)
    assert before.number_provisional and before.number.startswith("L-")
    a.sync()
    after = a.store.problems.get(p)
    assert not after.number_provisional
    assert after.number.startswith(f"SY-{TODAY.year}-") and len(after.number) == 14
    # Both numbers find it; the search index knows the new one.
    assert a.store.problems.get(after.number).id == p
    assert a.store.problems.get(before.number).id == p
    assert [h.id for h in a.store.search.search(after.number)] == [p]


def test_a_conflict_resolved_on_one_side_converges_everywhere(server, make_folder):  # type: ignore[no-untyped-def]
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(li)
    e = firm(a)
    a.sync()
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    a.store.enterprises.update(e, {"phone": "13811111111"})
    b.store.enterprises.update(e, {"phone": "13922222222"})
    a.sync()
    b.sync()
    a.sync()
    (conflict,) = a.store.sync.conflicts()
    # a keeps its own value, offline; the resolution is an ordinary change.
    a.store.sync.resolve_conflict(conflict["id"], "mine")
    assert a.store.enterprises.get(e).phone == "13811111111"
    assert a.store.sync.conflicts() == []
    a.sync()
    b.sync()
    for f in (a, b):
        assert f.store.enterprises.get(e).phone == "13811111111"
        assert f.store.sync.conflicts() == []
        (done,) = f.store.sync.conflicts(include_resolved=True)
        assert done["resolved"]
        check_equal_to_server(server, f)
    check_every_mutation_reflected(server, [a, b])


def test_a_resolution_of_the_other_side_does_not_fight_an_earlier_one(server, make_folder):  # type: ignore[no-untyped-def]
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(li)
    e = firm(a)
    a.sync()
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    a.store.enterprises.update(e, {"address": "甲地"})
    b.store.enterprises.update(e, {"address": "乙地"})
    a.sync()
    b.sync()
    a.sync()
    (ca,) = a.store.sync.conflicts()
    (cb,) = b.store.sync.conflicts()
    a.store.sync.resolve_conflict(ca["id"], value="丙地")  # both settle it offline
    b.store.sync.resolve_conflict(cb["id"], "mine")
    a.sync()
    b.sync()  # b's resolution meets a's: the earlier one stands
    a.sync()
    assert a.store.enterprises.get(e).address == b.store.enterprises.get(e).address == "丙地"
    for f in (a, b):
        check_equal_to_server(server, f)


def test_a_server_that_forgot_this_device_gets_everything_again_after_sign_in(
    own_server, make_folder
):  # type: ignore[no-untyped-def]
    """Restored from before this folder's first sign-in, the server does not know the device:
    the sync asks to sign in again, and then re-sends what the server lost (nothing refused)."""
    from liaison_app.sync.client import SignInRequired

    server: SyncServer = own_server
    user = server.add_user(unique("wang"))
    copy = server.snapshot("before-device")
    a = make_folder("a", srv=server)
    a.login(user)
    e = firm(a)
    _v, p = visit_with_problem(a, e)
    a.sync()
    server.restore(copy)
    with pytest.raises(SignInRequired):
        a.sync()
    a.login(user)
    report = a.sync()
    assert any("restored" in r for r in report.repairs), report.repairs
    a.sync()
    check_equal_to_server(server, a)
    assert a.store.problems.get(p).number.startswith("SY-")


def test_a_revoked_device_signs_in_anew_and_sends_its_unsent_work_once(server, make_folder):  # type: ignore[no-untyped-def]
    """An administrator revokes the device while work waits to be sent, some of it already
    applied on the server with its answer lost: the sync says the device was disabled (not
    "expired"), signing in again registers the folder as a new client, and everything
    reaches the server exactly once, renumbered, nothing refused."""
    from liaison_app.sync.client import DeviceRevoked

    user = server.add_user(unique("wang"))
    a = make_folder("a")
    first = a.login(user).client_id
    e = firm(a)
    a.sync()
    _v, p = visit_with_problem(a, e)
    a.crash_at = "after_push"  # the visit reaches the server; the answer is lost
    with pytest.raises(SimulatedCrash):
        a.sync()
    a.reopen()
    later = firm(a)  # and more work after it
    server.admin("device", "revoke", first)
    with pytest.raises(DeviceRevoked, match="administrator disabled this device"):
        a.sync()
    waiting = a.store.sync.status().pending
    assert waiting >= 3
    again = a.login(user)
    assert again.client_id != first
    report = a.sync()
    assert report.rejected == [] and len(report.pushed) == waiting
    status = a.store.sync.status()
    assert (status.pending, status.not_accepted, status.last_error) == (0, 0, None)
    for record in (e, later, p):
        assert len(server.query("SELECT id FROM records WHERE id = :i", i=record)) == 1
    check_equal_to_server(server, a)
    check_every_mutation_reflected(server, [a])
