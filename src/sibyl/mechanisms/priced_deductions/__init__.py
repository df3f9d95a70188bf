"""``priced_deductions``: a base per child-year in follow-up, minus the priced use of the
contract's services (Helsinki's Lapset SIB). README.md here states the rule clause by clause."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from sibyl.mechanisms.base import (
    N_,
    Labels,
    Problem,
)
from sibyl.mechanisms.parameters import for_year
from sibyl.mechanisms.priced_deductions import engine, expected, explain, report
from sibyl.mechanisms.priced_deductions.parameters import PricedDeductions
from sibyl.settlement.netting import YearRule


class PricedDeductionsMechanism:
    name: ClassVar[str] = "priced_deductions"
    parameters = PricedDeductions
    labels = Labels(
        base=N_("Base"),
        deduction=N_("Deductions"),
        payment=N_("Payment"),
        by_service=N_("Deductions by service"),
    )
    inputs: ClassVar[dict] = {}
    folder = Path(__file__).parent
    texts_fi = report.FI
    engine = staticmethod(engine.engine)
    explain = staticmethod(explain.explain)
    expected = staticmethod(expected.expected)
    report_section = staticmethod(report.report_section)

    def check(self, parameters: PricedDeductions, spec: Any) -> list[Problem]:
        codes = {service.code for service in spec.services.items}
        problems: list[Problem] = []
        if not codes:
            problems.append(
                Problem(
                    (), "priced deductions need the contract's services; list them under services"
                )
            )
        for index, code in enumerate(parameters.services or []):
            if code not in codes:
                problems.append(
                    Problem(
                        ("services", index),
                        f"service {code} is not among the contract's services; use one of "
                        f"{', '.join(str(c) for c in sorted(codes))}",
                    )
                )
        return problems

    def year_rule(self, parameters: PricedDeductions, year: int) -> YearRule:
        return YearRule(netting=for_year(parameters, "netting", year))

    def needs_birth_years(self, parameters: PricedDeductions) -> bool:
        return False


MECHANISM = PricedDeductionsMechanism()
