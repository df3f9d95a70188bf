"""The store keeps each contract version it used, and refuses a contract file that changes a
rule, a value or a forecast while keeping the version number of the signed one; a file that
changes only display names (the texts in fi/en/sv) is the same version. Statements are made
under the version in force on the year's last day and name it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from sibyl.errors import SibylInputError
from sibyl.web.contracts.models import ContractVersion
from sibyl.web.store.contracts import stored_contract

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).parents[2] / "src" / "sibyl" / "contracts"


def copy_of(name: str, tmp_path: Path, old: str, new: str, file: str = "contract.yaml") -> Path:
    folder = tmp_path / name
    shutil.copytree(ROOT / name, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder / file


def test_store__a_changed_value_under_the_same_version_is_refused(tmp_path: Path):
    stored_contract("helsinki", actor="test")
    changed = copy_of(
        "helsinki", tmp_path, "          2020-01-01: 4000.00", "          2020-01-01: 4500.00"
    )
    with pytest.raises(SibylInputError) as info:
        stored_contract(str(changed), actor="test")
    message = info.value.message
    assert "is not the helsinki v1 the store first used" in message
    assert "a change of the contract is a new version" in message
    assert ContractVersion.objects.filter(contract_id="helsinki").count() == 1


def test_store__a_changed_forecast_under_the_same_version_is_refused(tmp_path: Path):
    stored_contract("hameenlinna", actor="test")
    old = "- {service: 1, from: 1, to: 2, units: 6.61}"
    changed = copy_of("hameenlinna", tmp_path, old, old.replace("6.61", "9.99"))
    with pytest.raises(SibylInputError, match="rules, values or forecast differ"):
        stored_contract(str(changed), actor="test")


def test_store__a_corrected_translation_is_the_same_version(tmp_path: Path):
    first = stored_contract("helsinki", actor="test")
    renamed = copy_of(
        "helsinki", tmp_path, "sv: Lapset SIB – Helsingfors stad", "sv: Lapset SIB – Helsingfors"
    )
    again = stored_contract(str(renamed), actor="test")
    assert again.contract.sha256 != first.contract.sha256
    assert again.contract.rules_sha256 == first.contract.rules_sha256
    assert ContractVersion.objects.filter(contract_id="helsinki", version=1).count() == 2


def test_store__each_year_under_the_version_in_force_on_its_last_day():
    assert stored_contract("vantaa", actor="test", on=date(2020, 12, 31)).contract.version == 1
    assert stored_contract("vantaa", actor="test", on=date(2021, 12, 31)).contract.version == 2
    versions = sorted(
        ContractVersion.objects.filter(contract_id="vantaa").values_list("version", flat=True)
    )
    assert versions == [1, 2]


def test_store__a_contract_paid_from_claims_is_settled_from_files_for_now(tmp_path: Path):
    from sibyl.web.store.statements import create_statement

    karviainen = (
        Path(__file__).parents[2]
        / "src/sibyl/mechanisms/forecast_savings/scenarios/contracts/karviainen"
    )
    with pytest.raises(SibylInputError) as info:
        create_statement(str(karviainen), 2024, actor="test")
    assert "which the store does not hold yet" in info.value.message
    assert "--input claims=FILE" in info.value.message
