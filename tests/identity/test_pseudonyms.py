"""Keyed pseudonyms: HMAC-SHA256 under a per-contract key, checked against an independent
computation written here with hashlib alone."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from synthetic_keys import CHILD, FIXED_PSEUDONYM_KEY, FIXED_VAULT_KEY, PARENT, SIBLING

from sibyl import identity

CONTRACT = "helsinki-sib-2020"
OTHER_CONTRACT = "espoo-sib-2024"


def _hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) by hand with hashlib, independent of the hmac module the code uses."""
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + message).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).digest()


def _expected(code: str, contract_id: str, pseudonym_key: bytes) -> str:
    contract_key = _hmac_sha256(pseudonym_key, b"sibyl/pseudonym/v1/" + contract_id.encode())
    mac = _hmac_sha256(contract_key, code.encode())
    return "ps-" + base64.b32encode(mac[:20]).decode().lower()


def test_pseudonymise__matches_an_independent_hmac_computation(keyring):
    assert CHILD == "140318A1232"
    # Worked out once with _expected above and pinned, so a change of scheme cannot go unnoticed.
    assert _expected(CHILD, CONTRACT, FIXED_PSEUDONYM_KEY) == "ps-b42kufjp47twf7gk4g4vluymclatd3pc"
    assert identity.pseudonymise(CHILD, CONTRACT, keyring) == "ps-b42kufjp47twf7gk4g4vluymclatd3pc"
    for code in (SIBLING, PARENT):
        assert identity.pseudonymise(code, CONTRACT, keyring) == _expected(
            code, CONTRACT, FIXED_PSEUDONYM_KEY
        )


def test_pseudonymise__is_ps_and_32_lower_case_base32_characters(keyring):
    pseudonym = identity.pseudonymise(CHILD, CONTRACT, keyring)
    assert re.fullmatch(r"ps-[a-z2-7]{32}", pseudonym)


def test_pseudonymise__is_stable_within_a_contract(keyring):
    again = identity.Keyring(pseudonym_key=FIXED_PSEUDONYM_KEY, vault_keys=(FIXED_VAULT_KEY,))
    assert identity.pseudonymise(CHILD, CONTRACT, keyring) == identity.pseudonymise(
        CHILD, CONTRACT, again
    )


def test_pseudonymise__differs_across_contracts(keyring):
    here = identity.pseudonymise(CHILD, CONTRACT, keyring)
    there = identity.pseudonymise(CHILD, OTHER_CONTRACT, keyring)
    assert here != there
    assert there == "ps-ngwi73h3d223fc223ztsofewucxtlizr"


def test_pseudonymise__differs_across_keys_and_people(keyring):
    other_keys = identity.create_keys()
    assert identity.pseudonymise(CHILD, CONTRACT, keyring) != identity.pseudonymise(
        CHILD, CONTRACT, other_keys
    )
    pseudonyms = {identity.pseudonymise(code, CONTRACT, keyring) for code in (CHILD, SIBLING)}
    assert len(pseudonyms) == 2


@pytest.mark.parametrize("written", [CHILD.lower(), f"  {CHILD}\n", f"\t{CHILD.lower()} "])
def test_pseudonymise__normalises_case_and_surrounding_space(keyring, written):
    assert identity.pseudonymise(written, CONTRACT, keyring) == identity.pseudonymise(
        CHILD, CONTRACT, keyring
    )


@given(
    birth=st.dates(date(1900, 1, 1), date(2029, 12, 31)),
    individual=st.integers(2, 999),
    new_signs=st.booleans(),
    left=st.sampled_from(["", " ", "\t"]),
    right=st.sampled_from(["", " ", "\n"]),
)
def test_pseudonymise__any_spelling_of_a_code_gives_one_pseudonym(
    birth, individual, new_signs, left, right
):
    keyring = identity.Keyring(pseudonym_key=FIXED_PSEUDONYM_KEY, vault_keys=(FIXED_VAULT_KEY,))
    code = identity.make(birth, individual, new_century_signs=new_signs)
    assert identity.pseudonymise(left + code.lower() + right, CONTRACT, keyring) == _expected(
        code, CONTRACT, FIXED_PSEUDONYM_KEY
    )


def test_pseudonymise__does_not_check_the_check_character(keyring):
    # Callers have validated; a wrong check character is still pseudonymised, consistently.
    wrong = CHILD[:-1] + ("0" if CHILD[-1] != "0" else "1")
    assert not identity.is_valid(wrong)
    assert identity.pseudonymise(wrong, CONTRACT, keyring) == _expected(
        wrong, CONTRACT, FIXED_PSEUDONYM_KEY
    )


@pytest.mark.parametrize("value", ["", "   ", "Maija Meikäläinen", "140318A123", "14031812345"])
def test_pseudonymise__refuses_what_is_not_shaped_like_a_code(keyring, value):
    with pytest.raises(identity.InvalidIdentityCode) as error:
        identity.pseudonymise(value, CONTRACT, keyring)
    assert value.strip() == "" or value not in str(error.value)


def test_pseudonymise__needs_a_contract_id(keyring):
    with pytest.raises(ValueError, match="contract id"):
        identity.pseudonymise(CHILD, "", keyring)


def test_pseudonymiser__gives_the_same_pseudonyms_as_pseudonymise(keyring):
    pseudonymiser = identity.Pseudonymiser(CONTRACT, keyring)
    codes = [CHILD, SIBLING, CHILD.lower(), PARENT, CHILD] * 3
    assert [pseudonymiser(code) for code in codes] == [
        identity.pseudonymise(code, CONTRACT, keyring) for code in codes
    ]
    assert CHILD not in repr(pseudonymiser)


def test_pseudonymiser__a_small_cache_still_gives_right_answers(keyring):
    pseudonymiser = identity.Pseudonymiser(CONTRACT, keyring, cache_size=2)
    codes = [identity.make(date(2019, 1, 1), n) for n in range(2, 40)]
    for code in codes + codes[::-1]:
        assert pseudonymiser(code) == _expected(code, CONTRACT, FIXED_PSEUDONYM_KEY)


def test_repseudonymise__uses_the_new_pseudonym_key(keyring):
    same_key = identity.rotated_keyring(keyring, new_pseudonym_key=False)
    new_key = identity.rotated_keyring(keyring, new_pseudonym_key=True)
    before = identity.pseudonymise(CHILD, CONTRACT, keyring)
    assert identity.repseudonymise(CHILD, CONTRACT, same_key) == before
    after = identity.repseudonymise(CHILD, CONTRACT, new_key)
    assert after != before
    assert after == _expected(CHILD, CONTRACT, new_key.pseudonym_key)
