"""The synthetic generators: reproducible, valid, and shaped like the public figures; for any
contract (its services by category, their bases, its ages, capacity and enrolment window)."""

from __future__ import annotations

import hashlib
import itertools
import typing
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sibyl import identity, synth
from sibyl.contract import load_contract
from sibyl.contract.model import ServiceCategory
from sibyl.register.cohort import read_cohort
from sibyl.register.model import EPISODE_SCHEMA, EXIT_REASONS
from sibyl.register.reader import read_extract

AS_OF = date(2025, 3, 31)


@pytest.fixture(scope="module")
def contract():
    return load_contract("helsinki")


@pytest.fixture(scope="module")
def cohort(contract):
    return synth.synth_cohort(contract, seed=7)


@pytest.fixture(scope="module")
def register(contract, cohort):
    return synth.synth_register(contract, cohort, as_of=AS_OF, seed=7)


@pytest.fixture(scope="module")
def national():
    return synth.synth_national(10_000, 200_000, seed=11)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _first_enrolment(cohort) -> dict[str, date]:
    first: dict[str, date] = {}
    for spell in cohort:
        first[spell.person] = min(first.get(spell.person, spell.enrolled_on), spell.enrolled_on)
    return first


# --- reproducibility ---------------------------------------------------------------------------


def test_synth_cohort__same_seed_same_cohort_other_seed_other_cohort(contract, cohort):
    assert synth.synth_cohort(contract, seed=7) == cohort
    assert synth.synth_cohort(contract, seed=8) != cohort


def test_synth_register__same_seed_same_rows_other_seed_other_rows(contract, cohort, register):
    assert synth.synth_register(contract, cohort, as_of=AS_OF, seed=7) == register
    assert synth.synth_register(contract, cohort, as_of=AS_OF, seed=8) != register


def test_synth_helsinki__the_same_rows_as_when_the_model_knew_only_helsinki(
    tmp_path, cohort, register
):
    """The demo's and the benchmark's figures rest on these rows: the contract-generic model
    gives Helsinki exactly the files of the model of nine fixed codes. If this fails on purpose
    (a change of the model, or a NumPy whose random streams changed), update the fingerprints
    and the figures that depend on them (bench/RESULTS.md, the demo's tables in the docs)."""
    files = {
        "cohort": synth.write_cohort_csv(tmp_path / "cohort.csv", cohort),
        "register": synth.write_extract_csv(tmp_path / "register.csv", register),
    }
    fingerprints = {
        name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()
    }
    assert fingerprints == {
        "cohort": "ae5152be3502c81b85444241ee201c8d024fa2bd2f5ee754f5a34940dbe2ebb2",
        "register": "3dae6d59b9fa5b456f2c34302fafe6803ce25b66e5a08ee69ae0c9d7593a0e37",
    }


def test_synth_national__same_seed_same_tables_other_seed_other_tables(national):
    spells, episodes = synth.synth_national(10_000, 200_000, seed=11)
    assert spells.equals(national[0])
    assert episodes.equals(national[1])
    _, other = synth.synth_national(10_000, 200_000, seed=12)
    assert not other.equals(national[1])


# --- the cohort ---------------------------------------------------------------------------------


def test_synth_cohort__200_children_with_unique_valid_codes_of_both_century_signs(cohort):
    people = {spell.person for spell in cohort}
    assert len(people) == 200
    assert all(identity.is_valid(person) for person in people)
    assert len({person[:6] + person[7:] for person in people}) == 200  # not one child twice
    signs = {person[6] for person in people}
    assert {"A", "B"} <= signs


def test_synth_cohort__children_aged_3_to_6_enrolled_in_the_window(contract, cohort):
    first = _first_enrolment(cohort)
    for person, enrolled in first.items():
        assert contract.enrolment_start <= enrolled <= contract.enrolment_end
        assert 3 <= _age(identity.birth_date(person), enrolled) <= 6
    years = [enrolled.year for enrolled in first.values()]
    assert sum(2020 <= year <= 2022 for year in years) > 0.6 * len(years)


def test_synth_cohort__exits_end_spells_before_the_followup_end_and_spells_do_not_overlap(
    contract, cohort
):
    by_person = defaultdict(list)
    for spell in cohort:
        by_person[spell.person].append(spell)
        if spell.exited_on is not None:
            assert spell.enrolled_on < spell.exited_on <= contract.followup_end
            assert spell.exit_reason in EXIT_REASONS
        else:
            assert spell.exit_reason is None
    for spells in by_person.values():
        spells.sort(key=lambda s: s.enrolled_on)
        for earlier, later in itertools.pairwise(spells):
            assert earlier.exited_on is not None
            assert earlier.exit_reason == "moved_out"
            assert later.enrolled_on > earlier.exited_on
    reasons = [spell.exit_reason for spell in cohort if spell.exit_reason]
    assert 8 <= reasons.count("moved_out") <= 30
    assert any(len(spells) > 1 for spells in by_person.values())  # someone came back
    assert [spell.line for spell in cohort] == list(range(2, len(cohort) + 2))


def test_synth_cohort__as_of_keeps_only_what_was_known(contract):
    as_of = date(2022, 6, 30)
    known = synth.synth_cohort(contract, seed=7, as_of=as_of)
    assert known
    assert all(spell.enrolled_on <= as_of for spell in known)
    assert all(spell.exited_on is None or spell.exited_on <= as_of for spell in known)


# --- the register extract -----------------------------------------------------------------------


def test_synth_register__rows_are_valid_register_rows(contract, cohort, register):
    people = {spell.person for spell in cohort}
    assert register
    for row in register:
        assert row.person in people
        assert row.service in contract.services
        assert row.start <= AS_OF
        if row.end is not None:
            assert row.end >= row.start
        if row.days is not None:
            assert row.service in contract.care_day_services
            assert row.end is not None
            assert 0 <= row.days <= (row.end - row.start).days + 1
    assert [row.line for row in register] == list(range(2, len(register) + 2))


def test_synth_register__has_use_before_enrolment_ongoing_rows_and_care_days(cohort, register):
    first = _first_enrolment(cohort)
    assert any(row.end is not None and row.end < first[row.person] for row in register)
    assert any(row.end is None for row in register)
    assert any(row.days is not None for row in register)
    assert any(row.end is not None and row.end > AS_OF for row in register)  # a decided end


def test_synth_register__most_child_years_use_nothing(cohort, register):
    """Share of child-years (2021–2024, enrolled before the year) with any use: a minority."""
    first = _first_enrolment(cohort)
    used: set[tuple[str, int]] = set()
    for row in register:
        end = row.end or AS_OF
        for year in range(row.start.year, end.year + 1):
            used.add((row.person, year))
    child_years = [
        (p, y) for p, enrolled in first.items() for y in range(2021, 2025) if enrolled.year < y
    ]
    share = sum(key in used for key in child_years) / len(child_years)
    assert 0.03 < share < 0.45


def test_synth_register__special_support_is_for_pupils_and_after_care_practically_never(
    cohort, register
):
    for row in register:
        if row.service == 9:
            birth = identity.birth_date(row.person)
            # from the first school year (a re-reported row may be shifted by two weeks)
            assert row.start >= date(birth.year + 7, 8, 1) - timedelta(days=14)
    assert sum(row.service == 8 for row in register) <= 2


# --- files --------------------------------------------------------------------------------------


def test_write_extract_and_cohort_csv__read_back_without_rejects(
    tmp_path, contract, cohort, register
):
    extract_path = synth.write_extract_csv(tmp_path / "extract.csv", register)
    cohort_path = synth.write_cohort_csv(tmp_path / "cohort.csv", cohort)
    assert extract_path.read_text().splitlines()[0] == "hetu,service,start,end,days"
    assert cohort_path.read_text().splitlines()[0] == "hetu,enrolled_on,exited_on,exit_reason"
    extract = read_extract(extract_path, contract, as_of=AS_OF)
    assert extract.rejects == []
    assert extract.accepted + extract.duplicates == len(register)
    read = read_cohort(cohort_path, contract)
    assert read.rejects == []
    assert read.people == {spell.person for spell in cohort}


def test_inject_demo_errors__the_reader_rejects_exactly_the_injected_rows(
    tmp_path, contract, register
):
    rows, injected = synth.inject_demo_errors(register, seed=3)
    assert len(rows) == len(register) + 3
    assert {error.column for error in injected} == {"hetu", "service", "end"}
    path = synth.write_extract_csv(tmp_path / "extract.csv", rows)
    extract = read_extract(path, contract, as_of=AS_OF)
    assert sorted((r.line, r.column) for r in extract.rejects) == sorted(
        (e.line, e.column) for e in injected
    )


# --- national scale -----------------------------------------------------------------------------


def test_synth_national__shapes_and_schema(national):
    spells, episodes = national
    assert episodes.num_rows == 200_000
    assert episodes.schema == EPISODE_SCHEMA
    assert spells.schema == pa.schema(
        [("person", pa.string()), ("start", pa.date32()), ("end", pa.date32())]
    )
    assert pc.count_distinct(spells["person"]).as_py() == 10_000
    assert 10_000 < spells.num_rows < 10_500  # mostly one spell each, some returns
    assert pc.all(pc.match_substring_regex(spells["person"], r"^p\d{7}$")).as_py()
    assert episodes["row_id"].to_numpy().tolist() == list(range(200_000))
    assert spells["end"].null_count == 0


def test_synth_national__spells_do_not_overlap_and_end_by_the_last_year(national):
    spells, _ = national
    person = spells["person"].to_numpy(zero_copy_only=False)
    start = spells["start"].to_numpy().astype("datetime64[D]")
    end = spells["end"].to_numpy().astype("datetime64[D]")
    assert (end >= start).all()
    assert (start >= np.datetime64("2020-01-01")).all()
    assert (end <= np.datetime64("2032-12-31")).all()
    same = person[1:] == person[:-1]
    assert (start[1:][same] > end[:-1][same]).all()  # sorted by person and start, disjoint


def test_synth_national__rows_are_valid_and_mixed(national):
    spells, episodes = national
    service = episodes["service"].to_numpy()
    start = episodes["start"].to_numpy().astype("datetime64[D]").astype(np.int64)
    end_arr = episodes["end"]
    days_arr = episodes["days"]
    assert set(np.unique(service)) >= {1, 2, 3, 4, 5, 6, 7, 9}
    assert set(np.unique(service)) <= set(range(1, 10))
    closed = pc.is_valid(end_arr).to_numpy(zero_copy_only=False)
    end = end_arr.fill_null(pa.scalar(0, pa.date32())).to_numpy().astype("datetime64[D]")
    end = end.astype(np.int64)
    assert (end[closed] >= start[closed]).all()
    assert (start <= np.datetime64("2032-12-31").astype(np.int64)).all()
    assert 0 < (~closed).sum() < 0.2 * len(closed)  # some ongoing
    has_days = pc.is_valid(days_arr).to_numpy(zero_copy_only=False)
    days = days_arr.fill_null(0).to_numpy()
    assert has_days.sum() > 0
    assert np.isin(service[has_days], load_contract("helsinki").care_day_services).all()
    assert (days[has_days] <= end[has_days] - start[has_days] + 1).all()
    assert (days[has_days] >= 0).all()
    # Rows of people in follow-up only, sorted by person.
    person = episodes["person"].to_numpy(zero_copy_only=False)
    assert set(np.unique(person)) <= set(spells["person"].to_pylist())
    assert (person[1:] >= person[:-1]).all()
    # Overlapping rows of one child and service exist.
    order = np.lexsort((start, service, person))
    p, s, a, b = person[order], service[order], start[order], np.where(closed, end, 1 << 40)[order]
    same = (p[1:] == p[:-1]) & (s[1:] == s[:-1])
    assert (same & (a[1:] <= b[:-1])).any()


# --- any contract: Hämeenlinna and Vantaa -------------------------------------------------------


@pytest.fixture(scope="module")
def hameenlinna():
    return load_contract("hameenlinna")


@pytest.fixture(
    scope="module",
    params=[("hameenlinna", None), ("vantaa", date(2021, 8, 31)), ("vantaa", date(2021, 12, 31))],
    ids=["hameenlinna", "vantaa-v1", "vantaa-v2"],
)
def other(request):
    """Another contract, its cohort and an extract as of its follow-up end."""
    name, on = request.param
    contract = load_contract(name, on=on)
    cohort = synth.synth_cohort(contract, seed=5)
    register = synth.synth_register(contract, cohort, as_of=contract.followup_end, seed=5)
    return contract, cohort, register


def test_synth_cohort__any_contract_its_capacity_ages_and_enrolment_window(other):
    contract, cohort, _ = other
    first = _first_enrolment(cohort)
    assert len(first) == contract.for_year("capacity", contract.enrolment_start.year)
    assert all(identity.is_valid(person) for person in first)
    for person, enrolled in first.items():
        assert contract.enrolment_start <= enrolled <= contract.enrolment_end
        age = _age(identity.birth_date(person), enrolled)
        assert contract.value("min_age_years", enrolled) <= age
        assert age < contract.value("max_age_years", enrolled)
    for spell in cohort:
        assert spell.exited_on is None or spell.exited_on <= contract.followup_end


def test_synth_register__any_contract_only_its_services_and_its_care_day_services(tmp_path, other):
    contract, cohort, register = other
    assert register
    used = {row.service for row in register}
    assert used <= set(contract.services)
    assert len(used) >= 3
    with_days = {row.service for row in register if row.days is not None}
    assert with_days <= set(contract.care_day_services)
    path = synth.write_extract_csv(tmp_path / "extract.csv", register)
    extract = read_extract(path, contract, as_of=contract.followup_end)
    assert extract.rejects == []
    cohort_path = synth.write_cohort_csv(tmp_path / "cohort.csv", cohort)
    assert read_cohort(cohort_path, contract).rejects == []


def test_synth_register__a_watched_service_never_runs_over_the_enrolment_day(other):
    """The contract's no_ongoing_services criterion (Vantaa: no placement at enrolment; open
    care may run on). A re-reported row may be shifted by up to two weeks."""
    contract, cohort, register = other
    watched = {
        code
        for criterion in contract.spec.eligibility.criteria
        if criterion.rule == "no_ongoing_services"
        for code in criterion.services
    }
    first = _first_enrolment(cohort)
    for row in register:
        if row.service in watched and row.start < first[row.person] - timedelta(days=14):
            assert row.end is not None
            assert row.end < first[row.person] + timedelta(days=15)


def test_synth_register__vantaa_children_may_be_open_care_clients_when_enrolled():
    contract = load_contract("vantaa", on=date(2021, 12, 31))
    cohort = synth.synth_cohort(contract, seed=2)
    register = synth.synth_register(contract, cohort, as_of=contract.followup_end, seed=2)
    first = _first_enrolment(cohort)
    open_care = [
        row
        for row in register
        if row.service == 32
        and row.start < first[row.person] - timedelta(days=14)
        and (row.end is None or row.end > first[row.person] + timedelta(days=14))
    ]
    assert open_care  # not ended before enrolment: the contract does not look at open care


def test_school_year_intakes__hameenlinna_one_team_each_autumn(hameenlinna):
    intakes = synth.school_year_intakes(hameenlinna)
    assert intakes == [
        (date(2018, 8, 1), date(2018, 9, 30)),
        (date(2019, 8, 1), date(2019, 9, 30)),
    ]
    cohort = synth.synth_cohort(hameenlinna, seed=9, intakes=intakes)
    first = _first_enrolment(cohort)
    teams = defaultdict(int)
    for enrolled in first.values():
        (team,) = [i for i, (lo, hi) in enumerate(intakes) if lo <= enrolled <= hi]
        teams[team] += 1
    assert dict(teams) == {0: 25, 1: 25}
    assert synth.synth_cohort(hameenlinna, seed=9, intakes=intakes) == cohort


def test_synth_cohort__an_intake_outside_the_window_is_refused(hameenlinna):
    with pytest.raises(ValueError, match="not inside the enrolment window"):
        synth.synth_cohort(hameenlinna, intakes=[(date(2020, 8, 1), date(2020, 9, 30))])
    # Intakes are cut to the window: only 2019 has days in January–February.
    assert synth.school_year_intakes(hameenlinna, first_month=1, last_month=2) == [
        (date(2019, 1, 1), date(2019, 2, 28))
    ]


def test_synth_register__hameenlinna_child_psychiatry_before_the_18th_birthday(hameenlinna):
    cohort = synth.synth_cohort(hameenlinna, seed=4)
    register = synth.synth_register(hameenlinna, cohort, as_of=hameenlinna.followup_end, seed=4)
    psychiatry = [row for row in register if row.service == 4]  # category child_psychiatry
    assert len(psychiatry) >= 5
    for row in psychiatry:
        birth = identity.birth_date(row.person)
        eighteen = synth.years_before(birth, -18)
        assert row.start < eighteen + timedelta(days=14)
        assert row.end is None or row.end < eighteen + timedelta(days=15)
        assert row.days is None  # a working-day service
    # Institutional care at the special level is counted in the contract's one institution code.
    assert synth.ServiceMap.of(hameenlinna).code[synth.INSTITUTION_SPECIAL] == 2


def test_service_map__helsinki_codes_are_the_first_nine_categories():
    services = synth.ServiceMap.of(load_contract("helsinki"))
    assert services.code.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]
    assert services.care_day == {1, 2, 3, 6}
    assert services.ended_before_enrolment.tolist() == [False] + [True] * 8 + [False, False]
    assert not services.psychiatry
    assert set(synth.CATEGORIES) == set(typing.get_args(ServiceCategory))


def test_inject_demo_errors__the_unknown_code_is_not_one_of_the_contracts(register):
    _, injected = synth.inject_demo_errors(register, seed=3, services=[1, 12, 13])
    assert any("service 14 is not" in error.reason for error in injected)
