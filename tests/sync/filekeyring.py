"""A keyring backend for tests only: secrets in one JSON file named by $LIAISON_TEST_KEYRING.

The `liaison` command runs in subprocesses that cannot share the tests' in-memory keyring; a
child selects this one with ``PYTHON_KEYRING_BACKEND=tests.sync.filekeyring.FileKeyring``
(and ``PYTHONPATH`` set to the repository). The file lets a test look at what was stored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV = "LIAISON_TEST_KEYRING"


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        name = os.environ.get(ENV)
        if not name:
            raise RuntimeError(f"{ENV} names no file for the test keyring")
        return Path(name)

    def _read(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def _write(self, data: dict[str, str]) -> None:
        tmp = self._path.with_name(self._path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self._path)

    @staticmethod
    def _key(service: str, username: str) -> str:
        return f"{service}\x1f{username}"

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(self._key(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[self._key(service, username)] = password
        self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        if data.pop(self._key(service, username), None) is None:
            raise PasswordDeleteError(username)
        self._write(data)
