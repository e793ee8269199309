"""Sync in the app: sign-in, automatic sync and its status, conflicts, changes not accepted."""
