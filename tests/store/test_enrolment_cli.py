"""The cohort commands: a coordinator's day, the errors (one sentence, exit 2), no codes shown."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from cli_runner import Result, sibyl
from sibyl import identity
from sibyl.web.cohort.models import FollowupSpell, Override
from sibyl.web.cohort.models import Referral as ReferralRow

pytestmark = pytest.mark.django_db

SOS, VAMOS = "SOS-Lapsikylä", "Diakonissalaitos Vamos"
HEADER = (
    "referral_id,hetu,referred_on,district,referral_source,concentration,behaviour,"
    "social_interaction,emotional_life,parent_no_education,parent_out_of_work,"
    "parenting_difficulties,stressful_life_situation,ongoing_services\n"
)


def code(n: int) -> str:
    return identity.make(date(2018, 1, 1) + timedelta(days=n), 100 + n)


@pytest.fixture
def referrals(tmp_path: Path) -> Path:
    path = tmp_path / "referrals.csv"
    path.write_text(
        HEADER
        + f"R001,{code(1)},2022-01-10,Vuosaari,neuvola,1,1,0,0,0,1,1,0,\n"
        + f"R002,{code(2)},2022-01-11,Mellunkylä,varhaiskasvatus,1,1,0,0,1,0,0,1,\n"
        + f"R003,{code(3)},2022-01-12,Kallio,neuvola,1,1,0,0,0,1,1,0,\n",
        encoding="utf-8",
    )
    return path


def test_cli__referrals_enrolment_exit_return_consent_activity_and_the_overview(
    referrals, keyring, tmp_path: Path
):
    codes = [code(n) for n in (1, 2, 3, 4)]
    shown: list[str] = []

    def run(*args: str, expect: int = 0) -> Result:
        result = sibyl(*args)
        assert result.code == expect, result.err
        shown.append(result.out + result.err)
        return result

    imported = run("referral", "import", str(referrals), "--actor", "coordinator")
    assert "3 referrals stored (2 eligible, 1 not), 0 already stored" in imported.out
    added = run(
        "referral", "add", "--referral-id", "R004", "--hetu", codes[3], "--referred-on",
        "2022-01-20", "--district", "Vuosaari", "--source", "neuvola", "--concentration",
        "--emotional-life", "--parent-no-education", "--stressful-life-situation",
        "--referrer", "nurse",
    )  # fmt: skip
    assert "Referral R004 of ps-" in added.out
    assert ": eligible." in added.out

    refused = run("enrol", "R003", "--on", "2022-02-01", "--provider", SOS, expect=2)
    assert "the referral 'R003' is not eligible (failed: district)" in refused.err
    no_reason = run("referral", "override", "R003", "--eligible", expect=2)
    assert "needs a written reason" in no_reason.err
    run("referral", "override", "R003", "--eligible", "--reason", "moving to Vuosaari")
    assert Override.objects.get().reason == "moving to Vuosaari"

    early = run("enrol", "R001", "--on", "2022-01-01", "--provider", SOS, expect=2)
    assert "is before the referral 'R001' of 2022-01-10" in early.err
    late = run("enrol", "R001", "--on", "2025-01-01", "--provider", SOS, expect=2)
    assert "outside the enrolment window" in late.err
    unknown = run("enrol", "R999", "--on", "2022-02-01", "--provider", SOS, expect=2)
    assert "there is no referral 'R999'" in unknown.err
    assert unknown.err.count("\n") == 1

    enrolled = run("enrol", "R001", "--on", "2022-02-01", "--provider", SOS)
    assert "Enrolled R001" in enrolled.out
    offered = run("enrol", "--offer", "--on", "2022-02-01")
    assert "3 enrolled; 0 still waiting" in offered.out

    first = identity.pseudonymise(codes[0], "helsinki", keyring)
    second = identity.pseudonymise(codes[1], "helsinki", keyring)
    nobody = run("exit", "ps-nobody", "--on", "2022-05-01", "--reason", "moved_out", expect=2)
    assert "no family with the pseudonym 'ps-nobody'" in nobody.err
    run("exit", first, "--on", "2022-05-01", "--reason", "moved_out")
    run("return", first, "--on", "2022-08-01")
    run("consent", "withdraw", second, "--on", "2022-06-15")
    assert sorted(
        FollowupSpell.objects.filter(child__pseudonym=first).values_list("enrolled_on", "exited_on")
    ) == [(date(2022, 2, 1), date(2022, 5, 1)), (date(2022, 8, 1), None)]

    activity = tmp_path / "activity.csv"
    activity.write_text(
        "referral_id,date,component,minutes,participants,provider\n"
        f"R001,2022-08-03,individual_support,60,child and mother,{SOS}\n",
        encoding="utf-8",
    )
    stored = run("activity", "import", str(activity))
    assert "1 activities stored" in stored.out
    summary = run("activity", "summary")
    assert "2022-08" in summary.out

    overview = run("cohort", "show", "--on", "2022-12-01")
    out = overview.out
    assert "capacity" in out
    assert "200" in out
    assert "exited: moved_out" in out
    assert "exited: consent_withdrawn" in out
    assert "without contact for 60 days" in out
    assert first in out  # the last contact was on 3 August: 120 days ago

    everything = "\n".join(shown)
    for value in codes:
        assert value not in everything
        assert identity.birth_date(value).isoformat() not in everything


def test_cli__a_full_cohort_and_bad_options(referrals, keyring, monkeypatch):
    from sibyl.contract import load_contract

    small = load_contract("helsinki").with_parameters(capacity=1)
    monkeypatch.setattr("sibyl.cli.cohort._contract", lambda name: small)
    assert sibyl("referral", "import", str(referrals)).code == 0
    assert sibyl("enrol", "R001", "--on", "2022-02-01", "--provider", SOS).code == 0
    full = sibyl("enrol", "R002", "--on", "2022-02-01", "--provider", VAMOS)
    assert full.code == 2
    assert "is full on 2022-02-01 (capacity 1), so the referral 'R002' stays on" in full.err
    missing = sibyl("enrol", "R002", "--on", "2022-02-01")
    assert missing.code == 2
    assert "needs a referral id and a provider" in missing.err
    bad_date = sibyl("exit", "ps-x", "--on", "1.13.2022", "--reason", "other")
    assert bad_date.code == 2
    bad_code = sibyl(
        "referral", "add", "--referral-id", "R9", "--hetu", code(9)[:-1] + "0",
        "--referred-on", "2022-01-20", "--district", "Vuosaari", "--source", "neuvola",
    )  # fmt: skip
    assert bad_code.code == 2
    assert "--hetu: the identity code is not valid" in bad_code.err
    assert code(9) not in bad_code.err


def test_cli__referral_add_answers_the_contract_s_items_and_refuses_others(keyring):
    """``--ITEM`` answers yes, ``--no-ITEM`` no; an option that is no item of the contract is
    refused in one sentence (exit 2), nothing stored."""
    base = ("referral", "add", "--hetu", code(5), "--referred-on", "2022-01-20",
            "--district", "Vuosaari", "--source", "neuvola")  # fmt: skip
    unknown = sibyl(*base, "--referral-id", "R005", "--attention", "--concentration")
    assert unknown.code == 2
    assert unknown.err.startswith(
        "error: '--attention' is neither an option of `sibyl referral add` nor a referral item of "
        "the contract helsinki; answer the contract's items with --concentration, --behaviour,"
    )
    assert code(5) not in unknown.out + unknown.err
    added = sibyl(*base, "--referral-id", "R006", "--concentration", "--behaviour",
                  "--no-behaviour", "--parent-out-of-work", "--parenting-difficulties")  # fmt: skip
    assert added.code == 0, added.err
    assert ": not eligible (difficulties)." in added.out
    [row] = ReferralRow.objects.all()
    assert {item for item, yes in row.answers.items() if yes} == {
        "concentration",
        "parent_out_of_work",
        "parenting_difficulties",
    }
