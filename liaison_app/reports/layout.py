"""Shared page furniture: styles, escaped paragraphs, "第 X 页 / 共 Y 页" footers, document build."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, TableStyle

from liaison_app.domain.labels import is_zh
from liaison_app.reports.fonts import missing_glyphs, register


@dataclass(frozen=True)
class Report:
    """A built PDF and what the reader should know about it."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...] = field(default_factory=tuple)


def styles() -> dict[str, ParagraphStyle]:
    font = register()
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "head": ParagraphStyle(
            "head", parent=base, fontSize=8.5, leading=11, textColor=colors.white
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=17, leading=22, alignment=1, spaceAfter=4
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=9,
            leading=12,
            alignment=1,
            textColor=colors.HexColor("#555555"),
            spaceAfter=8,
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=11.5, leading=16, spaceBefore=8, spaceAfter=4
        ),
    }


def table_style(*commands: tuple) -> TableStyle:
    """A table style whose cells use the bundled font (the default would add Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), register()), *commands])


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """User text as a paragraph: escaped (so < > & are printed, never parsed), newlines kept."""
    safe = escape("" if text is None else str(text)).replace("\n", "<br/>")
    return Paragraph(safe, style)


def page_words(lang: str) -> tuple[str, str]:
    return (
        ("第 {page} 页 / 共 {total} 页", "制表时间：{made}")
        if is_zh(lang)
        else ("Page {page} of {total}", "Made {made}")
    )


def numbered_canvas(lang: str, made: dt.datetime, title: str) -> type[Canvas]:
    """A canvas that defers page output so each footer can say how many pages there are."""
    page_tpl, made_tpl = page_words(lang)
    made_text = made_tpl.format(made=made.strftime("%Y-%m-%d %H:%M"))
    font = register()

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs.setdefault("initialFontName", font)  # no unembedded Helvetica, even unused
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._saved: list[dict[str, object]] = []
            self.setTitle(title)
            self.setAuthor("Liaison")

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                width, _height = self._pagesize
                self.setFont(font, 8)
                self.setFillColor(colors.HexColor("#444444"))
                self.drawCentredString(
                    width / 2, 10 * mm, page_tpl.format(page=self._pageNumber, total=total)
                )
                self.drawRightString(width - 15 * mm, 10 * mm, made_text)
                super().showPage()
            self.pages_total = total
            super().save()

    return NumberedCanvas


def build(
    story: list[Flowable],
    *,
    lang: str,
    title: str,
    wide: bool = False,
    texts: Iterable[str | None] = (),
    made: dt.datetime | None = None,
) -> Report:
    """Lay out the story on A4 (landscape when ``wide``) and name characters the font lacks."""
    made = made or dt.datetime.now()
    buffer = io.BytesIO()
    pagesize = landscape(A4) if wide else A4
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Liaison",
    )
    canvas_cls = numbered_canvas(lang, made, title)
    doc.build(story, canvasmaker=canvas_cls)
    pdf = buffer.getvalue()
    warnings = []
    missing = missing_glyphs(texts)
    if missing:
        shown = " ".join(missing[:20])
        warnings.append(
            f"the font has no glyph for {len(missing)} character(s), left blank: {shown}"
        )
    return Report(pdf, doc.page, tuple(warnings))
