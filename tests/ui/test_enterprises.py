"""The enterprise screen: pinyin order, search as you type, inline validation, undoable delete."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from liaison_app.ui.enterprises.editor import EnterpriseEditor
from liaison_app.ui.enterprises.table_model import EnterpriseTableModel
from liaison_app.ui.enterprises.view import EnterprisesView
from tests.ui.conftest import add_enterprise, type_text


def names(view: EnterprisesView) -> list[str]:
    m = view.model
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())]


def test_model_is_sound_and_sorted_in_pinyin_order(ctx, qtmodeltester):
    for name in (
        "张家口贸易有限公司",
        "阿城机械有限公司",
        "北方重工有限公司",
        "沈阳鼓风机有限公司",
    ):
        add_enterprise(ctx.store, name, district_code="210102")
    model = EnterpriseTableModel(ctx)
    model.reload()
    qtmodeltester.check(model)
    column = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    # a(阿) < b(北) < s(沈) < z(张): pinyin, not code point order
    assert column == [
        "阿城机械有限公司",
        "北方重工有限公司",
        "沈阳鼓风机有限公司",
        "张家口贸易有限公司",
    ]


def test_search_as_you_type_finds_chinese_substrings(ctx, qtbot):
    add_enterprise(ctx.store, "沈阳君威新能科技有限公司", district_code="210102")
    add_enterprise(ctx.store, "大连港湾物流有限公司", district_code="210202")
    view = EnterprisesView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    assert len(names(view)) == 2
    type_text(view.search, "君威")
    qtbot.waitUntil(lambda: names(view) == ["沈阳君威新能科技有限公司"])
    view.search.clear()
    type_text(view.search, "港")  # a single character works too
    qtbot.waitUntil(lambda: names(view) == ["大连港湾物流有限公司"])
    assert "1" in view.count_label.text()


def test_wrong_uscc_check_character_is_explained_next_to_the_field(ctx, qtbot):
    editor = EnterpriseEditor(ctx)
    qtbot.addWidget(editor)
    editor.edits["name"].setText("上海测试有限公司")
    qtbot.keyClicks(editor.edits["uscc"], "91310115MA1H8R7C6D")
    message = editor.messages["uscc"]
    assert not message.isHidden()
    assert "should be '7'" in message.text()
    editor.save()
    assert editor.result() == 0  # not accepted
    assert ctx.store.enterprises.count() == 0


@pytest.mark.parametrize("answer", [True, False], ids=["open-it", "keep-editing"])
def test_duplicate_uscc_is_refused_and_the_existing_firm_offered_by_name(
    ctx, qtbot, monkeypatch, answer
):
    first = add_enterprise(ctx.store, "沈阳君威新能科技有限公司", uscc="91210102MAPJ96WP38")
    other = add_enterprise(ctx.store, "阿尔法公司", district_code="210102")
    view = EnterprisesView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    asked: list[str] = []

    def fill(editor):
        editor.edits["name"].setText("另一家公司")
        qtbot.keyClicks(editor.edits["uscc"], "91210102mapj96wp38")
        message = editor.messages["uscc"].text()
        assert "沈阳君威新能科技有限公司" in message and first not in message
        editor.save()  # Enter: refused, the first firm offered
        assert ctx.store.enterprises.count() == 2
        assert editor.saved_record is None
        assert editor.result() == 0 and (editor.open_instead == first) == answer
        return 0

    monkeypatch.setattr(EnterpriseEditor, "exec", fill)
    monkeypatch.setattr(
        EnterpriseEditor, "ask_open_existing", lambda _e, name: asked.append(name) or answer
    )
    view.select(other)
    view.new_enterprise()
    assert asked == ["沈阳君威新能科技有限公司"]
    current = view.current()
    assert current is not None and current.id == (first if answer else other)
    assert ctx.store.enterprises.count() == 2


def test_bad_phone_and_unknown_district_show_beside_their_fields(ctx, qtbot):
    editor = EnterpriseEditor(ctx)
    qtbot.addWidget(editor)
    editor.edits["name"].setText("测试")
    qtbot.keyClicks(editor.edits["phone"], "12345678901")
    assert "not a mobile" in editor.messages["phone"].text()
    editor.save()
    assert not editor.messages["phone"].isHidden()
    assert ctx.store.enterprises.count() == 0


def test_new_enterprise_appears_and_delete_can_be_undone(ctx, qtbot, monkeypatch):
    view = EnterprisesView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()

    def fake_exec(editor):
        editor.edits["name"].setText("鞍山钢铁配件有限公司")
        editor.district.setCurrentIndex(editor.district.findData("210302"))
        editor.save()
        return 1

    monkeypatch.setattr(EnterpriseEditor, "exec", fake_exec)
    view.new_enterprise()
    assert names(view) == ["鞍山钢铁配件有限公司"]
    assert "鞍山钢铁配件有限公司" in view.details.toPlainText()
    asked: list[str] = []
    answer = False
    monkeypatch.setattr(
        EnterprisesView, "confirm_delete", lambda self, name: asked.append(name) or answer
    )
    view.table.selectRow(0)
    view.delete_selected()  # declined: nothing deleted, nothing to undo
    assert asked == ["鞍山钢铁配件有限公司"]
    assert names(view) == ["鞍山钢铁配件有限公司"] and view.undo_notice.isHidden()
    answer = True
    view.delete_selected()
    assert names(view) == []
    assert not view.undo_notice.isHidden()  # "已删除 鞍山钢铁… · 撤销"
    assert "鞍山钢铁配件有限公司" in view.undo_notice.label.text()
    view.undo_notice.undo_button.click()
    assert names(view) == ["鞍山钢铁配件有限公司"] and view.undo_notice.isHidden()
    ctx.undo.redo()
    assert names(view) == []
    ctx.undo.undo()  # Ctrl+Z works as well
    assert names(view) == ["鞍山钢铁配件有限公司"]


def test_record_visit_button_asks_for_a_visit_of_the_selected_firm(ctx, qtbot):
    ident = add_enterprise(ctx.store, "本溪钢铁有限公司")
    view = EnterprisesView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    with qtbot.waitSignal(view.new_visit_requested) as blocker:
        qtbot.mouseClick(view.visit_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [ident]


def test_an_edit_never_puts_back_a_value_changed_while_the_editor_was_open(ctx, qtbot):
    """The phone changed (a pull, or the command line) after the editor opened; saving the
    address alone keeps the new phone, and only the address is queued for the server."""
    from sqlalchemy import select

    from liaison_app.models.sync_tables import OutboxEntry

    ident = add_enterprise(ctx.store, "沈阳君威新能科技有限公司", phone="13812345678")
    editor = EnterpriseEditor(ctx, ctx.store.enterprises.get(ident))
    qtbot.addWidget(editor)
    ctx.store.enterprises.update(ident, {"phone": "13900000000"})  # meanwhile
    editor.edits["address"].setText("沈阳市和平区南京北街1号")
    editor.save()
    now = ctx.store.enterprises.get(ident)
    assert (now.phone, now.address) == ("13900000000", "沈阳市和平区南京北街1号")
    with ctx.store.db.reading() as s:
        last = s.scalars(select(OutboxEntry).order_by(OutboxEntry.id.desc())).first()
    assert last.op == "update" and last.body["fields"] == {"address": "沈阳市和平区南京北街1号"}
    assert last.body["base"] == {"address": None}


def test_a_provisional_problem_number_says_so_in_the_ledger(ctx, qtbot):
    from liaison_app.ui.problems.table_model import ProblemTableModel

    ident = add_enterprise(ctx.store, "沈阳君威新能科技有限公司")
    ctx.store.problems.create({"category": "funding", "description": "贷款"}, enterprise_id=ident)
    model = ProblemTableModel(ctx)
    model.set_loader(lambda offset, n: ctx.store.problems.list(limit=n, offset=offset))
    column = model.COLUMNS.index("number")
    text = model.data(model.index(0, column))
    assert text.startswith("L-") and text.endswith("（临时）" if ctx.labels.zh else "(provisional)")


def test_ambiguous_district_names_show_their_city_in_pickers_and_lists(ctx, qtbot):
    ctx.labels.translations.switch("zh_CN")
    add_enterprise(ctx.store, "鞍山铁西机械厂", district_code="210303")
    editor = EnterpriseEditor(ctx)
    qtbot.addWidget(editor)
    items = [editor.district.itemText(i) for i in range(editor.district.count())]
    assert "沈阳市铁西区" in items and "鞍山市铁西区" in items and "铁西区" not in items
    assert len(set(items)) == len(items)
    view = EnterprisesView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    assert view.model.data(view.model.index(0, 2)) == "鞍山市铁西区"


def test_a_new_enterprise_is_looked_after_by_the_officer_recording_it(ctx, qtbot):
    editor = EnterpriseEditor(ctx)
    qtbot.addWidget(editor)
    assert editor.edits["officer"].text() == ctx.store.settings.officer_name() == "王小明"
