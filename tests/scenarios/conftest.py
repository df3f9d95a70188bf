"""Pytest plugin: every ``tests/scenarios/*.yaml`` file is one test of the settlement engine.

The file's contract (with its parameter and price overrides), cohort and register go into
``sibyl.settlement.settle``; the child-year lines and the deduction lines of the scenario's years
must equal the expected ones as complete sets, and the totals the file names must match. A
failure lists every difference, then the file's own working. The format is in README.md here.
"""

from __future__ import annotations

import csv
import tempfile
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


def scenario_contract(scenario: Scenario, workdir: Path) -> Any:
    """The scenario's contract, with its parameter overrides and its own price list, if any."""
    from sibyl.contract import load_contract, load_prices

    contract = load_contract(scenario.contract)
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


def engine_results(scenario: Scenario, settle: Any) -> tuple[dict, dict, dict]:
    """Run the engine on a scenario; its results as plain dicts for :func:`scenario_differences`."""
    with tempfile.TemporaryDirectory(prefix="sibyl-scenario-") as workdir:
        contract = scenario_contract(scenario, Path(workdir))
        statement = settle(
            contract,
            scenario.spells,
            scenario.episodes,
            years=scenario.years,
            as_of=scenario.as_of,
            identifier="pseudonym",
            paid_before=scenario.paid_before,
        )
    children = {
        (row.person, row.year): {
            "followup_days": row.followup_days,
            "base": row.base,
            "deduction": row.deduction,
            "payment": row.payment,
        }
        for row in statement.child_years
    }
    lines = {
        (row.person, row.year, row.service): {"units": row.units, "amount": row.amount}
        for row in statement.lines
    }
    totals = {
        year: {name: getattr(row, name) for name in TOTAL_KEYS}
        for year, row in statement.totals.items()
    }
    return children, lines, totals


class ScenarioMismatch(AssertionError):
    """The engine's result differs from the scenario's expectations."""


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent == Path(__file__).parent:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):  # one scenario per file
        yield ScenarioItem.from_parent(self, name=self.path.stem)


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        scenario = load_scenario(self.path)
        from sibyl.settlement import settle

        children, lines, totals = engine_results(scenario, settle)
        differences = scenario_differences(scenario, children, lines, totals)
        if differences:
            raise ScenarioMismatch(difference_report(scenario, differences, "The engine"))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioMismatch | ScenarioFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"scenario {self.path.name}"
