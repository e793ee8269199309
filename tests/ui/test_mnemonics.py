"""Alt+letter reaches one thing: no two captions on a page, nor a caption and a menu, share a
mnemonic (登记走访(V) opened the 视图(V) menu; P stood three times in the visit form)."""

from __future__ import annotations

import re
from collections import Counter

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget

from liaison_app.ui.main_window import MainWindow

MNEMONIC = re.compile(r"&([^&\s])")


def letters(page: QWidget, menus: list[str]) -> Counter[str]:
    texts = list(menus)
    for w in page.findChildren(QAbstractButton):
        texts.append(w.text())
    for w in page.findChildren(QLabel):
        if w.buddy() is not None:
            texts.append(w.text())
    for w in page.findChildren(QGroupBox):
        texts.append(w.title())
    return Counter(m.group(1).lower() for t in texts if (m := MNEMONIC.search(t.replace("&&", ""))))


def test_no_two_captions_on_a_page_share_a_mnemonic(ctx, qtbot):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    menus = [a.text() for a in window.menuBar().actions()]
    for page, against in ((window.enterprises, menus), (window.visits.entry, [])):
        twice = {k: n for k, n in letters(page, against).items() if n > 1}
        assert not twice, (type(page).__name__, twice)
