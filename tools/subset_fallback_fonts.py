"""Cut the fallback fonts in resources/fonts/fallback from Hanazono Mincho (fonts-hanazono).

Reproducible from packages this project already reaches, nothing downloaded by this script:

    apt-get install fonts-hanazono      (Debian 20170904-2.1; or `apt-get download` + `dpkg-deb -x`)
    pip install fonttools
    python tools/subset_fallback_fonts.py [FOLDER holding HanaMinA.ttf and HanaMinB.ttf]

FOLDER defaults to /usr/share/fonts/truetype/hanazono. Hinting is dropped (the PDFs are vector;
it only adds size). HanaMinA-ExtA.ttf was cut with the same options.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts" / "fallback"

# output file -> (source file, code point ranges)
FONTS = {
    "HanaMinA-ExtA.ttf": (
        "HanaMinA.ttf",
        [
            (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
            (0x9FA6, 0x9FFF),  # the newest unified ideographs of the BMP
            (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
            (0x2E80, 0x2FDF),  # radicals
            (0x31C0, 0x31EF),  # strokes
        ],
    ),
    "HanaMinA-CompatSup.ttf": (
        "HanaMinA.ttf",
        [(0x2F800, 0x2FA1F)],  # CJK Compatibility Ideographs Supplement (not in HanaMinB)
    ),
    "HanaMinB-ExtB-F.ttf": (
        "HanaMinB.ttf",
        [
            (0x20000, 0x2A6DF),  # Extension B
            (0x2A700, 0x2B73F),  # Extension C
            (0x2B740, 0x2B81F),  # Extension D
            (0x2B820, 0x2CEAF),  # Extension E
            (0x2CEB0, 0x2EBEF),  # Extension F
        ],
    ),
}


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else Path("/usr/share/fonts/truetype/hanazono")
    wanted = set(argv[1:])  # optional: only these output files
    for name, (src, ranges) in FONTS.items():
        if wanted and name not in wanted:
            continue
        options = subset.Options()
        options.hinting = False
        options.drop_tables += ["FFTM"]
        font = subset.load_font(str(source / src), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[c for lo, hi in ranges for c in range(lo, hi + 1)])
        subsetter.subset(font)
        subset.save_font(font, str(OUT / name), options)
        print(name, (OUT / name).stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
