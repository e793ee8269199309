"""exchange layer (see design.md §1)."""
