"""The `liaison-server` command. The server itself is the subject of its own issue."""

from __future__ import annotations

import sys


def main() -> int:
    print(
        "liaison-server: the central sync server is not part of this release yet; "
        "the desktop app and the `liaison` command work fully offline meanwhile.",
        file=sys.stderr,
    )
    return 1
