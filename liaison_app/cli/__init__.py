"""The `liaison` command: scripting and administration of one data folder, without Qt.

Exit status: 0 success; 2 bad input (invalid field, unknown id or code, illegal lifecycle
step) with nothing written; 1 anything else.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from liaison_app.errors import InputError, LiaisonError

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure:
            reconfigure(encoding="utf-8")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from liaison_app.cli.commands import run
    from liaison_app.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits with 2 on bad options
    try:
        return run(args)
    except InputError as exc:
        print(f"liaison: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except LiaisonError as exc:
        print(f"liaison: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("liaison: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence prints, then fails
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        print(f"liaison: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
