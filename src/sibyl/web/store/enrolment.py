"""The cohort in the store: referrals, screening, enrolment, exits, returns and activity.

A family's way in and through the programme (DOMAIN.md 2.1, 3.1 and 4):

* :func:`refer` and :func:`import_referrals` screen a referral (:func:`sibyl.eligibility.screen`)
  and store it with its decision and evidence. The child is created at referral time, by
  pseudonym, its identity code sealed in the vault; nothing else holds the code.
* :func:`override` records a coordinator's decision with a written reason; the latest override
  of a referral replaces the screening's decision, and every override is kept.
* :func:`enrol` takes an eligible referral into the cohort on a day inside the enrolment window,
  while the cohort is below its capacity; it records consent given that day, the provider and
  the first follow-up spell. Eligible referrals not enrolled form the :func:`waiting_list`, in
  referral order (referral date, then the order stored); :func:`offer_places` enrols from it
  while places are free.
* :func:`exit_child`, :func:`withdraw_consent` and :func:`return_child` close and open follow-up
  spells (``FollowupSpell``), the very rows the settlement reads (:func:`stored_spells`), so
  they feed the statements directly.
* :func:`import_activity`, :func:`activity_summary` and :func:`no_recent_contact` are the
  providers' activity log and what the coordinator sees of it.

Every operation that changes the store runs in one transaction with its audit entry.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, transaction

from sibyl import identity
from sibyl.contract import Contract, load_contract
from sibyl.eligibility import Decision, Referral, items_of, parameter_on, screen, unknown_answers
from sibyl.errors import Location, SibylInputError
from sibyl.register.reader import DateParser, displayable, quoted
from sibyl.register.referrals import read_referrals
from sibyl.tabular import read_text_table
from sibyl.web.audit import log as audit
from sibyl.web.cohort.models import Activity, Child, Consent, Enrolment, Override
from sibyl.web.cohort.models import FollowupSpell as SpellRow
from sibyl.web.cohort.models import Referral as ReferralRow
from sibyl.web.vault.models import VaultEntry

EXIT_REASONS: tuple[str, ...] = ("moved_out", "died", "consent_withdrawn", "other")
"""DOMAIN.md 3.1: moved out of the city, died, consent withdrawn, other."""

COMPONENTS: tuple[str, ...] = ("individual_support", "family_group", "community")
"""The providers' service components (DOMAIN.md 4 and issue 4): individual support, the family
group ("kotipesä") and community and peer activity."""

COMPONENT_ALIASES: dict[str, str] = {
    **{name: name for name in COMPONENTS},
    "kotipesä": "family_group",
    "kotipesa": "family_group",
}

NO_CONTACT_DAYS = 60
SERVICE_YEARS = 3
"""The service lasts 1–3 years (longer if needed, DOMAIN.md 2); a family enrolled longer ago and
without contact for a year is taken to have finished its service, not to be lost to it."""
"""Families in follow-up without a recorded contact for this many days are listed."""


# ---------------------------------------------------------------------------------------------
# Helpers.


def _error(what: str, fix: str, where: Location | None = None) -> SibylInputError:
    return SibylInputError(what, where, fix)


def _providers(contract: Contract) -> list[str]:
    return [party.name for party in contract.spec.parties.providers]


def _referral(contract_id: str, referral_id: str) -> ReferralRow:
    row = (
        ReferralRow.objects.select_related("child")
        .filter(contract_id=contract_id, referral_id=referral_id)
        .first()
    )
    if row is None:
        raise _error(
            f"there is no referral {referral_id!r} in the contract {contract_id}",
            "check the referral id (see `sibyl cohort show`) or add the referral first with "
            "`sibyl referral add` or `sibyl referral import`",
        )
    return row


def _child(contract_id: str, pseudonym: str) -> Child:
    child = Child.objects.filter(contract_id=contract_id, pseudonym=pseudonym).first()
    if child is None:
        raise _error(
            f"there is no family with the pseudonym {pseudonym!r} in the contract {contract_id}",
            "check the pseudonym (as `sibyl cohort show` or a statement export shows it)",
        )
    return child


def effective_eligible(referral: ReferralRow) -> bool:
    """The screening's decision, or the latest override's."""
    latest = referral.overrides.order_by("-at", "-id").first()
    return referral.eligible if latest is None else latest.eligible


def in_followup(spell: SpellRow, day: date, followup_end: date) -> bool:
    """DOMAIN.md 3.1: ``enrolled_on ≤ day ≤ followup_end`` and ``day < exited_on``."""
    return spell.enrolled_on <= day <= followup_end and (
        spell.exited_on is None or day < spell.exited_on
    )


def children_in_followup(contract: Contract, day: date) -> int:
    """How many children of the contract are in follow-up on ``day``."""
    spells = SpellRow.objects.filter(child__contract_id=contract.id, enrolled_on__lte=day)
    return len(
        {spell.child_id for spell in spells if in_followup(spell, day, contract.followup_end)}
    )


def _lock_cohort(contract_id: str) -> None:
    """Serialise enrolments of one contract on PostgreSQL (a transaction-scoped advisory lock),
    so that two coordinators cannot both take the last place; SQLite serialises writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [_COHORT_LOCK, zlib.crc32(contract_id.encode("utf-8")) - 2**31],
            )


_COHORT_LOCK = 7_340_033  # next to the audit log's lock id


def _full_on(contract: Contract, day: date) -> date | None:
    """The first day from ``day`` on when the cohort has no free place, or ``None``.

    A place must be free on ``day`` and on every later day on which a recorded spell starts
    (enrolments and returns may be recorded out of date order).
    """
    spells = list(SpellRow.objects.filter(child__contract_id=contract.id))
    days = sorted({day} | {spell.enrolled_on for spell in spells if spell.enrolled_on > day})
    for candidate in days:
        if candidate > contract.followup_end:
            break
        occupied = {
            spell.child_id
            for spell in spells
            if in_followup(spell, candidate, contract.followup_end)
        }
        if len(occupied) >= parameter_on(contract, "capacity", candidate):
            return candidate
    return None


def _evidence(decision: Decision, code: str) -> list[dict[str, object]]:
    """The decision's criteria as JSON, with any trace of the identity code removed."""
    masked = identity.mask(code)
    birth = identity.birth_date(code).isoformat()
    return [
        {
            "code": result.code,
            "met": result.met,
            "evidence": result.evidence.replace(code, masked).replace(birth, "(birth date)"),
        }
        for result in decision.criteria
    ]


# ---------------------------------------------------------------------------------------------
# Referrals and overrides.


@dataclass(frozen=True)
class Screening:
    """A referral screened without being stored: what :func:`refer` would store with it."""

    eligible: bool
    failed: list[str]
    criteria: list[dict[str, object]]


def preview(contract: Contract, referral: Referral) -> Screening:
    """Screen a referral without storing anything (the referral form's live result): the same
    decision and the same evidence, with any trace of the identity code removed, as
    :func:`refer` would store."""
    decision = screen(referral, contract)
    return Screening(decision.eligible, list(decision.failed), _evidence(decision, referral.hetu))


def stored_answers(contract: Contract, referral: Referral) -> dict[str, bool]:
    """The referral's answers as the store keeps them: every item of the contract, in the
    contract's order, an item not answered as false."""
    return {item.code: referral.answered_yes(item.code) for item in items_of(contract)}


def _known_answers(contract: Contract, referral: Referral) -> None:
    """Refuse answers to questions the contract does not ask (they would be silently lost)."""
    unknown = unknown_answers(referral, contract)
    if unknown:
        items = ", ".join(item.code for item in items_of(contract)) or "none"
        names = ", ".join(repr(displayable(name)) for name in unknown)
        which = "which is not a referral item" if len(unknown) == 1 else "which are not items"
        raise _error(
            f"the referral answers {names}, {which} of the contract {contract.id} "
            f"(its items: {items})",
            "answer the contract's own items only",
        )


def _no_code(text: str, what: str, fix: str) -> None:
    """Refuse a free text that holds something like an identity code (DESIGN.md 5: codes stay in
    the vault; a reason or a district is kept in the store and the audit log)."""
    if displayable(text) != text:
        raise _error(f"the {what} looks like it contains an identity code", fix)


def _store_referral(
    contract: Contract,
    referral: Referral,
    *,
    referrer: str,
    keyring: identity.Keyring,
    pseudonymiser: identity.Pseudonymiser,
) -> ReferralRow:
    decision = screen(referral, contract)
    pseudonym = pseudonymiser(referral.hetu)
    child, created = Child.objects.get_or_create(contract_id=contract.id, pseudonym=pseudonym)
    if created:
        VaultEntry.objects.create(child=child, token=identity.seal(referral.hetu, keyring))
    return ReferralRow.objects.create(
        contract_id=contract.id,
        referral_id=referral.referral_id,
        child=child,
        referred_on=referral.referred_on,
        referrer=referrer,
        source=referral.referral_source,
        district=referral.district,
        answers=stored_answers(contract, referral),
        ongoing_services=sorted(referral.ongoing_services),
        eligible=decision.eligible,
        failed=list(decision.failed),
        criteria=_evidence(decision, referral.hetu),
    )


def refer(
    contract: Contract,
    referral: Referral,
    *,
    actor: str,
    keyring: identity.Keyring | None = None,
    referrer: str | None = None,
) -> ReferralRow:
    """Screen one referral and store it with its decision; ``referrer`` defaults to ``actor``."""
    if (
        not referral.referral_id.strip()
        or displayable(referral.referral_id) != referral.referral_id
    ):
        raise _error(
            "the referral id is empty or looks like an identity code",
            "use the referral's own number, since decisions must not carry identity codes",
        )
    if ReferralRow.objects.filter(
        contract_id=contract.id, referral_id=referral.referral_id
    ).exists():
        raise _error(
            f"the referral {referral.referral_id!r} is already stored in the contract "
            f"{contract.id}",
            "give every referral its own id",
        )
    _no_code(referral.district, "district", "write the name of the district only")
    _known_answers(contract, referral)
    keyring = keyring or identity.load_keys()
    pseudonymiser = identity.Pseudonymiser(contract.id, keyring)
    with transaction.atomic():
        row = _store_referral(
            contract,
            referral,
            referrer=referrer or actor,
            keyring=keyring,
            pseudonymiser=pseudonymiser,
        )
        audit.record(
            "referral.add",
            actor=actor,
            object_type="referral",
            object_id=row.id,
            contract_id=contract.id,
            details={
                "referral_id": row.referral_id,
                "pseudonym": row.child.pseudonym,
                "eligible": row.eligible,
                "failed": row.failed,
            },
        )
    return row


@dataclass
class ReferralImport:
    stored: list[ReferralRow]
    already_stored: int

    @property
    def eligible(self) -> int:
        return sum(row.eligible for row in self.stored)


def import_referrals(
    path: str | Path,
    contract: Contract,
    *,
    actor: str,
    keyring: identity.Keyring | None = None,
) -> ReferralImport:
    """Screen and store a referral file in one transaction (all or nothing).

    A file with rejected rows changes nothing. A referral id already stored for the same child
    and date is skipped (the same file twice changes nothing); for another child or date the
    whole file is refused. The referrer of an imported referral is ``actor``.
    """
    referrals, rejects = read_referrals(path, contract)
    where = Location(str(path))
    if rejects:
        first = rejects[0]
        raise _error(
            f"{len(rejects)} row(s) of the referral file were rejected, so nothing was imported "
            f"(first: line {first.line}, column {first.column!r}: {first.reason.rstrip('.')})",
            "correct the rows (`sibyl screen` lists them all) and import the file again",
            where,
        )
    keyring = keyring or identity.load_keys()
    pseudonymiser = identity.Pseudonymiser(contract.id, keyring)
    existing = {
        row.referral_id: row
        for row in ReferralRow.objects.select_related("child").filter(
            contract_id=contract.id, referral_id__in=[r.referral_id for r in referrals]
        )
    }
    new: list[Referral] = []
    for referral in referrals:
        row = existing.get(referral.referral_id)
        if row is None:
            new.append(referral)
        elif (row.child.pseudonym, row.referred_on) != (
            pseudonymiser(referral.hetu),
            referral.referred_on,
        ):
            raise _error(
                f"the referral {referral.referral_id!r} on line {referral.line} is already "
                "stored for another child or date, so nothing was imported",
                "give every referral its own id, or correct the row",
                where,
            )
    stored: list[ReferralRow] = []
    with transaction.atomic():
        for referral in new:
            stored.append(
                _store_referral(
                    contract,
                    referral,
                    referrer=actor,
                    keyring=keyring,
                    pseudonymiser=pseudonymiser,
                )
            )
        audit.record(
            "referral.import",
            actor=actor,
            object_type="referrals",
            contract_id=contract.id,
            details={
                "file": Path(path).name,
                "referrals": len(referrals),
                "new": len(stored),
                "eligible": sum(row.eligible for row in stored),
                "referral_ids": [row.referral_id for row in stored],
            },
        )
    return ReferralImport(stored, len(referrals) - len(new))


def override(
    contract_id: str, referral_id: str, eligible: bool, reason: str, *, actor: str
) -> Override:
    """Record a coordinator's decision on a referral; the reason is required and kept."""
    if not reason or not reason.strip():
        raise _error(
            f"an override of the referral {referral_id!r} needs a written reason",
            "say why with --reason",
        )
    _no_code(
        reason,
        "reason of the override",
        "name the family by its referral id or pseudonym, never by its identity code",
    )
    referral = _referral(contract_id, referral_id)
    if Enrolment.objects.filter(referral=referral).exists() and not eligible:
        raise _error(
            f"the referral {referral_id!r} is already enrolled, so it cannot be made ineligible",
            "record the family's exit with `sibyl exit` instead",
        )
    with transaction.atomic():
        row = Override.objects.create(
            referral=referral, eligible=eligible, reason=reason.strip(), by=actor
        )
        audit.record(
            "referral.override",
            actor=actor,
            object_type="referral",
            object_id=referral.id,
            contract_id=contract_id,
            details={
                "referral_id": referral_id,
                "screened_eligible": referral.eligible,
                "eligible": eligible,
                "reason": row.reason,
            },
        )
    return row


# ---------------------------------------------------------------------------------------------
# Enrolment and the waiting list.


def waiting_list(contract_id: str, on: date) -> list[ReferralRow]:
    """Eligible referrals (after overrides) made on or before ``on`` whose child is not
    enrolled, in referral order (referral date, then the order stored)."""
    enrolled = set(
        Enrolment.objects.filter(child__contract_id=contract_id).values_list("child_id", flat=True)
    )
    waiting: list[ReferralRow] = []
    seen: set[int] = set()
    rows = (
        ReferralRow.objects.filter(contract_id=contract_id, referred_on__lte=on)
        .select_related("child")
        .prefetch_related("overrides")
        .order_by("referred_on", "id")
    )
    for row in rows:
        if row.child_id in enrolled or row.child_id in seen:
            continue
        latest = max(row.overrides.all(), key=lambda o: (o.at, o.id), default=None)
        if row.eligible if latest is None else latest.eligible:
            waiting.append(row)
            seen.add(row.child_id)
    return waiting


def enrol(
    contract: Contract, referral_id: str, on: date, provider: str, *, actor: str
) -> Enrolment:
    """Enrol a referral's child on ``on`` with ``provider``: consent given that day and the
    first follow-up spell from that day. Refused (and the referral stays on the waiting list)
    for an unknown or ineligible referral, a day before the referral or outside the enrolment
    window, a provider not of the contract, or a full cohort."""
    referral = _referral(contract.id, referral_id)
    if Enrolment.objects.filter(child=referral.child).exists():
        raise _error(
            f"the family of the referral {referral_id!r} ({referral.child.pseudonym}) is "
            "already enrolled",
            "use `sibyl return` for a family that comes back after an exit",
        )
    if not effective_eligible(referral):
        raise _error(
            f"the referral {referral_id!r} is not eligible (failed: "
            f"{', '.join(referral.failed) or 'overridden'})",
            "a coordinator may override the decision with `sibyl referral override "
            f"{referral_id} --eligible --reason TEXT`",
        )
    if on < referral.referred_on:
        raise _error(
            f"the enrolment date {on.isoformat()} is before the referral {referral_id!r} of "
            f"{referral.referred_on.isoformat()}",
            "enrol on or after the referral date",
        )
    if not contract.enrolment_start <= on <= contract.enrolment_end:
        raise _error(
            f"the enrolment date {on.isoformat()} is outside the enrolment window of the "
            f"contract {contract.id} ({contract.enrolment_start.isoformat()} to "
            f"{contract.enrolment_end.isoformat()})",
            "enrol inside the window",
        )
    providers = _providers(contract)
    if provider not in providers:
        raise _error(
            f"the provider {provider!r} is not a provider of the contract {contract.id}",
            f"use one of: {', '.join(providers)}",
        )
    with transaction.atomic():
        _lock_cohort(contract.id)
        full = _full_on(contract, on)
        if full is not None:
            raise _error(
                f"the cohort of the contract {contract.id} is full on {full.isoformat()} "
                f"(capacity {parameter_on(contract, 'capacity', full)}), so the referral "
                f"{referral_id!r} stays on the waiting list",
                "enrol it when a place frees up (`sibyl enrol --offer --on DATE`)",
            )
        enrolment = Enrolment.objects.create(
            child=referral.child, referral=referral, provider=provider, enrolled_on=on, by=actor
        )
        Consent.objects.create(child=referral.child, given_on=on)
        SpellRow.objects.create(child=referral.child, enrolled_on=on)
        audit.record(
            "cohort.enrol",
            actor=actor,
            object_type="child",
            object_id=referral.child_id,
            contract_id=contract.id,
            details={
                "referral_id": referral_id,
                "pseudonym": referral.child.pseudonym,
                "on": on.isoformat(),
                "provider": provider,
            },
        )
    return enrolment


def offer_places(contract: Contract, on: date, *, actor: str) -> list[Enrolment]:
    """Enrol from the waiting list, in referral order, while places are free on ``on``.

    Providers are assigned round-robin in the contract's order, continuing from the number of
    families the contract has enrolled so far (so the providers' shares stay even over many
    offers). One transaction: all the enrolments of one offer, or none.
    """
    providers = _providers(contract)
    enrolled: list[Enrolment] = []
    with transaction.atomic():
        _lock_cohort(contract.id)
        turn = Enrolment.objects.filter(child__contract_id=contract.id).count()
        for referral in waiting_list(contract.id, on):
            if _full_on(contract, on) is not None:
                break
            provider = providers[turn % len(providers)]
            enrolled.append(enrol(contract, referral.referral_id, on, provider, actor=actor))
            turn += 1
        audit.record(
            "cohort.offer",
            actor=actor,
            object_type="cohort",
            contract_id=contract.id,
            details={
                "on": on.isoformat(),
                "enrolled": [e.referral.referral_id for e in enrolled],
                "still_waiting": len(waiting_list(contract.id, on)),
            },
        )
    return enrolled


# ---------------------------------------------------------------------------------------------
# Exits, consent and returns.


def _open_spell(child: Child) -> SpellRow | None:
    return child.spells.filter(exited_on__isnull=True).order_by("-enrolled_on").first()


def _close(child: Child, spell: SpellRow, on: date, reason: str) -> None:
    if on <= spell.enrolled_on:
        raise _error(
            f"the exit date {on.isoformat()} of {child.pseudonym} is not after the start of "
            f"its follow-up on {spell.enrolled_on.isoformat()} (the exit day itself is not in "
            "follow-up)",
            "give a later exit date",
        )
    spell.exited_on = on
    spell.exit_reason = reason
    spell.save(update_fields=["exited_on", "exit_reason"])


def exit_child(contract_id: str, pseudonym: str, on: date, reason: str, *, actor: str) -> SpellRow:
    """Close the child's open follow-up spell on ``on`` (not in follow-up from that day)."""
    if reason not in EXIT_REASONS:
        raise _error(
            f"the exit reason {reason!r} is not known",
            f"use one of: {', '.join(EXIT_REASONS)}",
        )
    child = _child(contract_id, pseudonym)
    spell = _open_spell(child)
    if spell is None:
        raise _error(
            f"{pseudonym} is not in follow-up (no open follow-up spell)",
            "check the pseudonym, or record a return with `sibyl return` first",
        )
    with transaction.atomic():
        _close(child, spell, on, reason)
        audit.record(
            "cohort.exit",
            actor=actor,
            object_type="child",
            object_id=child.id,
            contract_id=contract_id,
            details={"pseudonym": pseudonym, "on": on.isoformat(), "reason": reason},
        )
    return spell


def withdraw_consent(contract_id: str, pseudonym: str, on: date, *, actor: str) -> Consent:
    """Record the withdrawal of consent on ``on``: follow-up ends that day (the open spell is
    closed with ``exited_on = on`` and the reason ``consent_withdrawn``)."""
    child = _child(contract_id, pseudonym)
    consent = child.consents.filter(withdrawn_on__isnull=True).order_by("-given_on").first()
    if consent is None:
        raise _error(
            f"{pseudonym} has no consent in force to withdraw",
            "check the pseudonym (consent is given on enrolment and on a return)",
        )
    if on < consent.given_on:
        raise _error(
            f"the withdrawal date {on.isoformat()} is before the consent of {pseudonym} was "
            f"given on {consent.given_on.isoformat()}",
            "give the day the consent was withdrawn",
        )
    with transaction.atomic():
        spell = _open_spell(child)
        if spell is not None:
            _close(child, spell, on, "consent_withdrawn")
        consent.withdrawn_on = on
        consent.save(update_fields=["withdrawn_on"])
        audit.record(
            "cohort.consent_withdrawn",
            actor=actor,
            object_type="child",
            object_id=child.id,
            contract_id=contract_id,
            details={
                "pseudonym": pseudonym,
                "on": on.isoformat(),
                "followup_ended": spell is not None,
            },
        )
    return consent


def return_child(contract: Contract | str, pseudonym: str, on: date, *, actor: str) -> SpellRow:
    """A new follow-up spell from the return date ``on`` (DOMAIN.md 3.1).

    ``contract`` is a :class:`Contract` or a contract name (for its follow-up end).

    Refused when the child is in follow-up (an open spell), was never enrolled, or ``on`` is
    before the last exit or after the contract's follow-up end. A return after a withdrawal of
    consent records consent given again on the return day.
    """
    if not isinstance(contract, Contract):
        contract = load_contract(contract)
    contract_id, end = contract.id, contract.followup_end
    child = _child(contract_id, pseudonym)
    spells = list(child.spells.order_by("enrolled_on"))
    if not spells:
        raise _error(
            f"{pseudonym} was never enrolled, so it cannot return",
            "enrol the family's referral with `sibyl enrol`",
        )
    if any(spell.exited_on is None for spell in spells):
        raise _error(
            f"{pseudonym} is still in follow-up (its spell from "
            f"{spells[-1].enrolled_on.isoformat()} is open), so it cannot return",
            "record the exit first with `sibyl exit`",
        )
    last_exit = max(spell.exited_on for spell in spells if spell.exited_on is not None)
    if on < last_exit:
        raise _error(
            f"the return date {on.isoformat()} of {pseudonym} is before its last exit on "
            f"{last_exit.isoformat()}",
            "give the day the family came back",
        )
    if on > end:
        raise _error(
            f"the return date {on.isoformat()} is after the end of follow-up of the contract "
            f"{contract_id} ({end.isoformat()})",
            "a return after the follow-up end is not recorded",
        )
    with transaction.atomic():
        if not child.consents.filter(withdrawn_on__isnull=True).exists():
            Consent.objects.create(child=child, given_on=on)
        spell = SpellRow.objects.create(child=child, enrolled_on=on)
        audit.record(
            "cohort.return",
            actor=actor,
            object_type="child",
            object_id=child.id,
            contract_id=contract_id,
            details={"pseudonym": pseudonym, "on": on.isoformat()},
        )
    return spell


# ---------------------------------------------------------------------------------------------
# The providers' activity log.

ACTIVITY_COLUMNS: tuple[str, ...] = ("date", "component", "minutes", "participants", "provider")


@dataclass
class ActivityImport:
    rows: int


Refusal = Callable[[str, str, str], SibylInputError]
"""Makes the error of a refused activity: ``(column, what is wrong, how to fix it)``."""


def _activity(
    contract: Contract,
    enrolment: Enrolment,
    family: str,
    day: date,
    component_text: str,
    minutes_text: str,
    provider: str,
    participants: str,
    *,
    actor: str,
    bad: Refusal,
) -> Activity:
    """One contact of a provider with an enrolled family, checked (the checks of an activity
    file's row and of the activity form alike): the date in the family's follow-up, a known
    component, whole minutes above 0, the family's own provider, participants without codes."""
    if day < enrolment.enrolled_on or day > contract.followup_end:
        raise bad(
            "date",
            f"the date {day.isoformat()} is before the family's enrolment on "
            f"{enrolment.enrolled_on.isoformat()} or after the follow-up end",
            "correct the date",
        )
    spells = sorted(enrolment.child.spells.all(), key=lambda spell: spell.enrolled_on)
    if not any(in_followup(spell, day, contract.followup_end) for spell in spells):
        exited = max(
            (s.exited_on for s in spells if s.exited_on is not None and s.exited_on <= day),
            default=None,
        )
        raise bad(
            "date",
            f"the date {day.isoformat()} is not in the follow-up of the family {family}"
            + (f" (it exited on {exited.isoformat()})" if exited else ""),
            "a contact is recorded only while the family is in follow-up",
        )
    component = COMPONENT_ALIASES.get(component_text.strip().casefold())
    if component is None:
        raise bad(
            "component",
            f"the component {quoted(component_text)} is not known",
            f"use one of: {', '.join(COMPONENTS)}",
        )
    if not minutes_text.isdigit() or int(minutes_text) <= 0:
        raise bad(
            "minutes",
            f"the duration {quoted(minutes_text)} is not a whole number of minutes above 0",
            "write the minutes, e.g. 45",
        )
    if provider != enrolment.provider:
        raise bad(
            "provider",
            f"the family {family} is assigned to {enrolment.provider}, not to {quoted(provider)}",
            "a provider records only the families assigned to it",
        )
    if displayable(participants) != participants:
        raise bad(
            "participants",
            "the participants look like an identity code",
            "name who took part by role (e.g. child, mother), never by identity code",
        )
    return Activity(
        child=enrolment.child,
        provider=provider,
        on=day,
        component=component,
        minutes=int(minutes_text),
        participants=participants,
        recorded_by=actor,
    )


def record_activity(
    contract: Contract,
    pseudonym: str,
    on: date,
    component: str,
    minutes: int,
    participants: str,
    *,
    provider: str,
    actor: str,
) -> Activity:
    """Store one contact of ``provider`` with a family (the activity form), with the checks of
    :func:`import_activity` and its audit entry, in one transaction."""
    enrolment = (
        Enrolment.objects.select_related("child")
        .prefetch_related("child__spells")
        .filter(child__contract_id=contract.id, child__pseudonym=pseudonym)
        .first()
    )
    if enrolment is None:
        raise _error(
            f"the family {displayable(pseudonym)!r} is not enrolled in the contract {contract.id}",
            "check the pseudonym",
        )

    def bad(column: str, what: str, fix: str) -> SibylInputError:
        return _error(what, fix)

    activity = _activity(
        contract,
        enrolment,
        pseudonym,
        on,
        component,
        str(minutes),
        provider,
        participants,
        actor=actor,
        bad=bad,
    )
    with transaction.atomic():
        activity.save()
        audit.record(
            "activity.add",
            actor=actor,
            object_type="activity",
            object_id=activity.id,
            contract_id=contract.id,
            details={
                "pseudonym": pseudonym,
                "on": on.isoformat(),
                "component": activity.component,
                "minutes": activity.minutes,
                "provider": provider,
            },
        )
    return activity


def import_activity(path: str | Path, contract: Contract, *, actor: str) -> ActivityImport:
    """Store a provider's activity file in one transaction (all or nothing).

    Columns: ``pseudonym`` or ``referral_id`` (the family), ``date``, ``component``
    (:data:`COMPONENTS`; ``kotipesä`` is ``family_group``), ``minutes`` (a whole number above
    0), ``participants`` (free text: who took part, e.g. ``child, mother``; no identity codes)
    and ``provider`` (the provider the family is assigned to). The family must be enrolled and
    the date on or after its enrolment and not after the follow-up end.
    """
    table = read_text_table(path)
    names = [name.strip().lower() for name in table.header]
    position = {name: names.index(name) for name in set(names)}
    key = next((name for name in ("pseudonym", "referral_id") if name in position), None)
    missing = [name for name in ACTIVITY_COLUMNS if name not in position]
    if key is None or missing:
        wanted = ["pseudonym or referral_id"] if key is None else []
        raise _error(
            f"the activity file has no column {', '.join(wanted + missing)}",
            "an activity file needs the columns pseudonym (or referral_id), date, component, "
            "minutes, participants and provider; correct the header line",
            Location(table.source),
        )
    enrolments = {
        (e.child.pseudonym if key == "pseudonym" else e.referral.referral_id): e
        for e in Enrolment.objects.select_related("child", "referral")
        .prefetch_related("child__spells")
        .filter(child__contract_id=contract.id)
    }
    if key == "referral_id":
        # A family may be found by any of its referrals, not only the one enrolled.
        by_child = {e.child_id: e for e in enrolments.values()}
        for row in ReferralRow.objects.filter(contract_id=contract.id):
            if row.child_id in by_child:
                enrolments.setdefault(row.referral_id, by_child[row.child_id])
    dates = DateParser()
    activities: list[Activity] = []
    for line, cells in table.rows:

        def cell(name: str, cells: list[str] = cells) -> str:
            index = position[name]
            return cells[index].strip() if index < len(cells) else ""

        def bad(column: str, what: str, fix: str, line: int = line) -> SibylInputError:
            return _error(
                f"{what}, so nothing was imported", fix, Location(table.source, line, column)
            )

        family = cell(key)
        enrolment = enrolments.get(family)
        if enrolment is None:
            raise bad(
                key,
                f"the family {displayable(family)!r} is not enrolled in the contract {contract.id}",
                "check the pseudonym or referral id (see `sibyl cohort show`)",
            )
        day, reason = dates.parse(cell("date"), "activity date", "correct the date")
        if day is None:
            raise bad("date", (reason or "the date is not a date").rstrip("."), "correct it")
        activities.append(
            _activity(
                contract,
                enrolment,
                family,
                day,
                cell("component"),
                cell("minutes"),
                cell("provider"),
                cell("participants"),
                actor=actor,
                bad=bad,
            )
        )
    with transaction.atomic():
        Activity.objects.bulk_create(activities)
        audit.record(
            "activity.import",
            actor=actor,
            object_type="activity",
            contract_id=contract.id,
            details={"file": Path(path).name, "rows": len(activities)},
        )
    return ActivityImport(len(activities))


@dataclass
class MonthSummary:
    pseudonym: str
    month: str  # YYYY-MM
    contacts: int
    minutes: int
    by_component: dict[str, int] = field(default_factory=dict)


def activity_summary(contract_id: str, pseudonym: str | None = None) -> list[MonthSummary]:
    """Per family and calendar month: contacts, minutes, and minutes per component (of one
    family when ``pseudonym`` is given)."""
    rows: dict[tuple[str, str], MonthSummary] = {}
    activities = Activity.objects.filter(child__contract_id=contract_id)
    if pseudonym is not None:
        activities = activities.filter(child__pseudonym=pseudonym)
    for activity in activities.select_related("child"):
        month = f"{activity.on.year:04d}-{activity.on.month:02d}"
        summary = rows.setdefault(
            (activity.child.pseudonym, month),
            MonthSummary(activity.child.pseudonym, month, 0, 0, dict.fromkeys(COMPONENTS, 0)),
        )
        summary.contacts += 1
        summary.minutes += activity.minutes
        summary.by_component[activity.component] += activity.minutes
    return [rows[k] for k in sorted(rows)]


@dataclass(frozen=True)
class NoContact:
    pseudonym: str
    provider: str
    last_contact: date | None
    days: int  # since the last contact, or since the start of follow-up without one


def no_recent_contact(contract_id: str, on: date, days: int = NO_CONTACT_DAYS) -> list[NoContact]:
    """Families in follow-up on ``on`` whose last contact (on or before ``on``) is at least
    ``days`` days ago; a family without any contact counts from the start of its current
    follow-up spell. Families past :data:`SERVICE_YEARS` of service and silent for over a year
    have finished the service and are left out. Longest silence first."""
    last: dict[int, date] = {}
    for child_id, day in Activity.objects.filter(
        child__contract_id=contract_id, on__lte=on
    ).values_list("child_id", "on"):
        last[child_id] = max(day, last.get(child_id, day))
    found: list[NoContact] = []
    spells = SpellRow.objects.filter(child__contract_id=contract_id, enrolled_on__lte=on)
    for spell in spells.select_related("child", "child__enrolment"):
        if spell.exited_on is not None and spell.exited_on <= on:
            continue
        since = last.get(spell.child_id, spell.enrolled_on)
        silent = (on - since).days
        enrolled = getattr(getattr(spell.child, "enrolment", None), "enrolled_on", None)
        finished = (
            enrolled is not None and (on - enrolled).days > SERVICE_YEARS * 365 and silent > 365
        )
        if silent >= days and not finished:
            provider = getattr(getattr(spell.child, "enrolment", None), "provider", "")
            found.append(
                NoContact(spell.child.pseudonym, provider, last.get(spell.child_id), silent)
            )
    return sorted(found, key=lambda row: (-row.days, row.pseudonym))


# ---------------------------------------------------------------------------------------------
# The coordinator's overview.


@dataclass
class CohortStatus:
    on: date
    capacity: int
    referrals: int
    eligible: int
    enrolled: int
    waiting: int
    in_followup: int
    exited: dict[str, int]
    no_contact: list[NoContact]
    waiting_ids: list[str] = field(default_factory=list)
    not_eligible: dict[str, int] = field(default_factory=dict)


def cohort_status(contract: Contract, on: date) -> CohortStatus:
    """Capacity, enrolled, waiting, in follow-up and exits by reason on ``on``, and the families
    without contact for :data:`NO_CONTACT_DAYS` days."""
    referrals = list(
        ReferralRow.objects.filter(contract_id=contract.id, referred_on__lte=on).prefetch_related(
            "overrides"
        )
    )
    eligible = 0
    refused: Counter[str] = Counter()
    for row in referrals:
        latest = max(row.overrides.all(), key=lambda o: (o.at, o.id), default=None)
        if row.eligible if latest is None else latest.eligible:
            eligible += 1
        else:
            for code in row.failed or ["overridden"]:
                refused[code] += 1
    waiting = waiting_list(contract.id, on)
    exited: Counter[str] = Counter()
    for spell in SpellRow.objects.filter(
        child__contract_id=contract.id, exited_on__isnull=False, exited_on__lte=on
    ):
        exited[spell.exit_reason or "other"] += 1
    return CohortStatus(
        on=on,
        capacity=parameter_on(contract, "capacity", on),
        referrals=len(referrals),
        eligible=eligible,
        enrolled=Enrolment.objects.filter(
            child__contract_id=contract.id, enrolled_on__lte=on
        ).count(),
        waiting=len(waiting),
        in_followup=children_in_followup(contract, on),
        exited=dict(sorted(exited.items())),
        no_contact=no_recent_contact(contract.id, on),
        waiting_ids=[row.referral_id for row in waiting],
        not_eligible=dict(sorted(refused.items())),
    )
