"""Sync in the app, against the real server in a subprocess: sign-in, the status bar through
its states, the automatic sync after a change, conflicts settled in the view, rejections."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from liaison_app.domain.dates import local_minute
from liaison_app.services.store import open_store
from liaison_app.ui.main_window import MainWindow
from liaison_app.ui.sync.conflicts import ConflictsDialog
from liaison_app.ui.sync.controller import SyncController
from liaison_app.ui.sync.rejected import NotAcceptedDialog, discard_question
from liaison_app.ui.sync.sign_in import SignInDialog
from liaison_app.ui.sync.status import SyncStatus
from tests.sync.conftest import sqlite_server  # noqa: F401  (the session's server)
from tests.sync.harness import PASSWORD, Folder, free_port, unique


@pytest.fixture
def server(sqlite_server):  # noqa: F811
    return sqlite_server


@pytest.fixture
def shenyang(monkeypatch):  # type: ignore[no-untyped-def]
    """This computer's clock in China (UTC+8), where stored UTC times read 8 hours early."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def signed_in_controller(ctx, server, user, **timers):
    ctx.store.sync.login(server.url, user, PASSWORD)
    controller = SyncController(ctx, **timers)
    controller.refresh()
    return controller


def test_sign_in_dialog_signs_in_and_says_what_went_wrong(ctx, qtbot, server):
    user = server.add_user(unique("wang"))
    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.server.setText(server.url)
    dialog.user.setText(user)
    dialog.password.setText("wrong password")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.result()
    assert "password" in dialog.message.text()
    dialog.server.setText(f"http://127.0.0.1:{free_port()}")  # nobody listens there
    dialog.password.setText(PASSWORD)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.result() and "reach" in dialog.message.text()
    dialog.server.setText("sync.example.gov.cn")  # no scheme
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "http://" in dialog.message.text()
    dialog.server.setText(server.url)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() and dialog.result_info.user == user
    assert ctx.store.sync.status().signed_in
    assert dialog.password.text() == ""  # never kept in the form


def test_sign_in_asks_before_earlier_work_becomes_the_users(ctx, qtbot, server, monkeypatch):
    user = server.add_user(unique("wang"))
    ctx.store.enterprises.create({"name": f"沈阳测试{unique('')}", "district_code": "210102"})
    asked = []
    monkeypatch.setattr(
        SignInDialog, "confirm_adoption", classmethod(lambda cls, p, n: asked.append(n) or False)
    )
    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.server.setText(server.url)
    dialog.user.setText(user)
    dialog.password.setText(PASSWORD)
    dialog.sign_in()
    assert asked == [1] and not ctx.store.sync.status().signed_in  # declined: nothing done


def test_the_status_bar_goes_offline_syncing_up_to_date_pending(ctx, qtbot, server):
    status = SyncStatus()
    qtbot.addWidget(status)
    controller = SyncController(ctx)
    controller.view_changed.connect(status.show_view)
    seen: list[str] = []
    controller.view_changed.connect(lambda v: seen.append(status.state.text()))
    controller.refresh()
    assert "Sign in" in status.state.text()
    user = server.add_user(unique("wang"))
    ctx.store.sync.login(server.url, user, PASSWORD)
    controller.signed_in()
    assert any(text.startswith("Syncing") for text in seen)
    assert status.state.text().startswith("Up to date")
    ctx.store.enterprises.create({"name": f"沈阳测试{unique('')}", "district_code": "210102"})
    controller.refresh()
    assert status.pending.isVisible() is False or status.pending.text().startswith("1")
    assert "1 change" in status.pending.text()
    # Not "up to date" while a change waits: when it last synced, nothing more.
    assert status.state.text().startswith("Last sync")
    server.stop()  # the server goes away
    try:
        controller.sync_now()
        assert status.state.text().startswith("Offline — will sync")
        assert "1 change" in status.pending.text()  # still waiting, nothing lost
        # Looking for the server again says "offline" throughout, not "Syncing: connecting…"
        del seen[:]
        controller.sync_now()
        assert seen and all(text.startswith("Offline") for text in seen)
    finally:
        server.start()
    # The computer joins a network (plugged in at the office): a sync at once, nothing clicked.
    controller.network_changed(QNetworkInformation.Reachability.Online)
    assert status.state.text().startswith("Up to date")
    assert controller.view.pending == 0


def test_a_local_change_is_sent_shortly_after_by_itself(ctx, qtbot, server):
    user = server.add_user(unique("wang"))
    controller = signed_in_controller(ctx, server, user, debounce_ms=20)
    with qtbot.waitSignal(controller.sync_finished, timeout=10_000) as done:
        saved = ctx.store.enterprises.create(
            {"name": f"沈阳测试{unique('')}", "district_code": "210102"}
        )
        ctx.events.emit_changes(saved.changes)
    assert len(done.args[0].pushed) == 1
    assert server.query("SELECT id FROM records WHERE id = :i", i=saved.record.id)


def _clash(ctx, server, tmp_path, mine, theirs):  # type: ignore[no-untyped-def]
    """Wang (this folder) and Li (another) change one firm's field differently: one conflict."""
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    controller = signed_in_controller(ctx, server, wang)
    e = ctx.store.enterprises.create(
        {"name": f"沈阳测试{unique('')}", "district_code": "210102"}
    ).record.id
    controller.sync_now()
    server.admin("assign", "--enterprise", e, "--to", li)
    other = Folder(tmp_path / "li", server)
    other.login(li)
    other.sync()
    ctx.store.enterprises.update(e, mine)
    other.store.enterprises.update(e, theirs)
    controller.sync_now()
    other.sync()
    controller.sync_now()
    assert controller.view.conflicts == 1
    return controller, other, e


def test_two_officers_clash_and_settle_it_in_the_conflicts_view(
    ctx, qtbot, server, tmp_path, monkeypatch, shenyang
):
    controller, other, e = _clash(
        ctx, server, tmp_path, {"phone": "13811111111"}, {"phone": "13922222222"}
    )
    try:
        dialog = ConflictsDialog(ctx)
        qtbot.addWidget(dialog)
        assert dialog.model.rowCount() == 1
        mine = dialog.model.index(0, 3).data()
        theirs = dialog.model.index(0, 4).data()
        assert (mine, theirs) == ("13811111111", "13922222222")
        assert "13922222222" in dialog.detail.toPlainText()
        # When theirs was written, on this computer's clock (the server's time is UTC).
        stamp = ctx.store.sync.conflicts()[0]["at"]
        shown = dialog.detail.toPlainText()
        assert local_minute(stamp) in shown and str(stamp)[:16] not in shown
        dialog.keep_mine.click()
        assert dialog.model.rowCount() == 0 and dialog.empty.isVisible() is not None
        assert ctx.store.enterprises.get(e).phone == "13811111111"
        controller.sync_now()
        other.sync()
        assert other.store.enterprises.get(e).phone == "13811111111"
        assert other.store.sync.conflicts() == []
    finally:
        other.close()


def test_a_refused_change_is_shown_and_sent_again(ctx, qtbot, server, monkeypatch):
    boss = server.add_user(unique("zhao"), role="supervisor", district="210102")
    controller = signed_in_controller(ctx, server, boss)
    e = ctx.store.enterprises.create(
        {"name": f"大连测试{unique('')}", "district_code": "210202"}
    ).record.id
    controller.sync_now()
    assert controller.view.not_accepted == 1
    dialog = NotAcceptedDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 1 and "district" in dialog.model.index(0, 2).data()
    # In words, not the engine's codes: "Enterprise · …", "New", "A supervisor creates…".
    row = [dialog.model.index(0, col).data() for col in range(3)]
    assert row[0].startswith("Enterprise · 大连测试") and row[1] == "New"
    assert row[2][0].isupper()
    # Fixed: the firm is moved into the supervisor's district, and the change sent again.
    ctx.store.enterprises.update(e, {"district_code": "210102"})
    dialog.resend_current()
    assert dialog.model.rowCount() == 0
    controller.sync_now()
    assert controller.view.not_accepted == 0
    assert server.query("SELECT id FROM records WHERE id = :i", i=e)


def test_the_window_has_a_sync_menu_and_the_status_part(ctx, qtbot, monkeypatch):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(
        MainWindow, "run_dialog", classmethod(lambda cls, d: opened.append(d) or False)
    )
    window.act_sync_now.trigger()  # signed out: sync now offers the sign-in
    assert isinstance(opened[-1], SignInDialog)
    window.sync_status.state.click()
    assert isinstance(opened[-1], SignInDialog)
    assert window.act_sync_now.shortcut().toString() == "F5"


def test_the_app_syncs_by_itself_when_it_starts_signed_in(ctx, qtbot, server):
    """Started on a folder signed in earlier, the app syncs at once — not only at the next
    five-minute tick — so work recorded offline leaves as soon as the app is opened."""
    user = server.add_user(unique("wang"))
    ctx.store.sync.login(server.url, user, PASSWORD)
    ctx.store.enterprises.create({"name": f"沈阳测试{unique('')}", "district_code": "210102"})
    assert ctx.store.sync.status().pending == 1
    controller = SyncController(ctx)
    with qtbot.waitSignal(controller.sync_finished, timeout=20_000):
        controller.start()
    qtbot.waitUntil(lambda: controller.view.pending == 0 and not controller.view.running)
    assert ctx.store.sync.status().pending == 0
    controller.stop()


def test_many_refused_changes_are_given_up_at_once_and_said_in_chinese(
    ctx, qtbot, server, monkeypatch
):  # type: ignore[no-untyped-def]
    """A supervisor's folder holding firms of other districts (someone's demo data, say) has
    one refusal each: the view says why in Chinese, and Ctrl+A, Discard gives them all up in
    one go, off the GUI thread — the firms leave the lists."""
    ctx.labels.translations.switch("zh_CN")
    boss = server.add_user(unique("zhao"), role="supervisor", district="210102")
    controller = signed_in_controller(ctx, server, boss)
    firms = [
        ctx.store.enterprises.create(
            {"name": f"大连测试{k}{unique('')}", "district_code": "210202"}
        ).record.id
        for k in range(3)
    ]
    controller.sync_now()
    assert controller.view.not_accepted == 3
    dialog = NotAcceptedDialog(ctx)
    qtbot.addWidget(dialog)
    assert "所辖区县" in dialog.model.index(0, 2).data()
    assert dialog.model.headerData(2, Qt.Orientation.Horizontal) == "原因"
    asked: list[str] = []
    monkeypatch.setattr(
        NotAcceptedDialog,
        "confirm_discard",
        classmethod(lambda cls, parent, picked: asked.append(discard_question(picked)) or True),
    )
    dialog.table.selectAll()
    dialog.discard_current()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)
    listed = {x.id for x in ctx.store.enterprises.list()}
    assert not listed & set(firms)
    # Said before: these new firms are removed from this computer (the server has nothing).
    assert "3" in asked[0] and "从本机移除" in asked[0] and "服务器上的内容" not in asked[0]
    controller.refresh()
    qtbot.waitUntil(lambda: controller.view.not_accepted == 0)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_sign_in_the_server_no_longer_honours_asks_for_the_password_again(
    ctx, qtbot, server, monkeypatch, memory_keyring, tmp_path, language
):  # type: ignore[no-untyped-def]
    """The folder is signed in, but the server wants the password again (the app restarted on
    a computer without a keyring, the sign-in expired, the device was revoked): the status bar
    says so and a click opens the sign-in with the server and user filled in — not "sync
    failed, click to retry" for ever, with "Sign in" greyed out in the menu."""
    ctx.labels.translations.switch(language)
    user = server.add_user(unique("wang"))
    earlier = open_store(tmp_path / "data")  # the app's last run on this folder signed in
    earlier.sync.login(server.url, user, PASSWORD)
    earlier.close()
    memory_keyring.items.clear()  # and its sign-in did not outlive it
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.sync.refresh()
    window.sync.sync_now()
    assert window.sync.view.needs_sign_in
    state = window.sync_status.state.text()
    assert ("sign in" in state) if language == "en" else ("登录" in state and "重试" not in state)
    assert window.act_sign_in.isEnabled()
    opened: list[SignInDialog] = []

    def run(dialog):  # type: ignore[no-untyped-def]
        opened.append(dialog)
        dialog.password.setText(PASSWORD)
        dialog.sign_in()
        return bool(dialog.result())

    monkeypatch.setattr(MainWindow, "run_dialog", classmethod(lambda cls, d: run(d)))
    window.sync_status.state.click()
    assert (opened[0].server.text(), opened[0].user.text()) == (server.url, user)
    assert opened[0].result(), opened[0].message.text()
    assert not window.sync.view.needs_sign_in and window.sync.view.error is None
    assert window.sync.view.last_sync_at is not None


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_revoked_device_is_named_and_signing_in_again_registers_it_anew(
    ctx, qtbot, server, monkeypatch, language
):  # type: ignore[no-untyped-def]
    """An administrator revoked this computer: the status bar and the sign-in it opens say so
    in words of their own (not "wrong password, disabled account…"), and the password given
    again registers the folder anew, its unsent work sent."""
    ctx.labels.translations.switch(language)
    user = server.add_user(unique("wang"))
    first = ctx.store.sync.login(server.url, user, PASSWORD).client_id
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    ctx.store.enterprises.create({"name": f"沈阳测试{unique('')}", "district_code": "210102"})
    server.admin("device", "revoke", first)
    window.sync.refresh()
    window.sync.sync_now()
    assert window.sync.view.needs_sign_in and window.sync.view.pending == 1
    state = window.sync_status.state.text()
    # Short in English (a 150 % laptop's status bar has room for some 40 letters); the
    # sign-in it opens says who did it.
    assert ("Device disabled" if language == "en" else "被管理员停用") in state
    said = "administrator" if language == "en" else "管理员"
    opened: list[SignInDialog] = []

    def run(dialog):  # type: ignore[no-untyped-def]
        opened.append(dialog)
        assert said in dialog.message.text()
        assert ("sign in again" if language == "en" else "重新登录") in dialog.message.text()
        assert (
            "password or" not in dialog.message.text() and "密码错误" not in dialog.message.text()
        )
        dialog.password.setText(PASSWORD)
        dialog.sign_in()
        return bool(dialog.result())

    monkeypatch.setattr(MainWindow, "run_dialog", classmethod(lambda cls, d: run(d)))
    window.sync_status.state.click()
    assert opened and opened[0].result(), opened[0].message.text()
    assert opened[0].result_info.client_id != first
    qtbot.waitUntil(
        lambda: window.sync.view.last_sync_at is not None and not window.sync.view.running
    )
    assert (window.sync.view.pending, window.sync.view.error) == (0, None)


def test_an_unreachable_server_at_sign_in_promises_no_sync_later(ctx, qtbot):
    """Not signed in, nothing syncs by itself: the dialog asks to check the address instead
    of the running app's "will sync when the network is back"."""
    ctx.labels.translations.switch("zh_CN")
    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.server.setText(f"http://127.0.0.1:{free_port()}")
    dialog.user.setText("wang")
    dialog.password.setText(PASSWORD)
    dialog.sign_in()
    text = dialog.message.text()
    assert "地址" in text and "自动同步" not in text


def test_a_long_message_grows_the_sign_in_dialog_instead_of_squashing_its_fields(ctx, qtbot):
    """Shown, the dialog has the height of its empty form; a three-line refusal beneath it
    must make it taller, not squash the address and user fields until their text is cut."""
    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.server.setText(f"http://127.0.0.1:{free_port()}")
    dialog.user.setText("wang")
    dialog.password.setText(PASSWORD)
    dialog.sign_in()  # unreachable: a message of two or three lines
    dialog._say(dialog.message.text() + " " + dialog.message.text())
    QApplication.processEvents()  # (the layout settles on the event loop, as on screen)
    for edit in (dialog.server, dialog.user, dialog.password):
        assert edit.height() >= edit.sizeHint().height()
    assert dialog.message.height() >= dialog.message.heightForWidth(dialog.message.width())


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_clash_over_a_coded_field_reads_in_words(
    ctx, qtbot, server, tmp_path, language, monkeypatch
):  # type: ignore[no-untyped-def]
    """The field by its name and the districts by theirs, in either language — not
    "district_code" with "210103" against "210104"; Edit… offers the districts by name
    (no box to type a code into) and stores the code of the one picked."""
    ctx.labels.translations.switch(language)
    _controller, other, _e = _clash(
        ctx, server, tmp_path, {"district_code": "210103"}, {"district_code": "210104"}
    )
    try:
        dialog = ConflictsDialog(ctx)
        qtbot.addWidget(dialog)
        row = [dialog.model.index(0, col).data() for col in range(5)]
        names = [ctx.labels("districts", code) for code in ("210103", "210104")]
        assert row[2] == ("District" if language == "en" else "区县")
        assert row[3:] == names and "210103" not in names
        assert row[0].startswith("Enterprise · " if language == "en" else "企业 · ")
        assert names[1] in dialog.detail.toPlainText()
        if language == "zh_CN":  # a full-width colon after Chinese
            assert "我的：" in dialog.detail.toPlainText()
        offered: list[list[str]] = []

        def pick(cls, choice):  # type: ignore[no-untyped-def]
            qtbot.addWidget(choice)
            labels = [choice.choices.item(i).text() for i in range(choice.choices.count())]
            offered.append(labels)
            assert choice.choices.currentItem().text() == names[0]  # mine, to start from
            choice.choices.setCurrentRow(labels.index(ctx.labels("districts", "210105")))
            return choice.value()

        monkeypatch.setattr(ConflictsDialog, "ask_choice", classmethod(pick))
        monkeypatch.setattr(ConflictsDialog, "ask_value", classmethod(lambda *a: pytest.fail()))
        dialog.edit.click()
        assert names[0] in offered[0] and not any(x.isdigit() for x in "".join(offered[0]))
        assert ctx.store.enterprises.get(_e).district_code == "210105"
        assert dialog.model.rowCount() == 0
    finally:
        other.close()


def test_the_sync_dialogs_fit_a_small_screen(ctx, qtbot):  # type: ignore[no-untyped-def]
    """At 150 % a 1366×768 laptop leaves 910×512: the Conflicts view (900×560) put its Keep
    mine / Keep theirs / Close buttons below the screen's edge."""
    room = QApplication.primaryScreen().availableGeometry()
    assert room.width() < 900  # (the offscreen screen, 800 wide, is small enough to show it)
    for dialog in (ConflictsDialog(ctx), NotAcceptedDialog(ctx)):
        qtbot.addWidget(dialog)
        assert dialog.width() <= room.width() and dialog.height() <= room.height()


def test_the_officer_and_unit_shown_are_the_servers_once_signed_in(ctx, qtbot, server):  # type: ignore[no-untyped-def]
    """Signed in, the status bar names the officer as the server does and adds the unit the
    server gave them (the folder's own name was 王小明)."""
    user = unique("wang")
    server.admin(
        "user", "add", user, "--role", "officer", "--display-name", "王明", "--unit",
        "和平区商务局", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert "王小明" in window.officer_label.text()
    ctx.store.sync.login(server.url, user, PASSWORD)
    window.sync.signed_in()
    window.refresh_permissions()
    assert window.officer_label.text() == "Officer: 王明 · 和平区商务局"
