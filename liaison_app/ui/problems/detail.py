"""One problem: its fields, its timeline of follow-up actions, and buttons for the legal steps."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.dates import local_minute
from liaison_app.domain.lifecycle import STEPS
from liaison_app.domain.records import Changes, ProblemRecord
from liaison_app.errors import NotFoundError
from liaison_app.ui.attachments.panel import AttachmentsPanel
from liaison_app.ui.context import AppContext
from liaison_app.ui.flow import wrapping_row
from liaison_app.ui.permissions import allow
from liaison_app.ui.problems.step_dialog import StepDialog
from liaison_app.ui.richtext import esc
from liaison_app.ui.sync.record_state import page_line


class ProblemDetail(QWidget):
    step_taken = Signal(str)  # problem id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.problem: ProblemRecord | None = None
        self.text = QTextBrowser()
        self.step_buttons: dict[str, QPushButton] = {}
        # The legal steps wrap onto a second line rather than widen the window.
        self.step_bar, bar = wrapping_row()
        for step in (*STEPS, "follow_up"):
            button = QPushButton()
            button.clicked.connect(lambda _c=False, s=step: self.open_step(s))
            self.step_buttons[step] = button
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.step_bar)
        self.attachments = AttachmentsPanel(ctx)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.text)
        splitter.addWidget(self.attachments)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter)
        ctx.events.changed.connect(self._on_data_changed)
        self.show_problem(None)

    def _on_data_changed(self, changes: Changes) -> None:
        if self.problem is not None and "sync_state" in changes.kinds:
            self.load(self.problem.id)  # its sync mark may have moved

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_problem(self.problem)
        super().changeEvent(event)

    def load(self, ident: str | None) -> None:
        if ident is None:
            self.show_problem(None)
            return
        try:
            self.show_problem(self._ctx.store.problems.get(ident))
        except NotFoundError:
            self.show_problem(None)

    def show_problem(self, p: ProblemRecord | None) -> None:
        self.problem = p
        if self.attachments.owner != (p.id if p else None):
            self.attachments.set_owner(p.id if p else None)
        labels = self._ctx.labels
        for step, button in self.step_buttons.items():
            button.setText(
                labels("step", step) if step != "follow_up" else self.tr("Log a follow-up…")
            )
            # Exactly the legal next steps are offered; the rest are hidden.
            legal = p is not None and (
                step in p.allowed_steps or (step == "follow_up" and p.status != "closed")
            )
            button.setVisible(legal)
            if p is not None:
                allow(self._ctx, button, self._ctx.permissions.write_enterprise(p.district_code))
        if p is None:
            empty = self.tr("Select a problem to see its timeline.")
            self.text.setHtml(f"<p>{esc(empty)}</p>")
            return
        overdue_text = self.tr("Overdue")
        overdue = f" <b style='color:#b00020'>{esc(overdue_text)}</b>" if p.overdue else ""
        rows = [
            (self.tr("Enterprise"), p.enterprise_name),
            (self.tr("Category"), labels("categories", p.category)),
            (self.tr("Urgency"), labels("urgency", p.urgency)),
            (self.tr("Raised on"), p.raised_on.isoformat()),
            (self.tr("Lead department"), labels("departments", p.lead_department)),
            (self.tr("Deadline"), p.deadline.isoformat() if p.deadline else ""),
            (self.tr("What the enterprise asks for"), p.request or ""),
            (self.tr("Result"), p.result or ""),
            (self.tr("Satisfaction"), labels("satisfaction", p.satisfaction)),
        ]
        html = [
            f"<h3>{esc(labels.number(p))} · {esc(labels('status', p.status))}{overdue}</h3>",
            page_line(self._ctx, p.id),
            f"<p>{esc(p.description)}</p><table cellspacing=3>",
        ]
        html += [f"<tr><td><b>{esc(k)}</b></td><td>{esc(v)}</td></tr>" for k, v in rows if v]
        timeline = self.tr("Timeline")
        html.append(f"</table><h4>{esc(timeline)}</h4><ol>")
        for a in p.actions:
            move = ""
            if a.to_status and a.from_status != a.to_status:
                move = f" → {esc(labels('status', a.to_status))}"
            extra = " ".join(
                filter(
                    None,
                    [
                        labels("departments", a.department) if a.department else "",
                        a.deadline.isoformat() if a.deadline else "",
                        labels("satisfaction", a.satisfaction) if a.satisfaction else "",
                    ],
                )
            )
            html.append(
                f"<li>{local_minute(a.at)} <b>{esc(labels('action_kind', a.kind))}</b>{move} "
                f"{esc(extra)} {esc(a.text or '')} <i>{esc(a.actor or '')}</i></li>"
            )
        html.append("</ol>")
        self.text.setHtml("".join(html))

    def open_step(self, step: str) -> None:
        if self.problem is None:
            return
        dialog = StepDialog(self._ctx, self.problem, step, self)
        if dialog.exec() and dialog.saved is not None:
            self.show_problem(dialog.saved)
            self.step_taken.emit(dialog.saved.id)
