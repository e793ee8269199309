"""Every message lupdate extracted is under a context the code asks for at run time: a
``parent.tr(...)`` is filed under "parent" but looked up under the parent's class name, so
it was never translated (the sign-out question, the discard question)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_message_sits_under_a_variable_name():  # type: ignore[no-untyped-def]
    tree = ET.parse(ROOT / "resources" / "i18n" / "liaison_zh_CN.ts")
    names = {c.findtext("name") for c in tree.getroot().iter("context")}
    assert not names & {"parent", "self", "widget", "dialog", "cls"}, sorted(names)


def test_no_tr_is_called_on_another_object():  # type: ignore[no-untyped-def]
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in (ROOT / "liaison_app" / "ui").rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\b(?!self\b)\w+\.tr\(", line)
    ]
    assert not offenders, offenders
