"""Pytest plugin: every case of ``tests/eligibility/scenarios/*.yaml`` is one test of screening.

Each case describes a referral by what differs from a referral that meets every criterion of the
Helsinki contract (the ``BASE`` below), screens it with :func:`sibyl.eligibility.screen`, and
compares the failed criteria as a complete set; ``evidence`` checks words of a criterion's
evidence. The format is in ``scenarios/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from sibyl.contract import Contract, load_contract
from sibyl.eligibility import Decision, Referral, criteria_codes, items_of, screen
from sibyl.identity import make
from sibyl.register.model import Episode
from sibyl.register.referrals import parse_source, with_register_services

SCENARIOS = Path(__file__).parent / "scenarios"

#: A referral that meets every criterion of the Helsinki contract: a 4-year-old in Vuosaari,
#: referred by early childhood education, two difficulties, a parent out of work, a stressful
#: life situation, no ongoing services.
BASE: dict[str, Any] = {
    "born": date(2018, 6, 15),
    "referred_on": date(2022, 9, 1),
    "district": "Vuosaari",
    "source": "early_childhood_education",
    "difficulties": ["concentration", "behaviour"],
    "parent": ["out_of_work"],
    "family": ["stressful_life_situation"],
    "ongoing_services": [],
}
KEYS = {*BASE, "register", "answers"}
GROUPS = {"difficulties": ("difficulties", ""), "parent": ("parent_situation", "parent_"),
          "family": ("family_situation", "")}  # fmt: skip
"""The Helsinki keys of a case's answers: each the items of a criterion of the contract (the
criterion's code, and the prefix the case leaves out of the item codes)."""
CASE_KEYS = {"name", "referral", "failed", "evidence"}
FILE_KEYS = {"name", "rule", "contract", "parameters", "cases"}


class ScenarioFileError(Exception):
    """A scenario file that does not follow the format."""


class ScenarioMismatch(AssertionError):
    """The screening differs from the scenario's expectation."""


@dataclass(frozen=True)
class Case:
    name: str
    referral: dict[str, Any]
    failed: list[str]
    evidence: dict[str, str]


@cache
def scenario_contract(name: str, parameters: tuple[tuple[str, Any], ...]) -> Contract:
    contract = load_contract(name)
    if parameters:
        contract = contract.with_parameters(**dict(parameters))
    return contract


def _answers(values: dict[str, Any], contract: Contract, where: str) -> dict[str, bool]:
    """The referral's answers: ``answers`` (the items answered yes, any contract), or else the
    Helsinki keys ``difficulties``, ``parent`` and ``family`` (each the items of a criterion
    answered yes, the others of the criterion no)."""
    items = [item.code for item in items_of(contract)]
    if "answers" in values:
        chosen = list(values["answers"] or [])
        unknown = [name for name in chosen if name not in items]
        if unknown:
            raise ScenarioFileError(f"{where}: unknown items {unknown}; allowed: {items}")
        return {item: item in chosen for item in items}
    criteria = {criterion.code: criterion for criterion in contract.spec.eligibility.criteria}
    answers = dict.fromkeys(items, False)
    for key, (code, prefix) in GROUPS.items():
        if code not in criteria:
            raise ScenarioFileError(f"{where}: the contract has no criterion {code}; use answers")
        allowed = criteria[code].items
        names = [f"{prefix}{value}" for value in values[key]]
        unknown = [name for name in names if name not in allowed]
        if unknown:
            raise ScenarioFileError(f"{where}: unknown {unknown}; allowed: {list(allowed)}")
        answers.update({name: name in names for name in allowed})
    return answers


def build_referral(values: dict[str, Any], where: str, contract: Contract) -> Referral:
    """The case's referral: the base with the case's keys replaced."""
    unknown = set(values) - KEYS
    if unknown:
        raise ScenarioFileError(f"{where}: unknown referral keys {sorted(unknown)}")
    data = {**BASE, **values}
    source = parse_source(str(data["source"]))
    if source is None:
        raise ScenarioFileError(f"{where}: unknown referral source {data['source']!r}")
    hetu = make(data["born"], 123)
    referral = Referral(
        referral_id="case",
        hetu=hetu,
        referred_on=data["referred_on"],
        district=str(data["district"]),
        referral_source=source,
        answers=_answers(data, contract, where),
        ongoing_services=frozenset(data["ongoing_services"]),
    )
    if "register" in values:
        episodes = [
            Episode(hetu, int(row["service"]), row["start"], row.get("end"), None, number)
            for number, row in enumerate(values["register"], start=2)
        ]
        [referral] = with_register_services([referral], episodes)
    return referral


def load_cases(path: Path) -> tuple[dict[str, Any], list[Case]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) - FILE_KEYS or "cases" not in data:
        raise ScenarioFileError(f"{path.name}: a mapping with the keys {sorted(FILE_KEYS)}")
    parameters = tuple(sorted((data.get("parameters") or {}).items()))
    codes = criteria_codes(scenario_contract(str(data.get("contract", "helsinki")), parameters))
    cases = []
    for number, raw in enumerate(data["cases"], start=1):
        where = f"{path.name}, case {number}"
        if not isinstance(raw, dict) or set(raw) - CASE_KEYS or "failed" not in raw:
            raise ScenarioFileError(f"{where}: a case has the keys {sorted(CASE_KEYS)}")
        wrong = [code for code in [*raw["failed"], *raw.get("evidence", {})] if code not in codes]
        if wrong:
            raise ScenarioFileError(f"{where}: unknown criteria {wrong}; use {list(codes)}")
        cases.append(
            Case(
                name=str(raw.get("name", f"case {number}")),
                referral=raw.get("referral") or {},
                failed=sorted(raw["failed"]),
                evidence=raw.get("evidence") or {},
            )
        )
    return data, cases


def differences(case: Case, decision: Decision) -> list[str]:
    found = []
    if decision.failed != case.failed:
        found.append(f"failed: expected {case.failed}, screened {decision.failed}")
    if decision.eligible != (not case.failed):
        found.append(f"eligible: screened {decision.eligible}")
    by_code = {result.code: result for result in decision.criteria}
    for code, words in case.evidence.items():
        if str(words) not in by_code[code].evidence:
            found.append(f"evidence of {code}: {words!r} not in {by_code[code].evidence!r}")
    return found


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent == SCENARIOS:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        data, cases = load_cases(self.path)
        parameters = tuple(sorted((data.get("parameters") or {}).items()))
        for case in cases:
            yield ScenarioItem.from_parent(
                self,
                name=case.name,
                case=case,
                contract=str(data.get("contract", "helsinki")),
                parameters=parameters,
            )


class ScenarioItem(pytest.Item):
    def __init__(self, *, case: Case, contract: str, parameters: tuple, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.contract_name = contract
        self.parameters = parameters

    def runtest(self) -> None:
        contract = scenario_contract(self.contract_name, self.parameters)
        referral = build_referral(
            self.case.referral, f"{self.path.name}: {self.case.name}", contract
        )
        decision = screen(referral, contract)
        found = differences(self.case, decision)
        if found:
            evidence = "\n".join(f"  {r.code}: {r.met} – {r.evidence}" for r in decision.criteria)
            raise ScenarioMismatch(
                f"{self.path.name}: {self.case.name}\n"
                + "\n".join(found)
                + f"\nreferral: {self.case.referral}\ncriteria:\n{evidence}"
            )

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioMismatch | ScenarioFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"scenario {self.path.name}: {self.name}"
