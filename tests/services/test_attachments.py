"""Attachments through the service layer: photos shrunk on request, originals kept, removal
undone, the visit record printing the photos, and the lists' sync marks for an offline folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from liaison_app.domain.labels import SIGNED_SCAN_CAPTIONS
from liaison_app.errors import InputError
from liaison_app.services.store import Store


def photo(path: Path, size: tuple[int, int] = (4000, 3000), colour: str = "teal") -> Path:
    Image.new("RGB", size, colour).save(path, "JPEG", quality=95)
    return path


@pytest.fixture
def visit(store: Store) -> str:
    firm = store.enterprises.create({"name": "沈阳华晨机械制造有限公司", "district_code": "210102"})
    return store.visits.create(firm.record.id, {"visit_date": "2026-11-19"}).record.id


def test_a_photo_shrinks_on_request_and_the_original_stays_here(store, visit, tmp_path):
    big = photo(tmp_path / "车间.JPG")
    small = store.attachments.add(visit, big, shrink=True).record
    with Image.open(store.attachments.file_path(small.id)) as img:
        assert max(img.size) == 2000 and img.format == "JPEG"
    assert small.filename == "车间.jpg" and small.size < big.stat().st_size
    assert small.has_original
    kept = store.attachments.save_original(small.id, tmp_path / "back.jpg")
    assert kept.read_bytes() == big.read_bytes()
    assert big.exists()  # the officer's own file is never touched


def test_shrinking_without_keeping_the_original_and_leaving_small_photos_alone(
    store, visit, tmp_path
):
    big = store.attachments.add(
        visit, photo(tmp_path / "a.jpg"), shrink=True, keep_original=False
    ).record
    assert not big.has_original
    with pytest.raises(InputError):
        store.attachments.save_original(big.id, tmp_path / "x.jpg")
    little = photo(tmp_path / "b.jpg", (800, 600))
    same = store.attachments.add(visit, little, shrink=True).record
    assert same.size == little.stat().st_size and not same.has_original
    doc = tmp_path / "说明.pdf"
    doc.write_bytes(b"%PDF-1.4 not really")
    assert store.attachments.add(visit, doc, shrink=True).record.size == doc.stat().st_size
    assert not list((store.data_dir / "tmp").iterdir())  # no working copies left behind


def test_a_removed_attachment_comes_back_on_restore(store, visit, tmp_path):
    a = store.attachments.add(visit, photo(tmp_path / "a.jpg", (100, 80))).record
    store.attachments.delete(a.id)
    assert store.attachments.list(visit) == []
    store.attachments.restore(a.id)
    assert [x.id for x in store.attachments.list(visit)] == [a.id]


def test_the_visit_record_prints_the_photos_but_not_the_signed_scan(store, visit, tmp_path):
    store.attachments.add(visit, photo(tmp_path / "a.jpg"))
    store.attachments.add(visit, photo(tmp_path / "b.png", (300, 200), "orange"))
    store.attachments.add(visit, photo(tmp_path / "scan.jpg"), SIGNED_SCAN_CAPTIONS[0])
    pdf = store.reports.visit_record(visit, "zh_CN").pdf
    reader = PdfReader(__import__("io").BytesIO(pdf))
    assert "现场照片" in "".join(page.extract_text() for page in reader.pages)
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 2
    assert max(max(img.image.size) for img in images) <= 800  # thumbnails, not 12 MB photos


def test_a_folder_never_signed_in_shows_no_sync_marks(store, visit):
    assert store.sync.record_states([visit]) == {}
