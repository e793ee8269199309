"""Request bodies parsed as strict JSON: UTF-8, no NaN or Infinity, no number beyond a double.

Anything else a standard parser accepts is kept for the endpoint to judge: a lone surrogate
escape or an integer past 64 bits is valid JSON, and in a push it is one mutation's problem
(push.py rejects that mutation), never the batch's.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a JSON number", "", 0)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise json.JSONDecodeError("a number beyond the range of a double", "", 0)
    return value


def loads(body: bytes) -> Any:
    """Parse a request body; every refusal is a ``json.JSONDecodeError`` (a 422)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise json.JSONDecodeError("the body is not UTF-8", "", 0) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise json.JSONDecodeError(exc.msg, "", exc.pos) from None  # never keep the input
    except RecursionError:
        raise json.JSONDecodeError("the body is nested too deeply", "", 0) from None
    except ValueError:  # e.g. an integer of more digits than Python converts
        raise json.JSONDecodeError("a number too long to read", "", 0) from None


class _StrictRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """An APIRoute whose JSON bodies go through ``loads``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            return await handler(_StrictRequest(request.scope, request.receive))

        return route
