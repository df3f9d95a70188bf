"""Importing a cohort file into the store: children by pseudonym, spells, the vault."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from sibyl import identity
from sibyl.contract import Contract
from sibyl.errors import Location, SibylInputError
from sibyl.register import read_cohort
from sibyl.register.model import Cohort, FollowupSpell
from sibyl.register.reader import displayable
from sibyl.web.audit import log as audit
from sibyl.web.cohort.models import Child
from sibyl.web.cohort.models import FollowupSpell as SpellRow
from sibyl.web.vault.models import VaultEntry


@dataclass
class CohortImport:
    cohort: Cohort
    children: int
    new_children: int
    changed_children: int


def import_cohort(
    path: str | Path,
    contract: Contract,
    *,
    actor: str,
    keyring: identity.Keyring | None = None,
) -> CohortImport:
    """Store a cohort file (the whole truth about each child it lists) in one transaction.

    Identity codes are pseudonymised with the contract's key and sealed in the vault; a file with
    pseudonyms is stored as it is. A file with rejected rows changes nothing.
    """
    cohort = read_cohort(path, contract)
    if cohort.rejects:
        raise SibylInputError(
            f"{len(cohort.rejects)} row(s) of the cohort file were rejected, so nothing was "
            "imported",
            Location(str(path)),
            "correct the rows listed and import the file again",
        )
    spells_by_person: dict[str, list[FollowupSpell]] = defaultdict(list)
    for spell in cohort.spells:
        spells_by_person[spell.person].append(spell)
    pseudonym_of: dict[str, str] = {}
    if cohort.identifier == "hetu":
        keyring = keyring or identity.load_keys()
        pseudonymiser = identity.Pseudonymiser(contract.id, keyring)
        pseudonym_of = {person: pseudonymiser(person) for person in spells_by_person}
    else:
        pseudonym_of = {person: person for person in spells_by_person}

    new = changed = 0
    with transaction.atomic():
        existing = {
            child.pseudonym: child
            for child in Child.objects.filter(
                contract_id=contract.id, pseudonym__in=list(pseudonym_of.values())
            )
        }
        for person, spells in spells_by_person.items():
            pseudonym = pseudonym_of[person]
            child = existing.get(pseudonym)
            wanted = sorted((s.enrolled_on, s.exited_on, s.exit_reason or "") for s in spells)
            if child is None:
                child = Child.objects.create(contract_id=contract.id, pseudonym=pseudonym)
                new += 1
                if cohort.identifier == "hetu":
                    assert keyring is not None
                    VaultEntry.objects.create(child=child, token=identity.seal(person, keyring))
            else:
                stored = sorted(
                    (row.enrolled_on, row.exited_on, row.exit_reason) for row in child.spells.all()
                )
                if stored == wanted:
                    continue
                changed += 1
                child.spells.all().delete()
            SpellRow.objects.bulk_create(
                SpellRow(child=child, enrolled_on=start, exited_on=end, exit_reason=reason)
                for start, end, reason in wanted
            )
        audit.record(
            "import.cohort",
            actor=actor,
            object_type="cohort",
            contract_id=contract.id,
            details={
                "file": Path(path).name,
                "sha256": cohort.sha256,
                "children": len(spells_by_person),
                "new": new,
                "changed": changed,
            },
        )
    return CohortImport(cohort, len(spells_by_person), new, changed)


def stored_spells(contract_id: str) -> list[FollowupSpell]:
    """The cohort's follow-up spells, by pseudonym, for the settlement."""
    return [
        FollowupSpell(
            person=row.child.pseudonym,
            enrolled_on=row.enrolled_on,
            exited_on=row.exited_on,
            exit_reason=row.exit_reason or None,
        )
        for row in SpellRow.objects.filter(child__contract_id=contract_id).select_related("child")
    ]


def reveal(contract_id: str, pseudonym: str, *, actor: str, reason: str) -> str:
    """The identity code behind a pseudonym, for a role allowed to see it; always audited."""
    if not reason.strip():
        raise SibylInputError(
            "a reason is required to reveal an identity", None, "say why with --reason"
        )
    if displayable(reason) != reason:
        raise SibylInputError(
            "the reason to reveal an identity looks like it contains an identity code",
            None,
            "name the family by its pseudonym, never by its identity code (the reason is kept "
            "in the audit log)",
        )
    entry = (
        VaultEntry.objects.select_related("child")
        .filter(child__contract_id=contract_id, child__pseudonym=pseudonym)
        .first()
    )
    if entry is None:
        raise SibylInputError(
            f"no identity is stored for the pseudonym {pseudonym!r} in the contract {contract_id}",
            None,
            "check the pseudonym (as in a statement export)",
        )
    code = identity.unseal(entry.token, identity.load_keys())
    audit.record(
        "identity.reveal",
        actor=actor,
        object_type="child",
        object_id=entry.child_id,
        contract_id=contract_id,
        details={"pseudonym": pseudonym, "reason": reason.strip()},
    )
    return code


def stored_birth_years(contract: Contract, children: list[Child] | None = None) -> dict[str, int]:
    """The birth years of the contract's children (or of ``children``), by pseudonym, for a
    payment component that looks at ages; empty when none does.

    The identity code is read from the vault only to take its birth year, which goes no further
    than the settlement; a child imported with the city's own pseudonym has no code in the vault,
    and the settlement refuses a component that needs its age.
    """
    if not contract.needs_birth_years:
        return {}
    keyring = identity.load_keys()
    entries = VaultEntry.objects.filter(child__contract_id=contract.id).select_related("child")
    if children is not None:
        entries = entries.filter(child__in=children)
    return {
        entry.child.pseudonym: identity.birth_date(identity.unseal(entry.token, keyring)).year
        for entry in entries
    }
