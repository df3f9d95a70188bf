"""The store operations added for the cohort pages: the screening preview, one activity from a
form (the checks of an activity file, shared), and free texts that must not carry a code."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from webworld import CODE_1, SOS, VAMOS, referral

from sibyl import identity
from sibyl.errors import SibylInputError
from sibyl.web.audit.models import AuditEntry
from sibyl.web.cohort.models import Activity, Child, Referral
from sibyl.web.store import cohort, enrolment

pytestmark = pytest.mark.django_db

NEW_CODE = identity.make(date(2018, 3, 3), 789)


def test_preview__the_same_decision_and_evidence_as_refer_stores_and_nothing_stored(
    world, contract
):
    proposal = referral("R-10", NEW_CODE, date(2022, 3, 1), behaviour=False)
    before = (Referral.objects.count(), Child.objects.count(), AuditEntry.objects.count())
    screening = enrolment.preview(contract, proposal)
    assert (Referral.objects.count(), Child.objects.count(), AuditEntry.objects.count()) == before
    stored = enrolment.refer(contract, proposal, actor="referrer")
    assert (screening.eligible, screening.failed, screening.criteria) == (
        stored.eligible,
        stored.failed,
        stored.criteria,
    )
    # DOMAIN.md 2.1 point 1: concentration alone is one difficulty, not more than one.
    assert (screening.eligible, screening.failed) == (False, ["difficulties"])
    text = str(screening.criteria)
    assert NEW_CODE not in text
    assert "2018-03-03" not in text  # the birth date is not evidence either


def test_refer__a_district_with_an_identity_code_is_refused(world, contract):
    proposal = replace(referral("R-10", NEW_CODE, date(2022, 3, 1)), district=f"x {CODE_1}")
    with pytest.raises(SibylInputError, match="the district looks like it contains an identity"):
        enrolment.refer(contract, proposal, actor="referrer")
    assert not Referral.objects.filter(referral_id="R-10").exists()


def test_override_and_reveal__a_reason_with_an_identity_code_is_refused(world):
    with pytest.raises(SibylInputError) as caught:
        enrolment.override("helsinki", "R-2", True, f"see {CODE_1}", actor="coordinator")
    assert CODE_1 not in caught.value.message
    with pytest.raises(SibylInputError) as caught:
        cohort.reveal("helsinki", world.sos, actor="coordinator", reason=f"for {CODE_1}")
    assert CODE_1 not in caught.value.message
    assert not AuditEntry.objects.filter(
        action__in=["referral.override", "identity.reveal"]
    ).exists()


def test_record_activity__stores_one_contact_with_its_audit_entry(world, contract):
    row = enrolment.record_activity(
        contract, world.sos, date(2022, 3, 1), "kotipesä", 45, "child", provider=SOS, actor="p"
    )
    assert (row.component, row.minutes, row.provider, row.recorded_by) == (
        "family_group",
        45,
        SOS,
        "p",
    )
    entry = AuditEntry.objects.get(action="activity.add")
    assert entry.details == {
        "pseudonym": world.sos,
        "on": "2022-03-01",
        "component": "family_group",
        "minutes": 45,
        "provider": SOS,
    }
    # The month of the form's contact, for this family only: 1 contact of 45 minutes.
    months = enrolment.activity_summary("helsinki", world.sos)
    assert [(m.month, m.contacts, m.minutes) for m in months] == [
        ("2022-02", 1, 60),
        ("2022-03", 1, 45),
    ]


@pytest.mark.parametrize(
    ("pseudonym", "day", "provider", "message"),
    [
        ("sos", date(2022, 1, 2), SOS, "is before the family's enrolment on 2022-01-03"),
        ("sos", date(2022, 3, 1), VAMOS, "is assigned to SOS-Lapsikylä, not to"),
        ("not_eligible", date(2022, 3, 1), SOS, "is not enrolled in the contract helsinki"),
        ("sos", date(2033, 1, 1), SOS, "or after the follow-up end"),
    ],
    ids=["before enrolment", "another provider", "not enrolled", "after follow-up end"],
)
def test_record_activity__refuses_what_an_activity_file_refuses(
    world, contract, pseudonym, day, provider, message
):
    before = Activity.objects.count()
    with pytest.raises(SibylInputError, match=message):
        enrolment.record_activity(
            contract,
            getattr(world, pseudonym),
            day,
            "community",
            30,
            "child",
            provider=provider,
            actor="p",
        )
    assert Activity.objects.count() == before


def test_activity__a_day_between_exit_and_return_is_out_of_follow_up(world, contract, tmp_path):
    # DOMAIN.md 3.1: the exit day is not in follow-up; a return opens a new spell.
    enrolment.exit_child("helsinki", world.sos, date(2023, 5, 1), "moved_out", actor="c")
    enrolment.return_child(contract, world.sos, date(2023, 8, 1), actor="c")
    before = Activity.objects.count()
    for day in (date(2023, 5, 1), date(2023, 7, 31)):
        with pytest.raises(SibylInputError, match=r"\(it exited on 2023-05-01\)"):
            enrolment.record_activity(
                contract, world.sos, day, "community", 30, "child", provider=SOS, actor="p"
            )
    log = tmp_path / "activity.csv"
    log.write_text(
        "pseudonym,date,component,minutes,participants,provider\n"
        f"{world.sos},2023-04-30,community,30,child,{SOS}\n"
        f"{world.sos},2023-06-01,community,30,child,{SOS}\n",
        encoding="utf-8",
    )
    with pytest.raises(SibylInputError, match="line 3") as caught:
        enrolment.import_activity(log, contract, actor="p")
    assert "is not in the follow-up of the family" in caught.value.message
    assert Activity.objects.count() == before
    # The last day before the exit and the return day itself are in follow-up.
    for day in (date(2023, 4, 30), date(2023, 8, 1)):
        enrolment.record_activity(
            contract, world.sos, day, "community", 30, "child", provider=SOS, actor="p"
        )
    assert Activity.objects.count() == before + 2
