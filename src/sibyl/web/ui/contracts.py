"""The contract of the signed-in user, loaded once per process (contract files do not change
while the application runs; a new version is a new file and a restart)."""

from __future__ import annotations

import functools

from django.utils.translation import get_language

from sibyl.contract import Contract, load_contract
from sibyl.errors import SibylInputError


@functools.cache
def contract_of(contract_id: str) -> Contract:
    return load_contract(contract_id)


def localised(text, language: str | None = None) -> str:
    """A contract's text in the page's language (``fi``, ``sv``, ``en``), English if missing."""
    language = (language or get_language() or "en")[:2]
    for name in (language, "en", "fi"):
        value = getattr(text, name, None)
        if value:
            return value
    return str(text)


def contract_title(contract_id: str) -> str:
    try:
        return localised(contract_of(contract_id).spec.title)
    except SibylInputError:  # a contract that cannot be loaded shows its id
        return contract_id
