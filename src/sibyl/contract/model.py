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
ReferralSource = Literal["early_childhood_education", "child_health_clinic", "other"]
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


class Service(Strict):
    """One service of the outcome measures: its code, names and how its use is counted."""

    code: Annotated[int, Field(ge=1, le=99)]
    name: Text
    basis: Basis
    register_unit: NonEmptyText
    price_unit: NonEmptyText


class Services(Documented):
    items: list[Service] = Field(min_length=1)

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
    """The contract's dated parameters. Every one is required; a cap may be ``null`` (no cap)."""

    capacity: Parameter[Count]
    min_age_years: Parameter[Years]
    max_age_years: Parameter[Years]
    base_per_child_year: Parameter[Money]
    max_total_outcome_payments: Parameter[Money | None]
    investor_return_cap: Parameter[Rate | None]
    netting: Parameter[Netting]
    allow_temporary_identity_codes: Parameter[bool]


class ContractSpec(Strict):
    """A whole contract file."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    version: Annotated[int, Field(ge=1)]
    valid_from: date
    title: Text
    description: NonEmptyText
    reference: NonEmptyText
    parties: Parties
    dates: Dates
    districts: Districts
    referral_sources: ReferralSources
    services: Services
    calendar: CalendarSpec
    parameters: Parameters
    prices: NonEmptyText = Field(
        description="the price list file, relative to the contract file",
    )
