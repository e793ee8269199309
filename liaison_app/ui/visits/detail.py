"""One visit's page beside the list of visits: what was recorded, whether it reached the
server, and its photos, documents and the scan of the signed record."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QSplitter, QTextBrowser, QVBoxLayout, QWidget

from liaison_app.domain.records import Changes, VisitRecord
from liaison_app.errors import NotFoundError
from liaison_app.ui.attachments.panel import AttachmentsPanel
from liaison_app.ui.context import AppContext
from liaison_app.ui.richtext import esc
from liaison_app.ui.sync.record_state import page_line


class VisitDetail(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.visit: VisitRecord | None = None
        self.text = QTextBrowser()
        self.attachments = AttachmentsPanel(ctx, signed_scan=True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.text)
        splitter.addWidget(self.attachments)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        ctx.events.changed.connect(self._on_data_changed)
        self.show_visit(None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_visit(self.visit)
        super().changeEvent(event)

    def load(self, ident: str | None) -> None:
        try:
            self.show_visit(self._ctx.store.visits.get(ident) if ident else None)
        except NotFoundError:
            self.show_visit(None)

    def show_visit(self, v: VisitRecord | None) -> None:
        self.visit = v
        if self.attachments.owner != (v.id if v else None):
            self.attachments.set_owner(v.id if v else None)
        if v is None:
            empty = self.tr("Select a visit to see what was recorded and its photos.")
            self.text.setHtml(f"<p>{esc(empty)}</p>")
            return
        labels = self._ctx.labels
        rows = [
            (self.tr("Officers"), "、".join(v.officers)),
            (self.tr("People met"), v.people_met or ""),
            (self.tr("Business situation"), v.business_situation or ""),
            (self.tr("Policies explained"), v.policies or ""),
            (self.tr("Enterprise's opinions"), v.opinions or ""),
            (self.tr("Solved on site"), v.solved_on_site or ""),
            (self.tr("Summary"), v.summary or ""),
        ]
        html = [
            f"<h3>{esc(v.enterprise_name)}</h3>",
            f"<p>{esc(v.visit_date.isoformat())} · {esc(labels('visit_mode', v.mode))}</p>",
            page_line(self._ctx, v.id),
            "<table cellspacing=3>",
        ]
        html += [f"<tr><td><b>{esc(k)}</b></td><td>{esc(t)}</td></tr>" for k, t in rows if t]
        html.append("</table>")
        self.text.setHtml("".join(html))

    def _on_data_changed(self, changes: Changes) -> None:
        if self.visit is not None and changes.kinds & {"visit", "enterprise", "sync_state"}:
            self.load(self.visit.id)
