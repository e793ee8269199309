"""The shapes of mutations, pull pages and every answer, as pydantic models for the OpenAPI
document (docs/sync-protocol.md in machine-readable form).

Documentation only: the push body is read by BodyLimits and judged mutation by mutation by
push.py (a malformed mutation is that mutation's rejection, never a 422 of the batch), and the
answers are built by push.py, pull.py and the endpoints. Unknown keys in answers are allowed:
clients keep what they do not know.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field, create_model

from liaison_app.domain.lifecycle import LIFECYCLE_FIELDS, STEPS
from liaison_app.server.api_models import ErrorBody, ValidationBody
from liaison_app.sync.protocol import ENTITIES, MAX_PULL, MAX_PUSH, OPS, SYNCED_FIELDS

JsonScalar = str | int | float | bool | None
FieldValue = JsonScalar | list[JsonScalar] | dict[str, Any]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


def _fields_model(entity: str) -> type[BaseModel]:
    """The synced fields of one entity, each optional (a mutation carries the changed ones)."""
    spec: dict[str, Any] = {name: (FieldValue, None) for name in SYNCED_FIELDS[entity]}
    return create_model(
        f"{entity.capitalize()}Fields",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"The changed user fields of a {entity} (protocol.SYNCED_FIELDS).",
        **spec,
    )


EnterpriseFields, VisitFields, ProblemFields, ActionFields, AttachmentFields = (
    _fields_model(e) for e in ("enterprise", "visit", "problem", "action", "attachment")
)
LifecycleState = create_model(
    "LifecycleState",
    __config__=ConfigDict(extra="forbid"),
    __doc__="A problem's whole lifecycle state (problem create only; status required).",
    **{name: (FieldValue, None) for name in LIFECYCLE_FIELDS},  # type: ignore[call-overload]
)


class Transition(BaseModel):
    from_: str = Field(alias="from", description="the status the step starts from")
    to: str


class Mutation(BaseModel):
    """One change of one record (docs/sync-protocol.md, Push)."""

    id: str = Field(min_length=8, max_length=36, description="uuid; the idempotency key")
    seq: int = Field(ge=1, le=2**63 - 1, description="this client's number, contiguous from 1")
    entity: Literal[ENTITIES]  # type: ignore[valid-type]
    record_id: str = Field(min_length=8, max_length=36)
    op: Literal[OPS]  # type: ignore[valid-type]
    enterprise_id: str | None = Field(default=None, max_length=36)
    fields: (
        EnterpriseFields | VisitFields | ProblemFields | ActionFields | AttachmentFields | None  # type: ignore[valid-type]
    ) = None
    base_version: int = Field(default=0, ge=0, le=2**63 - 1)
    base: dict[str, FieldValue] | None = Field(default=None, description="values the user saw")
    step: Literal[STEPS] | None = None  # type: ignore[valid-type]
    transition: Transition | None = None
    lifecycle: LifecycleState | None = None  # type: ignore[valid-type]
    conflict_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    resolution: Literal["value", "dismiss"] | None = None
    value: FieldValue = None


class PushRequest(BaseModel):
    mutations: list[Mutation] = Field(max_length=MAX_PUSH)


class FieldIssue(BaseModel):
    field: str
    code: str
    message: str


class ConflictRef(BaseModel):
    kind: str
    field: str | None = None


class MutationResult(_Open):
    id: str
    status: Literal["applied", "conflict", "rejected"]
    seq: int | None = Field(default=None, description="the server sequence that applied it")
    conflicts: list[ConflictRef] = []
    reason: str | None = None
    errors: list[FieldIssue] = []
    noop: bool = False
    replayed: bool = False
    already_resolved: bool = False
    number: str | None = Field(default=None, description="a problem's number, first time only")


class PushAnswer(_Open):
    results: list[MutationResult]
    head: int


class PullRequest(BaseModel):
    cursor: str | None = Field(default=None, max_length=400)
    limit: int = Field(default=MAX_PULL, ge=1, le=MAX_PULL)


class Change(_Open):
    entity: str = Field(description="an entity, scope_remove or record_remove")
    id: str
    enterprise_id: str
    version: int | None = None
    deleted: bool | None = None
    data: dict[str, Any] | None = None
    snapshot: bool = False
    record_entity: str | None = Field(
        default=None, description="record_remove only: the entity of the record that moved away"
    )


class ConflictRecord(_Open):
    id: int
    kind: Literal["field", "deleted", "duplicate", "lifecycle"]
    entity: str
    record_id: str
    enterprise_id: str
    field: str | None = None
    base: Any = None
    applied: Any = None
    losing: Any = None
    mutation_id: str
    client_id: str
    seq: int
    resolved_at: str | None = None


class PullAnswer(_Open):
    changes: list[Change]
    conflicts: list[ConflictRecord]
    cursor: str
    more: bool
    head: int


class Protocol(BaseModel):
    min: int
    max: int


class Hello(_Open):
    protocol: Protocol
    min_app_version: str
    server_id: str
    server_version: str
    user: str | None = None
    role: str | None = None
    client_id: str | None = None
    high_water_mark: int | None = None
    head: int | None = None
    reference_version: int | None = None
    scopes: list[str] | None = None


class TooOld(Hello):
    message: str


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    expires_in: int
    client_id: str
    user: str
    role: str


class BlobStatus(BaseModel):
    sha256: str
    received: int
    complete: bool
    committed: bool


class Checksum(BaseModel):
    count: int
    checksum: str


class VerifyAnswer(BaseModel):
    entities: dict[str, Checksum]
    head: int


class ReferenceRow(_Open):
    code: str
    name_zh: str
    name_en: str
    sort: int
    active: bool


class ReferenceAnswer(BaseModel):
    version: int
    categories: list[ReferenceRow]
    departments: list[ReferenceRow]
    districts: list[ReferenceRow]
    industries: list[ReferenceRow]


class Health(BaseModel):
    ok: bool
    version: str


class Refused(ErrorBody):
    """409: the batch or chunk cannot go on; the extra keys say where to resume."""

    expected: int | None = Field(default=None, description="sequence_gap: the seq expected")
    high_water_mark: int | None = Field(default=None, description="client_behind")
    received: int | None = Field(default=None, description="blob_offset: bytes held")
    head: int | None = Field(default=None, description="cursor_invalid: the server's head")


class Limited(ErrorBody):
    retry_after: int


def _error(description: str, model: type[BaseModel] = ErrorBody) -> dict[str, Any]:
    return {"model": model, "description": description}


ANSWERS: dict[int, dict[str, Any]] = {
    400: _error("bad input the endpoint refused (bad gzip, a mismatched upload …)"),
    401: _error("missing, invalid or expired token; revoked device; password changed"),
    403: _error("outside the caller's scope"),
    404: _error("no such record (or not one the caller may see)"),
    409: _error("cannot go on: sequence_gap, client_behind, mutation_reused, …", Refused),
    410: _error("cursor_expired: older than the tombstone horizon"),
    413: _error("the body is over the endpoint's limit"),
    415: _error("a Content-Encoding other than gzip"),
    422: _error("the request does not fit the API; names field and problem only", ValidationBody),
    426: _error("the app is older than the server's minimum", TooOld),
    429: _error("too many failed attempts; see Retry-After", Limited),
}
COMMON = (413, 415, 422)


def responses(
    ok: type[BaseModel] | None, *codes: int, media: str | None = None
) -> dict[int | str, Any]:
    """The ``responses`` of a route: its 200 shape and its error bodies."""
    out: dict[int | str, Any] = {code: ANSWERS[code] for code in sorted({*codes, *COMMON})}
    if media is not None:
        out[200] = {"description": "the bytes", "content": {media: {}}}
    elif ok is not None:
        out[200] = {"model": ok, "description": "OK"}
    return out


def install(app: FastAPI) -> None:
    """Build the document once, with the push request's real schema in its components."""

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, routes=app.routes, description=__doc__
            )
            parts = schema.setdefault("components", {}).setdefault("schemas", {})
            extra = PushRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            parts.update(extra.pop("$defs", {}))
            parts["PushRequest"] = extra
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]
