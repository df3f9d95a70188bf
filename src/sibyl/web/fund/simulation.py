"""The savings case and the Monte Carlo for the simulation page and its charts.

A run is fixed by its parameters (scenario, runs, seed, effect size, base payment): the same
parameters give the same figures (``sibyl.finance.montecarlo.simulate`` is seeded), so the page
and its two charts, three requests, share one computation through a small cache instead of
simulating three times. Nothing is stored.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from sibyl.contract import Contract
from sibyl.errors import SibylInputError
from sibyl.finance.montecarlo import Result, simulate
from sibyl.finance.savings import SavingsCase, savings_case
from sibyl.finance.scenario import Scenario, load_scenario
from sibyl.web.ui.contracts import contract_of

MIN_RUNS = 1_000
MAX_RUNS = 20_000
MAX_SEED = 2**32 - 1
PERCENTILES = (5, 25, 50, 75, 95)


@functools.cache
def _builtin(name: str) -> Scenario:
    return load_scenario(name)


def scenarios_for(contract_id: str) -> list[str]:
    """The built-in scenarios of the contract (``src/sibyl/scenarios/*.yaml``), by name."""
    folder = resources.files("sibyl") / "scenarios"
    names = sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )
    found = []
    for name in names:
        try:
            if _builtin(name).contract == contract_id:
                found.append(name)
        except SibylInputError:  # a broken scenario file is not offered
            continue
    return found


@dataclass(frozen=True)
class Parameters:
    scenario: str
    runs: int
    seed: int | None
    effect_size: Decimal | None
    base: Decimal | None
    contract_id: str


@dataclass(frozen=True)
class Simulation:
    """What the page shows: the scenario as run, its savings case and the Monte Carlo."""

    scenario: Scenario
    contract: Contract
    seed: int
    case: SavingsCase
    result: Result


@functools.lru_cache(maxsize=4)
def run(parameters: Parameters) -> Simulation:
    """The savings case and ``parameters.runs`` Monte Carlo runs (cached: the page and its charts
    ask for the same run)."""
    scenario = _builtin(parameters.scenario)
    if parameters.effect_size is not None:
        scenario = dataclasses.replace(scenario, effect_size=parameters.effect_size)
    contract = contract_of(parameters.contract_id)
    if parameters.base is not None:
        contract = contract.with_parameters(base_per_child_year=parameters.base)
    seed = scenario.seed if parameters.seed is None else parameters.seed
    return Simulation(
        scenario=scenario,
        contract=contract,
        seed=seed,
        case=savings_case(scenario, contract),
        result=simulate(scenario, parameters.runs, seed, contract=contract),
    )
