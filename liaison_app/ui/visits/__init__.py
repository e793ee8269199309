"""The visits screen."""
