"""Printable PDF reports (reportlab only): records in, PDF bytes out; no Qt, no Session."""
