"""The cohort: the coordinator's overview, referrals (screened on the way in) and families.

| operation | roles | what the role sees |
|---|---|---|
| ``GET /cohort/status`` | coordinator | the contract's cohort |
| ``GET /referrals``, ``GET /referrals/{id}`` | coordinator, referrer | the referrer: their own |
| ``POST /referrals`` | coordinator, referrer | the decision with each criterion (no code) |
| ``GET /families`` | coordinator, provider | all; the provider their organisation's |
| ``POST /families/{pseudonym}/activities`` | provider | their organisation's families |

The identity code of a referral goes straight to :func:`sibyl.web.store.enrolment.refer`, which
pseudonymises it and seals it in the vault; no response carries it, nor the child's birth date.
Only the coordinator is shown the child's pseudonym of a referral.
"""

from __future__ import annotations

from django.db.models import Max, Prefetch
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from sibyl import eligibility, identity
from sibyl.errors import SibylInputError
from sibyl.register.reader import displayable, temporary_codes_allowed
from sibyl.web.accounts import scopes
from sibyl.web.accounts.roles import Role
from sibyl.web.api.auth import Operations, caller
from sibyl.web.api.schemas import (
    ActivityIn,
    ActivityOut,
    CohortStatusOut,
    Day,
    FamilyOut,
    ReferralDetailOut,
    ReferralIn,
    ReferralOut,
)
from sibyl.web.cohort.models import Override
from sibyl.web.cohort.models import Referral as ReferralRow
from sibyl.web.store import enrolment
from sibyl.web.ui.contracts import contract_of

router = Operations(tags=["cohort"])


class OnQuery(Schema):
    on: Day | None = Field(None, description="the day (default today)")


@router.get("/cohort/status", roles=(Role.COORDINATOR,), response=CohortStatusOut)
def cohort_status(request: HttpRequest, query: Query[OnQuery]):
    """Capacity, referred, eligible, enrolled, waiting, in follow-up, exits by reason and the
    families without a contact for 60 days, on ``on`` (default today)."""
    who = caller(request)
    status = enrolment.cohort_status(
        contract_of(who.profile.contract_id), query.on or timezone.localdate()
    )
    return {
        "on": status.on,
        "capacity": status.capacity,
        "referrals": status.referrals,
        "eligible": status.eligible,
        "enrolled": status.enrolled,
        "waiting": status.waiting,
        "in_followup": status.in_followup,
        "exited": status.exited,
        "not_eligible": status.not_eligible,
        "waiting_list": status.waiting_ids,
        "no_contact": [
            {
                "pseudonym": row.pseudonym,
                "provider": row.provider,
                "last_contact": row.last_contact,
                "days": row.days,
            }
            for row in status.no_contact
        ],
    }


# ---------------------------------------------------------------------------------------------
# Referrals.


def _referrals(request: HttpRequest):
    return (
        scopes.referrals(caller(request).profile)
        .select_related("child", "child__enrolment")
        .prefetch_related(Prefetch("overrides", queryset=Override.objects.order_by("at", "id")))
    )


def _summary(row: ReferralRow, *, coordinator: bool) -> dict:
    overrides = list(row.overrides.all())
    eligible = overrides[-1].eligible if overrides else row.eligible
    enrolled = getattr(row.child, "enrolment", None)
    status = "enrolled" if enrolled is not None else "waiting" if eligible else "not_eligible"
    return {
        "referral_id": row.referral_id,
        "referred_on": row.referred_on,
        "referrer": row.referrer,
        "source": row.source,
        "district": row.district,
        "screened_eligible": row.eligible,
        "eligible": eligible,
        "failed": list(row.failed),
        "status": status,
        "pseudonym": row.child.pseudonym if coordinator else None,
    }


def _answers(row: ReferralRow) -> dict[str, bool]:
    """The stored answers in the order of the contract's items (the database need not keep the
    order), then any answer to an item the contract no longer has."""
    stored = dict(row.answers or {})
    items = [item.code for item in contract_of(row.contract_id).spec.eligibility.items]
    ordered = {item: bool(stored.pop(item)) for item in items if item in stored}
    return {**ordered, **{item: bool(value) for item, value in stored.items()}}


def _detail(row: ReferralRow, *, coordinator: bool) -> dict:
    enrolled = getattr(row.child, "enrolment", None)
    return {
        **_summary(row, coordinator=coordinator),
        "answers": _answers(row),
        "criteria": [
            {"code": c["code"], "met": c["met"], "evidence": c["evidence"]} for c in row.criteria
        ],
        "overrides": [
            {"eligible": o.eligible, "reason": o.reason, "by": o.by, "at": o.at}
            for o in row.overrides.all()
        ],
        "enrolled_on": enrolled.enrolled_on if enrolled else None,
        "provider": enrolled.provider if enrolled else None,
    }


@router.get("/referrals", roles=(Role.COORDINATOR, Role.REFERRER), response=list[ReferralOut])
def list_referrals(request: HttpRequest):
    """The referrals with their decision (after overrides) and status, in referral order. The
    referrer sees the referrals they made."""
    coordinator = caller(request).role == Role.COORDINATOR
    return [_summary(row, coordinator=coordinator) for row in _referrals(request)]


@router.get(
    "/referrals/{referral_id}",
    roles=(Role.COORDINATOR, Role.REFERRER),
    response=ReferralDetailOut,
)
def get_referral(request: HttpRequest, referral_id: str):
    """One referral: each criterion with its evidence, the overrides with their reasons and the
    enrolment. A referral of another referrer answers 404."""
    row = _referrals(request).filter(referral_id=referral_id).first()
    if row is None:
        raise HttpError(404, f"there is no referral {displayable(referral_id)!r} that you may see")
    return _detail(row, coordinator=caller(request).role == Role.COORDINATOR)


def _valid_code(payload: ReferralIn, contract) -> str:
    """The normalised identity code, or a 400 that shows it masked."""
    try:
        return identity.validate(
            payload.hetu,
            allow_temporary=temporary_codes_allowed(contract, payload.referred_on),
        )
    except identity.InvalidIdentityCode as problem:
        raise SibylInputError(
            f"the identity code {identity.mask(payload.hetu)!r} is not valid: {problem}",
            None,
            "check the code against the child's papers",
        ) from None


@router.post(
    "/referrals",
    roles=(Role.COORDINATOR, Role.REFERRER),
    response={201: ReferralDetailOut},
    errors=(400,),
)
def create_referral(request: HttpRequest, payload: ReferralIn):
    """Screen a referral and store it with its decision. The response is the decision with
    each criterion's evidence; the identity code is never sent back. The referrer of the stored
    referral is the caller."""
    who = caller(request)
    contract = contract_of(who.profile.contract_id)
    code = _valid_code(payload, contract)
    referral = eligibility.Referral(
        referral_id=payload.referral_id.strip(),
        hetu=code,
        referred_on=payload.referred_on,
        district=payload.district.strip(),
        referral_source=payload.referral_source,
        answers=dict(payload.answers),
        ongoing_services=frozenset(payload.ongoing_services),
    )
    stored = enrolment.refer(contract, referral, actor=who.username)
    row = _referrals(request).get(pk=stored.pk)
    return Status(201, _detail(row, coordinator=who.role == Role.COORDINATOR))


# ---------------------------------------------------------------------------------------------
# Families.


@router.get("/families", roles=(Role.COORDINATOR, Role.PROVIDER), response=list[FamilyOut])
def list_families(request: HttpRequest):
    """The enrolled families: provider, enrolment, follow-up status and last contact. The
    provider sees the families assigned to their organisation (and no register data)."""
    today = timezone.localdate()
    rows = (
        scopes.families(caller(request).profile)
        .select_related("enrolment")
        .prefetch_related("spells")
        .annotate(last_contact=Max("activities__on"))
        .order_by("pseudonym")
    )
    families = []
    for child in rows:
        spells = sorted(child.spells.all(), key=lambda spell: spell.enrolled_on)
        last = spells[-1] if spells else None
        exited = last is not None and last.exited_on is not None and last.exited_on <= today
        families.append(
            {
                "pseudonym": child.pseudonym,
                "provider": child.enrolment.provider,
                "enrolled_on": child.enrolment.enrolled_on,
                "status": "exited" if exited else "in_followup",
                "exited_on": last.exited_on if exited else None,
                "exit_reason": (last.exit_reason or None) if exited else None,
                "last_contact": child.last_contact,
            }
        )
    return families


@router.post(
    "/families/{pseudonym}/activities",
    roles=(Role.PROVIDER,),
    response={201: ActivityOut},
    errors=(400,),
)
def record_activity(request: HttpRequest, pseudonym: str, payload: ActivityIn):
    """Log one contact with a family assigned to the provider's organisation, with the checks of
    an activity file (the day in the family's follow-up, participants by role, never a code).
    A family of another provider answers 404."""
    who = caller(request)
    child = scopes.families(who.profile).filter(pseudonym=pseudonym).first()
    if child is None:
        raise HttpError(
            404, f"there is no family {displayable(pseudonym)!r} assigned to your organisation"
        )
    activity = enrolment.record_activity(
        contract_of(who.profile.contract_id),
        child.pseudonym,
        payload.on,
        payload.component,
        payload.minutes,
        payload.participants.strip(),
        provider=who.profile.organisation,
        actor=who.username,
    )
    return Status(
        201,
        {
            "pseudonym": child.pseudonym,
            "on": activity.on,
            "component": activity.component,
            "minutes": activity.minutes,
            "participants": activity.participants,
            "provider": activity.provider,
            "recorded_by": activity.recorded_by,
        },
    )
