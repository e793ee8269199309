"""The whole story an officer lives, in Chinese and in English, through the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from liaison_app.app import build_window, first_run
from liaison_app.errors import NotFoundError
from liaison_app.ui.enterprises.editor import EnterpriseEditor
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.main_window import PAGES
from liaison_app.ui.problems.step_dialog import StepDialog
from liaison_app.ui.welcome import WelcomeDialog
from tests.conftest import TODAY
from tests.ui.conftest import type_text


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_from_new_enterprise_to_closed_problem(ctx, qtbot, monkeypatch, language, errors):
    ctx.labels.translations.switch(language)
    window = build_window(ctx)
    qtbot.addWidget(window)
    window.restore_state()

    def fill_editor(editor):
        type_text(editor.edits["name"], "抚顺新材料科技有限公司")
        type_text(editor.edits["uscc"], "91210102MAPJ96WP38")
        editor.district.setCurrentIndex(editor.district.findData("210402"))
        type_text(editor.edits["phone"], "13912345678")
        editor.save()
        return 1

    monkeypatch.setattr(EnterpriseEditor, "exec", fill_editor)
    window.new_enterprise()
    enterprise = window.enterprises.current()
    assert enterprise is not None and enterprise.name == "抚顺新材料科技有限公司"

    window.enterprises.visit_button.click()
    entry = window.visits.entry
    assert window.current_page() == "visits" and entry.enterprise_id() == enterprise.id
    entry.date.setMaximumDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    entry.date.setDate(QDate(2026, 11, 19))
    for i, (category, text) in enumerate(
        [
            ("funding", "流动资金缺口300万元"),
            ("labour", "缺少数控工人"),
            ("permits", "厂房规划许可审批慢"),
        ]
    ):
        row = entry.problems.rows[i] if i < len(entry.problems.rows) else entry.problems.add_row()
        row.category.setCurrentIndex(row.category.findData(category))
        type_text(row.description, text)
    entry.save()
    assert errors == []

    window.show_page(PAGES.index("dashboard"))
    assert window.dashboard.headline.text() == "0.0%"

    problems = ctx.store.problems.list(enterprise_id=enterprise.id)
    funding = next(p for p in problems if p.category == "funding")
    window.open_problem(funding.id)
    assert window.ledger.detail.problem.id == funding.id

    def take(step, fill=lambda d: None):
        dialog = StepDialog(ctx, ctx.store.problems.get(funding.id), step, window)
        qtbot.addWidget(dialog)
        fill(dialog)
        dialog.save()
        assert dialog.saved is not None, (step, errors)

    take("accept")
    take(
        "assign",
        lambda d: d.department.setCurrentIndex(d.department.findData("financial_regulation")),
    )
    take("follow_up", lambda d: d.note.setPlainText("约谈银行"))
    take("resolve", lambda d: d.note.setPlainText("已办理续贷"))
    take(
        "callback",
        lambda d: d.satisfaction.setCurrentIndex(d.satisfaction.findData("very_satisfied")),
    )
    take("close")
    assert ctx.store.problems.get(funding.id).status == "closed"

    window.show_page(PAGES.index("dashboard"))
    assert window.dashboard.headline.text() == "33.3%"  # 1 resolved of 3 received
    expected = "已办结 1 件 / 受理 3 件" if language == "zh_CN" else "1 resolved of 3 received"
    assert window.dashboard.counts.text() == expected


def test_first_run_asks_the_name_and_offers_demo_data(ctx, monkeypatch):

    def answer(dialog):
        dialog.name.setText("李晓东")
        dialog.demo.setChecked(True)
        return 1

    monkeypatch.setattr(WelcomeDialog, "exec", answer)
    assert first_run(ctx)
    assert ctx.store.settings.officer_name() == "李晓东"
    assert ctx.store.enterprises.count() == 60


def test_welcome_in_a_folder_with_data_offers_no_demo_and_an_error_never_closes_the_app(
    ctx, monkeypatch, errors
):
    from tests.ui.conftest import add_enterprise

    add_enterprise(ctx.store, "沈阳北方重型机械有限公司", district_code="210106")
    offered: list[bool] = []

    def answer(dialog):
        offered.append(dialog.demo.isVisibleTo(dialog))
        assert "1 enterprises" in dialog.kept.text() and dialog.kept.isVisibleTo(dialog)
        dialog.name.setText("李晓东")
        dialog.demo.setChecked(True)  # even if it were chosen somehow
        return 1

    monkeypatch.setattr(WelcomeDialog, "exec", answer)
    assert first_run(ctx)
    assert offered == [False] and errors == []
    assert ctx.store.enterprises.count() == 1
    assert ctx.store.settings.officer_name() == "李晓东"

    # A failure while setting up (here: demo data refused by the service) is shown, and the
    # app goes on to its window instead of dying.
    monkeypatch.setattr(WelcomeDialog, "wants_demo", property(lambda _d: True))
    assert first_run(ctx)
    assert len(errors) == 1 and "already holds 1 enterprises" in str(errors[0])
    assert ctx.store.enterprises.count() == 1


def test_welcome_requires_a_name(qtbot):
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.result() == 0 and not dialog.name_message.isHidden()


def test_error_dialog_copies_details(qtbot, monkeypatch):
    dialog = ErrorDialog(None, "Unexpected error", "Something went wrong", "Traceback: boom")
    qtbot.addWidget(dialog)
    dialog.copy_details()
    assert "Traceback: boom" in QApplication.clipboard().text()
    known = ErrorDialog(None, "x", str(NotFoundError("problem", "p1")), None)
    qtbot.addWidget(known)
    assert known.details is None


def test_errors_speak_chinese_in_the_chinese_ui(ctx, qtbot):
    from liaison_app.domain.messages import error_text
    from liaison_app.errors import LifecycleError

    ctx.labels.translations.switch("zh_CN")
    editor = EnterpriseEditor(ctx)
    qtbot.addWidget(editor)
    type_text(editor.edits["uscc"], "91310115MA1H8R7C6D")
    assert (
        editor.messages["uscc"].text()
        == "统一社会信用代码校验位应为“7”，而不是“D”，可能有字符输入错误"
    )
    editor.save()  # no name given
    assert editor.messages["name"].text() == "名称为必填项"
    refused = error_text(
        LifecycleError("close", "received", ["accept", "resolve", "reject"]), "zh_CN"
    )
    assert refused == "当前状态为“待受理”，不能执行“销号”；可执行的步骤：受理、办结、退回"


def test_problem_row_errors_speak_chinese_too(ctx, qtbot):
    from PySide6.QtCore import QDate

    from liaison_app.ui.visits.entry import VisitEntry
    from tests.ui.conftest import add_enterprise

    ctx.labels.translations.switch("zh_CN")
    ident = add_enterprise(ctx.store, "锦州石化有限公司")
    entry = VisitEntry(ctx)
    qtbot.addWidget(entry)
    entry.date.setMaximumDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    entry.start_for(ident)
    row = entry.problems.rows[0]
    row.category.setCurrentIndex(row.category.findData("tax"))
    row.description.setText("x" * 20_001)
    entry.save()
    assert row.message.text() == "问题描述过长：20001 个字符，最多 20000 个"
