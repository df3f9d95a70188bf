"""Key rotation in the store: re-encrypt the vault and re-key pseudonyms, in one transaction.

Every identity code is decrypted with the old keys and sealed with the new current vault key. If
the new pseudonym key differs from the old one, each child's pseudonym is recomputed from its
code. Statement lines and episodes refer to the child's row, not to its pseudonym, so approved
statements keep their figures; their exports show the new pseudonyms. Children imported with the
city's own pseudonyms (no code in the vault) keep them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction

from sibyl import identity
from sibyl.web.audit import log as audit
from sibyl.web.vault.models import VaultEntry


@dataclass
class Rotation:
    entries: int
    repseudonymised: int


def rotate_keys(old: identity.Keyring, new: identity.Keyring, *, actor: str) -> Rotation:
    """Re-encrypt every vault entry under ``new`` and re-key pseudonyms if the key changed."""
    rekey = old.pseudonym_key != new.pseudonym_key
    now = datetime.now(UTC)
    count = renamed = 0
    with transaction.atomic():
        for entry in VaultEntry.objects.select_related("child").select_for_update():
            code = identity.unseal(entry.token, old)
            entry.token = identity.seal(code, new)
            entry.rotated_at = now
            entry.save(update_fields=["token", "rotated_at"])
            if rekey:
                child = entry.child
                child.pseudonym = identity.pseudonymise(code, child.contract_id, new)
                child.save(update_fields=["pseudonym"])
                renamed += 1
            count += 1
        audit.record(
            "keys.rotate",
            actor=actor,
            object_type="vault",
            details={
                "entries": count,
                "repseudonymised": renamed,
                "old_vault_key": old.vault_key_id,
                "new_vault_key": new.vault_key_id,
                "old_pseudonym_key": old.pseudonym_key_id,
                "new_pseudonym_key": new.pseudonym_key_id,
            },
        )
    return Rotation(entries=count, repseudonymised=renamed)
