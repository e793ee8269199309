"""Every character printed: rare characters of names in a fallback font, back from the text layer
(planes beyond the BMP as UTF-16 surrogate pairs), a character no font has shown as 〓 and named
on the page, and ``--strict`` refusing."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from liaison_app.reports import fonts
from liaison_app.reports.text import measurer

NOWHERE = "\U00030000"  # Extension G: in no bundled font
# One of each block beyond the BMP a name may hold: 𠮷 and 𪚥 (B), C, D, 𬌗 (E), F, and a
# compatibility ideograph of the Supplement (U+2F800, from HanaMinA).
RARE = {
    "B": "\U00020bb7\U0002a6a5",
    "C": "\U0002a700",
    "D": "\U0002b740",
    "E": "\U0002c317",
    "F": "\U0002ceb0",
    "compatibility supplement": "\U0002f800",
}
RARE_NAME = "沈阳𠮷田𬌗" + "".join(RARE.values()) + "科技有限公司"


def text_of(pdf: bytes) -> str:
    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def pdftotext(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    assert out.stderr == b""
    return out.stdout.decode()


def font_names(pdf: bytes) -> set[str]:
    out = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            out.add(str(ref.get_object()["/BaseFont"]))
    return out


@pytest.fixture
def fresh_fonts():
    """No fallback read yet in this process (as in a new app)."""

    def reset() -> None:
        del fonts._fonts[1:]
        fonts._owner.clear()
        fonts._fallbacks_loaded = False
        measurer.cache_clear()

    reset()
    yield
    reset()


def visit_with(store, name: str):
    e = store.enterprises.create({"name": name, "district_code": "210102"}).record
    return store.visits.create(e.id, {"visit_date": "2026-11-18", "officers": "刘䶮"}).record


def test_extension_a_prints_from_the_bundled_fallback(store):
    v = visit_with(store, "沈阳刘䶮机械有限公司")
    report = store.reports.visit_record(v.id)
    assert report.warnings == () and report.missing == ()
    assert "刘䶮" in text_of(report.pdf)
    assert any("HanaMinA-ExtA" in n for n in font_names(report.pdf))


def test_a_document_without_rare_characters_reads_and_embeds_no_fallback(store, fresh_fonts):
    v = store.visits.create(
        store.enterprises.create({"name": "沈阳机械有限公司", "district_code": "210102"}).record.id,
        {"visit_date": "2026-11-18", "officers": "王小明"},
    ).record
    store.problems.create({"category": "tax", "description": "留抵退税未到账"}, visit_id=v.id)
    for report in (store.reports.visit_record(v.id), store.reports.ledger()):
        assert not any("HanaMin" in n for n in font_names(report.pdf))
    assert fonts.loaded_fallbacks() == []  # not one of the files was read
    store.reports.visit_record(visit_with(store, "沈阳刘䶮机械有限公司").id)  # Extension A
    assert "HanaMinB-ExtB-F.ttf" not in [p.name for p in fonts.loaded_fallbacks()]


def test_extensions_b_to_f_print_and_come_back_whole(store, fresh_fonts, caplog):
    v = visit_with(store, RARE_NAME)
    store.problems.create(
        {"category": "tax", "description": f"{RARE_NAME}：留抵退税"}, visit_id=v.id
    )
    for report in (store.reports.visit_record(v.id), store.reports.ledger()):
        assert report.missing == () and report.warnings == ()
        assert any("HanaMinB-ExtB-F" in n for n in font_names(report.pdf))
        for text in (text_of(report.pdf), pdftotext(report.pdf)):
            flat = "".join(text.split())
            assert "〓" not in flat
            for block, chars in RARE.items():
                assert chars in flat, block  # not ₻ (the code point written as four hex digits)
            assert "𠮷田𬌗" in flat
    assert "HanaMinB-ExtB-F.ttf" in [p.name for p in fonts.loaded_fallbacks()]
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_a_character_no_font_has_is_a_visible_placeholder_named_on_the_page(store):
    v = visit_with(store, f"沈阳{NOWHERE}业有限公司")
    report = store.reports.visit_record(v.id)
    assert report.missing == (NOWHERE,) and report.warnings
    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(report.pdf)).pages]
    assert "沈阳〓业有限公司" in pages[0].replace(" ", "")
    assert all("U+30000" in p for p in pages)  # every page that shows it says so


def test_strict_exits_non_zero_when_a_character_cannot_be_printed(store, tmp_path):
    from liaison_app.cli import main

    v = visit_with(store, f"沈阳{NOWHERE}业有限公司")
    data = str(store.data_dir)
    assert main(["--data-dir", data, "report", "visit", v.id, "-o", str(tmp_path / "a.pdf")]) == 0
    strict = [
        "--data-dir",
        data,
        "report",
        "visit",
        v.id,
        "--strict",
        "-o",
        str(tmp_path / "b.pdf"),
    ]
    assert main(strict) == 1


def test_surrogate_pairs_in_the_to_unicode_map():
    cmap = fonts._to_unicode_cmap("F", [0x41, 0x20BB7])
    assert "<00> <0041>" in cmap and "<01> <D842DFB7>" in cmap
