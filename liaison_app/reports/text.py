"""Line breaking by the Chinese rules (避头尾) and English word boundaries, and a fast flowable.

Rules (W3C "Requirements for Chinese Text Layout" §3.1.7, GB/T 15834 punctuation):
- a closing mark (，。、；：？！ ） 》 ” … and their ASCII kin) never starts a line: it is kept
  with the character before it;
- an opening bracket or quote (（ 《 “ …) never ends a line: it is kept with what follows;
- a run of —— or …… is one unit, never split, and never starts a line;
- Latin words and numbers (anything but CJK characters and spaces) are never split unless a
  single word is wider than the whole line; lines break at spaces and between CJK characters.

reportlab's own CJK splitter follows a Japanese-oriented list and splits words mid-way; the
``Text`` flowable below lays out with these rules instead and draws each line as one string,
which is also several times faster than a ``Paragraph`` for the plain text reports print.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from liaison_app.reports import fonts

CLOSING = frozenset("，。、；：？！）］｝〕〉》」』】〗〙〛”’·・％‰℃°．｡､〞﹚﹜﹞,.;:?!)]}%")
OPENING = frozenset("（［｛〔〈《「『【〖〘〚“‘〝﹙﹛﹝([{")
RUNS = frozenset("—…⋯―")  # dashes and ellipses: a run of them is one unit
NO_START = CLOSING | RUNS
EPS = 0.01


_WIDE = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003fffd"
)
_NOT_LATIN = re.escape("".join(sorted(OPENING | RUNS | {c for c in CLOSING if not c.isascii()})))
_TOKEN = re.compile(
    rf"(?P<space>[^\S\u3000]+)|(?P<run>(?P<run_ch>[{re.escape(''.join(sorted(RUNS)))}])(?P=run_ch)*)"
    rf"|(?P<latin>[^\s{_WIDE}{_NOT_LATIN}]+)|.",
    re.DOTALL,
)


def units(text: str) -> list[str]:
    """The pieces a line may break between; spaces are their own pieces (dropped at a break)."""
    out: list[str] = []
    glue_next = False
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "space":
            out.append(" ")
            glue_next = False
            continue
        u = m.group()
        if u[0] in NO_START and len(out) >= 2 and out[-1] == " ":
            out.pop()  # "word ’": the mark stays with the word, the space with them
            out[-1] += " " + u
        elif out and out[-1] != " " and (glue_next or u[0] in NO_START):
            out[-1] += u  # a closing mark (or ——, ……) stays with what comes before it
        else:
            out.append(u)
        glue_next = u[-1] in OPENING  # an opening mark stays with what comes after it
    return out


_BLANKS = {ord(c): " " for c in "\t\v\f"}  # printed as spaces, never as 〓
Measure = Callable[[str], float]


def break_lines(
    text: str, width: float, measure: Measure, *, words_only: bool = False
) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (newlines kept as line breaks);
    ``words_only``: break at spaces only (a heading: a Chinese heading is one word)."""
    lines: list[str] = []
    text = text.translate(_BLANKS)
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not words_only and measure(paragraph) <= width + EPS:  # fits: nothing to break
            lines.append(paragraph.strip(" "))
            continue
        cur, cur_w = "", 0.0
        pieces = [u or " " for u in re.split(r"([ \t]+)", paragraph)] if words_only else None
        for u in pieces if pieces is not None else units(paragraph):
            if u.isspace() and "\u3000" not in u:
                u = " "
            w = measure(u)
            if u == " ":
                if cur:
                    cur, cur_w = cur + u, cur_w + w
                continue
            if cur and cur_w + w > width + EPS:
                lines.append(cur.rstrip(" "))
                cur, cur_w = "", 0.0
            if not cur and w > width + EPS:  # one word wider than the line: split it
                pieces = _hard_split(u, width, measure)
                lines.extend(pieces[:-1])
                cur = pieces[-1]
                cur_w = measure(cur)
                continue
            cur, cur_w = cur + u, cur_w + w
        lines.append(cur.rstrip(" "))
    return lines


def _hard_split(word: str, width: float, measure: Measure) -> list[str]:
    """A piece wider than the line, cut by characters; a cut is moved back rather than start a
    line with a closing mark or a dash, or end one with an opening mark."""
    pieces: list[str] = []
    rest = word
    while rest:
        k = 1
        while k < len(rest) and measure(rest[: k + 1]) <= width + EPS:
            k += 1
        if k < len(rest):
            good = k
            while good > 1 and (rest[good] in NO_START or rest[good - 1] in OPENING):
                good -= 1
            if not (rest[good] in NO_START or rest[good - 1] in OPENING):
                k = good
        pieces.append(rest[:k])
        rest = rest[k:]
    return pieces


@lru_cache(maxsize=64)
def measurer(font: str, size: float) -> Measure:
    """Width of a string in points, per character from a cache (fallback fonts included)."""
    widths: dict[str, float] = {}
    width_of = fonts.char_width

    def measure(s: str) -> float:
        total = 0.0
        for ch in s:
            w = widths.get(ch)
            if w is None:
                w = widths[ch] = width_of(ch, font) * size / 1000
            total += w
        return total

    return measure


def text_width(text: str, style: ParagraphStyle) -> float:
    return measurer(style.fontName, style.fontSize)(text)


class Text(Flowable):
    """Plain text laid out by ``break_lines``: one drawn string per line, split between lines.

    ``repeat`` marks a table cell printed again on the continuation of a row split across pages
    (序号, 编号: the reader must see which row goes on).
    """

    # Right-hand safety: the last glyph (a full-width 。) never touches the cell's border.
    INSET = 1.0
    words_only = False

    def __init__(
        self,
        text: str,
        style: ParagraphStyle,
        lines: list[str] | None = None,
        *,
        repeat: bool = False,
        bold: bool = False,
    ) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.repeat = repeat
        self.bold = bold
        self._lines = lines
        self._for_width: float | None = None if lines is None else -1.0

    def __repr__(self) -> str:
        return f"Text({self.text[:30]!r})"

    def lines(self, width: float) -> list[str]:
        if self._lines is None or (self._for_width not in (-1.0, width)):
            st = self.style
            self._lines = break_lines(
                self.text,
                width - self.INSET,
                measurer(st.fontName, st.fontSize),
                words_only=self.words_only,
            )
            self._for_width = width
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = len(self.lines(availWidth)) * self.style.leading
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        lines = self.lines(availWidth)
        # Asked to split, it splits (or refuses): a table's row split takes two parts or none.
        fit = min(int((availHeight + EPS) // self.style.leading), len(lines) - 1)
        if fit <= 0:
            return []
        head = Text(self.text, self.style, lines[:fit], repeat=self.repeat, bold=self.bold)
        tail = Text(self.text, self.style, lines[fit:], repeat=self.repeat, bold=self.bold)
        head.spaceAfter = 0
        tail.spaceBefore = 0
        return [head, tail]

    def continued(self) -> Text:
        """The same cell for the continuation of a split row."""
        return Text(self.text, self.style, self._lines, repeat=True, bold=self.bold)

    def draw(self) -> None:
        self.draw_at(self.canv, 0.0, 0.0)

    def draw_at(self, canvas: Canvas, x0: float, y0: float) -> None:
        """Draw with the bottom-left corner at (x0, y0) (a row draws its cells without a
        save/translate/restore per cell)."""
        st = self.style
        leading, size = st.leading, st.fontSize
        measure = measurer(st.fontName, size)
        plain = st.textColor is colors.black
        if not plain:
            canvas.setFillColor(st.textColor)
        if self.bold:
            canvas.setLineWidth(size * 0.035)
        for i, line in enumerate(self._lines or ()):
            if not line:
                continue
            y = y0 + self.height - (i + 1) * leading + (leading - size) / 2 + 0.14 * size
            if st.alignment == 1:
                x = x0 + (self.width - measure(line)) / 2
            elif st.alignment == 2:
                x = x0 + self.width - measure(line) - self.INSET
            else:
                x = x0
            fonts.draw_string(canvas, x, y, line, st.fontName, size, bold=self.bold)
        if not plain:
            canvas.setFillColor(colors.black)
