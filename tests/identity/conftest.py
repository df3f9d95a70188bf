"""Fixtures for the identity tests: the fixed synthetic keys of ``synthetic_keys``."""

from __future__ import annotations

import base64

import pytest
from synthetic_keys import FIXED_PSEUDONYM_KEY, FIXED_VAULT_KEY

from sibyl import identity


@pytest.fixture
def keyring() -> identity.Keyring:
    return identity.Keyring(pseudonym_key=FIXED_PSEUDONYM_KEY, vault_keys=(FIXED_VAULT_KEY,))


@pytest.fixture
def key_environ() -> dict[str, str]:
    """An environment that gives the fixed keys through the two variables."""
    return {
        identity.ENV_PSEUDONYM_KEY: base64.urlsafe_b64encode(FIXED_PSEUDONYM_KEY).decode("ascii"),
        identity.ENV_VAULT_KEY: FIXED_VAULT_KEY,
    }
