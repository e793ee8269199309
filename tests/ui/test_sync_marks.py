"""The lists' sync column against the real server: nothing in a folder never signed in, then
waiting → on the server → not accepted (the reason in the tooltip, in Chinese too)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from liaison_app.ui.enterprises.view import EnterprisesView
from liaison_app.ui.sync.controller import SyncController
from liaison_app.ui.visits.view import VisitsView
from tests.sync.conftest import sqlite_server  # noqa: F401  (the session's server)
from tests.sync.harness import PASSWORD, unique

TIP = Qt.ItemDataRole.ToolTipRole
ICON = Qt.ItemDataRole.DecorationRole


@pytest.fixture
def server(sqlite_server):  # noqa: F811
    return sqlite_server


def mark(view, ident: str) -> tuple[object, str | None]:
    """What a person sees in the row's sync cell: the icon and, hovering, the tooltip."""
    model = view.model
    row = model.row_of(ident)
    assert row >= 0
    cell = model.index(row, model.SYNC_COLUMN)
    return cell.data(ICON), cell.data(TIP)


def create(ctx, name: str, district: str) -> str:
    saved = ctx.store.enterprises.create({"name": name, "district_code": district})
    ctx.events.emit_changes(saved.changes)
    return saved.record.id


def test_marks_go_waiting_sent_and_not_accepted_in_the_lists(ctx, qtbot, server):
    firms = EnterprisesView(ctx)
    qtbot.addWidget(firms)
    firms.ensure_loaded()
    offline = create(ctx, f"沈阳离线{unique('')}", "210102")
    assert firms.table.isColumnHidden(firms.model.SYNC_COLUMN)  # offline only: no marks
    assert mark(firms, offline) == (None, None)

    boss = server.add_user(unique("zhao"), role="supervisor", district="210102")
    ctx.store.sync.login(server.url, boss, PASSWORD)
    outside = create(ctx, f"大连测试{unique('')}", "210202")  # not the supervisor's district
    assert not firms.table.isColumnHidden(firms.model.SYNC_COLUMN)
    for ident in (offline, outside):
        icon, tip = mark(firms, ident)
        assert icon is not None and not icon.isNull()
        assert tip == "Not yet sent to the server"

    controller = SyncController(ctx)
    controller.refresh()
    controller.sync_now()
    icon, tip = mark(firms, offline)
    assert tip == "On the server" and not icon.isNull()
    icon, tip = mark(firms, outside)
    assert tip.startswith("Not accepted by the server: ") and "district" in tip
    firms.select(outside)  # the firm's page says it too
    assert "Not accepted by the server" in firms.details.toPlainText()

    # The visits list shows the same marks for a visit recorded now, then sent.
    visits = VisitsView(ctx)
    qtbot.addWidget(visits)
    visit = ctx.store.visits.create(offline, {"visit_date": "2026-11-19"})
    ctx.events.emit_changes(visit.changes)
    visits.tabs.setCurrentIndex(1)
    assert mark(visits, visit.record.id)[1] == "Not yet sent to the server"
    visits.show_visit(visit.record.id)
    assert "Not yet sent to the server" in visits.detail.text.toPlainText()
    controller.sync_now()
    assert mark(visits, visit.record.id)[1] == "On the server"
    assert "On the server" in visits.detail.text.toPlainText()

    ctx.labels.translations.switch("zh_CN")
    assert mark(visits, visit.record.id)[1] == "已发送到服务器"
    tip = mark(firms, outside)[1]
    assert tip == "服务器未接受：督导只能在本人所辖区县内新增企业"  # the reason in Chinese


def test_a_page_of_marks_is_one_statement(ctx, server):
    from sqlalchemy import event

    user = server.add_user(unique("wang"))
    ctx.store.sync.login(server.url, user, PASSWORD)
    ids = [
        ctx.store.enterprises.create({"name": f"企业{i}", "district_code": "210102"}).record.id
        for i in range(200)
    ]
    statements: list[str] = []
    engine = ctx.store.db.engine
    listen = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        states = ctx.store.sync.record_states(ids)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len(states) == 200 and {s.state for s in states.values()} == {"pending"}
    reads = [s for s in statements if "sync_outbox" in s]
    assert len(reads) == 1 and "sync_base" in reads[0]
