"""The cohort pages: referrals (form, live screening, decision page, overrides, enrolment), the
coordinator's dashboard, the families, the family page (reveal, exit, return, consent) and the
provider's activity form.

The world (``conftest.world``): R-1 (``referrer``, eligible, enrolled 2022-01-03 with
SOS-Lapsikylä: the ``sos`` family), R-2 (``referrer``, one difficulty only: not eligible), R-3
(``referrer2``, eligible, enrolled 2022-01-03 with Vamos: the ``vamos`` family), R-4
(``referrer``, eligible, waiting); one contact each (sos 2022-02-01, vamos 2022-02-02); a 2022
statement approved and a 2023 draft; an extract as of 2023-03-31 with a service-5 period for
the sos child over March 2022.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from django.utils import formats, translation
from webworld import CODE_1, CODE_3, SOS, VAMOS, referral

from sibyl import identity
from sibyl.web.audit.models import AuditEntry
from sibyl.web.cohort.models import Activity, Child, Enrolment, FollowupSpell, Override, Referral
from sibyl.web.statements.models import ChildYearLine, DeductionLine, Statement
from sibyl.web.store.enrolment import cohort_status, refer
from sibyl.web.vault.models import VaultEntry

pytestmark = pytest.mark.django_db

NEW_CODE = identity.make(date(2018, 3, 3), 789)  # 3 years old on 2022-03-01
BAD_CHECK = "Y" if NEW_CODE[-1] != "Y" else "X"
BAD_CODE = NEW_CODE[:-1] + BAD_CHECK  # the check character does not match
MASKED = NEW_CODE[:7] + "****"


def referral_data(**changes: object) -> dict[str, object]:
    """A referral that meets every criterion (DOMAIN.md 2.1): two difficulties, a parent out of
    work, difficulties in parenting, Vuosaari, a child health clinic, 3 years old, in 2022."""
    data: dict[str, object] = {
        "referral_id": "R-10",
        "hetu": NEW_CODE,
        "referred_on": "2022-03-01",
        "district": "Vuosaari",
        "source": "child_health_clinic",
        "concentration": "on",
        "behaviour": "on",
        "parent_out_of_work": "on",
        "parenting_difficulties": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def shown(day: str) -> str:
    """A date as the pages show it: the language's short date format (English here)."""
    with translation.override("en"):
        return formats.date_format(date.fromisoformat(day), "SHORT_DATE_FORMAT")


def counts() -> tuple[int, ...]:
    return (
        Referral.objects.count(),
        Child.objects.count(),
        VaultEntry.objects.count(),
        AuditEntry.objects.count(),
        Override.objects.count(),
        Enrolment.objects.count(),
        Activity.objects.count(),
    )


def assert_no_code(content: bytes, *codes: str) -> None:
    text = content.decode("utf-8")
    for code in codes:
        assert code not in text
        assert code.lower() not in text


# ---------------------------------------------------------------------------------------------
# The referral form and its live screening.


def test_referral_form__is_screened_stored_and_its_result_shown(world, client_for):
    client = client_for("referrer")
    response = client.post("/referrals/new/", referral_data())
    assert response.status_code == 302
    assert response["Location"] == "/referrals/R-10/"
    row = Referral.objects.get(referral_id="R-10")
    assert (row.referrer, row.eligible, row.failed) == ("referrer", True, [])
    # The code is sealed in the vault under the child's pseudonym; the referral holds neither.
    pseudonym = identity.pseudonymise(NEW_CODE, "helsinki", identity.load_keys())
    assert row.child.pseudonym == pseudonym
    assert identity.unseal(row.child.vault_entry.token, identity.load_keys()) == NEW_CODE
    entry = AuditEntry.objects.get(action="referral.add", object_id=str(row.id))
    assert (entry.actor, entry.details["referral_id"]) == ("referrer", "R-10")

    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "The referral R-10 was stored: the family is eligible." in text
    assert "Eligible" in text
    # All eight criteria with their evidence: the age from the code (3 on 2018-03-03 + 3).
    assert text.count('class="badge ok">met<') == 8
    assert "3 years old on 2022-03-01" in text
    assert_no_code(page.content, NEW_CODE)


@pytest.mark.parametrize(
    ("language", "concentration", "legend"),
    [
        ("fi", "Keskittymisen vaikeuksia", "Onko lapsella useampi kuin yksi itsesäätelyn vaikeus?"),
        ("sv", "Koncentrationssvårigheter", "Har barnet fler än en svårighet med självreglering?"),
        ("en", "Difficulties of concentration", "Does the child have more than one difficulty"),
    ],
)
def test_referral_form__the_boxes_are_the_contract_s_questions_in_the_page_s_language(
    world, client_for, language, concentration, legend
):
    page = client_for("referrer").get("/referrals/new/", HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert page.status_code == 200
    boxes = re.findall(r'type="checkbox" name="(\w+)"', text)
    # The contract's items in its order, then the services of its no_ongoing_services criterion
    # (1–8, not school support).
    items = [item.code for item in world.contract.spec.eligibility.items]
    assert boxes == [*items, *["ongoing_services"] * 8]
    assert concentration in text
    assert f"<legend>{legend}" in text
    # The sources the contract accepts, and other.
    assert text.count('name="source"') == 3


def test_referral_form__another_contract_asks_its_own_questions(world, client_for, monkeypatch):
    """A contract with one more item and an all_of criterion: the form asks it (in Swedish
    here), the live check and the stored referral screen by it."""
    from sibyl.contract import ContractSpec
    from sibyl.web.cohort import views

    data = world.contract.spec.model_dump(mode="python", exclude_none=True)
    data["eligibility"]["items"].append(
        {"code": "speech", "question": {"fi": "Puheen vaikeuksia", "en": "Speech", "sv": "Tal"}}
    )
    data["eligibility"]["criteria"].append(
        {
            "code": "speech_too",
            "question": {"fi": "Puhe?", "en": "Speech too?", "sv": "Talet också?"},
            "rule": "all_of",
            "items": ["speech", "concentration"],
            "evidence": "the items the referral marks",
            "reference": "a test",
        }
    )
    other = replace(world.contract, spec=ContractSpec.model_validate(data))
    monkeypatch.setattr(views, "contract_of", lambda contract_id: other)
    client = client_for("referrer")
    form = client.get("/referrals/new/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert 'name="speech"' in form
    assert "<legend>Talet också?" in form
    check = client.post("/referrals/check/", referral_data()).content.decode()
    assert "Not eligible: a criterion is not met." in check
    assert "concentration; all of speech, concentration needed" in check
    client.post("/referrals/new/", referral_data(speech="on"))
    row = Referral.objects.get(referral_id="R-10")
    assert (row.eligible, row.answers["speech"]) == (True, True)
    assert [c["code"] for c in row.criteria][-1] == "speech_too"


def test_referral_page__the_answers_by_the_contract_s_questions(world, client_for):
    client = client_for("coordinator")
    client.post("/referrals/new/", referral_data())
    text = client.get("/referrals/R-10/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    row = text.split("Keskittymisen vaikeuksia", 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge info">kyllä</span>' in row
    row = text.split("Tunne-elämän vaikeuksia", 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge">ei</span>' in row


def test_referral_form__a_failed_criterion_is_stored_and_named(world, client_for):
    client = client_for("coordinator")
    response = client.post("/referrals/new/", referral_data(behaviour=None), follow=True)
    row = Referral.objects.get(referral_id="R-10")
    # DOMAIN.md 2.1 point 1: more than one difficulty; concentration alone is one.
    assert (row.eligible, row.failed, row.referrer) == (False, ["difficulties"], "coordinator")
    text = response.content.decode()
    assert "the family is not eligible" in text
    assert "1 difficulties (concentration); at least 2 needed" in text
    assert text.count('class="badge bad">not met<') == 1


def test_referral_form__ongoing_corrective_service_ticked_makes_it_not_eligible(world, client_for):
    # Criterion 5 from what the referrer knows: service 4 (intensified family work) ongoing.
    client_for("referrer").post("/referrals/new/", referral_data(ongoing_services=["4"]))
    row = Referral.objects.get(referral_id="R-10")
    assert (row.eligible, row.failed, row.ongoing_services) == (False, ["ongoing_services"], [4])


def test_referral_check__screens_without_storing_anything(world, client_for):
    client = client_for("referrer")
    before = counts()
    response = client.post("/referrals/check/", referral_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert counts() == before
    text = response.content.decode()
    assert "Eligible: every criterion is met." in text
    assert "3 years old on 2022-03-01" in text
    assert_no_code(response.content, NEW_CODE)


def test_referral_check__partial_values_show_the_criteria_they_decide(world, client_for):
    # No code and no date yet: the age and the window wait; one difficulty already fails.
    response = client_for("referrer").post(
        "/referrals/check/", referral_data(hetu=None, referred_on=None, behaviour=None)
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Not eligible: a criterion is not met." in text
    assert "Still to screen when the values above are given:" in text
    # The criterion by the contract's question.
    assert (
        "Is the child at least 3 and not yet 7 on the referral date?"
        in (text.split("Still to screen")[1])
    )
    assert "years old" not in text


def test_referral_check__a_bad_code_gets_a_masked_one_sentence_message(world, client_for):
    client = client_for("referrer")
    before = counts()
    response = client.post("/referrals/check/", referral_data(hetu=BAD_CODE))
    assert response.status_code == 200
    assert counts() == before
    text = response.content.decode()
    assert (
        f"The identity code {MASKED} is not valid: the check character does not match; "
        "check it and type it again."
    ) in text
    assert_no_code(response.content, BAD_CODE, NEW_CODE)


def test_referral_form__a_bad_code_is_refused_masked_and_nothing_stored(world, client_for):
    client = client_for("referrer")
    before = counts()
    response = client.post("/referrals/new/", referral_data(hetu=BAD_CODE))
    assert response.status_code == 400
    assert counts() == before
    assert MASKED in response.content.decode()
    assert_no_code(response.content, BAD_CODE, NEW_CODE)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"referral_id": "R-1"},
            "The referral id R-1 is already used in this contract; give every referral its own id.",
        ),
        (
            {"referred_on": "2019-12-31"},
            f"The referral date {shown('2019-12-31')} is outside the contract&#x27;s enrolment "
            f"window ({shown('2020-01-01')} to {shown('2024-12-31')}); referrals are taken only "
            "inside the window.",
        ),
        ({"referred_on": "2999-01-01"}, "is in the future; give the day of the referral."),
        ({"referral_id": "new"}, "may not be “new” or “check”"),
        ({"district": f"Vuosaari {CODE_1}"}, "The district looks like it contains an identity"),
        (
            {"hetu": identity.make(date(2018, 3, 3), 901)},
            "is a temporary code (individual number 900–999), which this contract does not",
        ),
    ],
    ids=["id used", "outside the window", "future", "reserved id", "code in district", "temp"],
)
def test_referral_form__bad_values_are_refused_with_a_message(
    world, client_for, settings, changes, message
):
    settings.LANGUAGE_CODE = "en"
    client = client_for("coordinator")
    before = counts()
    response = client.post("/referrals/new/", referral_data(**changes), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert counts() == before
    assert message in response.content.decode()
    # The form never renders the code back, valid or not.
    assert_no_code(response.content, NEW_CODE, CODE_1)


def test_forms__a_code_typed_into_any_box_never_comes_back(world, client_for):
    # A code in the wrong boxes (id, district, source, a service, the reasons, the search, the
    # minutes, the dates): refused or masked, never shown, never stored.
    coordinator, provider = client_for("coordinator"), client_for("provider")
    before = counts()
    everywhere = dict.fromkeys(("referral_id", "hetu", "referred_on", "district", "source"), CODE_1)
    answers = [
        coordinator.post("/referrals/new/", referral_data(**everywhere, ongoing_services=CODE_1)),
        coordinator.post("/referrals/check/", referral_data(**everywhere)),
        coordinator.post("/referrals/R-2/override/", {"eligible": CODE_1, "reason": CODE_1}),
        coordinator.post("/referrals/R-4/enrol/", {"on": CODE_1, "provider": CODE_1}),
        coordinator.post(f"/families/{world.sos}/reveal/", {"reason": f"for {CODE_1}"}),
        coordinator.post(f"/families/{world.sos}/exit/", {"on": CODE_1, "reason": CODE_1}),
        coordinator.get(
            "/families/", {"q": CODE_1, "provider": CODE_1, "status": CODE_1}, follow=True
        ),
        coordinator.get("/dashboard/", {"on": CODE_1}, follow=True),
        coordinator.get("/referrals/", {"status": CODE_1}, follow=True),
        coordinator.post("/cohort/offer/", {"on": CODE_1}),
        provider.post(
            f"/families/{world.sos}/activity/",
            {"on": CODE_1, "component": CODE_1, "minutes": CODE_1, "participants": CODE_1},
        ),
    ]
    for response in answers:
        assert response.status_code in (200, 400)
        assert all(CODE_1 not in url for url, _status in getattr(response, "redirect_chain", []))
        assert_no_code(response.content, CODE_1)
    assert counts() == before


def test_referral_form__posts_the_live_check_as_it_is_filled(world, client_for):
    text = client_for("referrer").get("/referrals/new/").content.decode()
    assert 'hx-post="/referrals/check/"' in text
    assert 'hx-trigger="change"' in text
    assert 'hx-target="#screening"' in text


# ---------------------------------------------------------------------------------------------
# The referral page, overrides and enrolment.


def test_referral_page__referrer_sees_own_without_the_coordinators_forms(world, client_for):
    referrer = client_for("referrer").get("/referrals/R-2/")
    assert referrer.status_code == 200
    text = referrer.content.decode()
    assert "Not eligible" in text
    assert "/referrals/R-2/override/" not in text
    assert "/referrals/R-2/enrol/" not in text
    coordinator = client_for("coordinator").get("/referrals/R-2/").content.decode()
    assert "/referrals/R-2/override/" in coordinator
    assert client_for("referrer").get("/referrals/R-3/").status_code == 404


def test_referral_page__tells_the_coordinator_what_the_register_shows_ongoing(
    world, client_for, contract
):
    # Criterion 5 as the referrer knew it: nothing ongoing. The extract shows service 5 for
    # the sos child from 2022-03-01 to 2022-03-31, so a referral of that child on 2022-03-15
    # was screened eligible while the register had an ongoing corrective service.
    refer(contract, referral("R-11", CODE_1, date(2022, 3, 15)), actor="referrer")
    coordinator = client_for("coordinator").get("/referrals/R-11/").content.decode()
    assert "The register shows a corrective service ongoing on the referral date:" in coordinator
    assert "5 Child-protection open-care social work" in coordinator
    referrer = client_for("referrer").get("/referrals/R-11/").content.decode()
    assert "The register shows" not in referrer
    # R-1 itself was referred on 2021-12-01, before the episode: no such note.
    assert (
        "The register shows"
        not in client_for("coordinator").get("/referrals/R-1/").content.decode()
    )


def test_override__needs_a_reason_and_is_kept_with_it(world, client_for):
    client = client_for("coordinator")
    before = counts()
    refused = client.post("/referrals/R-2/override/", {"eligible": "yes", "reason": "  "})
    assert refused.status_code == 400
    assert "Give the reason for the override: it is kept with the decision." in (
        refused.content.decode()
    )
    assert counts() == before

    done = client.post(
        "/referrals/R-2/override/", {"eligible": "yes", "reason": "emotional life too"}
    )
    assert done.status_code == 302
    override = Override.objects.get(referral__referral_id="R-2")
    assert (override.eligible, override.reason, override.by) == (
        True,
        "emotional life too",
        "coordinator",
    )
    entry = AuditEntry.objects.filter(action="referral.override").get()
    assert entry.details["reason"] == "emotional life too"
    page = client.get("/referrals/R-2/").content.decode()
    assert "decided by an override" in page
    assert "emotional life too" in page


def test_override__a_reason_with_an_identity_code_is_refused(world, client_for):
    client = client_for("coordinator")
    before = counts()
    response = client.post(
        "/referrals/R-2/override/", {"eligible": "yes", "reason": f"child {CODE_1} moved"}
    )
    assert response.status_code == 400
    assert counts() == before
    assert "looks like it contains an identity code" in response.content.decode()
    assert_no_code(response.content, CODE_1)


def test_enrol__from_the_referral_page(world, client_for):
    client = client_for("coordinator")
    response = client.post(
        "/referrals/R-4/enrol/", {"on": "2022-02-01", "provider": VAMOS}, follow=True
    )
    assert response.redirect_chain == [("/referrals/R-4/", 302)]
    enrolment = Enrolment.objects.get(referral__referral_id="R-4")
    assert (enrolment.enrolled_on, enrolment.provider, enrolment.by) == (
        date(2022, 2, 1),
        VAMOS,
        "coordinator",
    )
    text = response.content.decode()
    assert f"R-4 was enrolled on {shown('2022-02-01')} with Diakonissalaitos Vamos." in text
    assert f"/families/{enrolment.child.pseudonym}/" in text


@pytest.mark.parametrize(
    ("referral_id", "data", "message"),
    [
        ("R-2", {"on": "2022-02-01", "provider": SOS}, "is not eligible (failed: difficulties)"),
        ("R-4", {"on": "2021-12-01", "provider": SOS}, "is before the referral"),
        ("R-4", {"on": "2025-02-01", "provider": SOS}, "is outside the enrolment window"),
        ("R-1", {"on": "2022-02-01", "provider": SOS}, "is already enrolled"),
        ("R-4", {"on": "2022-02-01", "provider": "Somebody Oy"}, "Choose one of the choices"),
    ],
    ids=["not eligible", "before referral", "outside window", "enrolled", "unknown provider"],
)
def test_enrol__refusals_are_shown_as_the_store_says_them(
    world, client_for, referral_id, data, message
):
    client = client_for("coordinator")
    before = counts()
    response = client.post(f"/referrals/{referral_id}/enrol/", data)
    assert response.status_code == 400
    assert counts() == before
    assert message in response.content.decode()


def test_enrol__a_full_cohort_refuses_and_the_family_keeps_waiting(
    world, client_for, contract, monkeypatch
):
    # Capacity 2, and the sos and vamos children are in follow-up on 2022-02-01: full.
    small = contract.with_parameters(capacity=2)
    monkeypatch.setattr("sibyl.web.cohort.views.contract_of", lambda contract_id: small)
    response = client_for("coordinator").post(
        "/referrals/R-4/enrol/", {"on": "2022-02-01", "provider": SOS}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "the cohort of the contract helsinki is full on 2022-02-01 (capacity 2)" in text
    assert not Enrolment.objects.filter(referral__referral_id="R-4").exists()


# ---------------------------------------------------------------------------------------------
# The dashboard and the offer of free places.


def test_dashboard__figures_equal_cohort_status_for_the_world(world, client_for, contract):
    client = client_for("coordinator")
    on = date(2022, 6, 1)
    response = client.get("/dashboard/?on=2022-06-01")
    assert response.status_code == 200
    figures = response.context["figures"]
    # By hand from the world: 4 referrals; eligible (R-2 has one difficulty);
    # enrolled on 2022-01-03 and both still in follow-up; R-4 waits; no exits.
    assert (
        figures.referrals,
        figures.eligible,
        figures.enrolled,
        figures.waiting,
        figures.in_followup,
        figures.exited,
        figures.capacity,
    ) == (4, 3, 2, 1, 2, {}, 200)
    assert figures.waiting_ids == ["R-4"]
    assert figures.not_eligible == {"difficulties": 1}
    # Last contacts 2022-02-01 (sos) and 2022-02-02 (vamos); on 1 June that is
    # 27 + 31 + 30 + 31 + 1 = 120 days and 119 days, both over the 60 of no_recent_contact.
    assert [(row.pseudonym, row.days) for row in figures.no_contact] == [
        (world.sos, 120),
        (world.vamos, 119),
    ]
    assert figures == cohort_status(contract, on)
    text = response.content.decode()
    assert "2 of 200 places taken by children in follow-up; 198 free." in text
    assert 'href="/referrals/R-4/"' in text
    assert f'href="/families/{world.sos}/"' in text
    assert f"The cohort as it was on {shown('2022-06-01')}." in text


def test_dashboard__today_and_the_last_statement(world, client_for, contract):
    response = client_for("coordinator").get("/dashboard/")
    figures = response.context["figures"]
    assert figures == cohort_status(contract, response.context["today"])
    # Enrolled more than three years ago and silent for more than a year: finished, not listed.
    assert figures.no_contact == []
    statement = response.context["statement"]
    assert (statement.year, statement.status) == (2023, Statement.DRAFT)
    text = response.content.decode()
    assert "Invoice total" in text
    assert 'href="/statements/2023/"' in text


def test_dashboard__a_day_that_is_not_a_date_says_so(world, client_for):
    response = client_for("coordinator").get("/dashboard/?on=2022-02-30")
    assert response.status_code == 400
    assert "Enter a date of the calendar (day, month and year)." in response.content.decode()


def test_enrolment_chart__is_an_svg_drawn_on_the_server(world, client_for):
    response = client_for("coordinator").get("/charts/enrolment.svg?on=2022-06-01")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml")
    assert b"Enrolment over time" in response.content


def test_offer__enrols_the_waiting_family_and_says_who(world, client_for):
    response = client_for("coordinator").post("/cohort/offer/", {"on": "2022-03-01"}, follow=True)
    assert response.redirect_chain == [("/dashboard/?on=2022-03-01", 302)]
    # Two families were enrolled before, so the round-robin turn is 2 % 2 = 0: SOS-Lapsikylä.
    enrolment = Enrolment.objects.get(referral__referral_id="R-4")
    assert (enrolment.enrolled_on, enrolment.provider) == (date(2022, 3, 1), SOS)
    assert f"Enrolled from the waiting list on {shown('2022-03-01')}: R-4 (SOS-Lapsikylä)." in (
        response.content.decode()
    )


def test_offer__outside_the_window_is_refused_with_the_stores_message(world, client_for):
    client = client_for("coordinator")
    before = counts()
    response = client.post("/cohort/offer/", {"on": "2026-01-01"})
    assert response.status_code == 400
    assert "is outside the enrolment window" in response.content.decode()
    assert counts() == before


# ---------------------------------------------------------------------------------------------
# The referrals and families lists.


def test_referrals__a_referrer_sees_only_their_own_titled_my_referrals(world, client_for):
    text = client_for("referrer").get("/referrals/").content.decode()
    assert "<h1>My referrals</h1>" in text
    for own in ("R-1", "R-2", "R-4"):
        assert f'href="/referrals/{own}/"' in text
    assert "/referrals/R-3/" not in text


def test_referrals__filter_by_status(world, client_for):
    client = client_for("coordinator")
    waiting = client.get("/referrals/?status=waiting").content.decode()
    assert 'href="/referrals/R-4/"' in waiting
    assert "/referrals/R-1/" not in waiting
    enrolled = client.get("/referrals/?status=enrolled").content.decode()
    assert 'href="/referrals/R-1/"' in enrolled
    assert 'href="/referrals/R-3/"' in enrolled
    assert "/referrals/R-2/" not in enrolled


def test_families__the_provider_sees_only_their_organisations(world, client_for):
    text = client_for("provider").get("/families/").content.decode()
    assert f"/families/{world.sos}/" in text
    assert f"/families/{world.vamos}/" not in text


def test_families__filters_and_search_by_pseudonym_prefix(world, client_for):
    client = client_for("coordinator")
    vamos_only = client.get("/families/", {"provider": VAMOS}).content.decode()
    assert f"/families/{world.vamos}/" in vamos_only
    assert f"/families/{world.sos}/" not in vamos_only
    prefix = client.get("/families/", {"q": world.sos[:8]}).content.decode()
    assert f"/families/{world.sos}/" in prefix
    if not world.vamos.startswith(world.sos[:8]):
        assert f"/families/{world.vamos}/" not in prefix
    assert (
        f"/families/{world.sos}/"
        not in client.get("/families/", {"status": "exited"}).content.decode()
    )


# ---------------------------------------------------------------------------------------------
# The family page.


def test_family_page__provider_sees_no_register_data_and_no_statements(world, client_for):
    line = ChildYearLine.objects.get(
        statement__year=2022, statement__status=Statement.APPROVED, child__pseudonym=world.sos
    )
    deduction = DeductionLine.objects.get(statement=line.statement, child=line.child)
    # The extract's service-5 row covers March 2022: 23 working days (Tue 1 to Thu 31 March,
    # no public holiday), all in follow-up (enrolled 2022-01-03), DOMAIN.md 3.2.
    assert (deduction.service, deduction.units) == (5, 23)
    coordinator = client_for("coordinator").get(f"/families/{world.sos}/").content.decode()
    provider = client_for("provider").get(f"/families/{world.sos}/").content.decode()
    register_and_statement_marks = [
        "Register episodes",
        world.extract.name,
        "Outcome payments for this child",
        "Deductions by service",
        "open-care social work",
        f"{line.payment:,.2f}",  # English number format of the money filter
        f"{deduction.amount:,.2f}",
        'href="/referrals/R-1/"',
        f'href="/statements/2022/children/{world.sos}/"',  # the explanation of the child-year
        "Reveal the identity",
    ]
    for mark in register_and_statement_marks:
        assert mark in coordinator, mark
        assert mark not in provider, mark
    # Both see the follow-up and the activity log.
    for page in (coordinator, provider):
        assert "Activity by month" in page
        assert "2022-02" in page


def test_family_page__reveal_writes_the_audit_and_the_code_is_only_in_that_response(
    world, client_for
):
    client = client_for("coordinator")
    refused = client.post(f"/families/{world.sos}/reveal/", {"reason": ""})
    assert refused.status_code == 400
    assert not AuditEntry.objects.filter(action="identity.reveal").exists()
    assert_no_code(refused.content, CODE_1)

    response = client.post(f"/families/{world.sos}/reveal/", {"reason": "court order 12/2024"})
    assert response.status_code == 200
    assert f'<span class="revealed">{CODE_1}</span>' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="identity.reveal")
    assert (entry.actor, entry.details) == (
        "coordinator",
        {"pseudonym": world.sos, "reason": "court order 12/2024"},
    )
    assert CODE_1 not in str(entry.details)
    # Nowhere else: not on the family page, not in a message of the next page.
    assert_no_code(client.get(f"/families/{world.sos}/").content, CODE_1)
    assert_no_code(client.get("/dashboard/").content, CODE_1)


def test_family_page__exit_return_and_consent_withdrawal(world, client_for):
    client = client_for("coordinator")
    exited = client.post(
        f"/families/{world.sos}/exit/", {"on": "2023-05-01", "reason": "moved_out"}, follow=True
    )
    assert f"The exit on {shown('2023-05-01')} (moved out of the city) was recorded." in (
        exited.content.decode()
    )
    returned = client.post(f"/families/{world.sos}/return/", {"on": "2023-08-01"}, follow=True)
    assert returned.redirect_chain == [(f"/families/{world.sos}/", 302)]
    spells = list(
        FollowupSpell.objects.filter(child__pseudonym=world.sos)
        .order_by("enrolled_on")
        .values_list("enrolled_on", "exited_on", "exit_reason")
    )
    assert spells == [
        (date(2022, 1, 3), date(2023, 5, 1), "moved_out"),
        (date(2023, 8, 1), None, ""),
    ]
    client.post(f"/families/{world.vamos}/consent/", {"on": "2023-06-15"})
    vamos = FollowupSpell.objects.get(child__pseudonym=world.vamos)
    assert (vamos.exited_on, vamos.exit_reason) == (date(2023, 6, 15), "consent_withdrawn")


def test_family_page__a_refused_change_shows_the_message_and_changes_nothing(world, client_for):
    client = client_for("coordinator")
    before = counts()
    # An exit on the enrolment day: the exit day is not in follow-up, so it must come later.
    response = client.post(f"/families/{world.sos}/exit/", {"on": "2022-01-03", "reason": "other"})
    assert response.status_code == 400
    assert "is not after the start of its follow-up on 2022-01-03" in response.content.decode()
    assert counts() == before
    assert FollowupSpell.objects.get(child__pseudonym=world.sos).exited_on is None


# ---------------------------------------------------------------------------------------------
# The provider's activity form.


def test_activity_form__stores_a_row_with_its_audit_entry(world, client_for):
    client = client_for("provider")
    response = client.post(
        f"/families/{world.sos}/activity/",
        {
            "on": "2022-03-15",
            "component": "family_group",
            "minutes": "90",
            "participants": ["mother", "child"],
        },
        follow=True,
    )
    assert response.redirect_chain == [(f"/families/{world.sos}/", 302)]
    row = Activity.objects.get(child__pseudonym=world.sos, on=date(2022, 3, 15))
    assert (row.component, row.minutes, row.participants, row.provider, row.recorded_by) == (
        "family_group",
        90,
        "child, mother",
        SOS,
        "provider",
    )
    entry = AuditEntry.objects.get(action="activity.add")
    assert entry.details["pseudonym"] == world.sos
    # The month table: March 2022 has this one contact of 90 minutes.
    months = {row["month"]: row for row in response.context["months"]}
    assert (months["2022-03"]["contacts"], months["2022-03"]["minutes"]) == (1, 90)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"on": "2021-12-31"},
            "the date 2021-12-31 is before the family&#x27;s enrolment on 2022-01-03",
        ),
        ({"minutes": "0"}, "Give the duration in whole minutes, at least 1."),
        ({"participants": []}, "Tick at least one who took part."),
        ({"on": "2999-01-01"}, "is in the future; record a contact after it took place."),
    ],
    ids=["before enrolment", "no minutes", "nobody", "future"],
)
def test_activity_form__refuses_bad_values_and_stores_nothing(world, client_for, data, message):
    client = client_for("provider")
    before = counts()
    values = {"on": "2022-03-15", "component": "community", "minutes": "30"}
    values["participants"] = ["child"]
    values.update(data)
    response = client.post(f"/families/{world.sos}/activity/", values)
    assert response.status_code == 400
    assert counts() == before
    assert message in response.content.decode()


def test_activity_form__a_date_after_the_exit_is_refused(world, client_for):
    client_for("coordinator").post(
        f"/families/{world.sos}/exit/", {"on": "2023-05-01", "reason": "moved_out"}
    )
    client = client_for("provider")
    before = counts()
    response = client.post(
        f"/families/{world.sos}/activity/",
        {"on": "2023-05-02", "component": "community", "minutes": "30", "participants": "child"},
    )
    assert response.status_code == 400
    assert counts() == before
    assert "is not in the follow-up of the family" in response.content.decode()
    assert "(it exited on 2023-05-01)" in response.content.decode()


def test_pages__never_show_an_identity_code(world, client_for):
    pages = {
        "coordinator": [
            "/dashboard/",
            "/referrals/",
            "/referrals/R-1/",
            "/referrals/R-3/",
            "/families/",
            f"/families/{world.sos}/",
            f"/families/{world.vamos}/",
        ],
        "referrer": ["/referrals/", "/referrals/R-1/", "/referrals/new/"],
        "provider": ["/families/", f"/families/{world.sos}/", f"/families/{world.sos}/activity/"],
    }
    for user, urls in pages.items():
        client = client_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert_no_code(response.content, CODE_1, CODE_3)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_pages__render_in_the_other_languages(world, client_for, language):
    pages = {
        "coordinator": ["/dashboard/", "/referrals/", "/referrals/R-1/", f"/families/{world.sos}/"],
        "referrer": ["/referrals/new/"],
        "provider": [f"/families/{world.sos}/activity/"],
    }
    for user, urls in pages.items():
        client = client_for(user)
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, url
            assert f'<html lang="{language}">' in response.content.decode()
    # A message with a date in the language's own format (Finnish 1.3.2022, Swedish 2022-03-01).
    response = client_for("coordinator").post(
        "/cohort/offer/", {"on": "2022-03-01"}, HTTP_ACCEPT_LANGUAGE=language, follow=True
    )
    with translation.override(language):
        day = formats.date_format(date(2022, 3, 1), "SHORT_DATE_FORMAT")
    assert f"{day}: R-4 (SOS-Lapsikylä)" in response.content.decode()
