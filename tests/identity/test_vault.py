"""The identity vault's crypto: seal, unseal, and rotation to a new vault key."""

from __future__ import annotations

import base64

import pytest
from synthetic_keys import CHILD, FIXED_PSEUDONYM_KEY, FIXED_VAULT_KEY, OLDER_VAULT_KEY, SIBLING

from sibyl import identity
from sibyl.errors import SibylInputError


def test_seal__round_trips_the_normalised_code(keyring):
    assert identity.unseal(identity.seal(CHILD, keyring), keyring) == CHILD
    assert identity.unseal(identity.seal(f" {SIBLING.lower()}\n", keyring), keyring) == SIBLING


def test_seal__leaves_no_plaintext_in_the_token(keyring):
    token = identity.seal(CHILD, keyring)
    raw = base64.urlsafe_b64decode(token)
    for form in (CHILD, CHILD.lower(), CHILD[:6], CHILD[7:]):
        assert form not in token
        assert form.encode() not in raw


def test_seal__gives_a_new_token_each_time(keyring):
    # Equal codes must not show as equal tokens (Fernet uses a fresh IV and timestamp).
    assert identity.seal(CHILD, keyring) != identity.seal(CHILD, keyring)


def test_unseal__with_the_wrong_keys_says_so_without_the_token(keyring):
    token = identity.seal(CHILD, keyring)
    stranger = identity.create_keys()
    with pytest.raises(identity.VaultError) as error:
        identity.unseal(token, stranger)
    assert isinstance(error.value, SibylInputError)
    message = error.value.message
    assert "cannot be decrypted" in message
    assert token not in message
    assert token[:20] not in message
    assert CHILD not in message


@pytest.mark.parametrize("token", ["", "not a token", "gAAAAA", "ä"])
def test_unseal__a_damaged_token_is_a_vault_error(keyring, token):
    with pytest.raises(identity.VaultError):
        identity.unseal(token, keyring)


def test_rotation__old_tokens_stay_readable_until_the_rotation_completes(keyring):
    old_token = identity.seal(CHILD, keyring)
    new = identity.rotated_keyring(keyring, new_pseudonym_key=False)
    assert new.vault_keys[1:] == keyring.vault_keys
    assert new.vault_keys[0] not in keyring.vault_keys
    assert identity.unseal(old_token, new) == CHILD
    # New seals use the new current key, which the old keyring does not have.
    with pytest.raises(identity.VaultError):
        identity.unseal(identity.seal(CHILD, new), keyring)


def test_rotate_token__gives_a_token_the_new_current_key_alone_can_read(keyring):
    old_token = identity.seal(CHILD, keyring)
    new = identity.rotated_keyring(keyring, new_pseudonym_key=False)
    rotated = identity.rotate_token(old_token, keyring, new)
    new_alone = identity.retire_old_vault_keys(new)
    assert new_alone.vault_keys == new.vault_keys[:1]
    assert identity.unseal(rotated, new_alone) == CHILD
    with pytest.raises(identity.VaultError):
        identity.unseal(old_token, new_alone)
    with pytest.raises(identity.VaultError):
        identity.unseal(rotated, keyring)


def test_rotate_token__refuses_a_token_the_old_keys_cannot_read(keyring):
    stranger = identity.create_keys()
    with pytest.raises(identity.VaultError):
        identity.rotate_token(identity.seal(CHILD, stranger), keyring, stranger)


def test_vault__reads_with_an_older_key_given_after_the_current_one():
    older = identity.Keyring(pseudonym_key=FIXED_PSEUDONYM_KEY, vault_keys=(OLDER_VAULT_KEY,))
    both = identity.Keyring(
        pseudonym_key=FIXED_PSEUDONYM_KEY, vault_keys=(FIXED_VAULT_KEY, OLDER_VAULT_KEY)
    )
    assert identity.unseal(identity.seal(CHILD, older), both) == CHILD


def test_rotated_keyring__a_new_pseudonym_key_only_when_asked(keyring):
    kept = identity.rotated_keyring(keyring, new_pseudonym_key=False)
    fresh = identity.rotated_keyring(keyring, new_pseudonym_key=True)
    assert kept.pseudonym_key == keyring.pseudonym_key
    assert fresh.pseudonym_key != keyring.pseudonym_key
    assert len(fresh.pseudonym_key) == 32
