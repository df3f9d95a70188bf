"""Scenarios: the assumptions of the savings case and the Monte Carlo, as a readable YAML file.

Every number in a scenario file is written as ``{value, description, source}`` so that a city
analyst can see where it comes from and change it. The built-in scenario ``helsinki-base``
(``src/sibyl/scenarios/helsinki-base.yaml``) is calibrated to the seed's EUR 7.7 M savings
estimate; ``sibyl savings --calibrate AMOUNT --out FILE`` writes a recalibrated copy.

Counterfactual model (DOMAIN.md 3.6): for each service and year of age, the probability that a
target-group child *without the intervention* uses the service in a year, and the units (care
days or working days) used in that year when they do. The intervention lowers every probability
by ``effect_size`` (relative); ``scale`` multiplies every counterfactual probability (the
calibration sets it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from sibyl.errors import Location, SibylInputError
from sibyl.yamlfile import YamlDocument, read_yaml


def modelled_ages(contract: Any) -> tuple[int, int]:
    """The ages a scenario of ``contract`` models: from the youngest age at referral to the age
    the oldest child enrolled on the first day reaches at the end of follow-up (Helsinki: 3 to
    6 + 12 = 18)."""
    youngest = contract.parameter("min_age_years").at(contract.enrolment_start)
    oldest = contract.parameter("max_age_years").at(contract.enrolment_start) - 1
    return youngest, oldest + contract.followup_end.year - contract.enrolment_start.year


@dataclass(frozen=True)
class Flow:
    date: date
    amount: Decimal


@dataclass
class Scenario:
    """A scenario, checked. Probabilities and shares are ``Decimal``."""

    name: str
    source: str
    contract: str
    children: int
    enrolment_pace: dict[int, Decimal]
    age_at_enrolment: dict[int, Decimal]
    followup_end_year: int
    dropout_per_year: Decimal
    effect_size: Decimal
    effect_size_sd: Decimal
    price_growth: Decimal | None
    scale: Decimal
    # probability[service][age], units[service][age] (counterfactual, before ``scale``)
    probability: dict[int, dict[int, Decimal]]
    units: dict[int, dict[int, int]]
    city_costs_per_year: Decimal
    cap: Decimal
    capital_calls: list[Flow]
    provider_payments: list[Flow]
    fees: list[Flow]
    payment_month_day: tuple[int, int]
    distribution_lag_days: int
    batch_size: int = 1000
    seed: int = 2020
    services: tuple[int, ...] = ()
    min_age: int = 0
    max_age: int = 0
    document: YamlDocument | None = field(default=None, repr=False)

    @property
    def ages(self) -> list[int]:
        return list(range(self.min_age, self.max_age + 1))

    @property
    def years(self) -> list[int]:
        return list(range(min(self.enrolment_pace), self.followup_end_year + 1))

    def payment_date(self, year: int) -> date:
        """The day the city pays the outcome payment for ``year`` (the next year)."""
        month, day = self.payment_month_day
        return date(year + 1, month, day)

    def counterfactual_probability(self, service: int, age: int) -> Decimal:
        return self.probability[service].get(age, Decimal(0)) * self.scale

    def with_probability(self, service: int, age: int) -> Decimal:
        return self.counterfactual_probability(service, age) * (1 - self.effect_size)


def builtin_scenarios() -> list[str]:
    root = resources.files("sibyl") / "scenarios"
    return sorted(entry.name[:-5] for entry in root.iterdir() if entry.name.endswith(".yaml"))


def builtin_scenario_path(name: str) -> Path:
    return Path(str(resources.files("sibyl") / "scenarios" / f"{name}.yaml"))


def resolve_scenario(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return path
    builtin = builtin_scenario_path(str(name_or_path))
    if builtin.is_file():
        return builtin
    raise SibylInputError(
        f"{name_or_path!r} is neither a scenario file nor a built-in scenario",
        None,
        f"give a YAML file or the name of a built-in scenario ({', '.join(builtin_scenarios())})",
    )


class _Reader:
    def __init__(self, document: YamlDocument):
        self.doc = document

    def fail(self, path: tuple, what: str, fix: str) -> SibylInputError:
        key = ".".join(str(p) for p in path)
        return SibylInputError(
            what, Location(self.doc.source, self.doc.line_of(path), key=key), fix
        )

    def node(self, *path: Any) -> Any:
        value: Any = self.doc.data
        for position, part in enumerate(path):
            if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
                continue
            if not isinstance(value, dict) or part not in value:
                raise self.fail(
                    path[: position + 1], "is missing", "add it (see helsinki-base.yaml)"
                )
            value = value[part]
        return value

    def number(self, *path: Any, low: Decimal | None = None, high: Decimal | None = None):
        value = self.node(*path)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise self.fail(path, f"{value!r} is not a number", "write a number")
        value = Decimal(value)
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(path, f"{value} is out of range [{low}, {high}]", "correct the value")
        return value

    def value(self, *path: Any, low=None, high=None) -> Decimal:
        self.node(*path, "description")
        self.node(*path, "source")
        return self.number(*path, "value", low=low, high=high)

    def flows(self, *path: Any) -> list[Flow]:
        items = self.node(*path, "value")
        if not isinstance(items, list):
            raise self.fail(path, "is not a list", "write a list of {date, amount}")
        result = []
        for index in range(len(items)):
            where = (*path, "value", index)
            try:
                day = date.fromisoformat(str(self.node(*where, "date")))
            except ValueError:
                raise self.fail(where, "has no valid date", "write YYYY-MM-DD") from None
            result.append(Flow(day, self.number(*where, "amount", low=Decimal(0))))
        return sorted(result, key=lambda f: f.date)

    def shares(self, *path: Any) -> dict[int, Decimal]:
        raw = self.node(*path, "value")
        if not isinstance(raw, dict) or not raw:
            raise self.fail(path, "is not a mapping", "write year: share lines")
        shares = {int(k): self.number(*path, "value", k, low=Decimal(0)) for k in raw}
        if sum(shares.values()) != 1:
            raise self.fail(
                path, f"the shares add up to {sum(shares.values())}", "make them add up to 1"
            )
        return shares


_ONE = Decimal(1)
_ZERO = Decimal(0)


def parse_scenario(document: YamlDocument, contract: Any = None) -> Scenario:
    """Check a scenario file against its contract (``contract``, or the one it names): a
    counterfactual for each of the contract's services, for the ages the contract's cohort
    reaches."""
    r = _Reader(document)
    if contract is None:
        from sibyl.contract import load_contract

        contract = load_contract(str(r.node("contract")))
    codes = tuple(sorted(contract.services))
    youngest, oldest = modelled_ages(contract)
    probability: dict[int, dict[int, Decimal]] = {}
    units: dict[int, dict[int, int]] = {}
    services = r.node("counterfactual", "services")
    for service in codes:
        key = str(service) if str(service) in services else service
        if key not in services:
            raise r.fail(("counterfactual", "services", service), "is missing", "add the service")
        r.node("counterfactual", "services", key, "description")
        r.node("counterfactual", "services", key, "source")
        bands = r.node("counterfactual", "services", key, "by_age")
        probability[service], units[service] = {}, {}
        for index, _band in enumerate(bands):
            where = ("counterfactual", "services", key, "by_age", index)
            first = int(r.number(*where, "from_age", low=Decimal(youngest), high=Decimal(oldest)))
            last = int(r.number(*where, "to_age", low=Decimal(first), high=Decimal(oldest)))
            p = r.number(*where, "probability", low=_ZERO, high=_ONE)
            u = r.number(*where, "units", low=_ZERO, high=Decimal(366))
            for age in range(first, last + 1):
                probability[service][age] = p
                units[service][age] = int(u)
    growth_node = r.node("prices", "price_growth", "value")
    month, day = (int(x) for x in str(r.node("fund", "payment_date", "value")).split("-"))
    scenario = Scenario(
        name=str(r.node("name")),
        source=document.source,
        contract=str(r.node("contract")),
        children=int(r.value("cohort", "children", low=_ONE)),
        enrolment_pace=r.shares("cohort", "enrolment_pace"),
        age_at_enrolment=r.shares("cohort", "age_at_enrolment"),
        followup_end_year=int(r.value("cohort", "followup_end_year")),
        dropout_per_year=r.value("cohort", "dropout_per_year", low=_ZERO, high=_ONE),
        effect_size=r.value("intervention", "effect_size", low=_ZERO, high=_ONE),
        effect_size_sd=r.value("intervention", "effect_size_sd", low=_ZERO, high=_ONE),
        price_growth=None if growth_node is None else r.value("prices", "price_growth"),
        scale=r.value("counterfactual", "scale", low=_ZERO),
        probability=probability,
        units=units,
        city_costs_per_year=r.value("city_costs", "per_year", low=_ZERO),
        cap=r.value("fund", "cap", low=_ZERO),
        capital_calls=r.flows("fund", "capital_calls"),
        provider_payments=r.flows("fund", "provider_payments"),
        fees=r.flows("fund", "fees"),
        payment_month_day=(month, day),
        distribution_lag_days=int(r.value("fund", "distribution_lag_days", low=_ZERO)),
        batch_size=int(r.value("monte_carlo", "batch_size", low=_ONE)),
        seed=int(r.value("monte_carlo", "seed", low=_ZERO)),
        services=codes,
        min_age=youngest,
        max_age=oldest,
        document=document,
    )
    for service in codes:
        for age, p in probability[service].items():
            if p * scenario.scale > 1:
                raise r.fail(
                    ("counterfactual", "scale"),
                    f"scale × probability of service {service} at age {age} is above 1",
                    "lower the scale or the probability",
                )
    return scenario


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and check a scenario file or a built-in scenario (``helsinki-base``)."""
    return parse_scenario(read_yaml(resolve_scenario(name_or_path)))


def write_with_scale(scenario: Scenario, scale: Decimal, note: str, out: str | Path) -> None:
    """Write the scenario's own text with ``counterfactual.scale`` replaced (comments kept)."""
    document = scenario.document
    assert document is not None
    text = Path(resolve_scenario(document.source)).read_text(encoding="utf-8").splitlines()
    for key, replacement in (("value", f"{scale}"), ("source", json.dumps(note))):
        line = document.lines[("counterfactual", "scale", key)] - 1
        text[line] = re.sub(
            rf"^(\s*{key}:\s*).*$", lambda m, rep=replacement: m.group(1) + rep, text[line]
        )
    Path(out).write_text("\n".join(text) + "\n", encoding="utf-8")
