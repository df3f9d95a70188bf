"""Synthetic referrals and activity: seeded, readable by the referral reader, every reason shown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sibyl.contract import load_contract
from sibyl.eligibility import screen
from sibyl.register.referrals import read_referrals
from sibyl.synth_referrals import synth_activity, synth_referrals, write_referrals_csv


def test_synth_referrals__same_seed_same_rows_and_all_read_back(tmp_path: Path):
    contract = load_contract("helsinki")
    rows = synth_referrals(contract, seed=11)
    assert rows == synth_referrals(contract, seed=11)
    assert rows != synth_referrals(contract, seed=12)
    referrals, rejects = read_referrals(write_referrals_csv(tmp_path / "r.csv", rows), contract)
    assert rejects == []
    assert len(referrals) == 400
    decisions = [screen(referral, contract) for referral in referrals]
    eligible = sum(decision.eligible for decision in decisions)
    assert 220 <= eligible <= 300  # about two thirds, enough to fill 200 places and a queue
    reasons = {code for decision in decisions for code in decision.failed}
    assert reasons == {
        "age",
        "difficulties",
        "parent_situation",
        "family_situation",
        "district",
        "referral_source",
        "ongoing_services",
        "enrolment_window",
    }


def test_synth_activity__contacts_taper_and_stay_inside_the_service():
    plans = [("R0001", "SOS-Lapsikylä", date(2021, 1, 4), date(2026, 3, 31))]
    rows = synth_activity(plans, seed=3, until=date(2026, 3, 31))
    assert rows
    assert all(date(2021, 1, 4) <= row.on <= date(2024, 1, 4) for row in rows)
    first_half_year = sum(1 for row in rows if row.on < date(2021, 7, 4))
    second_year = sum(1 for row in rows if date(2022, 1, 4) <= row.on < date(2022, 7, 4))
    assert first_half_year > second_year  # intensive at first, then tapering
