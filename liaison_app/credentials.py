"""Tokens in the OS keyring, never in files: one entry per data folder's client id and user.

Whatever backend keyring selects is used (``PYTHON_KEYRING_BACKEND`` chooses one). Where the
machine has no usable keyring (keyring's fail or null backend, or a locked one), the tokens are
kept for this process only and the person is told so: the password is never written anywhere.
"""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from liaison_app.errors import LiaisonError

log = logging.getLogger(__name__)

SERVICE = "liaison"
KINDS = ("access", "refresh")
# Backends that cannot keep a secret: "fail" raises, "null" silently forgets.
_UNUSABLE = ("keyring.backends.fail", "keyring.backends.null")
NO_KEYRING = (
    "this computer has no usable keyring (Windows Credential Manager, macOS Keychain, or "
    "Secret Service on Linux), so the sign-in lasts only while this program runs; the "
    "password is never stored"
)


class CredentialStoreError(LiaisonError):
    """The OS keyring is missing, locked or refused: tell the person how to fix it."""

    code = "keyring"


def _key(client_id: str, user: str, kind: str) -> tuple[str, str]:
    # The client id keeps two data folders on one machine from sharing tokens.
    return f"{SERVICE}:{client_id}", f"{user}:{kind}"


def _explain(exc: Exception) -> CredentialStoreError:
    return CredentialStoreError(
        "the system keyring is not available or is locked "
        f"({type(exc).__name__}); unlock it or install a keyring backend "
        "(Windows Credential Manager, macOS Keychain, or Secret Service on Linux) and try again"
    )


def keyring_usable() -> bool:
    """Whether the selected keyring backend can keep a secret between runs."""
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith(_UNUSABLE):
        return False
    chained = getattr(backend, "backends", None)
    return chained is None or bool(chained)


def save_token(client_id: str, user: str, kind: str, token: str) -> None:
    service, name = _key(client_id, user, kind)
    try:
        keyring.set_password(service, name, token)
    except (KeyringError, RuntimeError) as exc:
        raise _explain(exc) from exc


def load_token(client_id: str, user: str, kind: str) -> str | None:
    service, name = _key(client_id, user, kind)
    try:
        return keyring.get_password(service, name)
    except (KeyringError, RuntimeError) as exc:
        raise _explain(exc) from exc


def forget_token(client_id: str, user: str, kind: str) -> None:
    service, name = _key(client_id, user, kind)
    try:
        keyring.delete_password(service, name)
    except PasswordDeleteError:
        log.debug("no %s token stored for %s", kind, user)
    except (KeyringError, RuntimeError) as exc:
        raise _explain(exc) from exc


class TokenStore:
    """A client's tokens: in the keyring, or — where none is usable — in this process only."""

    def __init__(self) -> None:
        self._session: dict[tuple[str, str, str], str] = {}
        self.session_only = not keyring_usable()

    def save(self, client_id: str, user: str, access: str, refresh: str) -> None:
        for kind, token in zip(KINDS, (access, refresh), strict=True):
            self._session[(client_id, user, kind)] = token
        if self.session_only:
            return
        try:
            save_token(client_id, user, "access", access)
            save_token(client_id, user, "refresh", refresh)
        except CredentialStoreError:
            # Locked or refused now: keep working for this run and say so.
            log.warning("keyring refused the tokens; keeping them for this session only")
            self.session_only = True

    def load(self, client_id: str, user: str) -> tuple[str, str] | None:
        access = self._session.get((client_id, user, "access"))
        refresh = self._session.get((client_id, user, "refresh"))
        if (access is None or refresh is None) and not self.session_only:
            access = load_token(client_id, user, "access")
            refresh = load_token(client_id, user, "refresh")
        if access is None or refresh is None:
            return None
        return access, refresh

    def forget(self, client_id: str, user: str) -> None:
        for kind in KINDS:
            self._session.pop((client_id, user, kind), None)
        if not self.session_only:
            for kind in KINDS:
                forget_token(client_id, user, kind)
