"""The server's signing key: a 0600 file in the server folder, never in the database.

Access tokens are HMAC-signed with it; whoever reads it can mint any user's token, so it lives
where only the server's own user reads it, and a copy of the database (a backup, a dump, a
read-only database login) does not carry it. The file sits beside a SQLite database, or in the
server folder (``LIAISON_SERVER_DATA``) for PostgreSQL: several hosts serving one PostgreSQL
database share the one file. A key the database held (before version s0008) moves into the file
on the next start, so tokens issued with it stay valid.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from sqlalchemy.engine import URL, Connection, Engine, make_url

from liaison_app.errors import LiaisonError
from liaison_app.server import meta
from liaison_app.server.db import server_data_dir
from liaison_app.server.private import private_dir, tighten, write_new

KEY_FILE = "signing.key"

_KEYS: dict[str, str] = {}  # database URL → key, read once per process


def key_file(url: URL | str) -> Path:
    """Where the signing key of the database at ``url`` lives."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(str(parsed.database)).absolute().parent / KEY_FILE
    return private_dir(server_data_dir()) / KEY_FILE


def _read(path: Path) -> str:
    tighten(path)
    key = path.read_text().strip()
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise LiaisonError(f"{path} does not hold a signing key (64 hex digits)")
    return key


def ensure(conn: Connection) -> str:
    """Make sure the key file exists (moving a key out of the database, or generating one),
    inside the migration's transaction; returns the key."""
    path = key_file(conn.engine.url)
    legacy = meta.read(conn, meta.SIGNING_KEY)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_new(path, (legacy or secrets.token_hex(32)).encode() + b"\n")
    key = _read(path)
    if legacy is not None:
        meta.remove(conn, meta.SIGNING_KEY)
    _KEYS[str(conn.engine.url)] = key
    return key


def signing_key(bind: Engine | Connection) -> str:
    url = str(bind.engine.url)
    if url not in _KEYS:
        path = key_file(url)
        if not path.exists():
            raise LiaisonError(f"no signing key at {path}: run `liaison-server migrate` first")
        _KEYS[url] = _read(path)
    return _KEYS[url]


def keyed_hash(key: str, purpose: str, value: str) -> str:
    """A keyed digest of ``value``: lets the server count or match what it must not store
    as typed (a user name that may be a password typed in the wrong field)."""
    message = purpose.encode() + b"\x00" + value.encode("utf-8", "surrogatepass")
    return hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()
