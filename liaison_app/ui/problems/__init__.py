"""The problems screen."""
