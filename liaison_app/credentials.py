"""Tokens in the OS keyring, never in files: one entry per data folder's client id and user."""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from liaison_app.errors import LiaisonError

log = logging.getLogger(__name__)

SERVICE = "liaison"


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
