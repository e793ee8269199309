"""Use cases: one unit of work per method, frozen records out; every write goes through here."""
