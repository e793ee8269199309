"""Blobs: resumable upload, verified on commit, readable only with proof of possession."""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlalchemy import select

from liaison_app.server.blobs import may_read, possesses
from liaison_app.server.db import reading
from liaison_app.server.push import Caller
from liaison_app.server.schema import blob_owners, users
from tests.server.support import Device, firm, new_id

PHOTO = os.urandom(300_000)
SHA = hashlib.sha256(PHOTO).hexdigest()


def put(api, device, offset, chunk, sha=SHA):
    return api.put(f"/v1/blobs/{sha}?offset={offset}", content=chunk, headers=device.headers)


def status(api, device, sha=SHA):
    r = api.get(f"/v1/blobs/{sha}/status", headers=device.headers)
    assert r.status_code == 200, r.text
    return r.json()


def upload(api, device, data=PHOTO, sha=SHA):
    assert put(api, device, 0, data, sha).status_code == 200
    return api.post(f"/v1/blobs/{sha}/commit", headers=device.headers)


def attach(device, eid, sha=SHA):
    fields = {
        "owner_kind": "enterprise",
        "owner_id": eid,
        "filename": "现场.jpg",
        "size": len(PHOTO),
        "sha256": sha,
    }
    return device.push(device.mutation("attachment", "create", new_id(), fields, enterprise_id=eid))


def nothing(sha=SHA):
    """What a blob nobody uploaded looks like."""
    return {"sha256": sha, "received": 0, "complete": False, "committed": False}


def test_resumable_upload_commit_and_scoped_download(api):
    wang, li, zhao = Device(api, "wang"), Device(api, "li"), Device(api, "zhao")
    assert put(api, wang, 0, PHOTO[:100_000]).json()["received"] == 100_000
    # The answer to the next chunk was lost: the client asks where to resume.
    put(api, wang, 100_000, PHOTO[100_000:200_000])
    assert status(api, wang)["received"] == 200_000
    gap = put(api, wang, 250_000, PHOTO[250_000:])
    assert gap.status_code == 409 and gap.json()["received"] == 200_000
    assert gap.json()["error"] == "blob_offset"
    put(api, wang, 200_000, PHOTO[200_000:])
    done = api.post(f"/v1/blobs/{SHA}/commit", headers=wang.headers).json()
    assert done == {"sha256": SHA, "received": len(PHOTO), "complete": True, "committed": True}
    assert api.get(f"/v1/blobs/{SHA}", headers=wang.headers).content == PHOTO
    # Not in Li's scope: answered as if it did not exist.
    assert api.get(f"/v1/blobs/{SHA}", headers=li.headers).status_code == 404
    assert status(api, li) == nothing()
    # An attachment record made by the uploader, in an enterprise the supervisor sees, makes
    # the file theirs to read.
    eid = firm(wang)
    attach(wang, eid)
    assert status(api, zhao)["complete"] is True
    assert api.get(f"/v1/blobs/{SHA}", headers=zhao.headers).content == PHOTO
    assert api.get(f"/v1/blobs/{SHA}").status_code == 401


def test_corrupted_upload_is_refused_on_commit(api):
    wang = Device(api, "wang")
    bad = bytearray(PHOTO)
    bad[1000] ^= 0xFF
    r = upload(api, wang, bytes(bad))
    assert r.status_code == 400 and "do not match" in r.json()["message"]
    assert status(api, wang)["received"] == 0
    assert api.get(f"/v1/blobs/{'0' * 64}", headers=wang.headers).status_code == 404


def test_uploads_belong_to_their_uploader_until_committed(api):
    wang, li = Device(api, "wang"), Device(api, "li")
    put(api, wang, 0, PHOTO[:100_000])
    # Li cannot see, extend, overwrite, wipe or commit Wang's upload: his is his own.
    assert status(api, li) == nothing()
    assert put(api, li, 100_000, b"x" * 10).status_code == 409  # his own upload holds 0 bytes
    assert put(api, li, 0, b"\0" * 150_000).json()["received"] == 150_000
    assert api.post(f"/v1/blobs/{SHA}/commit", headers=li.headers).status_code == 400
    assert status(api, wang)["received"] == 100_000
    put(api, wang, 100_000, PHOTO[100_000:])
    assert api.post(f"/v1/blobs/{SHA}/commit", headers=wang.headers).json()["committed"]
    # Once stored, Li's wrong bytes cannot take its place, nor does sending none make it his.
    assert put(api, li, 0, b"\0" * 10).json() == {**nothing(), "received": 10}
    assert api.post(f"/v1/blobs/{SHA}/commit", headers=li.headers).status_code == 400
    assert api.get(f"/v1/blobs/{SHA}", headers=wang.headers).content == PHOTO
    assert api.get(f"/v1/blobs/{SHA}", headers=li.headers).status_code == 404


def test_naming_someone_elses_blob_grants_nothing(api, engine):
    wang, li, zhao = Device(api, "wang"), Device(api, "li"), Device(api, "zhao")
    assert upload(api, wang).status_code == 200
    # Li knows the hash and makes an attachment naming it in his own enterprise (whatever push
    # answers), in the supervisor's district too: neither may read Wang's file through it.
    attach(li, firm(li))
    for who in (li, zhao):
        assert status(api, who) == nothing()
        assert api.get(f"/v1/blobs/{SHA}", headers=who.headers).status_code == 404
    with reading(engine) as conn:
        ids = dict(conn.execute(select(users.c.name, users.c.id)).all())
        assert possesses(conn, ids["wang"], SHA) and not possesses(conn, ids["li"], SHA)
        assert may_read(conn, Caller(ids["wang"], "wang", "officer", None, "c"), SHA)
        assert not may_read(conn, Caller(ids["li"], "li", "officer", None, "c"), SHA)
        assert not may_read(conn, Caller(ids["zhao"], "zhao", "supervisor", "210102", "c"), SHA)
    # Uploading the very bytes proves possession: now the blob is Li's too.
    assert upload(api, li).json()["committed"] is True
    assert api.get(f"/v1/blobs/{SHA}", headers=li.headers).content == PHOTO
    # ...and an attachment Li makes now, as an owner, shows it to the supervisor (the one he
    # made before proving anything was refused by push as naming an unknown blob).
    attach(li, firm(li, "沈阳华晨宝马汽车有限公司"))
    assert api.get(f"/v1/blobs/{SHA}", headers=zhao.headers).content == PHOTO
    with reading(engine) as conn:
        owners = set(
            conn.execute(select(blob_owners.c.user_id).where(blob_owners.c.sha256 == SHA)).scalars()
        )
    assert owners == {ids["wang"], ids["li"]}


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/blobs/{SHA}?offset=-1",
        f"/v1/blobs/{SHA}?offset={2**70}",
        f"/v1/blobs/{SHA}?offset=1e3",
        f"/v1/blobs/{SHA.upper()}",
        f"/v1/blobs/{SHA[:-1]}g",
        f"/v1/blobs/{SHA[:-1]}",
        "/v1/blobs/%00" + SHA[1:],
    ],
)
def test_bad_offsets_and_names_are_422(api, path):
    wang = Device(api, "wang")
    r = api.put(path, content=b"abc", headers=wang.headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_request"


def test_blob_files_are_private(api, tmp_path):
    wang = Device(api, "wang")
    put(api, wang, 0, PHOTO[:10])
    modes = {
        p.relative_to(tmp_path): p.stat().st_mode & 0o777 for p in (tmp_path / "blobs").rglob("*")
    }
    upload(api, wang)
    modes |= {
        p.relative_to(tmp_path): p.stat().st_mode & 0o777 for p in (tmp_path / "blobs").rglob("*")
    }
    assert modes and all(mode in (0o700, 0o600) for mode in modes.values()), modes
    assert (tmp_path / "blobs").stat().st_mode & 0o777 == 0o700


def test_a_blob_named_through_a_record_in_scope_can_be_read_by_the_next_colleague(api, engine):
    """Li may read Wang's photo (an attachment of a firm he is assigned) and attaches the same
    file to a firm of his own without uploading it again — push accepts that. Zhou, assigned
    only Li's firm, must be able to open it: Li's attachment is a legitimate record, so Li
    holds the blob as an owner would (otherwise nobody but Wang could ever open Li's
    attachment, and Zhou's folder shows a file that never arrives)."""
    from liaison_app.server import accounts, scopes
    from tests.server.support import PASSWORD

    accounts.add_user(engine, "zhou", "officer", PASSWORD)
    wang, li, zhou = Device(api, "wang"), Device(api, "li"), Device(api, "zhou")
    assert upload(api, wang).status_code == 200
    ours = firm(wang, "沈阳共享照片公司")
    assert attach(wang, ours)["results"][0]["status"] == "applied"
    scopes.assign_enterprise(engine, ours, "li")
    assert api.get(f"/v1/blobs/{SHA}", headers=li.headers).content == PHOTO
    his = firm(li, "沈阳李氏机械厂")
    assert attach(li, his)["results"][0]["status"] == "applied"
    scopes.assign_enterprise(engine, his, "zhou")
    assert status(api, zhou)["committed"] is True
    assert api.get(f"/v1/blobs/{SHA}", headers=zhou.headers).content == PHOTO
