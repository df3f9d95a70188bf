"""The annual report's section on a ``forecast_savings`` component (English, with Finnish)."""

from __future__ import annotations

from sibyl.mechanisms.base import Component, ReportSection
from sibyl.mechanisms.forecast_savings.engine import share_of
from sibyl.mechanisms.parameters import for_year

FI: dict[str, str] = {
    "Share of the saving paid": "Maksettava osuus säästöstä",
    "Forecast": "Ennuste",
    "by year since enrolment": "mukaantulosta kuluneiden vuosien mukaan",
    "by age": "iän mukaan",
    "Most paid in a year": "Vuoden enimmäismaksu",
    "Least paid in a year": "Vuoden vähimmäismaksu",
    "none": "ei ole",
    "Forecast line = the forecast's expected units of a service per child-year × the year's unit "
    "price × days in follow-up ÷ days in the year, rounded half up to the cent.": (
        "Ennusterivi = palvelun ennustetut yksiköt lapsivuotta kohden × vuoden yksikköhinta × "
        "seurantapäivät ÷ vuoden päivät, pyöristettynä sentteihin (puolikkaat ylöspäin)."
    ),
    "Actual cost = the priced use of the same services from the register (units × unit price, "
    "rounded half up to the cent per line).": (
        "Toteutunut kustannus = samojen palvelujen hinnoiteltu käyttö rekisteristä (yksiköt × "
        "yksikköhinta, pyöristettynä sentteihin riveittäin)."
    ),
    "Payment = {share} of (the forecast − the actual cost), not below 0, rounded half up to the "
    "cent.": "Maksu = {share} (ennuste − toteutunut kustannus), vähintään 0, pyöristettynä "
    "sentteihin (puolikkaat ylöspäin).",
    "Over the cohort: the year's payment is {share} of (the sum of the forecasts − the sum of "
    "the actual costs), not below 0.": "Koko kohortin yli: vuoden maksu on {share} "
    "(ennusteiden summa − toteutuneiden kustannusten summa), vähintään 0.",
}


def report_section(component: Component, year: int) -> ReportSection:
    parameters = component.parameters
    netting = for_year(parameters, "netting", year)
    share = share_of(parameters, year)
    floor = for_year(parameters, "year_floor", year)
    cap = for_year(parameters, "year_cap", year)
    steps: list[tuple[str, dict]] = [
        (
            "Forecast line = the forecast's expected units of a service per child-year × the "
            "year's unit price × days in follow-up ÷ days in the year, rounded half up to the "
            "cent.",
            {},
        ),
        (
            "Actual cost = the priced use of the same services from the register (units × unit "
            "price, rounded half up to the cent per line).",
            {},
        ),
        (
            "Payment = {share} of (the forecast − the actual cost), not below 0, rounded half up "
            "to the cent.",
            {"share": share},
        ),
    ]
    if netting == "cohort_year":
        steps.append(
            (
                "Over the cohort: the year's payment is {share} of (the sum of the forecasts − "
                "the sum of the actual costs), not below 0.",
                {"share": share},
            )
        )
    by = "by year since enrolment" if parameters.forecast.by == "year_since_enrolment" else "by age"
    return ReportSection(
        facts=(
            ("Netting", "per child-year" if netting == "child_year" else "over the cohort"),
            ("Share of the saving paid", share),
            ("Forecast", by),
            ("Least paid in a year", floor if floor is not None else "none"),
            ("Most paid in a year", cap if cap is not None else "none"),
        ),
        steps=tuple(steps),
    )
