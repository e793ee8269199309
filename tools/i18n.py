"""Refresh the translations: lupdate the sources, fill zh_CN from tools/zh_CN_strings.py, lrelease.

python tools/i18n.py       (run after changing user-visible strings in the UI)
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "liaison_zh_CN.ts"
BIN = Path(sys.executable).parent

sys.path.insert(0, str(ROOT / "tools"))
from zh_CN_strings import ZH  # noqa: E402


def main() -> int:
    sources = sorted(str(p) for p in (ROOT / "liaison_app" / "ui").rglob("*.py"))
    sources.append(str(ROOT / "liaison_app" / "app.py"))
    subprocess.check_call([str(BIN / "pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(TS)])
    tree = ET.parse(TS)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.find("source").text or ""
        translation = message.find("translation")
        text = ZH.get(source)
        if text is None:
            missing.append(source)
            continue
        translation.attrib.pop("type", None)
        if message.get("numerus") == "yes":
            for child in list(translation):
                translation.remove(child)
            ET.SubElement(translation, "numerusform").text = text
            translation.text = None
        else:
            translation.text = text
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    subprocess.check_call([str(BIN / "pyside6-lrelease"), str(TS)])
    for source in missing:
        print(f"untranslated: {source!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
