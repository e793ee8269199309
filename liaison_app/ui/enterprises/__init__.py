"""The enterprises screen."""
