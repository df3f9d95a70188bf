"""The contract loader: the built-in contract loads with DOMAIN.md's values, and each broken
contract is refused with a message that names the file, the line, the key and the fix
(OpenFisca's habit: one broken fixture per loader error, asserting the words)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from sibyl.contract import ContractError, builtin_names, load_contract
from sibyl.errors import SibylInputError

HELSINKI = Path(__file__).parents[2] / "src/sibyl/contracts/helsinki/contract.yaml"


def write_variant(tmp_path: Path, old: str, new: str) -> Path:
    """The Helsinki contract with one text replaced, beside a copy of its price list."""
    text = HELSINKI.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in the Helsinki contract"
    target = tmp_path / "contract.yaml"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    (tmp_path / "prices.csv").write_bytes((HELSINKI.parent / "prices.csv").read_bytes())
    return target


def base_in(contract, year: int) -> Decimal:
    return contract.find_parameter("base_per_child_year").at(date(year, 1, 1))


def load_error(path: Path) -> str:
    with pytest.raises(SibylInputError) as info:
        load_contract(path)
    return info.value.message


def test_builtin_contract__helsinki_has_the_values_of_domain_md():
    contract = load_contract("helsinki")
    assert "helsinki" in builtin_names()
    assert contract.enrolment_start == date(2020, 1, 1)
    assert contract.enrolment_end == date(2024, 12, 31)
    assert contract.followup_end == date(2032, 12, 31)
    assert contract.spec.districts.items == ["Vuosaari", "Mellunkylä"]
    assert contract.for_year("capacity", 2022) == 200
    (component,) = contract.components
    assert component.name == "priced_deductions"
    assert base_in(contract, 2023) == Decimal("4000.00")
    assert contract.for_year("investor_return_cap", 2023) == Decimal("0.08")
    assert component.parameters.netting.at(date(2023, 1, 1)) == "child_year"
    assert contract.pay_day(2023) == date(2024, 6, 30)
    assert sorted(contract.services) == list(range(1, 10))
    care_day = [code for code, s in contract.services.items() if s.basis == "care_day"]
    assert care_day == [1, 2, 3, 6]


def test_builtin_contract__every_parameter_has_description_unit_and_reference():
    spec = load_contract("helsinki").spec
    for name in type(spec.parameters).model_fields:
        parameter = getattr(spec.parameters, name)
        assert parameter.description, name
        assert parameter.unit, name
        assert parameter.reference, name


def test_builtin_contract__price_list_matches_the_shared_reference_table():
    # DOMAIN.md 2.2: care-day price as given; working-day price = annual cost ÷ clients ÷
    # working days. 2020 service 4: 9,000,000 ÷ 1,500 ÷ 253 working days.
    contract = load_contract("helsinki")
    family_care = contract.prices.get(2020, 1)
    assert family_care.unit_price == Decimal("85.00")
    family_work = contract.prices.get(2020, 4)
    assert family_work.numerator_cents == 900_000_000
    assert family_work.denominator == 1500 * 253
    # 10 working days: 90,000 / 379.5 = 237.1541… → 237.15 (half up)
    assert family_work.amount_cents(10) == 23715
    assert contract.prices.status(2025) == "confirmed"
    assert contract.prices.status(2026) == "provisional"


def test_parameter__value_holds_from_its_start_until_the_next(tmp_path):
    path = write_variant(
        tmp_path,
        "          2020-01-01: 4000.00",
        "          2020-01-01: 4000.00\n          2024-01-01: 4100.00",
    )
    contract = load_contract(path)
    assert base_in(contract, 2023) == Decimal("4000.00")
    assert base_in(contract, 2024) == Decimal("4100.00")
    assert base_in(contract, 2032) == Decimal("4100.00")


def test_load__unknown_key_is_named_with_its_line_and_the_allowed_keys(tmp_path):
    path = write_variant(tmp_path, "version: 1\n", "version: 1\nverison: 2\n")
    message = load_error(path)
    assert str(path) in message
    assert "line 10" in message
    assert "unknown key 'verison'" in message
    assert "remove it or correct its spelling" in message
    assert "allowed here: format, id, version" in message


def test_load__impossible_date_is_refused_with_the_form_to_use(tmp_path):
    path = write_variant(tmp_path, "value: 2032-12-31", "value: 2032-02-30")
    message = load_error(path)
    assert "key 'dates.followup_end.value'" in message
    assert "'2032-02-30' is not a date" in message
    assert "YYYY-MM-DD" in message


def test_load__bad_date_key_of_a_dated_parameter(tmp_path):
    path = write_variant(tmp_path, "          2020-01-01: 4000.00", "          2020-13-01: 4000.00")
    message = load_error(path)
    assert "payment.components[0].base_per_child_year.values" in message
    assert "'2020-13-01' is not a date" in message


def test_load__missing_required_key_says_to_add_it(tmp_path):
    path = write_variant(
        tmp_path,
        "        unit: EUR per child-year\n",
        "",
    )
    message = load_error(path)
    assert "key 'payment.components[0].base_per_child_year'" in message
    assert "the required key 'unit' is missing" in message
    assert "add it" in message


def test_load__money_with_fractions_of_a_cent_is_refused(tmp_path):
    path = write_variant(
        tmp_path, "          2020-01-01: 4000.00", "          2020-01-01: 4000.005"
    )
    message = load_error(path)
    assert "at most two decimals" in message


def test_load__unknown_basis_lists_the_allowed_values(tmp_path):
    path = write_variant(tmp_path, "basis: care_day", "basis: care_days")
    message = load_error(path)
    assert "key 'services.items[0].basis'" in message
    assert "'care_days' is not allowed here" in message
    assert "'care_day' or 'working_day'" in message


def test_load__rate_written_as_percent_is_refused(tmp_path):
    path = write_variant(tmp_path, "      2020-01-01: 0.08", "      2020-01-01: 8")
    message = load_error(path)
    assert "investor_return_cap" in message
    assert "0.08 for 8 %" in message


def test_load__service_code_listed_twice(tmp_path):
    path = write_variant(tmp_path, "    - code: 2\n", "    - code: 1\n")
    message = load_error(path)
    assert "service code 1 is listed twice" in message


def test_load__key_written_twice_in_one_mapping(tmp_path):
    path = write_variant(tmp_path, "version: 1\n", "version: 1\nversion: 2\n")
    message = load_error(path)
    assert "line 10" in message
    assert "the key 'version' is written twice" in message


def test_load__invalid_yaml_points_at_the_line(tmp_path):
    path = write_variant(tmp_path, "id: helsinki\n", "id: [helsinki\n")
    message = load_error(path)
    assert "not valid YAML" in message
    assert str(path) in message


def test_load__missing_price_list_is_named(tmp_path):
    path = write_variant(tmp_path, "prices: prices.csv", "prices: hinnat.csv")
    message = load_error(path)
    assert "the price list 'hinnat.csv' named by the contract does not exist" in message


def test_load__price_list_with_the_wrong_basis_names_line_and_column(tmp_path):
    path = write_variant(tmp_path, "id: helsinki", "id: helsinki")
    prices = tmp_path / "prices.csv"
    text = prices.read_text(encoding="utf-8").replace("2019,1,care_day", "2019,1,working_day", 1)
    prices.write_text(text, encoding="utf-8")
    message = load_error(path)
    assert "line 2" in message
    assert "column 'basis'" in message
    assert "service 1 is priced per care_day in the contract" in message


def test_load__unknown_builtin_name_lists_the_builtins():
    with pytest.raises(SibylInputError) as info:
        load_contract("espoo")
    assert "there is no built-in contract 'espoo'" in info.value.message
    assert "helsinki" in info.value.message


def test_load__every_problem_is_reported_not_only_the_first(tmp_path):
    path = write_variant(tmp_path, "version: 1\n", "version: one\nverison: 2\n")
    with pytest.raises(ContractError) as info:
        load_contract(path)
    assert len(info.value.problems) == 2


def test_with_parameters__overrides_are_checked_like_a_file():
    contract = load_contract("helsinki")
    changed = contract.with_parameters(netting="cohort_year")
    assert changed.find_parameter("netting").at(date(2021, 1, 1)) == "cohort_year"
    assert changed.components[0].year_rule(2021).netting == "cohort_year"
    with pytest.raises(SibylInputError):
        contract.with_parameters(netting="per_family")
