"""Merging duplicate enterprises: pick the firm to keep, see what moves, confirm; undoable."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.records import Changes, MergePlan
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.permissions import allow


class MergeCommand(QUndoCommand):
    """On the undo stack after a merge: undo puts everything back (the merged firm restored,
    what moved moved back), redo merges again. Each step is an ordinary captured change."""

    def __init__(self, text: str, ctx: AppContext, plan: MergePlan) -> None:
        super().__init__(text)
        self._ctx, self._plan, self._done = ctx, plan, True

    def redo(self) -> None:
        if self._done:  # pushed after the merge was made: nothing to do yet
            self._done = False
            return
        self._plan, changes = self._ctx.store.enterprises.merge(
            self._plan.keep_id, self._plan.drop_id
        )
        self._ctx.events.emit_changes(changes)

    def undo(self) -> None:
        self._ctx.events.emit_changes(self._ctx.store.enterprises.unmerge(self._plan))


class MergeDialog(QDialog):
    """For a duplicate-enterprise conflict: which firm stays, and what moves onto it."""

    def __init__(
        self, ctx: AppContext, conflict_id: int, twins: tuple[str, str], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self._ctx, self.conflict_id = ctx, conflict_id
        a, b = twins
        store = ctx.store.enterprises
        # The plan of each direction: keep the one, move the other's records onto it.
        self.plans = {a: store.merge_plan(a, b), b: store.merge_plan(b, a)}
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.choices: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        for ident in twins:
            button = QRadioButton()
            self.choices[ident] = button
            self.group.addButton(button)
            button.toggled.connect(lambda _on: self._show_plan())
            layout.addWidget(button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.merge)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.plan: MergePlan | None = None
        # Keep by default the firm with more history: the other has less to move (a plan
        # counts what its dropped firm holds).
        keep_a = len(self.plans[a].visits) + len(self.plans[a].problems)
        keep_b = len(self.plans[b].visits) + len(self.plans[b].problems)
        self.choices[a if keep_a <= keep_b else b].setChecked(True)
        self.retranslate_ui()
        self.resize(720, self.sizeHint().height())

    def keep(self) -> str:
        return next(k for k, b in self.choices.items() if b.isChecked())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Merge duplicate enterprises"))
        self.heading.setText(
            self.tr(
                "These two enterprises look like one firm. Choose the one to keep: the other's "
                "visits and problems (with their follow-ups and attachments) move onto it, and "
                "the other is deleted."
            )
        )
        for ident, button in self.choices.items():
            button.setText(
                self.tr("Keep %1 (%2)")
                .replace("%1", self.plans[ident].keep_name)
                .replace("%2", self._about(ident))
            )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Merge"))
        self._show_plan()

    def _about(self, ident: str) -> str:
        """What tells a twin apart: district, liaison officer, what it holds."""
        own = self.plans[ident]
        other = next(p for k, p in self.plans.items() if k != ident)  # counts ident's records
        held = (
            self.tr("%n visit(s)", "", len(other.visits))
            + self.tr(", ")
            + self.tr("%n problem(s)", "", len(other.problems))
        )
        parts = [self._ctx.labels("districts", own.keep_district) or "—"]
        if own.keep_officer:
            parts.append(own.keep_officer)
        parts.append(held)
        return " · ".join(parts)

    def _show_plan(self) -> None:
        if not any(b.isChecked() for b in self.choices.values()):
            return
        self.plan = p = self.plans[self.keep()]
        moves = self.tr("%n visit(s)", "", len(p.visits))
        problems = self.tr("%n problem(s)", "", len(p.problems))
        actions = self.tr("%n follow-up(s)", "", p.actions)
        files = self.tr("%n attachment(s)", "", p.attachments)
        self.summary.setText(
            self.tr("Moves %1 and %2 (with %3 and %4) from %5 to %6, then deletes %5.")
            .replace("%1", moves)
            .replace("%2", problems)
            .replace("%3", actions)
            .replace("%4", files)
            .replace("%5", self._named(p.drop_name, p.drop_officer))
            .replace("%6", self._named(p.keep_name, p.keep_officer))
        )
        why = self._ctx.permissions.merge(p.keep_id, p.keep_district, p.drop_id, p.drop_district)
        allow(self._ctx, self.buttons.button(QDialogButtonBox.StandardButton.Ok), why)

    def _named(self, name: str, officer: str | None) -> str:
        return self.tr("%1 (%2)").replace("%1", name).replace("%2", officer) if officer else name

    def merge(self) -> None:
        p = self.plan
        if p is None:
            return
        try:
            plan, changes = self._ctx.store.sync.merge_duplicate(self.conflict_id, p.keep_id)
        except Exception as exc:  # noqa: BLE001 - said in a dialog
            ErrorDialog.show_error(self, exc)
            return
        self._ctx.undo.push(
            MergeCommand(
                self.tr("Merge %1 into %2")
                .replace("%1", plan.drop_name)
                .replace("%2", plan.keep_name),
                self._ctx,
                plan,
            )
        )
        self._ctx.events.emit_changes(Changes(changes.kinds, changes.ids))
        self.accept()
