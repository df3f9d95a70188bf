"""The annual report's figures: plain dataclasses of ints, Decimals and dates.

``sibyl.web.store.report.build_report`` fills them from the store (the statements, the ledger,
the cohort); :mod:`sibyl.reports.edition` turns them into the city's or the public edition
(suppressing small counts once), and :mod:`sibyl.reports.render` writes that edition as HTML and
PDF. Nothing here reads a database, so the library can render a report built by hand (tests).

Every count is of children (or families: the child is referred, the family is the client); money
is ``Decimal`` euros with two decimals, exactly as the statement holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sibyl.reports.charts import FundYear, MonthPoint

EXIT_REASONS = ("moved_out", "died", "consent_withdrawn", "other")
COMPONENTS = ("individual_support", "family_group", "community")


@dataclass(frozen=True)
class Cohort:
    """The cohort on the last day of the year (DOMAIN.md 2.1, 3.1), one state per child:
    ``referred = enrolled + waiting + not_eligible`` and
    ``enrolled = in_followup + Σ exited``."""

    on: date
    capacity: int
    referred: int  # children referred on or before ``on``
    not_eligible: int  # referred, no eligible referral (after overrides), not enrolled
    waiting: int  # eligible, not enrolled
    enrolled: int  # enrolled on or before ``on``
    in_followup: int  # enrolled and in follow-up on ``on``
    exited: dict[str, int]  # enrolled, not in follow-up on ``on``: by the last exit's reason
    enrolled_in_year: int  # enrolled during the year
    series: tuple[MonthPoint, ...] = ()  # month by month, for the chart

    @property
    def eligible(self) -> int:
        return self.enrolled + self.waiting

    @property
    def exited_total(self) -> int:
        return sum(self.exited.values())

    def check(self) -> None:
        if self.referred != self.enrolled + self.waiting + self.not_eligible:
            raise ValueError("referred ≠ enrolled + waiting + not eligible")
        if self.enrolled != self.in_followup + self.exited_total:
            raise ValueError("enrolled ≠ in follow-up + exited")


@dataclass(frozen=True)
class ServiceYear:
    """One service in one year, from the year's statement's deduction lines."""

    service: int
    year: int
    children: int  # children with a deduction line of the service
    units: int  # care days or working days
    amount: Decimal  # deducted euros


@dataclass(frozen=True)
class ServiceUse:
    years: tuple[int, ...]  # the report's year and the earlier years with a statement
    rows: tuple[ServiceYear, ...]  # every service × year (zeros included)
    deductions: dict[int, Decimal]  # the statement's total deductions, by year

    def cell(self, service: int, year: int) -> ServiceYear:
        for row in self.rows:
            if row.service == service and row.year == year:
                return row
        return ServiceYear(service, year, 0, 0, Decimal("0.00"))


BANDS = ("full", "75", "50", "25", "under_25", "zero")
"""Payment as a share of the child's base: 100 % (no deduction), 75–<100 %, 50–<75 %,
25–<50 %, >0–<25 %, and 0 % (the deductions took the whole base)."""


@dataclass(frozen=True)
class Band:
    band: str  # one of BANDS
    children: int
    payments: Decimal


@dataclass(frozen=True)
class AdjustedYear:
    year: int  # the earlier (approved) year
    child_years: int  # child-years whose payment changed
    difference: Decimal  # recomputed − approved (and adjusted since), euros


@dataclass(frozen=True)
class YearTotal:
    """One year's statement, for the table and the chart of the years so far."""

    year: int
    status: str  # approved or draft
    children: int
    children_with_deductions: int
    base: Decimal
    deductions: Decimal
    computed: Decimal
    payable: Decimal
    adjustments: Decimal
    invoice: Decimal
    deductions_by_service: dict[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Payments:
    """The report year's statement (DOMAIN.md 3.3, 3.4): its totals to the cent."""

    children: int
    children_with_deductions: int
    child_years: Decimal  # Σ follow-up days ÷ days in the year
    base: Decimal
    deductions: Decimal
    computed: Decimal  # before the caps
    payable: Decimal  # after the caps
    adjustments: Decimal  # for earlier years
    invoice: Decimal  # payable + adjustments
    caps_applied: tuple[str, ...]
    cap_notes: tuple[str, ...]
    bands: tuple[Band, ...]
    adjusted: tuple[AdjustedYear, ...]
    history: tuple[YearTotal, ...]  # every year up to the report's

    @property
    def children_without_deductions(self) -> int:
        return self.children - self.children_with_deductions


@dataclass(frozen=True)
class ExAnteYear:
    """One year against the ex-ante case (DOMAIN.md 3.6), for the cohort actually followed."""

    year: int
    child_years: Decimal  # actual, from the statement
    plan_child_years: Decimal  # the scenario's expected child-years
    counterfactual: Decimal  # expected cost without the intervention, for the actual child-years
    expected: Decimal  # expected cost with the intervention, for the actual child-years
    actual: Decimal  # the priced use: the statement's deductions
    outcome_payments: Decimal  # the invoice total of the year's statement
    city_costs: Decimal  # the city's own costs (scenario)

    @property
    def gross_saving(self) -> Decimal:
        return self.counterfactual - self.actual

    @property
    def net_saving(self) -> Decimal:
        return self.gross_saving - self.outcome_payments - self.city_costs


@dataclass(frozen=True)
class ExAnteService:
    """One service in the report year: expected (with the intervention) and actual use."""

    service: int
    expected_units: Decimal
    actual_units: int
    expected_cost: Decimal
    actual_cost: Decimal


@dataclass(frozen=True)
class ExAnte:
    scenario: str
    scenario_source: str
    effect_size: Decimal
    years: tuple[ExAnteYear, ...]
    services: tuple[ExAnteService, ...]  # the report year
    plan_gross_saving: Decimal  # the scenario's expected gross saving for the same years
    plan_total_gross_saving: Decimal  # … and over the whole project


@dataclass(frozen=True)
class Fund:
    """The fund at the end of the report year (DOMAIN.md 3.5), from the ledger."""

    on: date
    contributions: Decimal
    distributions: Decimal
    outcome_payments: Decimal
    provider_payments: Decimal
    fees: Decimal
    balance: Decimal
    xirr: float | None
    xirr_reason: str | None  # "no_contributions" or "no_distributions" when there is no XIRR
    moic: Decimal | None
    cap_rate: Decimal | None  # the investors' return cap of the year (None: no cap)
    pay_date: date  # when the city pays the year's invoice
    headroom: Decimal | None  # the most the city could pay then under the cap
    invoice: Decimal  # the year's invoice total
    years: tuple[FundYear, ...] = ()


@dataclass(frozen=True)
class ServiceYearActivity:
    """The providers' contacts in the k-th year of a family's service (families whose k-th
    year had ended by the end of the report year)."""

    service_year: int
    families: int
    contacts: dict[str, int]  # by component
    minutes: int


@dataclass(frozen=True)
class ProviderActivity:
    """One provider's contacts in the report year."""

    provider: str
    families: int  # families with at least one contact in the year
    contacts: dict[str, int]  # by component
    minutes: int


@dataclass(frozen=True)
class Activity:
    by_service_year: tuple[ServiceYearActivity, ...]
    by_provider: tuple[ProviderActivity, ...]


@dataclass(frozen=True)
class Extract:
    file: str
    sha256: str
    as_of: date
    services: tuple[int, ...]


@dataclass(frozen=True)
class Price:
    service: int
    basis: str  # care_day or working_day
    status: str  # confirmed or provisional
    unit_price: Decimal  # euros, full precision (display)
    daily_price: Decimal | None
    annual_cost: Decimal | None
    clients: int | None
    working_days: int | None


@dataclass(frozen=True)
class PaymentRule:
    """A payment component in the methods section: its mechanism's facts and steps (English,
    translated by the report with the mechanism's Finnish)."""

    component: str
    mechanism: str
    facts: tuple[tuple[str, object], ...]
    steps: tuple[tuple[str, dict], ...]


@dataclass(frozen=True)
class Methods:
    contract_version: int
    contract_sha256: str
    price_list_sha256: str
    statement_status: str  # approved or draft
    approved_on: date | None
    result_status: str  # final or provisional
    status_reasons: tuple[str, ...]
    as_of: date
    payment: tuple[PaymentRule, ...]  # how each payment component pays (its mechanism's words)
    extracts: tuple[Extract, ...]
    prices: tuple[Price, ...]
    pay_day: date | None = None  # the day the year's payment is paid (next year)


@dataclass(frozen=True)
class ChildLine:
    """A child-year of the statement, by pseudonym (the city's edition's annex)."""

    pseudonym: str
    followup_days: int
    days_in_year: int
    base: Decimal
    deduction: Decimal
    payment: Decimal
    services: tuple[tuple[int, int, Decimal], ...]  # (service, units, amount)


@dataclass(frozen=True)
class ReportData:
    """Everything the annual report says, for one contract and year."""

    contract_id: str
    title: dict[str, str]  # by language (fi, en)
    service_names: dict[int, dict[str, str]]  # service code → language → name
    year: int
    written_on: date
    draft: bool  # the year's statement is a draft (a preview, marked DRAFT)
    cohort: Cohort
    services: ServiceUse
    payments: Payments
    exante: ExAnte | None
    fund: Fund | None
    activity: Activity
    methods: Methods
    annex: tuple[ChildLine, ...]


def payment_rules(contract: Any, year: int) -> tuple[PaymentRule, ...]:
    """Each payment component of ``contract`` as the methods section says it, in its
    mechanism's words for ``year``."""
    rules = []
    for component in contract.components:
        section = component.mechanism.report_section(component, year)
        rules.append(
            PaymentRule(
                component=component.id,
                mechanism=component.name,
                facts=section.facts,
                steps=tuple((text, dict(values)) for text, values in section.steps),
            )
        )
    return tuple(rules)
