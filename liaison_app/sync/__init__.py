"""sync layer (see design.md §1)."""
