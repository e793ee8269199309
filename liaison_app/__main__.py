"""`python -m liaison_app` starts the desktop app."""

from __future__ import annotations

import sys


def main() -> int:
    from liaison_app.app import main as app_main

    return app_main()


if __name__ == "__main__":
    sys.exit(main())
