"""Windows that fit their screen: a 1366×768 laptop at 150 % leaves 910×512 pixels."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fitting_size(widget: QWidget, width: int, height: int) -> QSize:
    """``width`` × ``height`` — roomy — but never larger than the screen the widget is on
    (with room for a window frame), so no dialog's buttons fall below the screen's edge."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, room.width() - 40), min(height, room.height() - 60)
    return QSize(width, height)


def resize_to_fit(widget: QWidget, width: int, height: int) -> None:
    """Resize to the roomy size, or to what the screen has."""
    widget.resize(fitting_size(widget, width, height))
