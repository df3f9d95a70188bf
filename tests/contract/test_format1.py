"""A contract file of format 1 (before payment mechanisms were plug-ins: no ``format`` key, the
base per child-year and the netting among the parameters, the criteria in the code) is still
read, as the format-2 file that says the same: Helsinki's version 1 as it was written then
(``fixtures/helsinki_format1.yaml``, kept byte for byte) settles every child-year exactly as the
format-2 file does, and screens by the same criteria."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cli_runner import sibyl as run
from sibyl.contract import load_contract
from sibyl.register.model import Episode, FollowupSpell
from sibyl.settlement import settle

FORMAT_1 = Path(__file__).parent / "fixtures" / "helsinki_format1.yaml"


def test_format1__read_as_one_priced_deductions_component():
    old = load_contract(FORMAT_1)
    assert old.upgraded_from == 1
    assert old.label == "helsinki v1"
    (component,) = old.components
    assert (component.id, component.name) == ("outcome_payment", "priced_deductions")
    assert str(component.parameters.base_per_child_year.at(date(2023, 1, 1))) == "4000.00"
    assert component.year_rule(2023).netting == "child_year"
    assert old.pay_day(2023) == date(2024, 6, 30)
    new = load_contract("helsinki")
    assert new.upgraded_from is None
    assert [c.code for c in old.spec.eligibility.criteria] == [
        c.code for c in new.spec.eligibility.criteria
    ]
    (ongoing,) = [c for c in old.spec.eligibility.criteria if c.rule == "no_ongoing_services"]
    assert ongoing.services == [1, 2, 3, 4, 5, 6, 7, 8]


def test_format1__settles_every_child_year_as_the_format_2_file():
    spells = [
        FollowupSpell("child-A", date(2022, 3, 1), date(2023, 7, 1), "moved_out"),
        FollowupSpell("child-B", date(2021, 1, 1)),
    ]
    episodes = [
        Episode("child-A", 1, date(2023, 2, 1), date(2023, 2, 10), None, 2),
        Episode("child-B", 5, date(2023, 9, 1), None, None, 3),
        Episode("child-B", 2, date(2022, 12, 1), date(2023, 1, 31), 40, 4),
    ]
    figures = []
    for contract in (load_contract(FORMAT_1), load_contract("helsinki")):
        statement = settle(contract, spells, episodes, years=[2022, 2023], as_of=date(2024, 3, 31))
        figures.append(
            (
                [(c.person, c.year, c.base, c.deduction, c.payment) for c in statement.child_years],
                [(u.person, u.year, u.service, u.units, u.amount) for u in statement.lines],
                {y: (t.computed, t.payable, t.status) for y, t in statement.totals.items()},
            )
        )
    assert figures[0] == figures[1]
    assert figures[0][0]  # not vacuous: there are child-years


def test_contract_check__says_a_file_is_read_as_format_1(tmp_path: Path):
    result = run("contract", "check", str(FORMAT_1), cwd=tmp_path)
    assert result.code == 0, result.err
    assert "written in the contract format 1 and read as format 2" in result.out
