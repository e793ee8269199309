"""PDF reports read back the way a reader would: embedded fonts, exact Chinese text, page furniture."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from liaison_app.domain.lifecycle import StepInput
from liaison_app.reports.fonts import missing_glyphs
from tests.conftest import give_deadline

LONG = "".join(f"第{i:04d}段企业反映的情况说明。" for i in range(300))  # ≈ 4,500 characters
MARKUP = 'A<b>粗体</b> & "引号" <script>x</script> 5 > 3 &amp;'


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def squeeze(text: str) -> str:
    """Text as laid out loses only line breaks and spaces the wrapping put in."""
    return re.sub(r"\s+", "", text)


def printed_whole(expected: str, texts: list[str]) -> bool:
    """``expected`` appears in order across consecutive pages (a long cell split between pages,
    with page footers and repeated headers in between)."""
    rest = squeeze(expected)
    for text in map(squeeze, texts):
        lo, hi = 0, len(rest)
        while lo < hi:  # the longest prefix of what is left that this page holds
            mid = (lo + hi + 1) // 2
            if rest[:mid] in text:
                lo = mid
            else:
                hi = mid - 1
        rest = rest[lo:]
    return rest == ""


def embedded_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font any page uses."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return sorted(found.items())


@pytest.fixture
def visit(store):
    e = store.enterprises.create(
        {
            "name": "沈阳君威新能科技有限公司",
            "uscc": "91210102MAPJ96WP38",
            "district_code": "210102",
            "address": "沈阳市和平区青年大街100号",
            "contact_name": "韩大冬",
            "phone": "13912345678",
        }
    ).record
    v = store.visits.create(
        e.id,
        {
            "visit_date": "2026-11-18",
            "officers": "王小明、李晓东",
            "people_met": "董事长 韩大冬",
            "summary": "了解融资情况",
        },
    ).record
    p1 = store.problems.create(
        {"category": "funding", "description": LONG + MARKUP, "request": "协调银行续贷"},
        visit_id=v.id,
    ).record
    p2 = store.problems.create(
        {"category": "labour", "description": "招工难，缺焊工30名"}, visit_id=v.id
    ).record
    store.problems.step(p1.id, "accept")
    store.problems.step(
        p1.id,
        "assign",
        StepInput(department="financial_regulation", deadline=dt.date(2026, 12, 10)),
    )
    store.problems.step(p2.id, "resolve", StepInput(note="已对接人社局招聘会"))
    return v


def test_visit_record_prints_every_word_with_embedded_fonts(store, visit):
    report = store.reports.visit_record(visit.id, "zh_CN")
    fonts = embedded_fonts(report.pdf)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    texts = pages_text(report.pdf)
    whole = squeeze("".join(texts))
    for expected in (
        "企业走访记录表",
        "沈阳君威新能科技有限公司",
        "91210102MAPJ96WP38",
        "王小明、李晓东",
        "招工难，缺焊工30名",
        "已对接人社局招聘会",
        "企业代表（签字）：",
        "金融监管局",
    ):
        assert squeeze(expected) in whole, expected
    # A 4,500-character description is printed whole, across pages, markup printed literally.
    assert printed_whole(LONG + MARKUP, texts)
    assert MARKUP.replace(" ", "") in whole  # literally: never parsed as markup
    assert report.pages == len(texts) >= 2
    for i, text in enumerate(texts, start=1):
        assert f"第 {i} 页 / 共 {report.pages} 页" in text
    assert report.warnings == ()


def test_a_provisional_problem_number_is_marked_on_the_printed_record(store, visit):
    """Until the server gives the number, the signed paper says the number is provisional."""
    numbers = [p.number for p in store.problems.list(visit_id=visit.id)]
    assert numbers and all(n.startswith("L-") for n in numbers)
    zh = squeeze("".join(pages_text(store.reports.visit_record(visit.id, "zh_CN").pdf)))
    en = squeeze("".join(pages_text(store.reports.visit_record(visit.id, "en").pdf)))
    for n in numbers:
        assert squeeze(f"{n}（临时）") in zh
        assert squeeze(f"{n} (provisional)") in en


def test_visit_record_in_english(store, visit):
    report = store.reports.visit_record(visit.id, "en")
    whole = squeeze("".join(pages_text(report.pdf)))
    for expected in ("Enterprise visit record", "Problems raised", "Funding & credit", "Page 1 of"):
        assert squeeze(expected) in whole, expected
    assert squeeze("沈阳君威新能科技有限公司") in whole  # user text stays as typed


def test_ledger_repeats_its_header_and_marks_overdue(store, visit, clock):
    made = [
        store.problems.create(
            {"category": "tax", "description": f"留抵退税未到账第{i}件"}, visit_id=visit.id
        ).record.id
        for i in range(60)
    ]
    give_deadline(store, made[0], "2026-11-01")  # passed: overdue
    report = store.reports.ledger("zh_CN")
    texts = pages_text(report.pdf)
    assert len(texts) >= 3
    for text in texts:
        assert "问题描述" in text and "办理结果" in text  # the header on every page
    whole = squeeze("".join(texts))
    assert "超期" in whole and printed_whole(LONG, texts)
    assert "受理数" in texts[0] and "62" in texts[0]  # the summary: 62 received
    assert all(embedded for _, embedded in embedded_fonts(report.pdf))


def test_ledger_filter_is_described_and_applied(store, visit):
    report = store.reports.ledger("zh_CN", category="labour")
    whole = squeeze("".join(pages_text(report.pdf)))
    assert "用工与招工" in whole and "招工难" in whole and "第0000段" not in whole


def test_statistics_report_has_charts_and_tables(store, visit):
    report = store.reports.statistics(dt.date(2026, 1, 1), dt.date(2026, 11, 20), "zh_CN")
    whole = squeeze("".join(pages_text(report.pdf)))
    for expected in (
        "助企纾困问题办理情况统计",
        "按问题类别",
        "按牵头部门",
        "按区县",
        "资金与融资",
        "和平区",
        "2026年1月1日–2026年11月20日",
        "50.0%",
    ):
        assert squeeze(expected) in whole, expected
    assert all(embedded for _, embedded in embedded_fonts(report.pdf))


def test_missing_characters_are_named_and_the_pdf_still_builds(store, visit):
    rare = "\U00030000"  # a CJK Extension G character the font does not have
    assert missing_glyphs([f"abc{rare}"]) == [rare]
    p = store.problems.list(visit_id=visit.id)[0]
    store.problems.update(p.id, {"request": f"企业名称含生僻字{rare}"})
    report = store.reports.visit_record(visit.id, "zh_CN")
    assert report.pdf.startswith(b"%PDF") and any(rare in w for w in report.warnings)


def test_batch_export_one_file_each_or_combined_and_cancel(store, visit, tmp_path):
    other = store.visits.create(visit.enterprise_id, {"visit_date": "2026-11-19"}).record
    files = store.reports.export_visits(dt.date(2026, 11, 1), dt.date(2026, 11, 30), tmp_path)
    assert len(files) == 2 and all(f.read_bytes().startswith(b"%PDF") for f in files)
    assert not list(tmp_path.glob("*.partial"))
    combined_dir = tmp_path / "combined"
    combined_dir.mkdir()
    seen = []
    (combined,) = store.reports.export_visits(
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        combined_dir,
        combined=True,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen == [(1, 2), (2, 2)]
    assert squeeze(other.enterprise_name) in squeeze("".join(pages_text(combined.read_bytes())))
    stopped = tmp_path / "stopped"
    stopped.mkdir()
    assert (
        store.reports.export_visits(
            dt.date(2026, 11, 1), dt.date(2026, 11, 30), stopped, cancelled=lambda: True
        )
        == []
    )
    assert list(stopped.iterdir()) == []


def test_statistics_period_with_an_open_end_is_said_in_words(store, visit):
    for start, lang, said in (
        (None, "zh_CN", "统计期间：全部时间"),
        (None, "en", "Period: All time"),
        (dt.date(2026, 1, 1), "zh_CN", "统计期间：2026年1月1日 起"),
        (dt.date(2026, 1, 1), "en", "Period: from 2026-01-01"),
    ):
        whole = squeeze("".join(pages_text(store.reports.statistics(start, None, lang).pdf)))
        assert squeeze(said) in whole and "…" not in whole, (lang, start)
