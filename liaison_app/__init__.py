"""Liaison: the enterprise liaison officer's desktop record, offline first."""

__version__ = "0.1.0"
