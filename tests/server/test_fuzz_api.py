"""The fuzz stage: every operation of the OpenAPI document gets schema-shaped and hostile
requests, with and without a token; the server answers none of them with a 5xx, and no error
answer echoes what was sent.

Requests are drawn by Hypothesis from the document itself (parameters and bodies from their
schemas), each value now and then swapped for a hostile one: a lone surrogate, a NUL, a control
character, NaN or 1e400 in the raw JSON, integers past 64 bits, deep nesting, wrong types.
Bounded for CI by ``EXAMPLES`` per operation.
"""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.support import Device, firm

EXAMPLES = 40
MARKER = "ECHO-9d1e"  # in every hostile string: an error answer must never contain it
NAN, HUGE = "__NaN__", "__1e400__"  # replaced in the raw JSON text

HOSTILE: st.SearchStrategy[Any] = st.sampled_from(
    [
        f"{MARKER}\ud800",
        f"{MARKER}\x00",
        f"{MARKER}\x07\x1b",
        f"{MARKER}" * 300,
        "\udfff",
        "",
        NAN,
        HUGE,
        2**64,
        -(2**63) - 1,
        10**40,
        -1,
        0,
        1.5,
        True,
        None,
        [],
        {},
        [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
        {MARKER: MARKER},
    ]
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | HOSTILE,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def from_schema(
    schema: dict[str, Any], doc: dict[str, Any], depth: int = 0
) -> st.SearchStrategy[Any]:
    """Values fitting ``schema`` (the subset pydantic writes), each now and then hostile."""
    schema = _resolve(schema, doc)
    if depth > 6:
        return JSONISH
    if "const" in schema:
        shaped: st.SearchStrategy[Any] = st.just(schema["const"])
    elif "enum" in schema:
        shaped = st.sampled_from(schema["enum"])
    elif "anyOf" in schema or "oneOf" in schema:
        shaped = st.one_of(
            [from_schema(s, doc, depth + 1) for s in schema.get("anyOf", schema.get("oneOf"))]
        )
    elif "allOf" in schema:
        shaped = from_schema(schema["allOf"][0], doc, depth + 1)
    else:
        kind = schema.get("type")
        if kind == "string":
            if "pattern" in schema:
                shaped = st.from_regex(schema["pattern"], fullmatch=True)
            else:
                shaped = st.text(
                    min_size=schema.get("minLength", 0),
                    max_size=min(schema.get("maxLength", 40), 40),
                )
        elif kind == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            shaped = st.integers(low, high)
            edges = [v for b in (low, high) if b is not None for v in (b - 1, b, b + 1)]
            if edges:
                shaped = shaped | st.sampled_from(edges)
        elif kind == "number":
            shaped = st.floats(allow_nan=False, allow_infinity=False) | st.integers()
        elif kind == "boolean":
            shaped = st.booleans()
        elif kind == "null":
            shaped = st.none()
        elif kind == "array":
            items = from_schema(schema.get("items", {}), doc, depth + 1)
            shaped = st.lists(items, max_size=min(schema.get("maxItems", 4), 4))
        elif kind == "object" or "properties" in schema:
            props = schema.get("properties", {})
            required = set(schema.get("required", ()))
            shaped = st.fixed_dictionaries(
                {k: from_schema(v, doc, depth + 1) for k, v in props.items() if k in required},
                optional={
                    k: from_schema(v, doc, depth + 1) for k, v in props.items() if k not in required
                },
            )
            if schema.get("additionalProperties") not in (None, False) and not props:
                extra = schema["additionalProperties"]
                values = from_schema(extra, doc, depth + 1) if isinstance(extra, dict) else JSONISH
                shaped = st.dictionaries(st.text(max_size=12), values, max_size=3)
        else:
            shaped = JSONISH
    # mostly shaped, sometimes hostile: deep mutations stay mostly valid
    return st.one_of(shaped, shaped, shaped, HOSTILE)


def encode(body: Any) -> bytes:
    text = json.dumps(body, allow_nan=True)
    return text.replace(f'"{NAN}"', "NaN").replace(f'"{HUGE}"', "1e400").encode()


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, ops in doc["paths"].items() for m, op in ops.items()]


def request_strategy(
    method: str, path: str, op: dict[str, Any], doc: dict[str, Any]
) -> st.SearchStrategy[Any]:
    params = op.get("parameters", [])

    def param(p: dict[str, Any]) -> st.SearchStrategy[Any]:
        shaped = from_schema(p.get("schema", {}), doc)
        return (
            shaped
            | st.text(max_size=30)
            | st.sampled_from([f"{MARKER}\x00", "%00", "../../x", "1e400", "-1", str(2**70)])
        )

    path_params = st.fixed_dictionaries({p["name"]: param(p) for p in params if p["in"] == "path"})
    query = st.fixed_dictionaries(
        {}, optional={p["name"]: param(p) for p in params if p["in"] == "query"}
    )
    content = (op.get("requestBody") or {}).get("content", {})
    if "application/json" in content:
        body = from_schema(content["application/json"]["schema"], doc).map(encode)
    elif content:
        body = st.binary(max_size=256)
    else:
        body = st.just(b"") | st.binary(max_size=64)
    token = st.sampled_from(["officer", "admin", "none", "garbage"])
    gzip = st.booleans()
    return st.tuples(path_params, query, body, token, gzip)


@pytest.fixture
def world(api, engine):
    """Users, tokens and a little data, so operations get past their first checks."""
    wang, root = Device(api, "wang"), Device(api, "root")
    firm(wang)
    return {
        "officer": wang.headers,
        "admin": root.headers,
        "none": {},
        "garbage": {"Authorization": "Bearer x.y"},
    }


def test_every_operation_survives_hostile_requests(api, world):
    client = TestClient(api.app, raise_server_exceptions=False)
    doc = client.get("/openapi.json").json()
    ops = operations(doc)
    routes = {(m, r.path) for r in api.app.routes if isinstance(r, APIRoute) for m in r.methods}
    assert routes == {(m, p) for m, p, _ in ops}  # a new endpoint is fuzzed without a word
    failures: list[str] = []
    for method, path, op in ops:
        try:
            probe(client, world, doc, method, path, op)
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0][:600])
    assert not failures, "\n".join(failures)


def probe(
    client: TestClient,
    world: dict[str, dict[str, str]],
    doc: dict[str, Any],
    method: str,
    path: str,
    op: dict[str, Any],
) -> None:
    """Draw EXAMPLES requests for one operation and check every answer."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )
    @given(request_strategy(method, path, op, doc))
    def check(drawn: tuple[Any, ...]) -> None:
        path_params, query, body, token, compress = drawn
        url = path
        for name, value in path_params.items():
            url = url.replace("{" + name + "}", _segment(value))
        headers = dict(world[token])
        if body:
            headers["Content-Type"] = "application/json"
            if compress:
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
        if query:
            url += "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in query.items())
        r = client.request(method, url, content=body or None, headers=headers)
        where = f"{method} {url} {body[:200]!r}"
        assert r.status_code < 500, f"{where} → {r.status_code} {r.text[:300]}"
        if r.status_code >= 400:
            assert MARKER not in r.text, f"{where} echoed: {r.text[:300]}"
            if r.headers.get("content-type", "").startswith("application/json"):
                assert {"error", "message"} <= r.json().keys(), r.text[:300]

    check()


def _quote(value: Any) -> str:
    """Percent-encoded, lone surrogates included (as the invalid UTF-8 a client could send)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _segment(value: Any) -> str:
    return _quote(value) or "_"


def test_the_document_describes_every_answer_and_the_sync_shapes(api):
    doc = api.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for _method, path, op in operations(doc):
        codes = set(op["responses"])
        assert {"200", "413", "422"} <= codes, path
        if path.startswith("/v1/") and path != "/v1/hello" and not path.startswith("/v1/auth/"):
            assert "401" in codes, path
        for code, answer in op["responses"].items():
            if code != "200":
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[-1] in schemas
    push = doc["paths"]["/v1/push"]["post"]
    assert push["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PushRequest"
    )
    mutation = schemas["Mutation"]["properties"]
    assert set(mutation["op"]["enum"]) >= {"create", "update", "transition", "resolve-conflict"}
    assert "EnterpriseFields" in json.dumps(mutation["fields"])
    assert "uscc" in schemas["EnterpriseFields"]["properties"]
    pull = doc["paths"]["/v1/pull"]["post"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert pull["$ref"].endswith("PullAnswer") and "changes" in schemas["PullAnswer"]["properties"]
    assert doc["paths"]["/v1/auth/login"]["post"]["responses"]["429"]
    # a malformed mutation is still that mutation's rejection, not a 422 of the batch
    wang = Device(api, "wang")
    r = api.post(
        "/v1/push",
        json={"mutations": [{"id": str(uuid.uuid4()), "seq": 1, "op": 7}]},
        headers=wang.headers,
    )
    assert r.status_code != 422, r.text


def test_push_of_hostile_mutations_in_a_valid_envelope(api, world):
    """Mutations that pass the envelope (id, seq in order, entity, op) with schema-shaped and
    hostile fields: each is applied or rejected, the batch never fails with a 5xx."""
    client = TestClient(api.app, raise_server_exceptions=False)
    doc = client.get("/openapi.json").json()
    device = Device(api, "li")
    eid = firm(device, name="沈阳模糊测试有限公司")
    mutation = from_schema({"$ref": "#/components/schemas/Mutation"}, doc).filter(
        lambda m: isinstance(m, dict)
    )
    entity = st.sampled_from(["enterprise", "visit", "problem", "action", "attachment"])
    op = st.sampled_from(
        ["create", "update", "delete", "restore", "transition", "resolve-conflict"]
    )

    @settings(
        max_examples=EXAMPLES * 2,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(st.tuples(mutation, entity, op, st.booleans()), min_size=1, max_size=3))
    def check(drawn: list[tuple[dict[str, Any], str, str, bool]]) -> None:
        batch = []
        for m, e, o, mine in drawn:
            device.seq += 1
            batch.append({**m, "id": str(uuid.uuid4()), "seq": device.seq, "entity": e, "op": o,
                          "record_id": str(uuid.uuid4()), **({"enterprise_id": eid} if mine else {})})  # fmt: skip
        body = encode({"mutations": batch})
        r = client.post(
            "/v1/push", content=body, headers={**device.headers, "Content-Type": "application/json"}
        )
        assert r.status_code < 500, f"{body[:600]!r} → {r.status_code} {r.text[:300]}"
        if r.status_code != 200:  # refused whole (the other side's rules); renumber from the server
            hello = client.get("/v1/hello", headers=device.headers).json()
            device.seq = hello["high_water_mark"]
        assert (
            client.post("/v1/pull", json={"cursor": None}, headers=device.headers).status_code
            == 200
        )

    check()
