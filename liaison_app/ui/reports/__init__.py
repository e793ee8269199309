"""Report preview, printing and batch export."""
