"""Shared page furniture: styles, text cells, fitted tables, running headers, page numbers, build.

Official printing style: black rules, no coloured fills, the title in a heavier face than the
body, table text at 小五 (9 pt) or larger. Every page carries a running header; page numbers
count per record when several records share one document (第 1 页 / 共 2 页 of that record).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Table,
    TableStyle,
)

from liaison_app.domain.labels import is_zh
from liaison_app.reports.fonts import PLACEHOLDER, draw_string, missing_glyphs, register
from liaison_app.reports.text import Text, break_lines, measurer

RULE = colors.black
CELL_PAD = 3.0  # points left and right inside a cell
MARGIN = 15 * mm
TOP = 20 * mm  # room for the running header
BOTTOM = 18 * mm


@dataclass(frozen=True)
class Report:
    """A built PDF and what the reader should know about it."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...] = field(default_factory=tuple)
    missing: tuple[str, ...] = field(default_factory=tuple)  # characters printed as 〓


@dataclass(frozen=True)
class Meta:
    """Document information: title, author (the officer and the unit), subject, language."""

    title: str
    lang: str
    author: str = ""
    subject: str = ""


def styles() -> dict[str, ParagraphStyle]:
    font = register()
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=14, textColor=colors.black)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12.5),
        "head": ParagraphStyle("head", parent=base, fontSize=9, leading=12.5, alignment=1),
        "num": ParagraphStyle("num", parent=base, fontSize=9, leading=12.5, alignment=2),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=18, leading=24, alignment=1, spaceAfter=2
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=10, leading=14, alignment=1, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=12,
            leading=17,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,  # a heading never ends a page
        ),
        "sign": ParagraphStyle("sign", parent=base, fontSize=10.5, leading=15),
    }


BOLD_STYLES = ("title", "h2", "head")


def table_style(*commands: tuple) -> TableStyle:  # type: ignore[type-arg]
    """A table style whose cells use the bundled font (the default would add Helvetica)."""
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), register()),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            *commands,
        ]
    )


def para(text: object, style: ParagraphStyle, *, repeat: bool = False) -> Text:
    """User text as laid-out lines: printed literally (never parsed as markup), newlines kept."""
    return Text(
        "" if text is None else str(text), style, repeat=repeat, bold=style.name in BOLD_STYLES
    )


def head_cell(text: str, style: ParagraphStyle) -> Text:
    """A column heading: never split inside a word (a Chinese heading is one word)."""
    cell = Text(text, style, bold=True)
    cell.words_only = True
    return cell


def punct(lang: str) -> tuple[str, str]:
    """(colon, list separator) in the report's language: ASCII in English."""
    return ("：", "；") if is_zh(lang) else (": ", "; ")


def cn_date(d: dt.date | None, lang: str) -> str:
    """2026年11月28日 in Chinese, 2026-11-28 in English."""
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日" if is_zh(lang) else d.isoformat()


class Grid(Table):
    """A table whose row, split across pages, prints its identifying cells again below."""

    def _splitCell(self, value, style, oldHeight, newHeight, width):  # type: ignore[no-untyped-def]  # noqa: N802
        out = super()._splitCell(value, style, oldHeight, newHeight, width)
        if out and not out[1] and isinstance(value, (list, tuple)):
            again = [c.continued() for c in value if isinstance(c, Text) and c.repeat]
            if again:
                return (out[0], tuple(again))
        return out


def natural(text: str, style: ParagraphStyle) -> float:
    """The width of ``text`` on one line."""
    return max((measurer(style.fontName, style.fontSize)(x) for x in text.split("\n")), default=0)


_LATIN = re.compile(r"[!-~]+")


def longest_unit(text: str, style: ParagraphStyle, words_only: bool = False) -> float:
    """The widest piece of ``text`` that a line cannot break inside (at most: a Latin word or
    number with a mark glued on either side; a Chinese character with its marks)."""
    measure = measurer(style.fontName, style.fontSize)
    if words_only:
        return max((measure(u) for u in text.split()), default=0.0)
    glue = 3 * style.fontSize  # a character and the marks kept with it
    latin = max((measure(u) for u in _LATIN.findall(text)), default=0.0)
    return latin or min(glue, natural(text, style))


def fit_widths(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    total: float,
    flex: dict[int, float],
    st: dict[str, ParagraphStyle],
    cap: float = 40 * mm,
    floor: float = 15 * mm,
) -> list[float]:
    """Column widths that split nothing a reader needs.

    Every column is at least as wide as its heading on one line (per word in English) and its
    longest unbreakable piece (a number, a date, an English word). Fixed columns ask for their
    longest value on one line (up to ``cap``); ``flex`` columns (long text) ask for ``floor`` ×
    weight and share what is left by weight. When the asks do not fit, fixed columns give way
    first (down to their minimum), then the flexible ones."""
    cell, head = st["cell"], st["head"]
    pad = 2 * CELL_PAD + Text.INSET + 0.5
    low = [
        max(longest_unit(h, head, words_only=True), natural(h, head) if is_cjk(h) else 0)
        for h in header
    ]
    want = [natural(h, head) for h in header]
    for row in rows:
        for i, value in enumerate(row):
            if value:
                text = str(value)
                low[i] = max(low[i], longest_unit(text, cell))
                if i not in flex:
                    want[i] = max(want[i], natural(text, cell))
    low = [x + pad for x in low]
    want = [
        max(low[i], floor * flex[i] if i in flex else min(want[i] + pad, cap))
        for i in range(len(header))
    ]
    fixed = [i for i in range(len(want)) if i not in flex]
    comfortable = list(low)
    for i in fixed:  # four characters a line at least, where the column has that many
        comfortable[i] = min(want[i], max(low[i], 4 * cell.fontSize + pad))
    excess = sum(want) - total
    for group, limit in ((fixed, comfortable), (list(flex), low), (fixed, low)):
        if excess <= 0:
            break
        slack = sum(want[i] - limit[i] for i in group)
        if slack <= 0:
            continue
        take = min(excess, slack)
        for i in group:
            want[i] -= (want[i] - limit[i]) * take / slack
        excess -= take
    if excess > 0:  # even the minimums do not fit: scale everything
        want = [x * total / sum(want) for x in want]
    else:
        weight = sum(flex.values()) or 1.0
        for i, share in flex.items():
            want[i] += -excess * share / weight
    return want


def is_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or ch >= "\U00020000" for ch in text)


def grid(
    header: Sequence[str] | None,
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    st: dict[str, ParagraphStyle],
    *,
    repeat: Sequence[int] = (),
    numeric: Sequence[int] = (),
    bold_rows: Sequence[int] = (),
    extra: Sequence[tuple] = (),  # type: ignore[type-arg]
) -> Grid:
    """A black-ruled table; ``repeat`` columns are printed again on a split row's continuation."""
    data: list[list[object]] = []
    if header is not None:
        data.append([[head_cell(h, st["head"])] for h in header])
    first = len(data)
    for r, row in enumerate(rows):
        out: list[object] = []
        for i, c in enumerate(row):
            if isinstance(c, Flowable):
                out.append([c])
                continue
            style = st["num"] if i in numeric else st["cell"]
            cell = para(c, style, repeat=i in repeat)
            cell.bold = r in bold_rows
            out.append([cell])
        data.append(out)
    table = Grid(data, colWidths=list(widths), repeatRows=first, splitInRow=1)
    commands: list[tuple] = [  # type: ignore[type-arg]
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BOX", (0, 0), (-1, -1), 1.0, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if first:
        commands += [
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, 0), 1.0, RULE),
        ]
    table.setStyle(table_style(*commands, *extra))
    return table


def move_long(
    rows: Sequence[Sequence[object]],
    col: int,
    width: float,
    st: dict[str, ParagraphStyle],
    label: Callable[[Sequence[object]], str],
    note: str,
    max_lines: int = 8,
) -> list[list[object] | str]:
    """Rows, and after each row whose ``col`` text would run past ``max_lines`` in its column,
    that text in full (a ``str``) to print at the table's full width below the row (a
    4,000-character description would otherwise fill pages in one narrow column)."""
    out: list[list[object] | str] = []
    per_line = max(width - 2 * CELL_PAD - Text.INSET, 1.0)
    cell = st["cell"]
    for row in rows:
        text = str(row[col] or "")
        if len(text) > 40 and natural(text, cell) / per_line > max_lines:
            out.append([*row[:col], text[:40] + "……" + note, *row[col + 1 :]])
            out.append(f"{label(row)}{text}")
        else:
            out.append(list(row))
    return out


def stacked(
    header: Sequence[str] | None,
    rows: Sequence[list[object] | str],
    widths: Sequence[float],
    st: dict[str, ParagraphStyle],
    **options: object,
) -> list[Flowable]:
    """Tables stacked edge to edge: runs of rows, and full-width rows for the ``str`` items (a
    spanned cell cannot be split across pages by reportlab: it splits each column apart)."""
    out: list[Flowable] = []
    run: list[list[object]] = []
    for item in [*rows, None]:
        if isinstance(item, list):
            run.append(item)
            continue
        if run or (header is not None and not out):
            out.append(grid(header if not out else None, run, widths, st, **options))  # type: ignore[arg-type]
            run = []
        if isinstance(item, str):
            out.append(grid(None, [[item]], [sum(widths)], st))
    return out


class Row(Flowable):
    """One table row drawn by itself: its cells' text and its rules, split across pages cell by
    cell (``repeat`` cells printed again on the continuation). Thousands of these lay out in
    linear time, where one reportlab Table re-measures its remaining rows at every page."""

    VPAD = 2.5

    def __init__(self, cells: Sequence[Text], widths: Sequence[float]) -> None:
        super().__init__()
        self.cells, self.widths = list(cells), list(widths)
        self.width = sum(self.widths)
        self.height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        inner = [
            c.wrap(w - 2 * CELL_PAD, 1e9)[1] for c, w in zip(self.cells, self.widths, strict=True)
        ]
        self.height = max(inner, default=0.0) + 2 * self.VPAD
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        room = availHeight - 2 * self.VPAD
        first: list[Text] = []
        rest: list[Text] = []
        for cell, w in zip(self.cells, self.widths, strict=True):
            if cell.height <= room:
                first.append(cell)
                rest.append(cell.continued() if cell.repeat else Text("", cell.style))
                continue
            parts = cell.split(w - 2 * CELL_PAD, room)
            if len(parts) != 2:
                return []
            first.append(parts[0])  # type: ignore[arg-type]
            rest.append(parts[1])  # type: ignore[arg-type]
        if all(not c.text and c.repeat is False for c in rest):
            return []
        return [Row(first, self.widths), Row(rest, self.widths)]

    def draw(self) -> None:
        canvas = self.canv
        x = 0.0
        top = self.height - self.VPAD
        for cell, w in zip(self.cells, self.widths, strict=True):
            cell.draw_at(canvas, x + CELL_PAD, top - cell.height)
            x += w
        # The rules, written as PDF path operators (reportlab's path object formats each number
        # in Python): thin between cells, heavy at the table's left and right edges.
        w, h = self.width, self.height
        ops = [f"0.5 w 0 0 m {w:.2f} 0 l 0 {h:.2f} m {w:.2f} {h:.2f} l"]
        x = 0.0
        for cw in self.widths[:-1]:
            x += cw
            ops.append(f"{x:.2f} 0 m {x:.2f} {h:.2f} l")
        ops.append(f"S 1 w 0 0 m 0 {h:.2f} l {w:.2f} 0 m {w:.2f} {h:.2f} l S")
        canvas._code.append(" ".join(ops))


def rows_of(
    rows: Sequence[list[object] | str],
    widths: Sequence[float],
    st: dict[str, ParagraphStyle],
    *,
    repeat: Sequence[int] = (),
    numeric: Sequence[int] = (),
) -> list[Flowable]:
    """Row flowables; a ``str`` item (a long text moved below its row) spans the full width."""
    out: list[Flowable] = []
    for row in rows:
        if isinstance(row, str):
            out.append(Row([para(row, st["cell"])], [sum(widths)]))
            continue
        cells = [
            para(c, st["num"] if i in numeric else st["cell"], repeat=i in repeat)
            for i, c in enumerate(row)
        ]
        out.append(Row(cells, widths))
    return out


class HeadOnce(Flowable):
    """A table heading placed in the story, noting on the canvas which page holds it (from the
    next page on the page draws the heading itself)."""

    def __init__(self, head: Flowable) -> None:
        super().__init__()
        self.head = head
        self.keepWithNext = True

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width, self.height = self.head.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self) -> None:
        self.canv.head_page = self.canv.getPageNumber()
        self.head.drawOn(self.canv, 0, 0)


class Mark(Flowable):
    """Invisible: from here on the pages belong to ``record`` and carry ``header``."""

    def __init__(self, record: str, header: str) -> None:
        super().__init__()
        self.record, self.header = record, header
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        canvas.record = self.record
        canvas.running = self.header
        if canvas.record_first_page.get(self.record) is None:
            canvas.record_first_page[self.record] = canvas.getPageNumber()


def page_words(lang: str) -> tuple[str, str, str, str]:
    return (
        (
            "第 {page} 页 / 共 {total} 页",
            "制表时间：{made}",
            "合订本第 {page} / {total} 页",
            "〓 为字库中没有的字：{chars}",
        )
        if is_zh(lang)
        else (
            "Page {page} of {total}",
            "Made {made}",
            "Sheet {page} of {total} in this volume",
            "〓 marks characters no font has: {chars}",
        )
    )


def numbered_canvas(
    meta: Meta, made: dt.datetime, page_head: Callable[[Canvas, float, float], None] | None
) -> type[Canvas]:
    """A canvas that defers page output so each footer can count its record's pages."""
    page_tpl, made_tpl, volume_tpl, missing_tpl = page_words(meta.lang)
    made_text = made_tpl.format(made=made.strftime("%Y-%m-%d %H:%M"))
    font = register()

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs.setdefault("initialFontName", font)  # no unembedded Helvetica, even unused
            kwargs["lang"] = "zh-CN" if is_zh(meta.lang) else "en"
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._saved: list[dict[str, object]] = []
            self.record = ""
            self.running = meta.title
            self.record_first_page: dict[str, int] = {}
            self.missing_chars: set[str] = set()
            self.all_missing: set[str] = set()
            self.setTitle(meta.title)
            self.setAuthor(meta.author or "Liaison")
            self.setSubject(meta.subject or meta.title)
            self.setCreator("Liaison")

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved.append(dict(self.__dict__))
            self.all_missing |= self.missing_chars
            self.missing_chars = set()
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            per_record: dict[str, int] = {}
            for state in self._saved:
                key = str(state["record"])
                per_record[key] = per_record.get(key, 0) + 1
            several = len(per_record) > 1
            seen: dict[str, int] = {}
            for state in self._saved:
                self.__dict__.update(state)
                key = str(state["record"])
                seen[key] = seen.get(key, 0) + 1
                width, height = self._pagesize
                self.setFillColor(colors.black)
                self.setStrokeColor(colors.black)
                running = str(state["running"])
                draw_string(self, MARGIN, height - 12 * mm, running, font, 8.5)
                self.setLineWidth(0.5)
                self.line(MARGIN, height - 13.5 * mm, width - MARGIN, height - 13.5 * mm)
                if page_head is not None and self._pageNumber > state.get("head_page", 1):
                    page_head(self, width, height)
                page = page_tpl.format(page=seen[key], total=per_record[key])
                page_w = measurer(font, 8.5)(page)
                draw_string(self, (width - page_w) / 2, 10 * mm, page, font, 8.5)
                made_w = measurer(font, 8)(made_text)
                draw_string(self, width - MARGIN - made_w, 10 * mm, made_text, font, 8)
                if several:
                    volume = volume_tpl.format(page=self._pageNumber, total=total)
                    draw_string(self, MARGIN, 10 * mm, volume, font, 8)
                gaps = state["missing_chars"]
                if gaps:
                    chars = " ".join(f"U+{ord(c):04X}" for c in sorted(gaps))  # type: ignore[attr-defined]
                    draw_string(self, MARGIN, 6 * mm, missing_tpl.format(chars=chars), font, 8)
                super().showPage()
            self.pages_total = total
            super().save()

    return NumberedCanvas


def build(
    story: list[Flowable],
    *,
    meta: Meta,
    wide: bool = False,
    texts: Iterable[str | None] = (),
    made: dt.datetime | None = None,
    page_head: tuple[float, Callable[[Canvas, float, float], None]] | None = None,
) -> Report:
    """Lay out the story on A4 (landscape when ``wide``) and name characters no font has.

    ``page_head`` (height, draw): from page 2 on, the frame starts that much lower and ``draw``
    puts a table heading there (a long table in chunks keeps its heading on every page)."""
    made = made or dt.datetime.now()
    buffer = io.BytesIO()
    pagesize = landscape(A4) if wide else A4
    width, height = pagesize
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
    )
    frame_h = height - TOP - BOTTOM
    first = Frame(
        MARGIN,
        BOTTOM,
        width - 2 * MARGIN,
        frame_h,
        id="first",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    templates = [PageTemplate("first", [first])]
    if page_head is not None:
        head_h = page_head[0]
        rest = Frame(
            MARGIN,
            BOTTOM,
            width - 2 * MARGIN,
            frame_h - head_h,
            id="rest",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        templates.append(PageTemplate("rest", [rest]))
    doc.addPageTemplates(templates)
    if page_head is not None:
        from reportlab.platypus import NextPageTemplate

        story = [NextPageTemplate("rest"), *story]
    canvas_cls = numbered_canvas(meta, made, page_head[1] if page_head else None)
    doc.build(story, canvasmaker=canvas_cls)
    pdf = buffer.getvalue()
    warnings = []
    missing = missing_glyphs(texts)
    if missing:
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing[:20])
        warnings.append(
            f"no bundled font has {len(missing)} character(s), printed as {PLACEHOLDER}: {shown}"
        )
    return Report(pdf, doc.page, tuple(warnings), tuple(missing))


__all__ = ["Report", "Meta", "break_lines"]


class Headed(Flowable):
    """A heading and the table under it, split in the table: the heading goes with the first
    rows (where keepWithNext would carry it and the whole table to the next page)."""

    def __init__(self, heading: Flowable, body: Flowable) -> None:
        super().__init__()
        self.heading, self.body = heading, body
        self._h = (0.0, 0.0, 0.0)

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's name
        return float(self.heading.getSpaceBefore())

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        _w, hh = self.heading.wrap(availWidth, availHeight)
        gap = float(self.heading.getSpaceAfter())
        bw, bh = self.body.wrap(availWidth, availHeight)
        self._h = (hh, gap, bw)
        self.width, self.height = availWidth, hh + gap + bh
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        hh, gap, _bw = self._h
        parts = self.body.split(availWidth, availHeight - hh - gap)
        if len(parts) < 2:
            return []
        return [Headed(self.heading, parts[0]), *parts[1:]]

    def draw(self) -> None:
        hh, gap, bw = self._h
        self.heading.drawOn(self.canv, 0, self.height - hh)
        align = getattr(self.body, "hAlign", "LEFT")
        x = (self.width - bw) / 2 if align in ("CENTER", "CENTRE") else 0.0
        self.body.drawOn(self.canv, x, 0)


class Tail(Flowable):
    """``content`` followed by ``block`` (a signature and seal area): the block is never alone on
    a page — when both do not fit, part of the content goes over with it."""

    def __init__(self, content: Flowable, block: Flowable, gap: float) -> None:
        super().__init__()
        self.content, self.block, self.gap = content, block, gap
        self._sizes = (0.0, 0.0, 0.0, 0.0)

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's name
        return float(self.content.getSpaceBefore())

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        cw, ch = self.content.wrap(availWidth, availHeight)
        bw, bh = self.block.wrap(availWidth, availHeight)
        self._sizes = (cw, ch, bw, bh)
        self.width, self.height = availWidth, ch + self.gap + bh
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        room = availHeight - self.gap - self._sizes[3]
        parts = self.content.split(availWidth, room) if room > 0 else []
        if len(parts) >= 2:
            return [*parts[:-1], Tail(parts[-1], self.block, self.gap)]
        return []  # all of it to the next page, together

    def _x(self, flowable: Flowable, width: float) -> float:
        align = getattr(flowable, "hAlign", "LEFT")
        if align in ("CENTER", "CENTRE"):
            return (self.width - width) / 2
        return self.width - width if align == "RIGHT" else 0.0

    def draw(self) -> None:
        cw, ch, bw, bh = self._sizes
        self.content.drawOn(self.canv, self._x(self.content, cw), bh + self.gap)
        self.block.drawOn(self.canv, self._x(self.block, bw), 0)
