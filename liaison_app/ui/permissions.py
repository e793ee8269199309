"""Why a write would be refused, in the person's language: the tooltip of a disabled action."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from liaison_app.domain.permissions import NO_DISTRICT, OUTSIDE_DISTRICT, SAME_FIRM
from liaison_app.ui.context import AppContext


def refusal_text(ctx: AppContext, reason: str | None) -> str:
    """ "" when the server would accept the write."""
    if reason == NO_DISTRICT:
        return QCoreApplication.translate(
            "Permissions",
            "The server has not given you a district yet, so it would not accept this.",
        )
    if reason == OUTSIDE_DISTRICT:
        return QCoreApplication.translate(
            "Permissions",
            "This enterprise is outside your district (%1): the server would not accept "
            "changes to it.",
        ).replace("%1", ctx.labels("districts", ctx.permissions.district))
    if reason == SAME_FIRM:
        return QCoreApplication.translate("Permissions", "Choose two different enterprises.")
    return ""


def allow(ctx: AppContext, widget: QWidget, reason: str | None, *, available: bool = True) -> None:
    """Enable ``widget`` when it is available and the server would accept it; otherwise
    disable it, with the reason as its tooltip."""
    widget.setEnabled(available and reason is None)
    widget.setToolTip(refusal_text(ctx, reason) if available else "")
