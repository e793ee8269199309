"""Helpers for the sync tests: a device that numbers its mutations, and a few builders."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
USCC = "91210102MAPJ96WP38"


class Device:
    """One client data folder signed in as one user, numbering its mutations."""

    def __init__(self, api: TestClient, user: str) -> None:
        self.api = api
        r = api.post("/v1/auth/login", json={"user": user, "password": PASSWORD})
        assert r.status_code == 200, r.text
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        self.client_id = r.json()["client_id"]
        self.seq = 0
        self.cursor: str | None = None

    def mutation(
        self, entity: str, op: str, record_id: str, fields: dict | None = None, **extra
    ) -> dict:
        self.seq += 1
        return {
            "id": str(uuid.uuid4()),
            "seq": self.seq,
            "entity": entity,
            "op": op,
            "record_id": record_id,
            "fields": fields or {},
            **extra,
        }

    def push(self, *mutations: dict, expect: int = 200) -> dict:
        r = self.api.post("/v1/push", json={"mutations": list(mutations)}, headers=self.headers)
        assert r.status_code == expect, r.text
        return r.json()

    def pull(self, limit: int = 500) -> dict:
        r = self.api.post(
            "/v1/pull", json={"cursor": self.cursor, "limit": limit}, headers=self.headers
        )
        assert r.status_code == 200, r.text
        self.cursor = r.json()["cursor"]
        return r.json()


def new_id() -> str:
    return str(uuid.uuid4())


def firm(device: Device, name: str = "沈阳君威新能科技有限公司", **fields) -> str:
    eid = new_id()
    result = device.push(
        device.mutation(
            "enterprise", "create", eid, {"name": name, "district_code": "210102", **fields}
        )
    )
    assert result["results"][0]["status"] == "applied", result
    return eid


def furnish(device: Device, eid: str) -> tuple[str, str, str, str]:
    """A visit, a problem raised on it, a follow-up and a photo of the problem in ``eid``:
    their ids."""
    vid, pid, aid, att = new_id(), new_id(), new_id(), new_id()
    out = device.push(
        device.mutation("visit", "create", vid, {"visit_date": "2026-11-01"}, enterprise_id=eid),
        device.mutation(
            "problem",
            "create",
            pid,
            {"category": "tax", "description": "退税慢", "visit_id": vid},
            enterprise_id=eid,
        ),
        device.mutation(
            "action",
            "create",
            aid,
            {"problem_id": pid, "at": "2026-11-20T09:00:00", "kind": "chase"},
            enterprise_id=eid,
        ),
        device.mutation(
            "attachment",
            "create",
            att,
            {
                "owner_kind": "problem",
                "owner_id": pid,
                "filename": "a.jpg",
                "size": 3,
                "sha256": "1" * 64,
            },
            enterprise_id=eid,
        ),
    )
    assert {r["status"] for r in out["results"]} == {"applied"}, out
    return vid, pid, aid, att
