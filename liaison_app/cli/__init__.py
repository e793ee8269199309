"""The `liaison` command: scripting and administration of one data folder, without Qt.

Exit status: 0 success; 2 bad input (invalid field, unknown id or code, illegal lifecycle
step) with nothing written; 1 anything else.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Sequence

from liaison_app.cli import output
from liaison_app.errors import InputError, LiaisonError, ValidationError

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
    as_json = bool(getattr(args, "json", False))
    if as_json:
        output.hold_warnings()  # said inside the error object, should there be one
    try:
        code = run(args)
        output.release_warnings()
        sys.stdout.flush()  # a reader gone shows here, not as noise when Python exits
        return code
    except BrokenPipeError:
        return _reader_gone()
    except InputError as exc:
        return _fail(exc, EXIT_BAD_INPUT, as_json, f"liaison: error: {exc}")
    except LiaisonError as exc:
        return _fail(exc, EXIT_FAILURE, as_json, f"liaison: {exc}")
    except KeyboardInterrupt:
        print("liaison: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence prints, then fails
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        text = f"unexpected error: {type(exc).__name__}: {exc}"
        return _fail(exc, EXIT_FAILURE, as_json, f"liaison: {text}", text)


def _fail(
    exc: BaseException, status: int, as_json: bool, line: str, message: str | None = None
) -> int:
    """The error on stderr: a line of text, or with --json one object and nothing else:
    {"error": {"code", "message", "field", "warnings"}}."""
    if not as_json:
        output.release_warnings()
        print(line, file=sys.stderr)
        return status
    field, code = None, exc.code if isinstance(exc, LiaisonError) else "unexpected"
    if isinstance(exc, ValidationError) and exc.errors:
        field, code = exc.errors[0].field, exc.errors[0].code
    error = {
        "code": code,
        "message": message or (exc.message if isinstance(exc, LiaisonError) else str(exc)),
        "field": field,
        "warnings": output.release_warnings(emit=False),
    }
    print(json.dumps({"error": error}, ensure_ascii=False), file=sys.stderr)
    return status


def _reader_gone() -> int:
    """The reader closed the pipe (`liaison enterprise list | head -1`): stop quietly, and
    keep Python from complaining when it flushes stdout on the way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - no real stdout to replace
        pass
    return EXIT_OK
