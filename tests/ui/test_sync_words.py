"""Sync's words: counts in English as English ("1 conflict", "2 conflicts", never
"1 conflict(s)") and in Chinese as Chinese (Qt's %n plural forms); what giving up refused
changes does, said by kind; a coded field's choices by name."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from liaison_app.services.sync import NotAccepted
from liaison_app.ui.sync.controller import SyncView
from liaison_app.ui.sync.rejected import discard_question
from liaison_app.ui.sync.status import SyncStatus

ROOT = Path(__file__).resolve().parents[2]


def counting() -> list[tuple[str, str]]:
    """(context, source) of every text of the app that counts with %n."""
    tree = ET.parse(ROOT / "resources" / "i18n" / "liaison_zh_CN.ts")
    return [
        (context.findtext("name") or "", message.findtext("source") or "")
        for context in tree.getroot().iter("context")
        for message in context.iter("message")
        if "%n" in (message.findtext("source") or "")
    ]


def test_every_count_has_an_english_singular_and_plural(ctx):
    ctx.labels.translations.switch("en")
    texts = counting()
    assert len(texts) > 20
    for context, source in texts:
        one, two = (QCoreApplication.translate(context, source, "", n) for n in (1, 2))
        assert "(s)" not in one + two, (context, source)
        assert "1" in one and "2" in two, (context, source)
        if "(s)" in source:  # a noun counted: its forms differ
            assert one != two.replace("2", "1"), (context, source)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["1 change not yet sent", "1 conflict", "2 changes not yet sent", "2 conflicts"]),
        ("zh_CN", ["1 项更改尚未发送", "1 处冲突", "2 项更改尚未发送", "2 处冲突"]),
    ],
)
def test_the_status_bar_counts_in_words(ctx, qtbot, language, expected):
    ctx.labels.translations.switch(language)
    status = SyncStatus()
    qtbot.addWidget(status)
    seen = []
    for n in (1, 2):
        view = replace(SyncView(), signed_in=True, pending=n, conflicts=n, not_accepted=n)
        status.show_view(view)
        seen += [status.pending.text(), status.conflicts.text()]
    assert seen == expected


def refused(op: str) -> NotAccepted:
    return NotAccepted("m", "enterprise", "r", "沈阳测试", op, "reason", (), "rejected", "")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_discarding_a_refused_new_record_says_it_leaves_this_computer(ctx, language):
    """The server has no copy of a new record it refused: giving it up removes it here, and
    the question says so (it promised "what the server holds"); an edit goes back to the
    server's values; a mixed choice says both."""
    ctx.labels.translations.switch(language)
    removed, server = ("removed", "server holds") if language == "en" else ("移除", "服务器")
    new, edit = refused("create"), refused("update")
    one_new = discard_question([new])
    assert removed in one_new and server + " holds" not in one_new
    assert "服务器上的内容" not in one_new
    assert server in discard_question([edit]) and removed not in discard_question([edit])
    many_new = discard_question([new, new])
    assert removed in many_new and "2" in many_new and "(s)" not in many_new
    mixed = discard_question([new, edit, edit])
    assert removed in mixed and server in mixed and "3" in mixed and "1" in mixed
    assert "%" not in mixed + many_new + one_new


def test_a_list_of_codes_is_ticked_by_name(ctx, qtbot):
    """Co-departments (a list): the departments by name, each ticked or not; the codes kept."""
    from PySide6.QtCore import Qt

    from liaison_app.ui.sync.choice import ChoiceDialog

    items = ctx.labels.items("departments")
    codes = [code for code, _ in items]
    dialog = ChoiceDialog("Co-departments", items, [codes[0]], many=True)
    qtbot.addWidget(dialog)
    assert [dialog.choices.item(i).text() for i in range(3)] == [label for _, label in items[:3]]
    dialog.choices.item(2).setCheckState(Qt.CheckState.Checked)
    assert dialog.value() == [codes[0], codes[2]]
