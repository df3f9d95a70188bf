"""``forecast_savings``: a share of what the children's priced use of the services falls short of
a frozen forecast (Hämeenlinna's Icehearts contract; Karkkila & Vihti's Karviainen). README.md
here states the rule clause by clause."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from sibyl.mechanisms.base import (
    N_,
    Labels,
    Problem,
)
from sibyl.mechanisms.forecast_savings import engine, expected, explain, report
from sibyl.mechanisms.forecast_savings.parameters import ForecastSavings
from sibyl.mechanisms.parameters import for_year
from sibyl.money import to_cents
from sibyl.settlement.netting import YearRule


def reachable_keys(parameters: ForecastSavings, spec: Any) -> range:
    """The years since enrolment (or ages) that a child of the contract can reach in follow-up."""
    first, last = spec.dates.enrolment_start.value, spec.dates.followup_end.value
    span = last.year - first.year
    if parameters.forecast.by == "year_since_enrolment":
        return range(1, span + 2)
    youngest = spec.parameters.min_age_years.at(first)
    oldest = spec.parameters.max_age_years.at(first)
    return range(youngest, oldest + span + 1)


class ForecastSavingsMechanism:
    name: ClassVar[str] = "forecast_savings"
    parameters = ForecastSavings
    labels = Labels(
        base=N_("Forecast cost"),
        deduction=N_("Actual cost"),
        payment=N_("Payment"),
        by_service=N_("Actual cost by service"),
    )
    inputs: ClassVar[dict] = {}
    folder = Path(__file__).parent
    texts_fi = report.FI
    engine = staticmethod(engine.engine)
    explain = staticmethod(explain.explain)
    expected = staticmethod(expected.expected)
    report_section = staticmethod(report.report_section)

    def check(self, parameters: ForecastSavings, spec: Any) -> list[Problem]:
        codes = {service.code for service in spec.services.items}
        problems: list[Problem] = []
        for index, row in enumerate(parameters.forecast.rows):
            if row.service not in codes:
                problems.append(
                    Problem(
                        ("forecast", "rows", index, "service"),
                        f"service {row.service} is not among the contract's services; use one "
                        f"of {', '.join(str(c) for c in sorted(codes)) or '(none listed)'}",
                    )
                )
        units = parameters.forecast.units()
        word = parameters.forecast.by.replace("_", " ")
        keys = reachable_keys(parameters, spec)
        for service in parameters.forecast.services:
            missing = [key for key in keys if (key, service) not in units]
            if missing:
                problems.append(
                    Problem(
                        ("forecast", "rows"),
                        f"the forecast of service {service} has no row for {word} "
                        f"{_ranges(missing)}, which follow-up reaches "
                        f"({keys.start}–{keys.stop - 1}); add rows (0 units where none is "
                        "expected)",
                    )
                )
        return problems

    def year_rule(self, parameters: ForecastSavings, year: int) -> YearRule:
        floor = for_year(parameters, "year_floor", year)
        cap = for_year(parameters, "year_cap", year)
        return YearRule(
            netting=for_year(parameters, "netting", year),
            share=engine.share_of(parameters, year),
            floor_cents=None if floor is None else to_cents(floor),
            cap_cents=None if cap is None else to_cents(cap),
        )

    def needs_birth_years(self, parameters: ForecastSavings) -> bool:
        return parameters.forecast.by == "age"


def _ranges(keys: list[int]) -> str:
    parts: list[str] = []
    start = prev = keys[0]
    for key in [*keys[1:], None]:
        if key is not None and key == prev + 1:
            prev = key
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if key is not None:
            start = prev = key
    return ", ".join(parts)


MECHANISM = ForecastSavingsMechanism()
