"""Refresh the translations: lupdate the sources, fill zh_CN from tools/zh_CN_strings.py, lrelease;
then the English plurals (liaison_en.ts: every text counting with %n, in its one and many forms).

python tools/i18n.py       (run after changing user-visible strings in the UI)
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "liaison_zh_CN.ts"
EN_TS = ROOT / "resources" / "i18n" / "liaison_en.ts"
BIN = Path(sys.executable).parent

sys.path.insert(0, str(ROOT / "tools"))
from zh_CN_strings import ZH  # noqa: E402

# English sources write a count's noun as "conflict(s)"; the English .qm gives Qt the two forms.
# "(s)" → "" / "s" serves most; a text whose verb follows the count says both forms here.
EN_PLURALS = {
    "%n change(s) not yet sent stay on this computer and are sent when you sign in again.": (
        "%n change not yet sent stays on this computer and is sent when you sign in again.",
        "%n changes not yet sent stay on this computer and are sent when you sign in again.",
    ),
    "Nothing was imported: %n problem(s) were found (the file or the enterprises on record "
    "changed since the check).": (
        "Nothing was imported: %n problem was found (the file or the enterprises on record "
        "changed since the check).",
        "Nothing was imported: %n problems were found (the file or the enterprises on record "
        "changed since the check).",
    ),
}


def english_forms(source: str) -> tuple[str, str]:
    """(one, many) of an English source that counts with %n."""
    if source in EN_PLURALS:
        return EN_PLURALS[source]
    return source.replace("(s)", ""), source.replace("(s)", "s")


def write_english(zh: ET.ElementTree) -> None:
    """liaison_en.ts: the messages of the zh_CN file that count (%n), each with its English
    singular and plural, marked numerus (QCoreApplication.translate's are not, by lupdate)."""
    root = ET.Element("TS", version="2.1", language="en_GB")
    for context in zh.getroot().iter("context"):
        counting = [m for m in context.iter("message") if "%n" in (m.findtext("source") or "")]
        if not counting:
            continue
        out = ET.SubElement(root, "context")
        ET.SubElement(out, "name").text = context.findtext("name")
        for message in counting:
            source = message.findtext("source") or ""
            item = ET.SubElement(out, "message", numerus="yes")
            ET.SubElement(item, "source").text = source
            translation = ET.SubElement(item, "translation")
            for form in english_forms(source):
                ET.SubElement(translation, "numerusform").text = form
    ET.indent(root)
    ET.ElementTree(root).write(EN_TS, encoding="utf-8", xml_declaration=True)
    subprocess.check_call([str(BIN / "pyside6-lrelease"), str(EN_TS)])


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
    write_english(tree)
    for source in missing:
        print(f"untranslated: {source!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
