"""The JSON API's behaviour: authentication, the register push, referrals, statements, the fund
and the audit log, with values checked by hand against the ``world`` fixture (conftest.py).

Hand arithmetic of the world's 2022 statement (DOMAIN.md 3.3, Helsinki prices of 2022):

* both families are enrolled on 2022-01-03, so in follow-up 363 of 365 days:
  base = 4000.00 × 363 / 365 = 3978.0821… → 3978.08 each, 7956.16 together;
* the SOS family: service 5 (open-care social work, per working day) 2022-03-01..31 = 23
  working days (no holiday in March 2022) × 25,215,000 / 8,000 / 253 = 286.5341… → 286.53;
* the Vamos family: service 1 (family care, per care day) 2022-06-01..10 = 10 days × 89.30
  = 893.00;
* deductions 286.53 + 893.00 = 1179.53; computed 3691.55 + 3085.08 = 6776.63 (the return cap
  leaves it whole: 1.5 M of contributions from 2020 have far more headroom at 8 %).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from webworld import CODE_1, CODE_3, PASSWORD, sign_in

from sibyl import identity
from sibyl.contract import load_contract
from sibyl.web.accounts.models import ApiToken
from sibyl.web.audit.log import verify
from sibyl.web.audit.models import AuditEntry
from sibyl.web.cohort.models import Activity, Referral
from sibyl.web.imports.models import RegisterImport, RejectedRow, ServiceEpisode
from sibyl.web.statements.models import Statement
from sibyl.web.store import research

pytestmark = pytest.mark.django_db

NEW_CODE = identity.make(date(2019, 4, 17), 288)  # a child of 2 years 8 months in Dec 2021
OLDER_CODE = identity.make(date(2018, 9, 30), 312)


@pytest.fixture
def tokens(users) -> dict[str, str]:
    """An API token for every user of the fixture (the text a machine client would hold)."""
    made = {}
    for name, user in users.items():
        _, token = ApiToken.issue(user, f"{name} test client", created_by="admin")
        made[name] = token
    return made


def call(method: str, path: str, token: str | None = None, **kwargs):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return getattr(Client(), method)(path, **headers, **kwargs)


def post_json(path: str, token: str, body: dict):
    return call("post", path, token, data=json.dumps(body), content_type="application/json")


def actions_since(first_id: int) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(id__gt=first_id).order_by("id").values_list("action", "actor")
    )


def last_audit_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


# ---------------------------------------------------------------------------------------------
# Authentication.


def test_me__token_names_user_role_contract_and_is_marked_used(users, tokens):
    before = ApiToken.objects.get(user=users["provider"]).last_used_at
    response = call("get", "/api/me", tokens["provider"])
    assert response.status_code == 200
    assert response.json() == {
        "username": "provider",
        "role": "provider",
        "contract": {"id": "helsinki", "title": response.json()["contract"]["title"]},
        "organisation": "SOS-Lapsikylä",
        "authenticated_by": "token",
    }
    assert response.json()["contract"]["title"]
    used = ApiToken.objects.get(user=users["provider"]).last_used_at
    assert before is None
    assert used is not None
    assert timezone.now() - used < timedelta(minutes=1)


def test_auth__no_credentials_is_401_with_bearer_challenge(users):
    response = call("get", "/api/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="sibyl"'
    assert "Authorization: Bearer TOKEN" in response.json()["detail"]


def test_auth__revoked_token_is_401(users, tokens):
    ApiToken.objects.filter(user=users["evaluator"]).update(revoked_at=timezone.now())
    response = call("get", "/api/me", tokens["evaluator"])
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_auth__expired_token_and_inactive_user_are_401(users, tokens):
    ApiToken.objects.filter(user=users["evaluator"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert call("get", "/api/me", tokens["evaluator"]).status_code == 401
    users["investor"].is_active = False
    users["investor"].save()
    assert call("get", "/api/me", tokens["investor"]).status_code == 401


def test_auth__unknown_token_and_other_scheme_are_401(users):
    assert call("get", "/api/me", "sib_not-a-token").status_code == 401
    response = Client().get("/api/me", HTTP_AUTHORIZATION="Basic YWRtaW46eA==")
    assert response.status_code == 401
    assert "Bearer TOKEN" in response.json()["detail"]


def test_auth__user_without_profile_is_403(db):
    user = get_user_model().objects.create_user("nobody", password=PASSWORD)
    _, token = ApiToken.issue(user, "no role", created_by="admin")
    first = last_audit_id()
    response = call("get", "/api/me", token)
    assert response.status_code == 403
    assert "has no role" in response.json()["detail"]
    entry = AuditEntry.objects.get(id__gt=first)
    assert (entry.action, entry.actor, entry.details["reason"]) == (
        "access.denied",
        "nobody",
        "no_role",
    )


def test_auth__bad_token_does_not_fall_back_to_the_session(users):
    client = sign_in(Client(), users["fund_manager"])
    assert client.get("/api/me").status_code == 200
    assert client.get("/api/me", HTTP_AUTHORIZATION="Bearer sib_wrong").status_code == 401


def test_auth__session_of_a_coordinator_needs_the_one_time_code(users):
    unverified = Client()
    unverified.force_login(users["coordinator"])
    response = unverified.get("/api/cohort/status")
    assert response.status_code == 401
    assert "one-time code" in response.json()["detail"]
    verified = sign_in(Client(), users["coordinator"])
    assert verified.get("/api/me").json()["authenticated_by"] == "session"


def test_auth__a_token_needs_no_one_time_code(users, tokens):
    assert call("get", "/api/audit/verify", tokens["admin"]).status_code == 200


def test_auth__session_post_needs_the_csrf_token(users, world):
    client = sign_in(Client(enforce_csrf_checks=True), users["coordinator"])
    refused = client.post(f"/api/statements/{world.draft_year}/approve")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert Statement.objects.get(year=world.draft_year).status == Statement.DRAFT
    # The page's CSRF cookie and the header htmx sends (an unmasked 32-character secret).
    secret = secrets.token_hex(16)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    accepted = client.post(f"/api/statements/{world.draft_year}/approve", HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "approved"


def test_auth__refused_role_is_403_and_audited(users, tokens):
    first = last_audit_id()
    response = call("get", "/api/fund/ledger", tokens["investor"])
    assert response.status_code == 403
    assert "investor may not use GET /api/fund/ledger" in response.json()["detail"]
    entry = AuditEntry.objects.get(id__gt=first)
    assert (entry.action, entry.actor, entry.object_type, entry.object_id) == (
        "access.denied",
        "investor",
        "api",
        "/api/fund/ledger",
    )


def test_auth__refused_role_learns_nothing_from_bad_parameters(tokens):
    # The role is checked before the parameters: the referrer gets 403, not 422.
    response = call("get", "/api/statements/not-a-year", tokens["referrer"])
    assert response.status_code == 403


def test_refusals__an_identity_code_in_the_url_is_masked_in_the_log(world, tokens, caplog):
    caplog.set_level(logging.INFO)
    assert call("get", f"/api/referrals/{CODE_1}", tokens["coordinator"]).status_code == 404
    assert call("get", f"/api/referrals/{CODE_1}", tokens["investor"]).status_code == 403
    assert call("get", f"/api/referrals/{CODE_1}").status_code == 401
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/api/referrals/" in logged
    assert CODE_1 not in logged
    assert CODE_1 not in str(AuditEntry.objects.filter(action="access.denied").values_list())


# ---------------------------------------------------------------------------------------------
# Referrals.


ITEMS = {item.code for item in load_contract("helsinki").spec.eligibility.items}


def referral_body(referral_id: str, code: str, **changes) -> dict:
    """A referral's JSON; a change named by a referral item changes the answer to it."""
    answers = {
        "concentration": True,
        "social_interaction": True,
        "parent_no_education": True,
        "stressful_life_situation": True,
    }
    body: dict = {
        "referral_id": referral_id,
        "hetu": code,
        "referred_on": "2021-12-10",
        "district": "Mellunkylä",
        "referral_source": "early_childhood_education",
        "answers": answers,
    }
    answers.update({name: value for name, value in changes.items() if name in ITEMS})
    body.update({name: value for name, value in changes.items() if name not in ITEMS})
    return body


def test_referral_post__decision_with_each_criterion_and_never_the_code(world, tokens):
    first = last_audit_id()
    # OLDER_CODE: born 2018-09-30, so 3 years old on 2021-12-10; two difficulties, a parent
    # without education, a stressful life situation, Mellunkylä, early childhood education.
    response = post_json("/api/referrals", tokens["referrer"], referral_body("R-10", OLDER_CODE))
    assert response.status_code == 201
    body = response.json()
    assert body["eligible"] is True
    assert body["status"] == "waiting"
    assert body["failed"] == []
    assert [c["code"] for c in body["criteria"]] == [
        "age",
        "difficulties",
        "parent_situation",
        "family_situation",
        "district",
        "referral_source",
        "ongoing_services",
        "enrolment_window",
    ]
    assert all(c["met"] for c in body["criteria"])
    assert body["referrer"] == "referrer"
    assert body["pseudonym"] is None  # only the coordinator sees the child's pseudonym
    text = response.content.decode()
    assert OLDER_CODE not in text
    assert OLDER_CODE[:6] not in text
    assert "2018-09-30" not in text
    stored = Referral.objects.get(referral_id="R-10")
    assert stored.referrer == "referrer"
    assert stored.eligible
    assert actions_since(first) == [("referral.add", "referrer")]


def test_referral_post__refusal_names_the_failed_criteria(world, tokens):
    # NEW_CODE: born 2019-04-17, so 2 years old on 2021-12-10 (under 3); one difficulty only.
    body = referral_body("R-11", NEW_CODE, social_interaction=False)
    response = post_json("/api/referrals", tokens["coordinator"], body)
    assert response.status_code == 201
    decision = response.json()
    assert decision["eligible"] is False
    assert decision["status"] == "not_eligible"
    assert decision["failed"] == ["age", "difficulties"]
    assert decision["pseudonym"] == identity.pseudonymise(
        NEW_CODE, "helsinki", identity.load_keys()
    )
    assert NEW_CODE not in response.content.decode()


def test_referral_post__answers_are_the_contract_s_items_and_come_back(world, tokens):
    response = post_json("/api/referrals", tokens["referrer"], referral_body("R-14", OLDER_CODE))
    assert response.status_code == 201
    answers = response.json()["answers"]
    assert list(answers) == [item.code for item in load_contract("helsinki").spec.eligibility.items]
    assert {item for item, yes in answers.items() if yes} == {
        "concentration",
        "social_interaction",
        "parent_no_education",
        "stressful_life_situation",
    }
    assert Referral.objects.get(referral_id="R-14").answers == answers


def test_referral_post__an_item_the_contract_does_not_ask_is_400(world, tokens):
    count = Referral.objects.count()
    body = referral_body("R-15", OLDER_CODE)
    body["answers"]["attention"] = True
    response = post_json("/api/referrals", tokens["referrer"], body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "the referral answers 'attention', which is not a referral item of the contract helsinki"
    )
    assert Referral.objects.count() == count


def test_referral_post__an_answer_outside_answers_is_422(world, tokens):
    """The former shape (each answer a key of its own) is refused, not silently read as no."""
    body = referral_body("R-16", OLDER_CODE)
    body.update(body.pop("answers"))
    response = post_json("/api/referrals", tokens["referrer"], body)
    assert response.status_code == 422
    locations = {problem["location"] for problem in response.json()["errors"]}
    assert "body.payload.concentration" in locations


def test_referral_post__invalid_code_is_400_masked_and_stores_nothing(world, tokens):
    wrong = CODE_1[:-1] + ("A" if CODE_1[-1] != "A" else "B")  # the check character is wrong
    count = Referral.objects.count()
    response = post_json("/api/referrals", tokens["referrer"], referral_body("R-12", wrong))
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail == (
        f"the identity code '{identity.mask(wrong)}' is not valid: the check character does "
        "not match; check the code against the child's papers."
    )
    assert wrong not in response.content.decode()
    assert Referral.objects.count() == count


def test_referral_post__422_does_not_echo_the_code(world, tokens):
    body = referral_body("R-13", CODE_3 * 3, referred_on=CODE_3, referral_source=CODE_3)
    response = post_json("/api/referrals", tokens["referrer"], body)
    assert response.status_code == 422
    text = response.content.decode()
    assert CODE_3 not in text
    assert CODE_3[7:] not in text
    locations = {problem["location"] for problem in response.json()["errors"]}
    assert locations == {
        "body.payload.hetu",
        "body.payload.referred_on",
        "body.payload.referral_source",
    }
    assert response.json()["detail"].startswith("the request does not fit the operation's schema")


def test_referral_post__same_id_again_is_400(world, tokens):
    response = post_json("/api/referrals", tokens["referrer"], referral_body("R-1", OLDER_CODE))
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "the referral 'R-1' is already stored in the contract helsinki; give every referral its "
        "own id."
    )


def test_referrals__referrer_sees_only_their_own(world, tokens):
    # conftest: by referrer; R-3 by referrer2; enrolled; R-2 not
    # eligible (one difficulty); R-4 eligible and waiting.
    mine = call("get", "/api/referrals", tokens["referrer"]).json()
    assert [(r["referral_id"], r["status"]) for r in mine] == [
        ("R-1", "enrolled"),
        ("R-2", "not_eligible"),
        ("R-4", "waiting"),
    ]
    assert all(r["pseudonym"] is None for r in mine)
    everyone = call("get", "/api/referrals", tokens["coordinator"]).json()
    assert [r["referral_id"] for r in everyone] == ["R-1", "R-2", "R-3", "R-4"]
    assert everyone[0]["pseudonym"] == world.sos
    assert call("get", "/api/referrals/R-3", tokens["referrer"]).status_code == 404
    detail = call("get", "/api/referrals/R-3", tokens["referrer2"]).json()
    assert (detail["enrolled_on"], detail["provider"]) == ("2022-01-03", "Diakonissalaitos Vamos")


# ---------------------------------------------------------------------------------------------
# The cohort and the families.


def test_cohort_status__figures_counted_from_the_world(world, tokens):
    response = call("get", "/api/cohort/status?on=2023-01-01", tokens["coordinator"])
    assert response.status_code == 200
    status = response.json()
    # 4 referrals, 3 eligible (R-2 fails "difficulties"), R-1 and R-3 enrolled, R-4 waiting.
    assert {k: status[k] for k in ("referrals", "eligible", "enrolled", "waiting")} == {
        "referrals": 4,
        "eligible": 3,
        "enrolled": 2,
        "waiting": 1,
    }
    assert status["in_followup"] == 2
    assert status["capacity"] == 200
    assert status["exited"] == {}
    assert status["not_eligible"] == {"difficulties": 1}
    assert status["waiting_list"] == ["R-4"]
    # Last contacts 2022-02-01 (SOS) and 2022-02-02 (Vamos): 334 and 333 days before 2023-01-01.
    assert [(r["pseudonym"], r["days"]) for r in status["no_contact"]] == [
        (world.sos, 334),
        (world.vamos, 333),
    ]


def test_families__provider_sees_their_organisation_only(world, tokens):
    families = call("get", "/api/families", tokens["provider"]).json()
    assert families == [
        {
            "pseudonym": world.sos,
            "provider": "SOS-Lapsikylä",
            "enrolled_on": "2022-01-03",
            "status": "in_followup",
            "exited_on": None,
            "exit_reason": None,
            "last_contact": "2022-02-01",
        }
    ]
    everyone = call("get", "/api/families", tokens["coordinator"]).json()
    assert sorted(f["pseudonym"] for f in everyone) == sorted([world.sos, world.vamos])


def test_activity_post__provider_logs_a_contact_of_their_family(world, tokens):
    first = last_audit_id()
    body = {
        "on": "2022-03-15",
        "component": "family_group",
        "minutes": 45,
        "participants": "child, mother",
    }
    path = f"/api/families/{world.sos}/activities"
    response = post_json(path, tokens["provider"], body)
    assert response.status_code == 201
    assert response.json() == {
        "pseudonym": world.sos,
        "on": "2022-03-15",
        "component": "family_group",
        "minutes": 45,
        "participants": "child, mother",
        "provider": "SOS-Lapsikylä",
        "recorded_by": "provider",
    }
    stored = Activity.objects.get(child__pseudonym=world.sos, on=date(2022, 3, 15))
    assert (stored.minutes, stored.recorded_by) == (45, "provider")
    assert actions_since(first) == [("activity.add", "provider")]
    # The family of another provider is not found; a day before enrolment is refused.
    other = post_json(f"/api/families/{world.vamos}/activities", tokens["provider"], body)
    assert other.status_code == 404
    early = post_json(path, tokens["provider"], {**body, "on": "2021-12-31"})
    assert early.status_code == 400
    assert "before the family's enrolment on 2022-01-03" in early.json()["detail"]
    coded = post_json(path, tokens["provider"], {**body, "participants": f"child {CODE_1}"})
    assert coded.status_code == 400
    assert CODE_1 not in coded.content.decode()
    assert Activity.objects.filter(child__pseudonym=world.sos).count() == 2  # conftest's + ours


# ---------------------------------------------------------------------------------------------
# The register push.


def extract_file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def push(token: str, upload, **form):
    return call("post", "/api/imports/register", token, data={"file": upload, **form})


def test_register_push__rejected_row_kept_masked_and_the_rest_stored(world, tokens):
    first = last_audit_id()
    text = (
        "hetu,service,start,end,days\n"
        f"{CODE_1},4,2023-02-01,2023-02-28,\n"  # line 2: accepted (SOS family)
        f"{CODE_3},2,2023-01-10,2023-01-19,\n"  # line 3: accepted (Vamos family)
        f"{CODE_1},4,2023-05-01,,\n"  # line 4: starts after the as-of date: rejected
    )
    response = push(
        tokens["coordinator"],
        extract_file("extract_2023-04.csv", text),
        as_of="2023-04-30",
        services="1-8",
    )
    assert response.status_code == 201, response.content
    report = response.json()
    assert (report["rows"], report["accepted"], report["rejected"]) == (3, 2, 1)
    assert report["already_imported"] is False
    assert report["services"] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert report["used_for"] == [1, 2, 3, 4, 5, 6, 7, 8]  # newer than the world's extract
    assert report["file_name"] == "extract_2023-04.csv"
    assert report["imported_by"] == "coordinator"
    stored = RegisterImport.objects.get(pk=report["id"])
    assert ServiceEpisode.objects.filter(register_import=stored).count() == 2
    rejects = call("get", f"/api/imports/{stored.pk}/rejects", tokens["coordinator"])
    assert rejects.status_code == 200
    [row] = rejects.json()
    assert row["line"] == 4
    assert CODE_1 not in rejects.content.decode()
    assert actions_since(first) == [
        ("import.register", "coordinator"),
        ("import.rejects_export", "coordinator"),
    ]
    # The world's own extract: four rows, one rejected (its code's check character is wrong),
    # one of a child outside the cohort (counted, not stored).
    world_report = call("get", f"/api/imports/{world.register_import_id}", tokens["coordinator"])
    assert {k: world_report.json()[k] for k in ("rows", "rejected", "outside_cohort")} == {
        "rows": 4,
        "rejected": 1,
        "outside_cohort": 1,
    }
    assert world_report.json()["used_for"] == [9]  # services 1-8 now come from the newer one


def test_register_push__same_file_twice_changes_nothing(world, tokens):
    text = world.extract.read_text(encoding="utf-8")
    imports, episodes = RegisterImport.objects.count(), ServiceEpisode.objects.count()
    first = last_audit_id()
    response = push(tokens["coordinator"], extract_file("again.csv", text), as_of="2023-03-31")
    assert response.status_code == 200
    assert response.json()["already_imported"] is True
    assert response.json()["id"] == world.register_import_id
    assert (RegisterImport.objects.count(), ServiceEpisode.objects.count()) == (imports, episodes)
    assert actions_since(first) == []


def test_register_push__broken_file_is_400_and_stores_nothing(world, tokens):
    counts = (
        RegisterImport.objects.count(),
        ServiceEpisode.objects.count(),
        RejectedRow.objects.count(),
    )
    first = last_audit_id()
    broken = extract_file("broken.csv", f"hetu,service,begin\n{CODE_1},4,2023-02-01\n")
    response = push(tokens["coordinator"], broken, as_of="2023-04-30")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("broken.csv: ")
    assert "sibyl-upload" not in detail
    assert "/tmp" not in detail
    assert "start" in detail
    assert CODE_1 not in response.content.decode()
    assert (
        RegisterImport.objects.count(),
        ServiceEpisode.objects.count(),
        RejectedRow.objects.count(),
    ) == counts
    assert actions_since(first) == []


def test_register_push__bad_services_is_400(world, tokens):
    upload = extract_file("x.csv", world.extract.read_text(encoding="utf-8") + "\n")
    response = push(tokens["coordinator"], upload, as_of="2023-04-30", services="8-1")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "services '8-1' has the range '8-1', which is not a range of service codes; write the "
        "lower code first, e.g. 1-8."
    )
    response = push(tokens["coordinator"], upload, as_of="2023-04-30", services="10")
    assert response.status_code == 400
    assert "does not have" in response.json()["detail"]


def test_imports__list_and_out_of_scope_id(world, tokens):
    listed = call("get", "/api/imports", tokens["coordinator"]).json()
    assert [row["id"] for row in listed] == [world.register_import_id]
    assert call("get", "/api/imports/999999", tokens["coordinator"]).status_code == 404


# ---------------------------------------------------------------------------------------------
# Statements.


def test_statement__money_strings_equal_the_stored_statement(world, tokens):
    response = call("get", "/api/statements/2022", tokens["fund_manager"])
    assert response.status_code == 200
    body = response.json()
    # See the module docstring for the arithmetic.
    assert (body["base"], body["deductions"], body["computed"]) == (
        "7956.16",
        "1179.53",
        "6776.63",
    )
    stored = Statement.objects.get(year=2022, status=Statement.APPROVED)
    for field in ("base", "deductions", "computed", "payable", "adjustments_total"):
        assert body[field] == f"{getattr(stored, field):.2f}", field
    assert body["invoice_total"] == f"{stored.invoice_total:.2f}"
    lines = {row["pseudonym"]: row for row in body["child_years"]}
    assert lines[world.sos]["base"] == "3978.08"
    assert lines[world.sos]["payment"] == "3691.55"
    assert lines[world.vamos]["deduction"] == "893.00"
    assert lines[world.vamos]["payment"] == "3085.08"
    assert lines[world.sos]["followup_days"] == 363
    deductions = {(row["pseudonym"], row["service"]): row for row in body["deduction_lines"]}
    assert deductions[(world.sos, 5)]["units"] == 23
    assert deductions[(world.sos, 5)]["amount"] == "286.53"
    assert deductions[(world.vamos, 1)]["unit_price"] == "89.300000000000"


def test_statement__read_is_audited_and_lists_both_statuses(world, tokens):
    first = last_audit_id()
    call("get", "/api/statements/2023", tokens["coordinator"])
    entry = AuditEntry.objects.get(id__gt=first)
    assert (entry.action, entry.actor, entry.details["year"]) == (
        "statement.export",
        "coordinator",
        2023,
    )
    assert entry.details["format"] == "json"
    listed = call("get", "/api/statements", tokens["fund_manager"]).json()
    assert [(s["year"], s["status"]) for s in listed] == [(2022, "approved"), (2023, "draft")]
    missing = call("get", "/api/statements/2030", tokens["coordinator"])
    assert missing.status_code == 404
    assert missing.json()["detail"] == "there is no statement for 2030."


def test_statement__create_and_approve_by_the_coordinator(world, tokens):
    first = last_audit_id()
    created = call("post", "/api/statements/2023", tokens["coordinator"])
    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    approved = call("post", "/api/statements/2023/approve", tokens["coordinator"])
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] == "coordinator"
    assert actions_since(first) == [
        ("statement.create", "coordinator"),
        ("statement.approve", "coordinator"),
    ]
    again = call("post", "/api/statements/2023/approve", tokens["coordinator"])
    assert again.status_code == 400
    assert again.json()["detail"] == (
        "there is no draft statement for 2023 to approve; create one with `sibyl statement "
        "create --year 2023`."
    )
    replace = call("post", "/api/statements/2022", tokens["coordinator"])
    assert replace.status_code == 400
    assert "is approved and cannot be replaced" in replace.json()["detail"]


def test_statement__fund_manager_may_read_but_not_approve(world, tokens):
    response = call("post", "/api/statements/2023/approve", tokens["fund_manager"])
    assert response.status_code == 403
    assert Statement.objects.get(year=2023).status == Statement.DRAFT


# ---------------------------------------------------------------------------------------------
# The fund and the audit log.


def test_fund_position__totals_and_shares(world, tokens):
    response = call("get", "/api/fund/position?on=2024-01-01", tokens["fund_manager"])
    assert response.status_code == 200
    position = response.json()
    invoice = Statement.objects.get(year=2022, status=Statement.APPROVED).invoice_total
    assert position["contributions"] == "1500000.00"  # 1,000,000 + 500,000
    assert position["provider_payments"] == "400000.00"
    assert position["outcome_payments"] == f"{invoice:.2f}" == "6776.63"
    assert position["balance"] == "1106776.63"  # 1,500,000 − 400,000 + 6,776.63
    # Shares: 1,000,000 / 1,500,000 = 0.666666… and 500,000 / 1,500,000 = 0.333333…
    assert position["investors"] == [
        {"investor": "Investor Oy", "contributed": "1000000.00", "share": "0.666667"},
        {"investor": "Other Investor Oy", "contributed": "500000.00", "share": "0.333333"},
    ]
    assert position["xirr"] is None
    assert "no distributions" in position["xirr_reason"]
    assert position["moic"] == "0.000000"


def test_fund_ledger__amounts_in_the_investors_view_and_running_cash(world, tokens):
    ledger = call("get", "/api/fund/ledger", tokens["coordinator"]).json()
    assert [(line["on"], line["kind"], line["amount"], line["balance"]) for line in ledger] == [
        ("2020-01-15", "contribution", "-1000000.00", "1000000.00"),
        ("2020-01-15", "contribution", "-500000.00", "1500000.00"),
        ("2020-02-01", "provider_payment", ledger[2]["amount"], "1100000.00"),
        ("2023-06-30", "outcome_payment", ledger[3]["amount"], "1106776.63"),
    ]
    assert abs(float(ledger[2]["amount"])) == 400000.0
    assert all(isinstance(line["amount"], str) for line in ledger)


def test_audit_verify__intact_chain_and_the_check_is_logged(world, tokens):
    entries = AuditEntry.objects.count()
    response = call("get", "/api/audit/verify", tokens["admin"])
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["entries"] == entries
    assert body["problem"] is None
    latest = AuditEntry.objects.order_by("-id").first()
    assert (latest.action, latest.actor) == ("audit.verify", "admin")
    assert verify().ok


def test_research__catalogue_and_a_download_audited_with_its_sha256(world, tokens):
    catalogue = call("get", "/api/research/extracts", tokens["evaluator"]).json()
    assert [e["name"] for e in catalogue["extracts"]] == list(research.EXTRACTS)
    children = next(e for e in catalogue["extracts"] if e["name"] == "children")
    assert children["rows"] == 2  # the two enrolled families of the world
    first = last_audit_id()
    response = call("get", "/api/research/extracts/children?format=csv", tokens["evaluator"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sibyl-helsinki-')
    content = response.content
    assert len(content.decode("utf-8").strip().splitlines()) == 3  # a header and two children
    text = content.decode("utf-8")
    assert world.sos not in text
    assert CODE_1 not in text
    assert "2018-05-14" not in text
    entry = AuditEntry.objects.get(id__gt=first)
    assert (entry.action, entry.actor) == ("research.download", "evaluator")
    assert entry.details["sha256"] == hashlib.sha256(content).hexdigest()
    assert (entry.details["extract"], entry.details["format"], entry.details["rows"]) == (
        "children",
        "csv",
        2,
    )
    assert call("get", "/api/research/extracts/identities", tokens["evaluator"]).status_code == 404
    assert (
        call("get", "/api/research/extracts/children?format=xml", tokens["evaluator"]).status_code
        == 422
    )


# ---------------------------------------------------------------------------------------------
# The spec and its docs page.


def test_openapi__every_operation_declares_roles_and_money_is_a_string(db):
    spec = Client().get("/api/openapi.json")
    assert spec.status_code == 200
    document = spec.json()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert operation.get("x-sibyl-roles"), f"{method} {path}"
            assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"
    statement = document["components"]["schemas"]["StatementOut"]["properties"]
    assert statement["invoice_total"]["type"] == "string"


def test_docs__page_loads_only_local_assets_under_the_csp(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "http://" not in html
    assert "https://" not in html
    assert "//cdn" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_docs__api_md_names_every_operation_and_its_roles(db):
    """docs/api.md lists every operation of the spec (a new one fails until documented)."""
    from sibyl.web.api import api

    text = (Path(__file__).parents[2] / "docs/api.md").read_text(encoding="utf-8")
    document = api.get_openapi_schema()
    missing = [
        f"{method.upper()} {path}"
        for path, methods in document["paths"].items()
        for method in methods
        if f"`{method.upper()} {path}`" not in text
    ]
    assert missing == []
