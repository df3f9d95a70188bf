"""The annual report's section on an ``outcome_events`` component (English, with Finnish)."""

from __future__ import annotations

from sibyl.mechanisms.base import Component, ReportSection
from sibyl.mechanisms.parameters import for_year

FI: dict[str, str] = {
    "Outcomes on the rate card": "Hinnaston tulokset",
    "Most paid for one child": "Enimmäismaksu yhdestä lapsesta",
    "Most paid in a year": "Vuoden enimmäismaksu",
    "none": "ei ole",
    "Outcome claims: each claim is paid at the outcome's price when the child is in follow-up on "
    "the day it was reached, inside the outcome's window from enrolment, after the outcomes it "
    "requires, once per child and outcome, and within the child's cap.": (
        "Tulosvaatimukset: vaatimus maksetaan tuloksen hinnalla, kun lapsi on seurannassa "
        "tuloksen saavuttamispäivänä, tuloksen aikaikkunan sisällä mukaantulosta, sen "
        "edellyttämien tulosten jälkeen, kerran lasta ja tulosta kohden ja lapsen katon "
        "puitteissa."
    ),
}


def report_section(component: Component, year: int) -> ReportSection:
    parameters = component.parameters
    cap = for_year(parameters, "subject_cap", year)
    year_cap = for_year(parameters, "year_cap", year)
    return ReportSection(
        facts=(
            ("Outcomes on the rate card", len(parameters.rate_card.outcomes)),
            ("Most paid for one child", cap if cap is not None else "none"),
            ("Most paid in a year", year_cap if year_cap is not None else "none"),
        ),
        steps=(
            (
                "Outcome claims: each claim is paid at the outcome's price when the child is in "
                "follow-up on the day it was reached, inside the outcome's window from "
                "enrolment, after the outcomes it requires, once per child and outcome, and "
                "within the child's cap.",
                {},
            ),
        ),
    )
