"""Bundled resources: the CJK font and its licence, translations, icons (shipped in the wheel)."""
