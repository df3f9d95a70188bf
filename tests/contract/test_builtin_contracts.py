"""The built-in contracts besides Helsinki's: Hämeenlinna's Icehearts contract (a forecast of
savings) and Vantaa's family-partner contract in its two versions (service-use based, enrolment
stopped from 1 September 2021). Each loads, passes ``sibyl contract check``, documents every
parameter, prices every service for every year of follow-up and, for Hämeenlinna, forecasts
every year since enrolment that follow-up reaches."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cli_runner import sibyl
from sibyl.contract import Parameter, builtin_names, load_contract
from sibyl.contract.loader import builtin_folder, contract_versions
from sibyl.mechanisms.forecast_savings import reachable_keys

# Every built-in contract, each version of it, as (name, a day on which that version is in force).
VERSIONS = [
    ("helsinki", None),
    ("hameenlinna", None),
    ("vantaa", date(2021, 8, 31)),
    ("vantaa", date(2021, 9, 1)),
]


def _label(version: tuple[str, date | None]) -> str:
    name, on = version
    return name if on is None else f"{name}-{on.isoformat()}"


@pytest.fixture(scope="module", params=VERSIONS, ids=_label)
def contract(request):
    name, on = request.param
    return load_contract(name, on=on)


def _parameters(contract) -> list[tuple[str, Parameter]]:
    spec = contract.spec
    found = [(name, getattr(spec.parameters, name)) for name in type(spec.parameters).model_fields]
    for component in contract.components:
        for name in type(component.parameters).model_fields:
            value = getattr(component.parameters, name)
            if isinstance(value, Parameter):
                found.append((f"{component.id}.{name}", value))
    return found


def test_builtin_names__lists_the_three_contracts():
    assert {"helsinki", "hameenlinna", "vantaa"} <= set(builtin_names())


def test_builtin_contract__every_parameter_has_description_unit_and_reference(contract):
    parameters = _parameters(contract)
    assert len(parameters) >= 8
    for name, parameter in parameters:
        assert parameter.description.strip(), name
        assert parameter.unit.strip(), name
        assert parameter.reference.strip(), name


def test_builtin_contract__yearly_values_hold_from_the_first_year_of_follow_up(contract):
    first_year = contract.enrolment_start.year
    for name, parameter in _parameters(contract):
        assert parameter.first_start() <= date(first_year, 1, 1), name


def test_builtin_contract__prices_every_service_for_every_year_of_follow_up(contract):
    years = range(contract.enrolment_start.year, contract.followup_end.year + 1)
    for year in years:
        assert contract.prices.missing(year) == [], year
        assert contract.prices.status(year) in ("confirmed", "provisional"), year
        for code, service in contract.services.items():
            price = contract.prices.get(year, code)
            assert price is not None, (year, code)
            assert price.basis == service.basis, (year, code)
            assert price.unit_price > 0, (year, code)


def test_builtin_contract__every_service_has_a_category(contract):
    assert all(service.category for service in contract.spec.services.items)


def test_builtin_contract__passes_sibyl_contract_check(contract):
    result = sibyl("contract", "check", contract.source)
    assert result.code == 0, result.everything
    assert f"valid contract {contract.label}" in result.out


# --- Hämeenlinna ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hameenlinna():
    return load_contract("hameenlinna")


def test_hameenlinna__icehearts_teams_paid_by_a_share_of_the_savings(hameenlinna):
    assert hameenlinna.label == "hameenlinna v1"
    assert hameenlinna.enrolment_start == date(2018, 8, 1)
    assert hameenlinna.enrolment_end == date(2019, 12, 31)
    assert hameenlinna.followup_end == date(2031, 7, 31)
    assert hameenlinna.for_year("capacity", 2018) == 50
    assert hameenlinna.spec.parties.providers[0].name == "Suomen Icehearts ry"
    (component,) = hameenlinna.components
    assert component.name == "forecast_savings"
    rule = component.year_rule(2020)
    assert rule.netting == "cohort_year"
    assert rule.share == Decimal("0.5")
    assert (rule.floor_cents, rule.cap_cents) == (None, None)
    categories = {s.category for s in hameenlinna.spec.services.items}
    assert {"child_psychiatry", "special_support_pupils", "family_care_placement"} <= categories
    assert hameenlinna.prices.years() == list(range(2018, 2032))


def test_hameenlinna__the_forecast_covers_every_service_and_every_year_follow_up_reaches(
    hameenlinna,
):
    (component,) = hameenlinna.components
    forecast = component.parameters.forecast
    assert forecast.by == "year_since_enrolment"
    assert forecast.services == sorted(hameenlinna.services)
    keys = reachable_keys(component.parameters, hameenlinna.spec)
    assert list(keys) == list(range(1, 15))  # 2018–2031: years 1–14 since enrolment
    units = forecast.units()
    for service in hameenlinna.services:
        for key in keys:
            assert (key, service) in units, (service, key)
    assert component.mechanism.check(component.parameters, hameenlinna.spec) == []


def test_hameenlinna__the_forecast_is_the_derivation_in_the_contract_file(hameenlinna):
    """Spot checks of the comments' derivation: year 5 placements p = 6 %, 236 care days per
    placed child, family share 0.70; open care and psychiatry 41/59 of the placement cost;
    special support 40 % × 251 working days."""
    units = hameenlinna.components[0].parameters.forecast.units()
    assert units[(5, 1)] == Decimal("9.91")  # 0.06 × 236 × 0.70
    assert units[(5, 2)] == Decimal("4.25")  # 0.06 × 236 × 0.30
    placement = units[(5, 1)] * Decimal("80.38") + units[(5, 2)] * Decimal("330.00")
    other = placement * 41 / 59
    open_care_price = Decimal(2_600_000) / 650 / 251
    psychiatry_price = Decimal(3_600_000) / 600 / 251
    assert units[(5, 3)] == (other * Decimal("0.75") / open_care_price).quantize(Decimal("0.01"))
    assert units[(5, 4)] == (other * Decimal("0.25") / psychiatry_price).quantize(Decimal("0.01"))
    assert units[(5, 5)] == Decimal("100.40")  # 0.40 × 251
    assert all(units[(14, service)] == 0 for service in range(1, 6))  # at 19: none of the list
    assert (Decimal(745_000_000) / 17_664).quantize(Decimal(1)) == 42176  # EUR per placed child


def test_hameenlinna__the_illustrative_figures_say_so(hameenlinna):
    spec = hameenlinna.spec
    component = hameenlinna.components[0].parameters
    for text in (
        component.forecast.description,
        component.forecast.reference,
        component.share.description,
        spec.parameters.max_total_outcome_payments.description,
        spec.districts.reference,
    ):
        assert "llustrative" in text, text


# --- Vantaa ---------------------------------------------------------------------------------


def test_vantaa__version_in_force_v1_to_31_august_2021_and_v2_from_1_september():
    assert load_contract("vantaa", on=date(2019, 5, 1)).version == 1
    assert load_contract("vantaa", on=date(2021, 8, 31)).version == 1
    assert load_contract("vantaa", on=date(2021, 9, 1)).version == 2
    assert load_contract("vantaa").version == 2  # the latest
    versions = contract_versions(builtin_folder("vantaa"))
    assert [(v.version, v.valid_from, v.path.name) for v in versions] == [
        (1, date(2019, 1, 1), "v1.yaml"),
        (2, date(2021, 9, 1), "v2.yaml"),
    ]


def test_vantaa__a_statement_for_2021_is_settled_under_version_2():
    # A statement for year y is settled under the version in force on 31 December of y.
    contract = load_contract("vantaa", on=date(2021, 12, 31))
    assert contract.label == "vantaa v2"
    assert contract.enrolment_end == date(2021, 8, 31)


def test_vantaa__version_2_stops_enrolment_and_changes_nothing_else():
    v1 = load_contract("vantaa", version=1)
    v2 = load_contract("vantaa", version=2)
    assert v1.spec.amendment is None
    amendment = v2.spec.amendment
    assert amendment is not None
    assert amendment.decided_on == date(2021, 8, 17)
    assert "1 September 2021" in amendment.description
    assert "27.8.2021" in amendment.reference
    assert (v1.enrolment_end, v2.enrolment_end) == (date(2022, 12, 31), date(2021, 8, 31))

    def rules(contract) -> dict:
        data = contract.spec.model_dump(mode="json")
        for key in ("version", "valid_from", "amendment", "description"):
            data.pop(key)
        data["dates"]["enrolment_end"] = None
        for criterion in data["eligibility"]["criteria"]:
            criterion["reference"] = None
        return data

    assert rules(v1) == rules(v2)
    assert v1.prices.prices == v2.prices.prices


def test_vantaa__service_use_based_with_its_own_services():
    contract = load_contract("vantaa")
    (component,) = contract.components
    assert component.name == "priced_deductions"
    assert component.parameters.base_per_child_year.at(date(2020, 1, 1)) == Decimal("3000.00")
    assert sorted(contract.services) == [21, 22, 23, 24, 31, 32, 33]
    assert contract.care_day_services == [21, 22, 23, 24]
    assert contract.spec.referral_sources.items == ["child_protection"]
    assert contract.spec.parties.providers[0].name == "SOS-Lapsikylä"
    assert contract.enrolment_start == date(2019, 4, 1)
    assert contract.followup_end == date(2024, 12, 31)
    assert contract.prices.years() == list(range(2019, 2025))
