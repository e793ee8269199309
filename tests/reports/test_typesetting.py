"""Typesetting read back from the PDFs: every drawn line (one text object per line) with its
position, checked against the Chinese line-breaking rules, column fitting, the signature block,
running headers, per-record page numbers, form elements and metadata."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from liaison_app.reports.fonts import font_for, register
from liaison_app.reports.layout import CELL_PAD, Meta, build, para, styles
from liaison_app.reports.ledger import render_ledger
from liaison_app.reports.text import CLOSING, OPENING, Text, break_lines, measurer, units
from liaison_app.reports.words import Names
from tests.reports.test_reports import printed_whole

# The marks the bundled font draws (the rest print as 〓 and are tested with the fallback fonts).
FULLWIDTH_CLOSING = sorted(c for c in CLOSING if not c.isascii() and font_for(c))
FULLWIDTH_OPENING = sorted(c for c in OPENING if not c.isascii() and font_for(c))
INSEPARABLE = ("——", "……")


def drawn_lines(pdf: bytes) -> list[list[tuple[str, float, float]]]:
    """Per page, each drawn line's text with its (x, y): our reports draw one text object per
    line (a line in two fonts is two pieces at the same y, joined here)."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        pieces: list[tuple[str, float, float]] = []

        def visit(text, cm, tm, _font, _size, pieces=pieces):  # type: ignore[no-untyped-def]
            if text.strip("\n"):
                pieces.append((text.strip("\n"), cm[4] + tm[4], cm[5] + tm[5]))

        page.extract_text(visitor_text=visit)
        pages.append(pieces)
    return pages


def lines_of(pdf: bytes) -> list[str]:
    return [t for page in drawn_lines(pdf) for t, _x, _y in page]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def plain_pdf(texts: list[str], width: float, style: str = "cell") -> bytes:
    """Each text laid out by our flowable in a column ``width`` points wide."""
    st = styles()
    buffer = io.BytesIO()
    pad = 6  # the frame's own padding
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=40 - pad, rightMargin=A4[0] - 40 - width - pad
    )
    doc.build([para(t, st[style]) for t in texts])
    return buffer.getvalue()


def em(style: str = "cell") -> float:
    st = styles()[style]
    return measurer(register(), st.fontSize)("字")


# 1. 避头尾 -------------------------------------------------------------------------------


def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one_at_any_position():
    """Every closing mark and every opening mark, at every position a break can fall."""
    width = 10 * em() + Text.INSET + 0.01  # ten characters a line
    texts = []
    for mark in FULLWIDTH_CLOSING + list(INSEPARABLE):
        texts += ["字" * k + mark + "文" * 12 for k in range(1, 13)]
    for mark in FULLWIDTH_OPENING:
        texts += ["字" * k + mark + "文" * 12 for k in range(0, 13)]
    lines = lines_of(plain_pdf(texts, width))
    assert squeeze("".join(lines)) == squeeze("".join(texts))  # nothing lost
    starts = set(FULLWIDTH_CLOSING) | {"—", "…"}
    for line in lines:
        assert line[0] not in starts, line
        assert line[-1] not in OPENING, line
    for run in INSEPARABLE:  # —— and …… never split
        for line in lines:
            assert not line.endswith(run[0]) or line.endswith(run), line


def test_the_overdue_status_is_never_split_before_its_bracket(store):
    """'办理中（' / '超期）' on every overdue ledger row: the bracket goes with what it opens."""
    st = styles()
    status = "办理中（超期）"
    for chars in range(2, 8):
        pdf = plain_pdf([status], chars * em() + Text.INSET + 0.01)
        for line in lines_of(pdf):
            assert not line.endswith("（") and not line.startswith("）"), line
    assert st["cell"].fontSize >= 9


WORDS = ["department", "Urgency", "resolution", "a", "of", "the", "co-ordination", "2026-11-28"]


@settings(max_examples=60, deadline=None)
@given(
    words=hs.lists(hs.sampled_from(WORDS), min_size=1, max_size=25),
    width=hs.floats(min_value=60, max_value=300),
)
def test_english_wraps_at_word_boundaries(words, width):
    text = " ".join(words)
    lines = break_lines(text, width, measurer(register(), 9))
    assert " ".join(lines).split() == words  # no word cut in two
    measure = measurer(register(), 9)
    for line in lines:
        assert measure(line) <= width + 0.01 or " " not in line


@settings(max_examples=80, deadline=None)
@given(
    text=hs.lists(
        hs.sampled_from(
            list("企业反映的问题融资难")
            + FULLWIDTH_CLOSING
            + FULLWIDTH_OPENING
            + ["——", "……", "ab", "2026", " "]
        ),
        min_size=1,
        max_size=60,
    ).map("".join),
    chars=hs.integers(min_value=4, max_value=30),
)
def test_break_lines_keeps_the_rules_and_every_character(text, chars):
    size = 9
    width = chars * size + 0.01
    measure = measurer(register(), size)
    lines = break_lines(text, width, measure)
    assert squeeze("".join(lines)) == squeeze(text)
    assert all(line or not text.strip() for line in lines), lines  # never a blank line
    if any(measure(u) > width + 0.01 for u in units(text)):
        return  # a group the rules keep together is wider than the column: it must be cut
    for i, line in enumerate(lines):
        assert measure(line) <= width + 0.01, lines
        if i:
            assert not line or line[0] not in set(FULLWIDTH_CLOSING) | {"—", "…"}, lines
        if i < len(lines) - 1 and line:
            assert line[-1] not in OPENING, lines


def test_a_line_that_exactly_fills_the_cell_leaves_no_blank_line_and_keeps_off_the_border():
    size = styles()["cell"].fontSize
    for chars in range(3, 30):
        text = "字" * chars + "。"
        width = (chars + 1) * size + Text.INSET  # exactly full
        lines = break_lines(text, width - Text.INSET, measurer(register(), size))
        assert lines == [text]
        cell = para(text, styles()["cell"])
        _w, h = cell.wrap(width, 1000)
        assert h == styles()["cell"].leading  # one line, no blank line under it
        _w, h = cell.wrap(width - 1, 1000)
        assert h == 2 * styles()["cell"].leading  # a point less: the 。 goes over with a char


# 2. Column sizing ------------------------------------------------------------------------


@pytest.fixture
def many_problems(store):
    e = store.enterprises.create({"name": "沈阳测试机械有限公司", "district_code": "210102"}).record
    v = store.visits.create(e.id, {"visit_date": "2026-11-18"}).record
    p = store.problems.create(
        {"category": "funding", "description": "融资难，缺流动资金"}, visit_id=v.id
    ).record
    p = store.problems.get(p.id)
    return [
        dataclasses.replace(p, number=f"SY-2026-{i:06d}", description=f"第{i}件：融资难。")
        for i in range(1, 10_051)
    ]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_ledger_numbers_and_headings_are_never_split(store, many_problems, lang):
    """序号 up to 10,050 and each heading are drawn whole on one line."""
    rows = many_problems[:120] + many_problems[-30:]
    names = Names(lang)
    report = render_ledger(rows, store.stats.figures_for(), "", names)
    pages = drawn_lines(report.pdf)
    drawn = [t for page in pages for t, _x, _y in page]
    for i in list(range(1, 121)) + list(range(121, 151)):
        assert str(i) in drawn, i  # each row number one piece
    words = (
        ["序号", "编号", "企业名称", "所在区县", "类别", "问题描述", "牵头部门", "超期天数"]
        if lang == "zh_CN"
        else ["No.", "Number", "Name", "District", "Description", "Result"]
    )
    for page in pages:
        texts = [t for t, _x, _y in page]
        for w in words:
            assert w in texts or any(t.startswith(w) for t in texts), (w, texts[:30])


# 3. Signature, running header, per-record page numbers, combined document -------------------


@pytest.fixture
def two_visits(store):
    out = []
    for name, day, n, district in (
        ("沈阳甲乙机械有限公司", "2026-11-03", 14, "210102"),
        ("大连丙丁科技有限公司", "2026-11-20", 3, "210202"),
    ):
        e = store.enterprises.create({"name": name, "district_code": district}).record
        v = store.visits.create(e.id, {"visit_date": day, "officers": "王小明"}).record
        for i in range(n):
            store.problems.create(
                {"category": "funding", "description": f"第{i}件问题：" + "资金周转困难，" * 12},
                visit_id=v.id,
            )
        out.append(v)
    return out


def test_the_signature_block_never_stands_alone_and_every_page_names_its_record(store, two_visits):
    from liaison_app.reports.visit_record import record_number

    v = two_visits[0]
    problem = store.problems.list(visit_id=v.id)[0]
    for extra in range(0, 1600, 100):  # the signature falls at every height of the last page
        store.problems.update(problem.id, {"request": "协调" * extra or None})
        report = store.reports.visit_record(v.id, "zh_CN")
        pages = drawn_lines(report.pdf)
        numbers = {p.number for p in store.problems.list(visit_id=v.id)}
        for i, page in enumerate(pages, start=1):
            texts = [t for t, _x, _y in page]
            joined = squeeze("".join(texts))
            assert "沈阳甲乙机械有限公司" in joined
            assert record_number(v) in joined and "2026年11月3日" in joined
            assert f"第{i}页/共{len(pages)}页" in joined
            if "企业（盖章）" in joined:  # the signature page holds rows of the record too
                seal = texts.index("企业（盖章）")
                content = [t for t in texts[:seal] if t.strip()]
                assert content, (extra, texts)
                assert any(n in joined for n in numbers) or "问题描述全文" not in joined


def test_combined_document_from_the_command_line(store, two_visits, tmp_path):
    from liaison_app.cli import main

    target = tmp_path / "visits.pdf"
    data = str(store.data_dir) if hasattr(store, "data_dir") else None
    assert data
    store.settings.set_officer_unit("市委组织部两新工委")
    code = main(
        [
            "--data-dir",
            data,
            "report",
            "visits",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "-o",
            str(target),
        ]
    )
    assert code == 0
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert reader.metadata.title == "2026年11月企业走访记录表（共 2 份）"
    pages = drawn_lines(target.read_bytes())
    heads = [squeeze("".join(t for t, _x, _y in p)) for p in pages]
    first = [h for h in heads if "沈阳甲乙机械有限公司走访日期" in h]
    second = [h for h in heads if "大连丙丁科技有限公司走访日期" in h]
    assert len(first) + len(second) == len(pages) and first and second
    for group in (first, second):
        for i, h in enumerate(group, start=1):
            assert f"第{i}页/共{len(group)}页" in h  # counted within the record
    assert "走访单位：市委组织部两新工委" in heads[0]
    assert (
        main(
            [
                "--data-dir",
                data,
                "report",
                "visits",
                "--from",
                "2026-12-01",
                "--to",
                "2026-11-01",
                "-o",
                str(tmp_path / "x.pdf"),
            ]
        )
        == 2
    )
    assert not (tmp_path / "x.pdf").exists()


# 5. Official form elements, 7. cell glitches, 8. metadata ----------------------------------


def test_ledger_form_elements_metadata_and_english_punctuation(store, many_problems):
    store.settings.set_officer_unit("市委组织部两新工委")
    names = store.reports.names("zh_CN")
    report = render_ledger(many_problems[:5], store.stats.figures_for(), "类别：资金", names)
    reader = PdfReader(io.BytesIO(report.pdf))
    assert reader.metadata.title == "问题台账"
    assert reader.metadata.author == "市委组织部两新工委 王小明"
    assert reader.metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    whole = squeeze("".join(lines_of(report.pdf)))
    for expected in (
        "填报单位：市委组织部两新工委",
        "填表人：王小明",
        "审核人：",
        "填报日期：",
        "超期天数",
    ):
        assert expected in whole, expected
    en = store.reports.ledger("en", category="funding")
    en_lines = lines_of(en.pdf)
    assert any(line.startswith("Filters: ") for line in en_lines)
    assert PdfReader(io.BytesIO(en.pdf)).trailer["/Root"]["/Lang"] == "en"
    for line in en_lines:
        if line.startswith(("Filters", "Reporting", "Prepared")):
            assert "：" not in line and "；" not in line, line


def test_statistics_tables_close_with_totals_and_group_districts_by_city(store, two_visits):
    report = store.reports.statistics(dt.date(2026, 1, 1), dt.date(2026, 12, 31), "zh_CN")
    lines = lines_of(report.pdf)
    assert lines.count("合计") == 3
    assert "沈阳市（小计）" in lines and "大连市（小计）" in lines
    assert "未指定牵头部门" in squeeze("".join(lines))


def test_a_split_row_repeats_its_number_and_a_long_description_goes_full_width(
    store, many_problems
):
    long_result = "处理意见。" * 150
    rows = [dataclasses.replace(many_problems[0], result=long_result)]
    rows += many_problems[1:3]
    rows.append(dataclasses.replace(many_problems[3], description="说明情况。" * 800))
    report = render_ledger(rows, store.stats.figures_for(), "", Names("zh_CN"))
    pages = drawn_lines(report.pdf)
    assert len(pages) <= 6  # 4,000 characters at full width, not five pages in one column
    continued = [p for p in pages if any("处理意见" in t for t, _x, _y in p)]
    assert len(continued) >= 2  # the row goes over a page
    for page in continued:  # each part says which row it is
        assert any(t.startswith(rows[0].number) for t, _x, _y in page)
    assert printed_whole("说明情况。" * 800, ["".join(t for t, _x, _y in p) for p in pages])


def test_every_line_keeps_off_the_right_border(store, many_problems):
    """No glyph reaches its cell's right edge (a closing 。 touching the rule)."""
    rows = [
        dataclasses.replace(p, description="资金周转困难。" * (i % 7 + 1))
        for i, p in enumerate(many_problems[:40])
    ]
    report = render_ledger(rows, store.stats.figures_for(), "", Names("zh_CN"))
    measure = measurer(register(), styles()["cell"].fontSize)
    right_edge = 15 * 72 / 25.4 + 267 * 72 / 25.4
    for page in drawn_lines(report.pdf):
        for text, x, y in page:
            if 20 * 72 / 25.4 < y < A4[0] - 25 * 72 / 25.4:  # the table, not the page furniture
                assert x + measure(text) <= right_edge - CELL_PAD - Text.INSET + 0.01, text


def test_build_sets_metadata():
    report = build(
        [para("正文", styles()["base"])], meta=Meta("标题", "zh_CN", "某单位 某人", "主题")
    )
    meta = PdfReader(io.BytesIO(report.pdf)).metadata
    assert (meta.title, meta.author, meta.subject) == ("标题", "某单位 某人", "主题")


def test_tabs_and_form_feeds_print_as_spaces_not_placeholders():
    lines = lines_of(plain_pdf(["甲\t乙\v丙\f丁", "企业\t名称" * 30], 200))
    assert not any("〓" in line for line in lines)
    assert "甲 乙 丙 丁" in lines


def test_officer_unit_from_the_command_line_is_printed_as_the_visiting_unit(
    store, two_visits, tmp_path, capsys
):
    from liaison_app.cli import main

    data = str(store.data_dir)
    assert main(["--data-dir", data, "--json", "officer", "--unit", "市委组织部两新工委"]) == 0
    assert '"unit": "市委组织部两新工委"' in capsys.readouterr().out
    assert main(["--data-dir", data, "officer", "--unit", "单" * 101]) == 2
    target = tmp_path / "visit.pdf"
    assert main(["--data-dir", data, "report", "visit", two_visits[1].id, "-o", str(target)]) == 0
    assert "走访单位：市委组织部两新工委" in lines_of(target.read_bytes())
    author = PdfReader(io.BytesIO(target.read_bytes())).metadata.author
    assert author == "市委组织部两新工委 王小明"
