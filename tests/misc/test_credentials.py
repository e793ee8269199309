"""Tokens go to the keyring (in memory here), per client and user, and errors are explained."""

from __future__ import annotations

import keyring
import pytest
from keyring.errors import KeyringLocked

from liaison_app import credentials


def test_tokens_round_trip_per_client_and_user(memory_keyring):
    credentials.save_token("client-a", "wang", "refresh", "r1")
    credentials.save_token("client-b", "wang", "refresh", "r2")
    assert credentials.load_token("client-a", "wang", "refresh") == "r1"
    assert credentials.load_token("client-b", "wang", "refresh") == "r2"
    assert credentials.load_token("client-a", "li", "refresh") is None
    credentials.forget_token("client-a", "wang", "refresh")
    assert credentials.load_token("client-a", "wang", "refresh") is None
    credentials.forget_token("client-a", "wang", "refresh")  # forgetting twice is harmless
    assert "r2" in memory_keyring.items.values()


def test_locked_keyring_is_explained(memory_keyring, monkeypatch):
    def locked(*_args):
        raise KeyringLocked("locked")

    monkeypatch.setattr(keyring, "get_password", locked)
    with pytest.raises(credentials.CredentialStoreError, match="unlock it"):
        credentials.load_token("c", "u", "access")
