"""Refusals from the server said in Chinese: the ones it gives in words only, by their words."""

from __future__ import annotations

import pytest

from liaison_app.domain.messages import error_text, rejection_text
from liaison_app.errors import LiaisonError


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("unknown enterprise 01a23ecc-8bee-7cbe (or outside your scope)", "不在您的负责范围内"),
        ("unknown record 01a23ecc-8bee-7cbe (or outside your scope)", "不在您的负责范围内"),
        ("a supervisor creates enterprises in their own district only", "所辖区县"),
        ("follow-up actions are append-only", "只能新增"),
        ("fields.summary: text with a NUL character", "空字符"),
    ],
)
def test_known_refusals_are_said_in_chinese(reason, said):  # type: ignore[no-untyped-def]
    text = rejection_text(reason, [], False, "zh_CN")
    assert said in text and "outside" not in text and "supervisor" not in text


def test_an_unknown_refusal_is_quoted_and_english_stays_english():  # type: ignore[no-untyped-def]
    assert (
        rejection_text("something new", [], False, "zh_CN") == "服务器给出的原因为“something new”"
    )
    reason = "a supervisor creates enterprises in their own district only"
    assert rejection_text(reason, [], False, "en") == reason
    assert "太大" in rejection_text(None, [], True, "zh_CN")


def test_an_error_in_english_reads_as_a_sentence_in_a_dialog():  # type: ignore[no-untyped-def]
    exc = LiaisonError("the server refused the sign-in: wrong user name or password")
    assert error_text(exc, "en") == "The server refused the sign-in: wrong user name or password"
    assert exc.message.startswith("the")  # the command line keeps its own words
