"""Composition root of the desktop app: settings, store, translators, main window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="liaison-app", description="Liaison desktop app")
    parser.add_argument("--data-dir", metavar="DIR", help="data folder (shared with `liaison`)")
    parser.parse_args(argv)
    print(
        "liaison-app: the desktop window is being built (issue 3); meanwhile every record "
        "can be kept with the `liaison` command (see `liaison --help`).",
        file=sys.stderr,
    )
    return 1
