"""The request bodies the HTTP layer validates, and the error answers every endpoint may give.

Text fields refuse what no database column should hold: a NUL, a lone surrogate (not UTF-8)
or a control character. The push body is only an envelope here: each mutation is validated by
push.py, so a malformed one is that mutation's rejection, never a 422 of the batch.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from liaison_app.sync.protocol import MAX_PULL, MAX_PUSH

CLIENT_ID = r"^[0-9A-Za-z][0-9A-Za-z._:-]{7,35}$"  # a uuid, in practice
REFRESH_TOKEN = r"^[A-Za-z0-9_-]{10,200}$"  # secrets.token_urlsafe


def clean_text(value: str) -> str:
    """Refuse a NUL, a lone surrogate or another control character (tab and newline aside)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains a lone surrogate (not UTF-8)") from None
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in value):
        raise ValueError("contains a control character")
    return value


def _one_line(value: str) -> str:
    if any(c in value for c in "\t\n\r"):
        raise ValueError("contains a line break or a tab")
    return value


Text = Annotated[str, AfterValidator(clean_text)]
Line = Annotated[str, AfterValidator(clean_text), AfterValidator(_one_line)]


class LoginBody(BaseModel):
    user: Annotated[Line, Field(min_length=1, max_length=100)]
    password: Annotated[Text, Field(min_length=1, max_length=200)]
    client_id: Annotated[str | None, Field(pattern=CLIENT_ID)] = None
    device: Annotated[Line | None, Field(max_length=200)] = None


class RefreshBody(BaseModel):
    refresh_token: Annotated[str, Field(pattern=REFRESH_TOKEN)]


class PullBody(BaseModel):
    # A cursor that is not one of ours is a 409 cursor_invalid (pull.py), not a 422: the client
    # then pulls from the start instead of failing for good.
    cursor: Annotated[Line | None, Field(max_length=400)] = None
    limit: Annotated[int, Field(ge=1, le=MAX_PULL, strict=True)] = MAX_PULL


class ResolveBody(BaseModel):
    note: Annotated[Text | None, Field(max_length=2000)] = None


class PushBody(BaseModel):
    mutations: Annotated[list[Any], Field(max_length=MAX_PUSH)]


# ---- answers ---------------------------------------------------------------------------------


class ErrorBody(BaseModel):
    """Every error answer: a stable code and an English message; never the request's values."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="stable machine-readable code")
    message: str


class FieldProblem(BaseModel):
    field: str = Field(description="where: body.user, query.offset, path.conflict_id …")
    code: str = Field(description="pydantic's error type, e.g. string_too_long, json_invalid")
    message: str


class ValidationBody(ErrorBody):
    """422: the request does not fit the API; which field and what is wrong, not its value."""

    errors: list[FieldProblem]
