"""The annual report's section on a ``priced_deductions`` component (English, with Finnish)."""

from __future__ import annotations

from sibyl.mechanisms.base import Component, ReportSection
from sibyl.mechanisms.parameters import for_year

FI: dict[str, str] = {
    "Base per child-year": "Perusmaksu lapsivuodelta",
    "Deduction line = units × unit price, rounded half up to the cent; unit prices are kept "
    "exact (care days: the daily price; working days: annual cost ÷ clients ÷ working days of "
    "the year).": "Vähennysrivi = yksiköt × yksikköhinta, pyöristettynä sentteihin (puolikkaat "
    "ylöspäin); yksikköhinnat pidetään tarkkoina (hoitopäivät: päivähinta; arkipäivät: "
    "vuosikustannus ÷ asiakkaat ÷ vuoden arkipäivät).",
    "Base = the base per child-year × days in follow-up ÷ days in the year, rounded half up to "
    "the cent; payment = the base − the deductions, not below 0.": "Perusmaksu = perusmaksu "
    "lapsivuodelta × seurantapäivät ÷ vuoden päivät, pyöristettynä sentteihin (puolikkaat "
    "ylöspäin); maksu = perusmaksu − vähennykset, vähintään 0.",
    "Over the cohort: the year's payment is the sum of the bases − the sum of the deductions, "
    "not below 0.": "Koko kohortin yli: vuoden maksu on perusmaksujen summa − vähennysten "
    "summa, vähintään 0.",
}


def report_section(component: Component, year: int) -> ReportSection:
    parameters = component.parameters
    netting = for_year(parameters, "netting", year)
    steps: list[tuple[str, dict]] = [
        (
            "Deduction line = units × unit price, rounded half up to the cent; unit prices are "
            "kept exact (care days: the daily price; working days: annual cost ÷ clients ÷ "
            "working days of the year).",
            {},
        ),
        (
            "Base = the base per child-year × days in follow-up ÷ days in the year, rounded half "
            "up to the cent; payment = the base − the deductions, not below 0.",
            {},
        ),
    ]
    if netting == "cohort_year":
        steps.append(
            (
                "Over the cohort: the year's payment is the sum of the bases − the sum of the "
                "deductions, not below 0.",
                {},
            )
        )
    return ReportSection(
        facts=(
            ("Netting", "per child-year" if netting == "child_year" else "over the cohort"),
            ("Base per child-year", for_year(parameters, "base_per_child_year", year)),
        ),
        steps=tuple(steps),
    )
