"""Pytest plugin: every scenario file is one test of the settlement engine.

Two kinds of file, one format (README.md here):

* ``tests/scenarios/*.yaml``, the rules of DOMAIN.md 3.1–3.4, are collected as files: one test
  per file, named after it;
* ``src/sibyl/mechanisms/<name>/scenarios/*.yaml``, each payment mechanism's own, live outside
  ``testpaths``; ``test_mechanism_scenarios.py`` here parametrises over them with the fixture
  :func:`check_scenario`, so that a plain ``pytest`` runs them too.

The file's contract (a built-in one, or a contract file beside the scenario, with the parameter
and price overrides), cohort, register and claims go into ``sibyl.settlement.settle``; the
child-year lines, the deduction lines and the detail lines of the scenario's years must equal the
expected ones as complete sets, and the totals the file names must match. A failure lists every
difference, then the file's own working.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reference import (  # tests/ is on the path (pyproject: pythonpath)
    TOTAL_KEYS,
    Scenario,
    ScenarioFileError,
    difference_report,
    load_scenario,
    scenario_differences,
)

PRICE_COLUMNS = ["year", "service", "basis", "daily_price", "annual_cost", "clients", "status"]
CLAIM_COLUMNS = ["claim_id", "pseudonym", "outcome", "achieved_on", "evidence"]


def scenario_contract(scenario: Scenario, workdir: Path) -> Any:
    """The scenario's contract, with its parameter overrides and its own price list, if any."""
    from sibyl.contract import load_contract, load_prices

    contract = load_contract(scenario.contract_path or scenario.contract)
    if scenario.parameters:
        contract = contract.with_parameters(**scenario.parameters)
    if scenario.price_rows is not None:
        path = workdir / "prices.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=PRICE_COLUMNS)
            writer.writeheader()
            for row in scenario.price_rows:
                writer.writerow({name: row.get(name, "") for name in PRICE_COLUMNS})
        prices = load_prices(
            path,
            services={code: service.basis for code, service in contract.services.items()},
            calendar=contract.calendar,
        )
        contract = contract.with_prices(prices)
    return contract


def scenario_inputs(scenario: Scenario, contract: Any, workdir: Path) -> dict[str, Any]:
    """The mechanisms' own inputs: the scenario's claims, written as a claims file and read
    with the claims reader (``sibyl.mechanisms.outcome_events.claims``), as ``sibyl settle
    --input claims=FILE`` does. A contract that reads claims gets an empty file when the
    scenario lists none."""
    needs_claims = "claims" in contract.input_names
    if scenario.claims is None and not needs_claims:
        return {}
    if not needs_claims:
        raise ScenarioFileError(
            f"{scenario.label}: the scenario lists claims, but its contract has no component "
            "that reads them (outcome_events)"
        )
    from sibyl.mechanisms.outcome_events.claims import read_claims

    path = workdir / "claims.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CLAIM_COLUMNS)
        for claim in scenario.claims or []:
            writer.writerow(
                [
                    claim["claim_id"],
                    claim["child"],
                    claim["outcome"],
                    claim["achieved_on"].isoformat(),
                    claim["evidence"],
                ]
            )
    claims = read_claims(path, contract)
    if claims.rejects:
        reasons = "; ".join(f"claim on line {r.line - 1}: {r.reason}" for r in claims.rejects)
        raise ScenarioFileError(f"{scenario.label}: the claims reader refused {reasons}")
    return {"claims": claims}


def claim_of(detail: Any) -> str:
    """The claim id of a claim's detail line: its note begins ``claim <id>; evidence …``."""
    if detail.kind != "claim":
        return ""
    return detail.note.split("; evidence ", 1)[0].removeprefix("claim ")


def statement_rows(statement: Any) -> tuple[dict, dict, dict, dict]:
    """A statement as plain dicts for :func:`reference.scenario_differences`."""
    children = {
        (row.person, row.year): {
            "followup_days": row.followup_days,
            "base": row.base,
            "deduction": row.deduction,
            "payment": row.payment,
            "components": {
                part.component: {
                    "base": part.base,
                    "deduction": part.deduction,
                    "payment": part.payment,
                }
                for part in row.components
            },
        }
        for row in statement.child_years
    }
    lines = {
        (row.person, row.year, row.service): {"units": row.units, "amount": row.amount}
        for row in statement.lines
    }
    totals = {
        year: {name: getattr(row, name) for name in TOTAL_KEYS}
        | {
            "components": {
                part.component: {
                    "mechanism": part.mechanism,
                    "netting": part.netting,
                    "base": part.base,
                    "deductions": part.deductions,
                    "computed": part.computed,
                    "limits": part.limits,
                }
                for part in row.components
            }
        }
        for year, row in statement.totals.items()
    }
    details: dict[tuple, dict] = {}
    for line in statement.details:
        key = (line.person, line.year, line.component, line.kind, line.item, claim_of(line))
        if key in details:
            raise ScenarioMismatch(f"the statement has two detail lines for {key}")
        details[key] = {"quantity": line.quantity, "amount": line.amount, "status": line.status}
    return children, lines, totals, details


def run_engine(scenario: Scenario, *, explain: bool = False) -> tuple[dict, dict, dict, dict]:
    """Run the engine on a scenario; its results as plain dicts. With ``explain``, also explain
    every child-year and check that the explanation gives the statement's figures."""
    from sibyl.settlement import settle

    with tempfile.TemporaryDirectory(prefix="sibyl-scenario-") as workdir:
        contract = scenario_contract(scenario, Path(workdir))
        inputs = scenario_inputs(scenario, contract, Path(workdir))
        statement = settle(
            contract,
            scenario.spells,
            scenario.episodes,
            years=scenario.years,
            as_of=scenario.as_of,
            identifier="pseudonym",
            paid_before=scenario.paid_before,
            mechanism_inputs=inputs,
            birth_years=scenario.birth_years or None,
        )
        if explain:
            check_explanations(scenario, contract, statement, inputs)
    return statement_rows(statement)


def check_explanations(scenario: Scenario, contract: Any, statement: Any, inputs: dict) -> None:
    """The explanation of each child-year (``sibyl explain``) gives the statement's base,
    deduction and payment, in total and per component, and its text can be written out."""
    from sibyl.settlement.explain import explain

    problems: list[str] = []
    for row in statement.child_years:
        explanation = explain(
            contract,
            scenario.spells,
            scenario.episodes,
            person=row.person,
            year=row.year,
            as_of=scenario.as_of,
            mechanism_inputs=inputs,
            birth_years=scenario.birth_years or None,
        )
        explanation.lines()
        label = f"explanation [child {row.person}, year {row.year}]"
        for name in ("followup_days", "base", "deduction", "payment"):
            if getattr(explanation, name) != getattr(row, name):
                problems.append(
                    f"  {label} {name}: the statement has {getattr(row, name)}, the explanation "
                    f"{getattr(explanation, name)}"
                )
        explained = {part.component: part for part in explanation.components}
        for part in row.components:
            mine = explained.get(part.component)
            if mine is None:
                problems.append(f"  {label}: no explanation of the component {part.component}")
                continue
            for name in ("base", "deduction", "payment"):
                if getattr(mine, name) != getattr(part, name):
                    problems.append(
                        f"  {label} component {part.component} {name}: the statement has "
                        f"{getattr(part, name)}, the explanation {getattr(mine, name)}"
                    )
    if problems:
        raise ScenarioMismatch(difference_report(scenario, problems, "The explanation"))


class ScenarioMismatch(AssertionError):
    """The engine's result differs from the scenario's expectations."""


def check_scenario_file(path: Path, *, explain: bool = False) -> None:
    """Run the engine on one scenario file; :class:`ScenarioMismatch` lists every difference."""
    scenario = load_scenario(path)
    children, lines, totals, details = run_engine(scenario, explain=explain)
    differences = scenario_differences(scenario, children, lines, totals, details)
    if differences:
        raise ScenarioMismatch(difference_report(scenario, differences, "The engine"))


@pytest.fixture
def check_scenario() -> Callable[[Path], None]:
    """Check a scenario file against the engine and its explanations; a failure shows the
    differences and the file's working, without a traceback."""

    def check(path: Path) -> None:
        try:
            check_scenario_file(path, explain=True)
        except (ScenarioMismatch, ScenarioFileError) as exc:
            pytest.fail(str(exc), pytrace=False)

    return check


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent == Path(__file__).parent:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):  # one scenario per file
        yield ScenarioItem.from_parent(self, name=self.path.stem)


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        check_scenario_file(self.path)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioMismatch | ScenarioFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"scenario {self.path.name}"
