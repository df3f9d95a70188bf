"""The cohort in the store: referrals, overrides, capacity and the waiting list, exits, returns,
consent, the activity log, and the settlement of exactly the follow-up that results."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from sibyl import identity
from sibyl.eligibility import Referral, criteria_codes
from sibyl.errors import SibylInputError
from sibyl.settlement import settle
from sibyl.web.audit import log as audit
from sibyl.web.audit.models import AuditEntry
from sibyl.web.cohort.models import Child, Consent, FollowupSpell, Override
from sibyl.web.cohort.models import Referral as ReferralRow
from sibyl.web.store.cohort import stored_spells
from sibyl.web.store.enrolment import (
    activity_summary,
    cohort_status,
    enrol,
    exit_child,
    import_activity,
    import_referrals,
    no_recent_contact,
    offer_places,
    override,
    refer,
    return_child,
    waiting_list,
    withdraw_consent,
)
from sibyl.web.vault.models import VaultEntry

pytestmark = pytest.mark.django_db

SOS, VAMOS = "SOS-Lapsikylä", "Diakonissalaitos Vamos"
ACTOR = "coordinator"


def code(n: int) -> str:
    """A synthetic identity code of a child born in 2018 (3–4 years old in 2022)."""
    return identity.make(date(2018, 1, 1) + timedelta(days=n), 100 + n)


def referral(n: int, on: date = date(2022, 1, 10), **changes) -> Referral:
    base = Referral(
        referral_id=f"R{n:03d}",
        hetu=code(n),
        referred_on=on,
        district="Vuosaari",
        referral_source="child_health_clinic",
        answers={
            "concentration": True,
            "behaviour": True,
            "parent_out_of_work": True,
            "parenting_difficulties": True,
        },
    )
    return replace(base, **changes)


@pytest.fixture
def small(contract):
    """The Helsinki contract with room for three children."""
    return contract.with_parameters(capacity=3)


def pseudonym(n: int, keyring) -> str:
    return identity.pseudonymise(code(n), "helsinki", keyring)


def spells_of(pseudo: str) -> list[tuple[date, date | None, str]]:
    return [
        (row.enrolled_on, row.exited_on, row.exit_reason)
        for row in FollowupSpell.objects.filter(child__pseudonym=pseudo).order_by("enrolled_on")
    ]


# ---------------------------------------------------------------------------------------------
# Referrals.


def test_refer__stores_the_decision_by_pseudonym_with_the_code_only_in_the_vault(contract, keyring):
    stored = refer(contract, referral(1), actor=ACTOR, keyring=keyring, referrer="nurse")
    assert stored.eligible
    assert stored.failed == []
    assert stored.referrer == "nurse"
    assert stored.child.pseudonym == pseudonym(1, keyring)
    assert identity.unseal(VaultEntry.objects.get(child=stored.child).token, keyring) == code(1)
    assert [c["code"] for c in stored.criteria] == list(criteria_codes(contract))
    # Every item of the contract is stored, in its order; an item not answered as no.
    assert stored.answers == {
        "concentration": True,
        "behaviour": True,
        "social_interaction": False,
        "emotional_life": False,
        "parent_no_education": False,
        "parent_out_of_work": True,
        "parenting_difficulties": True,
        "stressful_life_situation": False,
    }
    text = json.dumps(stored.criteria)
    assert code(1) not in text
    assert identity.birth_date(code(1)).isoformat() not in text
    entry = AuditEntry.objects.get(action="referral.add")
    assert code(1) not in json.dumps(entry.details)

    refused = refer(contract, referral(2, district="Kallio"), actor=ACTOR, keyring=keyring)
    assert not refused.eligible
    assert refused.failed == ["district"]
    with pytest.raises(SibylInputError, match="already stored"):
        refer(contract, referral(2), actor=ACTOR, keyring=keyring)
    assert audit.verify().ok


def test_refer__an_answer_to_a_question_the_contract_does_not_ask_is_refused(contract, keyring):
    answers = {**referral(1).answers, "attention": True}
    with pytest.raises(SibylInputError) as caught:
        refer(contract, referral(1, answers=answers), actor=ACTOR, keyring=keyring)
    assert caught.value.message == (
        "the referral answers 'attention', which is not a referral item of the contract "
        "helsinki (its items: concentration, behaviour, social_interaction, emotional_life, "
        "parent_no_education, parent_out_of_work, parenting_difficulties, "
        "stressful_life_situation); answer the contract's own items only."
    )
    assert not ReferralRow.objects.exists()


def test_import_referrals__all_or_nothing_and_the_same_file_twice_changes_nothing(
    contract, keyring, tmp_path: Path
):
    header = (
        "referral_id,hetu,referred_on,district,referral_source,concentration,behaviour,"
        "social_interaction,emotional_life,parent_no_education,parent_out_of_work,"
        "parenting_difficulties,stressful_life_situation,ongoing_services\n"
    )
    good = tmp_path / "referrals.csv"
    good.write_text(
        header
        + f"A1,{code(1)},2022-01-10,Vuosaari,neuvola,1,1,0,0,0,1,1,0,\n"
        + f"A2,{code(2)},2022-01-11,Mellunkylä,varhaiskasvatus,1,0,0,0,0,1,1,0,\n"
        + f"A3,{code(3)},2022-01-12,Vuosaari,neuvola,1,1,0,0,0,1,1,0,2\n",
        encoding="utf-8",
    )
    result = import_referrals(good, contract, actor=ACTOR, keyring=keyring)
    assert [row.referral_id for row in result.stored] == ["A1", "A2", "A3"]
    assert result.eligible == 1
    assert ReferralRow.objects.get(referral_id="A2").failed == ["difficulties"]
    assert ReferralRow.objects.get(referral_id="A3").failed == ["ongoing_services"]
    again = import_referrals(good, contract, actor=ACTOR, keyring=keyring)
    assert again.stored == []
    assert again.already_stored == 3

    bad = tmp_path / "bad.csv"
    bad.write_text(
        header
        + f"B1,{code(4)},2022-01-10,Vuosaari,neuvola,1,1,0,0,0,1,1,0,\n"
        + f"B2,{code(5)},2022-13-10,Vuosaari,neuvola,1,1,0,0,0,1,1,0,\n",
        encoding="utf-8",
    )
    with pytest.raises(SibylInputError, match=r"1 row\(s\) of the referral file were rejected"):
        import_referrals(bad, contract, actor=ACTOR, keyring=keyring)
    assert not ReferralRow.objects.filter(referral_id="B1").exists()
    assert Child.objects.count() == 3


# ---------------------------------------------------------------------------------------------
# Overrides.


def test_override__needs_a_reason_and_every_override_is_kept(contract, keyring):
    refer(contract, referral(1, district="Kallio"), actor=ACTOR, keyring=keyring)
    with pytest.raises(SibylInputError, match="not eligible"):
        enrol(contract, "R001", date(2022, 2, 1), SOS, actor=ACTOR)
    with pytest.raises(SibylInputError, match="needs a written reason"):
        override("helsinki", "R001", True, "  ", actor=ACTOR)
    assert not Override.objects.exists()
    assert waiting_list("helsinki", date(2022, 2, 1)) == []

    override("helsinki", "R001", True, "moving to Vuosaari in February", actor=ACTOR)
    assert [r.referral_id for r in waiting_list("helsinki", date(2022, 2, 1))] == ["R001"]
    override("helsinki", "R001", False, "the move fell through", actor="other coordinator")
    assert waiting_list("helsinki", date(2022, 2, 1)) == []
    kept = list(Override.objects.values_list("eligible", "reason", "by"))
    assert kept == [
        (True, "moving to Vuosaari in February", ACTOR),
        (False, "the move fell through", "other coordinator"),
    ]
    assert AuditEntry.objects.filter(action="referral.override").count() == 2
    with pytest.raises(SibylInputError, match="no referral 'R999'"):
        override("helsinki", "R999", True, "a reason", actor=ACTOR)


# ---------------------------------------------------------------------------------------------
# Enrolment, capacity and the waiting list.


def test_enrol__refuses_unknown_referral_early_date_window_provider(contract, keyring):
    refer(contract, referral(1), actor=ACTOR, keyring=keyring)
    with pytest.raises(SibylInputError, match="no referral 'R404'"):
        enrol(contract, "R404", date(2022, 2, 1), SOS, actor=ACTOR)
    with pytest.raises(SibylInputError, match="is before the referral 'R001' of 2022-01-10"):
        enrol(contract, "R001", date(2022, 1, 9), SOS, actor=ACTOR)
    with pytest.raises(SibylInputError, match="outside the enrolment window"):
        enrol(contract, "R001", date(2025, 1, 1), SOS, actor=ACTOR)
    with pytest.raises(SibylInputError, match="not a provider of the contract"):
        enrol(contract, "R001", date(2022, 2, 1), "Acme", actor=ACTOR)
    assert not FollowupSpell.objects.exists()

    enrolment = enrol(contract, "R001", date(2022, 2, 1), SOS, actor=ACTOR)
    assert enrolment.provider == SOS
    assert spells_of(pseudonym(1, keyring)) == [(date(2022, 2, 1), None, "")]
    assert list(Consent.objects.values_list("given_on", "withdrawn_on")) == [
        (date(2022, 2, 1), None)
    ]
    with pytest.raises(SibylInputError, match="already enrolled"):
        enrol(contract, "R001", date(2022, 2, 2), SOS, actor=ACTOR)


def test_capacity__the_waiting_list_in_referral_order_and_places_offered_when_freed(small, keyring):
    for n in range(1, 6):
        refer(small, referral(n, on=date(2022, 1, n)), actor=ACTOR, keyring=keyring)
    # Stored out of date order: still waits behind the earlier referrals.
    refer(small, referral(6, on=date(2022, 1, 1)), actor=ACTOR, keyring=keyring)
    on = date(2022, 2, 1)
    assert [r.referral_id for r in waiting_list("helsinki", on)] == [
        "R001", "R006", "R002", "R003", "R004", "R005",
    ]  # fmt: skip

    offered = offer_places(small, on, actor=ACTOR)
    assert [(e.referral.referral_id, e.provider) for e in offered] == [
        ("R001", SOS),
        ("R006", VAMOS),
        ("R002", SOS),
    ]
    with pytest.raises(SibylInputError, match=r"is full on 2022-02-01 \(capacity 3\).*stays on"):
        enrol(small, "R003", on, VAMOS, actor=ACTOR)
    assert [r.referral_id for r in waiting_list("helsinki", on)] == ["R003", "R004", "R005"]

    exit_child("helsinki", pseudonym(6, keyring), date(2022, 6, 1), "moved_out", actor=ACTOR)
    # The place is free only from the exit day on.
    assert offer_places(small, date(2022, 5, 31), actor=ACTOR) == []
    later = offer_places(small, date(2022, 6, 1), actor=ACTOR)
    assert [(e.referral.referral_id, e.provider) for e in later] == [("R003", VAMOS)]

    status = cohort_status(small, date(2022, 6, 1))
    assert (status.capacity, status.enrolled, status.in_followup, status.waiting) == (3, 4, 3, 2)
    assert status.exited == {"moved_out": 1}
    assert status.waiting_ids == ["R004", "R005"]


def test_capacity__counts_spells_that_start_later(small, keyring):
    for n in range(1, 5):
        refer(small, referral(n), actor=ACTOR, keyring=keyring)
    for n in (1, 2, 3):
        enrol(small, f"R00{n}", date(2022, 3, 1), SOS, actor=ACTOR)
    # Full from 1 March on, so an enrolment in February would overfill March.
    with pytest.raises(SibylInputError, match="is full on 2022-03-01"):
        enrol(small, "R004", date(2022, 2, 1), SOS, actor=ACTOR)


# ---------------------------------------------------------------------------------------------
# Exits, returns, consent.


def test_exit_and_return__produce_the_right_spells(contract, keyring):
    refer(contract, referral(1), actor=ACTOR, keyring=keyring)
    enrol(contract, "R001", date(2022, 2, 1), SOS, actor=ACTOR)
    child = pseudonym(1, keyring)
    with pytest.raises(SibylInputError, match="not known"):
        exit_child("helsinki", child, date(2022, 5, 1), "bored", actor=ACTOR)
    with pytest.raises(SibylInputError, match="not after the start of its follow-up"):
        exit_child("helsinki", child, date(2022, 1, 31), "moved_out", actor=ACTOR)
    with pytest.raises(SibylInputError, match="still in follow-up"):
        return_child(contract, child, date(2022, 6, 1), actor=ACTOR)
    with pytest.raises(SibylInputError, match="no family with the pseudonym 'ps-nobody'"):
        exit_child("helsinki", "ps-nobody", date(2022, 5, 1), "moved_out", actor=ACTOR)

    exit_child("helsinki", child, date(2022, 5, 1), "moved_out", actor=ACTOR)
    with pytest.raises(SibylInputError, match="is not in follow-up"):
        exit_child("helsinki", child, date(2022, 6, 1), "other", actor=ACTOR)
    with pytest.raises(SibylInputError, match="before its last exit on 2022-05-01"):
        return_child(contract, child, date(2022, 4, 30), actor=ACTOR)
    with pytest.raises(SibylInputError, match="after the end of follow-up"):
        return_child("helsinki", child, date(2033, 1, 1), actor=ACTOR)
    return_child("helsinki", child, date(2022, 9, 1), actor=ACTOR)
    exit_child("helsinki", child, date(2023, 3, 1), "other", actor=ACTOR)
    assert spells_of(child) == [
        (date(2022, 2, 1), date(2022, 5, 1), "moved_out"),
        (date(2022, 9, 1), date(2023, 3, 1), "other"),
    ]
    assert [s.exited_on for s in stored_spells("helsinki")] == [date(2022, 5, 1), date(2023, 3, 1)]
    assert audit.verify().ok


def test_withdraw_consent__ends_follow_up_that_day(contract, keyring):
    refer(contract, referral(1), actor=ACTOR, keyring=keyring)
    enrol(contract, "R001", date(2022, 2, 1), SOS, actor=ACTOR)
    child = pseudonym(1, keyring)
    with pytest.raises(SibylInputError, match="before the consent"):
        withdraw_consent("helsinki", child, date(2022, 1, 1), actor=ACTOR)
    withdraw_consent("helsinki", child, date(2023, 7, 1), actor=ACTOR)
    assert spells_of(child) == [(date(2022, 2, 1), date(2023, 7, 1), "consent_withdrawn")]
    assert Consent.objects.get().withdrawn_on == date(2023, 7, 1)
    with pytest.raises(SibylInputError, match="no consent in force"):
        withdraw_consent("helsinki", child, date(2023, 8, 1), actor=ACTOR)
    # Coming back means consent again, from the return day.
    return_child(contract, child, date(2024, 1, 1), actor=ACTOR)
    assert list(Consent.objects.values_list("given_on", "withdrawn_on")) == [
        (date(2022, 2, 1), date(2023, 7, 1)),
        (date(2024, 1, 1), None),
    ]


def test_settlement__uses_exactly_the_resulting_follow_up(contract, keyring):
    """A child in follow-up all of 2023 gets the whole base; one who withdrew consent on
    1 July 2023 is in follow-up 1 January–30 June: 181 of 365 days, so
    4,000.00 × 181 / 365 = 1,983.5616… → EUR 1,983.56. One who moved out on 1 March 2023 and
    came back on 1 October 2023: 1 Jan–28 Feb (59 days) + 1 Oct–31 Dec (92 days) = 151 days,
    4,000.00 × 151 / 365 = 1,654.7945… → EUR 1,654.79."""
    for n in (1, 2, 3):
        refer(contract, referral(n), actor=ACTOR, keyring=keyring)
        enrol(contract, f"R00{n}", date(2022, 2, 1), SOS, actor=ACTOR)
    withdraw_consent("helsinki", pseudonym(2, keyring), date(2023, 7, 1), actor=ACTOR)
    exit_child("helsinki", pseudonym(3, keyring), date(2023, 3, 1), "moved_out", actor=ACTOR)
    return_child(contract, pseudonym(3, keyring), date(2023, 10, 1), actor=ACTOR)

    result = settle(
        contract,
        stored_spells("helsinki"),
        [],
        years=[2023],
        as_of=date(2024, 3, 31),
        identifier="pseudonym",
    )
    rows = {row.person: (row.followup_days, row.base) for row in result.child_years}
    assert rows == {
        pseudonym(1, keyring): (365, Decimal("4000.00")),
        pseudonym(2, keyring): (181, Decimal("1983.56")),
        pseudonym(3, keyring): (151, Decimal("1654.79")),
    }


# ---------------------------------------------------------------------------------------------
# The activity log.


def test_activity__import_summary_and_families_without_contact(contract, keyring, tmp_path):
    for n in (1, 2, 3):
        refer(contract, referral(n), actor=ACTOR, keyring=keyring)
    enrol(contract, "R001", date(2022, 2, 1), SOS, actor=ACTOR)
    enrol(contract, "R002", date(2022, 2, 1), VAMOS, actor=ACTOR)
    enrol(contract, "R003", date(2022, 4, 1), SOS, actor=ACTOR)
    first, second = pseudonym(1, keyring), pseudonym(2, keyring)
    log = tmp_path / "activity.csv"
    log.write_text(
        "pseudonym,referral_id,date,component,minutes,participants,provider\n"
        f"{first},,2022-02-03,individual_support,60,child and mother,{SOS}\n"
        f"{first},,2022-02-17,kotipesä,120,family,{SOS}\n"
        f"{first},,2022-03-02,community,90,child,{SOS}\n"
        f"{second},,2022-02-10,individual_support,45,father,{VAMOS}\n",
        encoding="utf-8",
    )
    assert import_activity(log, contract, actor="worker").rows == 4
    summary = [(s.pseudonym, s.month, s.contacts, s.minutes) for s in activity_summary("helsinki")]
    assert sorted(summary) == sorted(
        [
            (first, "2022-02", 2, 180),
            (first, "2022-03", 1, 90),
            (second, "2022-02", 1, 45),
        ]
    )
    february = next(
        s for s in activity_summary("helsinki") if (s.pseudonym, s.month) == (first, "2022-02")
    )
    assert february.by_component == {"individual_support": 60, "family_group": 120, "community": 0}

    # 11 April: the second family's last contact was 60 days ago; the first's 40; the third
    # started on 1 April without a contact (10 days).
    silent = no_recent_contact("helsinki", date(2022, 4, 11))
    assert [(row.pseudonym, row.provider, row.last_contact, row.days) for row in silent] == [
        (second, VAMOS, date(2022, 2, 10), 60)
    ]
    assert {row.pseudonym for row in no_recent_contact("helsinki", date(2022, 6, 1))} == {
        first,
        second,
        pseudonym(3, keyring),
    }


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("R009,2022-03-01,community,30,child,{sos}", "not enrolled"),
        ("R001,2022-01-31,community,30,child,{sos}", "before the family's enrolment"),
        ("R001,2022-03-01,sauna,30,child,{sos}", "component 'sauna' is not known"),
        ("R001,2022-03-01,community,0,child,{sos}", "not a whole number of minutes"),
        ("R001,2022-03-01,community,30,child,{vamos}", "is assigned to SOS-Lapsikylä"),
    ],
)
def test_activity__a_bad_row_refuses_the_whole_file(contract, keyring, tmp_path, row, message):
    refer(contract, referral(1), actor=ACTOR, keyring=keyring)
    enrol(contract, "R001", date(2022, 2, 1), SOS, actor=ACTOR)
    log = tmp_path / "activity.csv"
    log.write_text(
        "referral_id,date,component,minutes,participants,provider\n"
        f"R001,2022-03-01,community,30,child,{SOS}\n" + row.format(sos=SOS, vamos=VAMOS) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(SibylInputError, match=message) as caught:
        import_activity(log, contract, actor="worker")
    assert "line 3" in caught.value.message
    assert activity_summary("helsinki") == []


def test_no_recent_contact__families_past_their_service_are_not_listed(contract, keyring, tmp_path):
    # Service lasts 1–3 years: three years after enrolment, a family silent for over a year has
    # finished its service; one silent for 70 days has not.
    for n in (1, 2):
        refer(contract, referral(n), actor=ACTOR, keyring=keyring)
    enrol(contract, "R001", date(2022, 2, 1), SOS, actor=ACTOR)
    enrol(contract, "R002", date(2022, 2, 1), VAMOS, actor=ACTOR)
    first, second = pseudonym(1, keyring), pseudonym(2, keyring)
    log = tmp_path / "activity.csv"
    log.write_text(
        "pseudonym,referral_id,date,component,minutes,participants,provider\n"
        f"{first},,2023-06-01,individual_support,60,child,{SOS}\n"
        f"{second},,2025-03-23,individual_support,60,child,{VAMOS}\n",
        encoding="utf-8",
    )
    import_activity(log, contract, actor="worker")
    on = date(2025, 6, 1)  # 3 years and 4 months after enrolment
    silent = no_recent_contact("helsinki", on)
    assert [(row.pseudonym, row.days) for row in silent] == [(second, 70)]
