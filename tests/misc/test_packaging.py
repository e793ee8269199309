"""What ships: every package listed, the font with its licence, complete translations."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from liaison_app.resources import font_path, translations_dir

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_in_pyproject():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "liaison_app").rglob("__init__.py")
    }
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"


def test_font_ships_with_its_licence():
    assert font_path().is_file() and font_path().stat().st_size > 4_000_000
    licences = list(font_path().parent.glob("LICENSE*"))
    assert licences and "Apache" in licences[0].read_text()


def _sources(ts: Path) -> dict[str, str]:
    out = {}
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        text = translation.text or "".join(n.text or "" for n in translation)
        out[message.find("source").text] = "" if translation.get("type") == "unfinished" else text
    return out


def test_translations_cover_every_ui_string(tmp_path):
    committed = _sources(translations_dir() / "liaison_zh_CN.ts")
    assert all(committed.values()), [s for s, t in committed.items() if not t]
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "liaison_app" / "ui").rglob("*.py"))
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run(
        [str(lupdate), *sources, str(ROOT / "liaison_app" / "app.py"), "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    missing = set(_sources(fresh)) - set(committed)
    assert not missing, f"run `python tools/i18n.py`; untranslated: {sorted(missing)}"
    assert (translations_dir() / "liaison_zh_CN.qm").stat().st_mtime >= 0
