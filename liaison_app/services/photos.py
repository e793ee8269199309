"""Photos shrunk to a sane size before they are attached (Pillow, which reportlab brings)."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

LONGEST_SIDE = 2000  # pixels: plenty for a report or a screen, a tenth of a phone photo's bytes
QUALITY = 85
# What a camera or a phone writes; other images (screenshots, drawings) are attached as they are.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".jfif", ".png", ".webp", ".heic", ".tif", ".tiff"})


def is_photo(name: str) -> bool:
    return Path(name).suffix.lower() in PHOTO_SUFFIXES


def shrink(source: Path, work_dir: Path, longest: int = LONGEST_SIDE) -> Path | None:
    """A JPEG copy of ``source`` whose longest side is at most ``longest`` pixels, written in
    ``work_dir`` (a folder of the caller's own) under the photo's name with the extension .jpg;
    None when the photo is already that small, or is not an image Pillow reads — then the file
    is attached as it is."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(source) as img:
            if max(img.size) <= longest:
                return None
            img = ImageOps.exif_transpose(img)  # phones store "rotate me" instead of rotating
            img.thumbnail((longest, longest), Image.Resampling.LANCZOS)
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")  # JPEG has no transparency; a photo has none to lose
            target = work_dir / f"{source.stem}.jpg"
            img.save(target, "JPEG", quality=QUALITY, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        log.info("not shrinking %s: %s", shown(source.name), exc)
        return None
    return target


def is_readable_image(path: Path) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.verify()
    except (UnidentifiedImageError, OSError, ValueError):
        return False
    return True


def shown(name: str) -> str:
    return name.encode("utf-8", "backslashreplace").decode("utf-8")
