"""Every character printed: rare characters of names in a fallback font, back from the text layer
(planes beyond the BMP as UTF-16 surrogate pairs), a character no font has shown as 〓 and named
on the page, and ``--strict`` refusing."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from liaison_app.reports import fonts
from liaison_app.reports.text import measurer

SAMPLE = Path(__file__).parent / "data" / "HanaMinB-sample.ttf"
NOWHERE = "\U00030000"  # Extension G: in no bundled font


def text_of(pdf: bytes) -> str:
    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def font_names(pdf: bytes) -> set[str]:
    out = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            out.add(str(ref.get_object()["/BaseFont"]))
    return out


@pytest.fixture
def plane2(monkeypatch):
    """The shipped fallbacks plus a sample font with 𠮷 and 𬌗 (Extension B and E)."""
    shipped = fonts.fallback_paths()
    monkeypatch.setattr(fonts, "fallback_paths", lambda: [*shipped, SAMPLE])

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
    assert any("LiaisonFallback" in n or "HanaMin" in n for n in font_names(report.pdf))


def test_a_document_without_rare_characters_embeds_no_fallback(store):
    v = visit_with(store, "沈阳机械有限公司")
    report = store.reports.ledger()
    assert not any("HanaMin" in n for n in font_names(report.pdf)), font_names(report.pdf)
    assert v


def test_characters_beyond_the_bmp_print_and_come_back_whole(store, plane2):
    v = visit_with(store, "𠮷田𬌗科技有限公司")
    report = store.reports.visit_record(v.id)
    assert report.missing == ()
    text = text_of(report.pdf)
    assert "𠮷田𬌗科技有限公司" in text  # not ₻田 (the code point written as four hex digits)
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-", "-"], input=report.pdf, capture_output=True, check=True
        ).stdout.decode()
        assert "𠮷田𬌗" in out


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
