"""ui layer (see design.md §1)."""
