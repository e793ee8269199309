"""reports layer (see design.md §1)."""
