"""``outcome_events``: a rate card, a price for each outcome a child (or its family) reaches,
claimed with evidence (UK outcomes funds; Karviainen's education and employment outcomes).
README.md here states the rule clause by clause."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from sibyl.mechanisms.base import (
    N_,
    InputSpec,
    Labels,
    Problem,
)
from sibyl.mechanisms.outcome_events import engine, expected, explain, report
from sibyl.mechanisms.outcome_events.claims import read_claims
from sibyl.mechanisms.outcome_events.parameters import OutcomeEvents
from sibyl.mechanisms.parameters import for_year
from sibyl.money import to_cents
from sibyl.settlement.netting import YearRule


class OutcomeEventsMechanism:
    name: ClassVar[str] = "outcome_events"
    parameters = OutcomeEvents
    labels = Labels(
        base=N_("Outcomes claimed"),
        deduction=N_("Deductions"),
        payment=N_("Payment"),
        by_service=N_("Use of the services by service"),
    )
    inputs: ClassVar[dict[str, InputSpec]] = {
        engine.INPUT: InputSpec(
            name=engine.INPUT,
            description=(
                "the outcome claims: claim_id, hetu (or pseudonym), outcome, achieved_on, evidence"
            ),
            reader=read_claims,
        )
    }
    folder = Path(__file__).parent
    texts_fi = report.FI
    engine = staticmethod(engine.engine)
    explain = staticmethod(explain.explain)
    expected = staticmethod(expected.expected)
    report_section = staticmethod(report.report_section)

    def check(self, parameters: OutcomeEvents, spec: Any) -> list[Problem]:
        return []

    def year_rule(self, parameters: OutcomeEvents, year: int) -> YearRule:
        cap = for_year(parameters, "year_cap", year)
        return YearRule(cap_cents=None if cap is None else to_cents(cap))

    def needs_birth_years(self, parameters: OutcomeEvents) -> bool:
        return False


MECHANISM = OutcomeEventsMechanism()
