"""docs/mechanisms.md's worked example is real: its mechanism, built from the page's own code in
a folder of its own and added to the registry by one entry, settles the page's child to the
page's figures (EUR 1,000.00 × 306 ÷ 366 = 836.0655… → 836.07 in 2024; 1,000.00 in 2025)."""

from __future__ import annotations

import importlib
import re
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from sibyl.contract import load_contract
from sibyl.mechanisms import registry
from sibyl.register.model import FollowupSpell
from sibyl.settlement import settle

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "mechanisms.md"
HELSINKI = ROOT / "src" / "sibyl" / "contracts" / "helsinki" / "contract.yaml"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.fixture
def engagement_fee(tmp_path, monkeypatch):
    (module_code,) = [b for b in blocks("python") if b.startswith("# src/sibyl/mechanisms/")]
    folder = tmp_path / "engagement_fee"
    folder.mkdir()
    (folder / "__init__.py").write_text(module_code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("engagement_fee")
    # The one line of the registry.
    monkeypatch.setitem(registry.MECHANISMS, module.MECHANISM.name, module.MECHANISM)
    yield module
    sys.modules.pop("engagement_fee", None)


def contract_with_the_pages_component(tmp_path: Path):
    (component,) = [b for b in blocks("yaml") if "mechanism: engagement_fee" in b]
    text = HELSINKI.read_text(encoding="utf-8")
    start = text.index("  components:\n")
    end = text.index("\nprices:")
    target = tmp_path / "contract.yaml"
    target.write_text(text[:start] + component + text[end:], encoding="utf-8")
    (tmp_path / "prices.csv").write_bytes((HELSINKI.parent / "prices.csv").read_bytes())
    return load_contract(target)


def test_mechanism_docs__the_fourth_mechanism_needs_only_its_folder_and_the_registry(
    engagement_fee, tmp_path
):
    contract = contract_with_the_pages_component(tmp_path)
    (component,) = contract.components
    assert component.name == "engagement_fee"
    statement = settle(
        contract,
        [FollowupSpell("child-A", date(2024, 3, 1))],
        [],
        years=[2024, 2025],
        as_of=date(2026, 3, 31),
        identifier="pseudonym",
    )
    figures = {(row.year, row.followup_days, row.payment) for row in statement.child_years}
    assert figures == {(2024, 306, Decimal("836.07")), (2025, 365, Decimal("1000.00"))}
    assert statement.totals[2024].payable == Decimal("836.07")


def test_mechanism_docs__the_pages_component_is_checked_like_any_other(engagement_fee, tmp_path):
    contract = contract_with_the_pages_component(tmp_path)
    text = (tmp_path / "contract.yaml").read_text(encoding="utf-8")
    (tmp_path / "contract.yaml").write_text(
        text.replace("fee_per_child_year:", "fee_per_child_yaer:"), encoding="utf-8"
    )
    with pytest.raises(Exception, match="unknown key 'fee_per_child_yaer'"):
        load_contract(tmp_path / "contract.yaml")
    assert contract.components[0].parameters.fee_per_child_year.unit == "EUR per child-year"
