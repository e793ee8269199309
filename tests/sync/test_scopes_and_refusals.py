"""Scopes, refusals and sign-ins: what leaves a folder, what stays, what is never blocked."""

from __future__ import annotations

import pytest

from liaison_app.errors import ValidationError
from tests.sync.harness import SyncServer, unique
from tests.sync.invariants import check_equal_to_server, check_every_mutation_reflected
from tests.sync.test_engine import firm, visit_with_problem


def _shared(server, make_folder):  # type: ignore[no-untyped-def]
    """wang's enterprise, assigned to li too; both folders synced."""
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a"), make_folder("b")
    a.login(wang)
    b.login(li)
    e = firm(a)
    visit_with_problem(a, e)
    a.sync()
    server.admin("assign", "--enterprise", e, "--to", li)
    b.sync()
    return a, b, e, li


def test_an_enterprise_withdrawn_from_an_officer_leaves_their_folder(server, make_folder):  # type: ignore[no-untyped-def]
    a, b, e, li = _shared(server, make_folder)
    assert b.store.enterprises.get(e)
    server.admin("unassign", "--enterprise", e, "--from", li)
    b.sync()
    assert b.store.enterprises.list() == []
    assert b.store.problems.list() == [] and b.store.visits.list() == []
    assert b.store.maintenance.check().ok
    check_equal_to_server(server, b)


def test_a_withdrawn_enterprise_with_unsent_work_stays_until_it_is_sent(server, make_folder):  # type: ignore[no-untyped-def]
    a, b, e, li = _shared(server, make_folder)
    b.store.enterprises.update(e, {"phone": "13812345678"})  # offline, before knowing
    server.admin("unassign", "--enterprise", e, "--from", li)
    report = b.sync()
    # The edit made before the officer could know is accepted, then the firm leaves.
    assert report.rejected == []
    b.sync()
    assert b.store.enterprises.list() == []
    a.sync()
    assert a.store.enterprises.get(e).phone == "13812345678"


def test_a_refused_change_is_listed_with_its_reason_and_blocks_nothing(server, make_folder):  # type: ignore[no-untyped-def]
    boss = server.add_user(unique("zhao"), role="supervisor", district="210102")
    s = make_folder("s")
    s.login(boss)
    outside = s.store.enterprises.create(
        {"name": f"大连港物流{unique('')}", "district_code": "210202"}
    ).record.id
    inside = firm(s)  # queued after the refused one
    s.store.enterprises.update(inside, {"phone": "13812345678"})
    report = s.sync()
    assert [r["record_id"] for r in report.rejected] == [outside]
    (listed,) = s.store.sync.not_accepted()
    assert listed.record_id == outside and "district" in (listed.reason or "")
    assert s.store.enterprises.get(inside).phone == "13812345678"
    assert server.query("SELECT id FROM records WHERE id = :i", i=inside) != []
    # Given up, the refused firm leaves the lists; nothing else changes.
    before = {x.id for x in s.store.enterprises.list()}  # the district's firms, this one too
    s.store.sync.discard(listed.id)
    assert {x.id for x in s.store.enterprises.list()} == before - {outside}
    assert inside in before and outside in before
    s.sync()
    check_every_mutation_reflected(server, [s])


def test_a_change_too_large_for_any_push_is_held_and_the_rest_flows(server, make_folder):  # type: ignore[no-untyped-def]
    user = server.add_user(unique("wang"))
    a = make_folder("a")
    a.store.sync.configure(push_bytes=30_000)  # a small cap, so one long visit exceeds it
    a.login(user)
    e = firm(a)
    v = a.store.visits.create(e, {"visit_date": "2026-11-20", "summary": "长" * 20_000}).record.id
    a.store.enterprises.update(e, {"phone": "13812345678"})
    report = a.sync()
    (held,) = a.store.sync.not_accepted()
    assert held.record_id == v and held.state == "held" and "bytes" in (held.reason or "")
    assert [r["record_id"] for r in report.rejected] == [v]
    (data,) = server.query("SELECT data FROM records WHERE id = :e", e=e)[0]
    assert "13812345678" in str(data)
    assert server.query("SELECT id FROM records WHERE id = :v", v=v) == []
    a.sync()  # and it never blocks a later sync
    check_every_mutation_reflected(server, [a])


def test_a_cursor_past_the_horizon_pulls_afresh_and_keeps_pending_edits(own_server, make_folder):  # type: ignore[no-untyped-def]
    server: SyncServer = own_server
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = make_folder("a", srv=server), make_folder("b", srv=server)
    a.login(wang)
    b.login(li)
    e = firm(a)
    gone = firm(a)
    a.sync()
    for ident in (e, gone):
        server.admin("assign", "--enterprise", ident, "--to", li)
    b.sync()
    a.store.enterprises.delete(gone)
    a.sync()
    b.store.enterprises.update(e, {"phone": "13812345678"})  # pending in b
    server.admin("cleanup", "--days", "0")  # the delete's tombstone is cleaned away
    report = b.sync()
    assert any("fresh" in r for r in report.repairs), report.repairs
    assert [x.id for x in b.store.enterprises.list()] == [e]  # the cleaned delete is gone
    assert b.store.enterprises.get(e).phone == "13812345678"
    a.sync()
    assert a.store.enterprises.get(e).phone == "13812345678"
    check_equal_to_server(server, b)


def test_a_supervisor_sees_the_district_of_every_officer(server, make_folder):  # type: ignore[no-untyped-def]
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    boss = server.add_user(unique("zhao"), role="supervisor", district="210102")
    a, b, s = make_folder("a"), make_folder("b"), make_folder("s")
    for f, u in ((a, wang), (b, li), (s, boss)):
        f.login(u)
    ea, eb = firm(a), firm(b)
    elsewhere = a.store.enterprises.create(
        {"name": f"大连港物流{unique('')}", "district_code": "210202"}
    ).record.id
    a.sync()
    b.sync()
    s.sync()
    ids = {x.id for x in s.store.enterprises.list()}
    assert {ea, eb} <= ids and elsewhere not in ids
    check_equal_to_server(server, s)


def test_a_second_user_of_a_folder_never_sends_the_first_users_work(server, make_folder):  # type: ignore[no-untyped-def]
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a = make_folder("a")
    a.login(wang)
    e = firm(a)
    a.sync()
    mine = firm(a)  # unsent
    out = a.store.sync.logout()
    assert out["pending"] == 1
    result = a.login(li)
    assert result.others_pending == 1 and result.adopted == 0
    a.sync()
    assert server.query("SELECT id FROM records WHERE id = :m", m=mine) == []
    a.store.sync.logout()
    a.login(wang)
    a.sync()
    assert server.query("SELECT id FROM records WHERE id = :m", m=mine) != []
    assert e


def test_after_sign_in_the_author_is_the_servers_name_for_the_user(server, make_folder):  # type: ignore[no-untyped-def]
    name = unique("wang")
    server.admin("user", "add", name, "--role", "officer", "--display-name", "王明",
                 "--unit", "市委组织部两新工委",
                 "--password-stdin", stdin="correct horse battery\n")  # fmt: skip
    a = make_folder("a")
    a.store.settings.set_officer_name("随便写的名字")
    a.store.settings.set_officer_unit("自己填的单位")
    a.login(name)
    # The name and the unit printed on the forms (走访单位, 填报单位) are the server's.
    assert a.store.settings.officer_name() == "王明"
    assert a.store.settings.officer_unit() == "市委组织部两新工委"
    for change in (a.store.settings.set_officer_name, a.store.settings.set_officer_unit):
        with pytest.raises(ValidationError) as info:  # read-only while signed in
            change("别的")
        assert info.value.errors[0].code == "signed_in"
    assert a.store.settings.officer_name() == "王明"
    assert a.store.settings.officer_unit() == "市委组织部两新工委"
    e = firm(a)
    _v, p = visit_with_problem(a, e)
    a.sync()
    got = a.store.problems.get(p)
    assert got.officer == "王明" and {x.actor for x in got.actions} == {"王明"}


@pytest.mark.parametrize("backend", ["keyring.backends.fail.Keyring"])
def test_without_a_keyring_the_sign_in_lasts_for_this_session_only(
    server, make_folder, backend, monkeypatch
):  # type: ignore[no-untyped-def]
    import keyring

    from liaison_app.credentials import TokenStore

    monkeypatch.setattr(keyring, "get_keyring", lambda: keyring.backends.fail.Keyring())
    store = TokenStore()
    assert store.session_only
    user = server.add_user(unique("wang"))
    a = make_folder("a")
    a.store.sync._tokens = store
    result = a.login(user)
    assert result.session_only
    firm(a)
    assert len(a.sync().pushed) == 1


def test_a_push_that_moves_a_firm_out_of_the_district_carries_the_edits_after_the_move(
    server, make_folder
):  # type: ignore[no-untyped-def]
    """The supervisor moves a firm to another district and edits its phone, offline: both go
    in one push and both are accepted (the edit was made before they could know the move
    took the firm away); then the firm leaves their folder."""
    wang = server.add_user(unique("wang"))
    boss = server.add_user(unique("zhao"), role="supervisor", district="210102")
    a, s = make_folder("a"), make_folder("s")
    a.login(wang)
    s.login(boss)
    e = firm(a)
    a.sync()
    s.sync()
    s.store.enterprises.update(e, {"district_code": "210103"})
    s.store.enterprises.update(e, {"phone": "13812345678"})
    report = s.sync()
    assert report.rejected == [] and len(report.pushed) == 2
    assert e not in {x.id for x in s.store.enterprises.list()}
    check_equal_to_server(server, s)
    a.sync()
    got = a.store.enterprises.get(e)
    assert (got.district_code, got.phone) == ("210103", "13812345678")


def test_an_edit_typed_while_the_firm_leaves_reaches_the_server_then_the_firm_goes(
    server, make_folder
):  # type: ignore[no-untyped-def]
    """An edit typed while the sync that takes the firm away is running: the pull keeps the
    firm for it (the typing is never dropped unseen), the next sync sends it — accepted, the
    folder could not have known — and only then does the firm leave the folder."""
    wang = server.add_user(unique("wang"))
    boss = server.add_user(unique("zhao"), role="supervisor", district="210102")
    a, s = make_folder("a"), make_folder("s")
    a.login(wang)
    s.login(boss)
    e = firm(a)
    a.sync()
    s.sync()
    s.store.enterprises.update(e, {"district_code": "210103"})
    typed = []

    def type_meanwhile(point: str) -> None:
        if point == "before_apply" and not typed:
            typed.append(s.store.enterprises.update(e, {"address": "沈阳市和平区南京北街11号"}))

    s.store.sync.configure(crash=type_meanwhile)
    s.sync()
    assert typed and s.store.enterprises.get(e).address == "沈阳市和平区南京北街11号"
    report = s.sync()
    assert report.rejected == [] and s.store.sync.not_accepted() == []
    assert e not in {x.id for x in s.store.enterprises.list()}
    check_equal_to_server(server, s)
    a.sync()
    assert a.store.enterprises.get(e).address == "沈阳市和平区南京北街11号"
