"""Blobs: resumable upload, verified on commit, downloadable within scope only."""

from __future__ import annotations

import hashlib
import os

from tests.server.support import Device, firm, new_id

PHOTO = os.urandom(300_000)
SHA = hashlib.sha256(PHOTO).hexdigest()


def put(api, device, offset, chunk, sha=SHA):
    return api.put(f"/v1/blobs/{sha}?offset={offset}", content=chunk, headers=device.headers)


def test_resumable_upload_commit_and_scoped_download(api):
    wang, li, zhao = Device(api, "wang"), Device(api, "li"), Device(api, "zhao")
    assert put(api, wang, 0, PHOTO[:100_000]).json()["received"] == 100_000
    # The answer to the next chunk was lost: the client asks where to resume.
    put(api, wang, 100_000, PHOTO[100_000:200_000])
    assert api.get(f"/v1/blobs/{SHA}/status", headers=wang.headers).json()["received"] == 200_000
    gap = put(api, wang, 250_000, PHOTO[250_000:])
    assert gap.status_code == 409 and gap.json()["received"] == 200_000
    put(api, wang, 200_000, PHOTO[200_000:])
    done = api.post(f"/v1/blobs/{SHA}/commit", headers=wang.headers).json()
    assert done == {"sha256": SHA, "received": len(PHOTO), "complete": True}
    assert api.get(f"/v1/blobs/{SHA}", headers=wang.headers).content == PHOTO
    assert api.get(f"/v1/blobs/{SHA}", headers=li.headers).status_code == 403  # not in Li's scope
    # An attachment record in an enterprise the supervisor sees makes the file theirs to read.
    eid = firm(wang)
    wang.push(
        wang.mutation(
            "attachment",
            "create",
            new_id(),
            {
                "owner_kind": "visit",
                "owner_id": new_id(),
                "filename": "现场.jpg",
                "size": len(PHOTO),
                "sha256": SHA,
            },
            enterprise_id=eid,
        )
    )
    assert api.get(f"/v1/blobs/{SHA}", headers=zhao.headers).content == PHOTO
    assert api.get(f"/v1/blobs/{SHA}").status_code == 401


def test_corrupted_upload_is_refused_on_commit(api):
    wang = Device(api, "wang")
    bad = bytearray(PHOTO)
    bad[1000] ^= 0xFF
    put(api, wang, 0, bytes(bad))
    r = api.post(f"/v1/blobs/{SHA}/commit", headers=wang.headers)
    assert r.status_code == 400 and "do not match" in r.json()["message"]
    assert api.get(f"/v1/blobs/{SHA}/status", headers=wang.headers).json()["received"] == 0
    assert api.get(f"/v1/blobs/{'0' * 64}", headers=wang.headers).status_code == 404
    assert api.get("/v1/blobs/not-a-hash/status", headers=wang.headers).status_code == 400
