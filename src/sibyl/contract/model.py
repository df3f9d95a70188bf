"""The contract model: what a contract file (YAML) may say, validated by pydantic.

The shape follows OpenFisca's parameters: every parameter is dated data with a description, a
unit and a reference to the contract clause or source it comes from; a value holds from its start
date until the next one. Every other section (dates, districts, referral sources, services,
calendar) carries its own description and reference. Unknown keys are refused everywhere.

``docs/contract-format.md`` documents the format; ``tests/contract`` checks that every field
here is documented there.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

T = TypeVar("T")

Basis = Literal["care_day", "working_day"]
Netting = Literal["child_year", "cohort_year"]
ReferralSource = Literal[
    "early_childhood_education", "child_health_clinic", "child_protection", "school", "other"
]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

NonEmptyText = Annotated[str, Field(min_length=1)]


def _whole_cents(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("an amount of money cannot be negative")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("an amount of money has at most two decimals (whole cents)")
    return value


def _fraction(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError("a rate is written as a fraction between 0 and 1, e.g. 0.08 for 8 %")
    return value


Money = Annotated[Decimal, AfterValidator(_whole_cents)]
Rate = Annotated[Decimal, AfterValidator(_fraction)]
Years = Annotated[int, Field(ge=0, le=150)]
Count = Annotated[int, Field(gt=0)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Strict(BaseModel):
    """Base of every contract model: unknown keys are refused, nothing is coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Documented(Strict):
    """A section or value that says what it is and where it comes from."""

    description: NonEmptyText
    reference: NonEmptyText


class Parameter(Strict, Generic[T]):
    """A dated parameter: each value holds from its start date until the next one."""

    description: NonEmptyText
    unit: NonEmptyText
    reference: NonEmptyText
    values: dict[date, T] = Field(min_length=1)

    def at(self, day: date) -> T:
        """The value in force on ``day``; ``LookupError`` before the first start date."""
        starts = sorted(start for start in self.values if start <= day)
        if not starts:
            first = min(self.values)
            raise LookupError(f"no value before {first.isoformat()}")
        return self.values[starts[-1]]

    def first_start(self) -> date:
        return min(self.values)


class Text(Strict):
    """A name in Finnish and English (Swedish optional)."""

    fi: NonEmptyText
    en: NonEmptyText
    sv: str | None = None


class Party(Strict):
    name: NonEmptyText
    description: str | None = None


class Parties(Strict):
    outcome_payer: Party
    fund_manager: Party
    providers: list[Party] = Field(min_length=1)
    evaluators: list[Party] = Field(default_factory=list)


class DateValue(Documented):
    value: date


class Dates(Strict):
    enrolment_start: DateValue
    enrolment_end: DateValue
    followup_end: DateValue

    @model_validator(mode="after")
    def _ordered(self) -> Dates:
        if self.enrolment_end.value < self.enrolment_start.value:
            raise ValueError("enrolment_end is before enrolment_start")
        if self.followup_end.value < self.enrolment_start.value:
            raise ValueError("followup_end is before enrolment_start")
        return self


class Districts(Documented):
    items: list[NonEmptyText] = Field(min_length=1)


class ReferralSources(Documented):
    items: list[ReferralSource] = Field(min_length=1)


ServiceCategory = Literal[
    "family_care_placement",
    "institutional_care_basic",
    "institutional_care_special",
    "intensified_family_work",
    "open_care_social_work",
    "family_rehabilitation",
    "substitute_care_social_work",
    "after_care_social_work",
    "special_support_pupils",
    "child_psychiatry",
]
"""What kind of service a contract's service is, in words common to all contracts (the
statistics' categories of child-protection and special services): for comparing contracts and
for the synthetic data. A contract's own code and name stay what the contract says."""


class Service(Strict):
    """One service of the outcome measures: its code, names and how its use is counted."""

    code: Annotated[int, Field(ge=1, le=99)]
    name: Text
    basis: Basis
    register_unit: NonEmptyText
    price_unit: NonEmptyText
    category: ServiceCategory | None = None


class Services(Documented):
    items: list[Service] = Field(default_factory=list)

    @field_validator("items")
    @classmethod
    def _unique_codes(cls, items: list[Service]) -> list[Service]:
        seen: set[int] = set()
        for service in items:
            if service.code in seen:
                raise ValueError(f"service code {service.code} is listed twice")
            seen.add(service.code)
        return items


class CalendarSpec(Documented):
    work_week: list[Weekday] = Field(min_length=1)
    holidays: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = "FI"
    extra_days_off: list[date] = Field(default_factory=list)
    extra_working_days: list[date] = Field(default_factory=list)


class Parameters(Strict):
    """The contract's dated parameters, whatever its payment mechanism. Every one is required;
    a cap may be ``null`` (no cap). The payment mechanisms' own parameters are in ``payment``."""

    capacity: Parameter[Count]
    min_age_years: Parameter[Years]
    max_age_years: Parameter[Years]
    max_total_outcome_payments: Parameter[Money | None]
    investor_return_cap: Parameter[Rate | None]
    allow_temporary_identity_codes: Parameter[bool]


REFERRAL_FIELDS = frozenset(
    {
        "referral_id",
        "hetu",
        "pseudonym",
        "referred_on",
        "district",
        "referral_source",
        "source",
        "ongoing_services",
    }
)
"""The names of a referral's own fields (the referral file's other columns, the store's and the
form's fields), which no referral item may take."""


class ReferralItem(Strict):
    """One yes/no question a referral answers (a column of the referral file)."""

    code: Code
    question: Text

    @field_validator("code")
    @classmethod
    def _not_a_referral_field(cls, code: str) -> str:
        if code in REFERRAL_FIELDS:
            raise ValueError(
                f"{code} is the name of a referral's own field, not of a question; give the "
                "item another code"
            )
        return code


CriterionRule = Literal[
    "age_between",
    "at_least",
    "any_of",
    "all_of",
    "district_in",
    "referral_source_in",
    "no_ongoing_services",
    "in_enrolment_window",
]


class Criterion(Strict):
    """One criterion of the target group: its code, the question it answers, the rule that
    decides it (one of Sibyl's rule kinds, with its arguments) and the evidence it records."""

    code: Code
    question: Text
    rule: CriterionRule
    evidence: NonEmptyText
    reference: NonEmptyText
    items: list[Code] = Field(default_factory=list)
    count: Annotated[int, Field(ge=1)] | None = None
    services: list[Annotated[int, Field(ge=1, le=99)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _arguments(self) -> Criterion:
        needs_items = self.rule in ("at_least", "any_of", "all_of")
        if needs_items and not self.items:
            raise ValueError(f"the rule {self.rule} needs the referral items it looks at (items)")
        if not needs_items and self.items:
            raise ValueError(f"the rule {self.rule} takes no items; remove them")
        if (self.rule == "at_least") != (self.count is not None):
            raise ValueError(
                "count (how many of the items at least) goes with the rule at_least, and only"
            )
        if self.count is not None and self.count > len(self.items):
            raise ValueError(f"count {self.count} is more than the {len(self.items)} items")
        if self.rule == "no_ongoing_services" and not self.services:
            raise ValueError("the rule no_ongoing_services needs the services it looks at")
        if self.rule != "no_ongoing_services" and self.services:
            raise ValueError(f"the rule {self.rule} takes no services; remove them")
        return self


class Eligibility(Documented):
    """The target group: the referral's questions and the criteria that decide eligibility
    (a referral is eligible when every criterion is met)."""

    items: list[ReferralItem] = Field(default_factory=list)
    criteria: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Eligibility:
        codes = [item.code for item in self.items]
        if len(codes) != len(set(codes)):
            raise ValueError("a referral item code is listed twice")
        criteria = [criterion.code for criterion in self.criteria]
        if len(criteria) != len(set(criteria)):
            raise ValueError("a criterion code is listed twice")
        for criterion in self.criteria:
            unknown = [item for item in criterion.items if item not in codes]
            if unknown:
                raise ValueError(
                    f"the criterion {criterion.code} names the item(s) {', '.join(unknown)} "
                    "that are not among the referral items"
                )
        return self


class PayDay(Documented):
    """The day of the following year on which the city pays a year's outcome payment."""

    month: Annotated[int, Field(ge=1, le=12)]
    day: Annotated[int, Field(ge=1, le=31)]

    @model_validator(mode="after")
    def _real_day(self) -> PayDay:
        # A day that exists in every year (29 February does not).
        try:
            date(2023, self.month, self.day)
        except ValueError:
            raise ValueError(f"{self.month}-{self.day} is not a day of every year") from None
        return self

    def in_year(self, year: int) -> date:
        return date(year, self.month, self.day)


class ComponentSpec(Strict):
    """What every payment component says, whatever its mechanism. The mechanism's own model
    (:mod:`sibyl.mechanisms`) adds its keys and validates them; here they are kept as written."""

    model_config = ConfigDict(extra="allow", frozen=True, str_strip_whitespace=True)

    id: Code
    mechanism: Code
    description: NonEmptyText
    reference: NonEmptyText


class Payment(Documented):
    """How the outcome payment is computed: one or more components, each of one mechanism; the
    year's payment is their sum, before the contract's caps (``parameters``)."""

    pay_day: PayDay
    components: list[ComponentSpec] = Field(min_length=1)

    @field_validator("components")
    @classmethod
    def _unique_ids(cls, components: list[ComponentSpec]) -> list[ComponentSpec]:
        ids = [component.id for component in components]
        if len(ids) != len(set(ids)):
            raise ValueError("a payment component id is used twice")
        return components


class Amendment(Documented):
    """What changed in this version of the contract, and the decision behind it."""

    decided_on: date


class ContractSpec(Strict):
    """A whole contract file (format 2; :mod:`sibyl.contract.upgrade` reads format 1)."""

    format: Literal[2]
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    version: Annotated[int, Field(ge=1)]
    valid_from: date
    amendment: Amendment | None = None
    title: Text
    description: NonEmptyText
    reference: NonEmptyText
    parties: Parties
    dates: Dates
    districts: Districts
    referral_sources: ReferralSources
    services: Services
    calendar: CalendarSpec
    eligibility: Eligibility
    parameters: Parameters
    payment: Payment
    prices: NonEmptyText | None = Field(
        default=None,
        description="the price list file, relative to the contract file",
    )

    @model_validator(mode="after")
    def _references(self) -> ContractSpec:
        codes = {service.code for service in self.services.items}
        for criterion in self.eligibility.criteria:
            unknown = sorted(set(criterion.services) - codes)
            if unknown:
                raise ValueError(
                    f"the criterion {criterion.code} names service(s) "
                    f"{', '.join(map(str, unknown))} that the contract does not list"
                )
        if codes and self.prices is None:
            raise ValueError("a contract with services needs a price list (prices)")
        return self
