"""The app's start on a machine that cannot show its window: one plain sentence, not Qt's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QtMsgType

from liaison_app import app


def test_without_a_display_the_app_says_so_in_one_sentence(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    proc = subprocess.run(
        [sys.executable, "-m", "liaison_app", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    err = proc.stderr.decode("utf-8")
    assert proc.returncode != 0
    assert err.strip() == app.NO_DISPLAY_HELP, err  # Qt's text (blaming xcb-cursor0) is not shown
    log = (tmp_path / "data" / "logs" / "liaison.log").read_text("utf-8")
    assert "platform plugin" in log  # kept for support


def test_a_platform_plugin_that_cannot_load_names_the_packages_to_install(capsys, monkeypatch):
    monkeypatch.setattr(app, "_display_refused", [])
    app.qt_message(
        QtMsgType.QtFatalMsg,
        None,
        'Could not load the Qt platform plugin "xcb" in "" even though it was found.',
    )
    said = capsys.readouterr().err.strip()
    assert said == app.PLATFORM_HELP and "\n" not in said
    for package in ("libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0", "xcb-util-wm"):
        assert package in said
    readme = Path(app.paths.__file__).resolve().parent.parent / "README.md"
    text = readme.read_text("utf-8")
    assert app.DEBIAN_PACKAGES in text and app.FEDORA_PACKAGES in text  # the same line
