"""The JSON shapes of the API: money as strings of euros with two decimals, dates ISO.

Money is never a float in JSON: :data:`Money` serialises a ``Decimal`` as ``"1234.50"`` (half up
to cents, as every figure of Sibyl is already in cents) and says so in the OpenAPI schema. No
shape here has a field for an identity code except :class:`ReferralIn`, which takes one and is
never sent back.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from sibyl.contract.model import ReferralSource
from sibyl.money import format_money

MONEY_PATTERN = r"^-?\d+\.\d{2}$"


Text = Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f-\x9f]*$")]
"""A text field of a request: no control characters (a NUL cannot even be stored by PostgreSQL;
the pages' forms refuse it too). The pattern is in the OpenAPI spec, so clients know it."""
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> date:
    """Only ``YYYY-MM-DD`` is a date (pydantic alone would also take a number as a timestamp)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("the date does not exist in the calendar") from None
    raise ValueError("a date is written YYYY-MM-DD, e.g. 2023-03-31")


Day = Annotated[date, BeforeValidator(_iso_day)]
"""A date given by a client: ``YYYY-MM-DD`` only."""

Money = Annotated[
    Decimal,
    PlainSerializer(format_money, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "description": "euros with two decimals",
            "examples": ["1234.50"],
        }
    ),
]
"""Euros: a ``Decimal`` inside, a string with two decimals in JSON."""


def _decimal_text(places: int):
    def write(value: Decimal) -> str:
        return f"{value.quantize(Decimal(1).scaleb(-places)):f}"

    return write


Ratio = Annotated[
    Decimal,
    PlainSerializer(_decimal_text(6), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?\d+\.\d{6}$",
            "description": "a fraction or multiple with six decimals",
            "examples": ["0.666667"],
        }
    ),
]
"""A share or a multiple (not money): a string with six decimals."""

UnitPrice = Annotated[
    Decimal,
    PlainSerializer(_decimal_text(12), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?\d+\.\d{12}$",
            "description": "euros per unit at full precision (twelve decimals)",
            "examples": ["80.380000000000"],
        }
    ),
]


# ---------------------------------------------------------------------------------------------
# Errors.


class ErrorOut(Schema):
    detail: str = Field(description="what is wrong, where, and how to fix it (one sentence)")


class ProblemOut(Schema):
    location: str = Field(description="where in the request, e.g. body.referred_on")
    message: str


class ValidationErrorOut(Schema):
    detail: str = Field(description="every problem of the request, in one text")
    errors: list[ProblemOut]


# ---------------------------------------------------------------------------------------------
# Who is asking.


class ContractOut(Schema):
    id: str
    title: str


class MeOut(Schema):
    username: str
    role: str
    contract: ContractOut
    organisation: str
    authenticated_by: Literal["token", "session"]


# ---------------------------------------------------------------------------------------------
# The cohort.


class NoContactOut(Schema):
    pseudonym: str
    provider: str
    last_contact: date | None
    days: int = Field(description="days since the last contact, or since follow-up began")


class CohortStatusOut(Schema):
    on: date
    capacity: int
    referrals: int
    eligible: int
    enrolled: int
    waiting: int
    in_followup: int
    exited: dict[str, int] = Field(description="exits by reason")
    not_eligible: dict[str, int] = Field(description="referrals refused, by failed criterion")
    waiting_list: list[str] = Field(description="referral ids in the waiting list's order")
    no_contact: list[NoContactOut]


ITEM_CODE = r"^[a-z][a-z0-9_]*$"
ItemCode = Annotated[str, Field(pattern=ITEM_CODE, max_length=64)]
"""A referral item's code, as the contract file names it (e.g. ``concentration``)."""

Answers = Annotated[
    dict[ItemCode, bool],
    WithJsonSchema(
        {
            "type": "object",
            "propertyNames": {"pattern": ITEM_CODE, "maxLength": 64},
            "additionalProperties": {"type": "boolean"},
            "maxProperties": 100,
        }
    ),
]
"""Answers by item code (pydantic alone would say ``patternProperties``, which lets any other key
through with any value)."""

ANSWERS = (
    "the referral's answers to the contract's referral items (item code → yes or no; the "
    "contract's eligibility.items, e.g. Helsinki's concentration, behaviour, social_interaction, "
    "emotional_life, parent_no_education, parent_out_of_work, parenting_difficulties, "
    "stressful_life_situation)"
)


class ReferralIn(Schema):
    """A referral with its evidence (DESIGN.md 3). ``hetu`` is stored only in the vault. A key
    that is not one of these is refused (422): the answers go in ``answers``."""

    model_config = ConfigDict(extra="forbid")

    referral_id: Text = Field(min_length=1, max_length=64, examples=["R-104"])
    hetu: Text = Field(
        min_length=1,
        max_length=32,
        description="the child's identity code; pseudonymised and sealed, never sent back",
    )
    referred_on: Day
    district: Text = Field(min_length=1, max_length=100, examples=["Vuosaari"])
    referral_source: ReferralSource
    answers: Answers = Field(
        default_factory=dict,
        max_length=100,
        description=ANSWERS + "; an item not given is answered no, an item the contract does not "
        "have is refused (400)",
        examples=[{"concentration": True, "behaviour": True, "parent_out_of_work": True}],
    )
    ongoing_services: list[Annotated[int, Field(ge=1, le=99)]] = Field(
        default_factory=list,
        max_length=20,
        description="service codes the referrer knows to be ongoing on the referral date",
    )


class CriterionOut(Schema):
    code: str
    met: bool
    evidence: str


class OverrideOut(Schema):
    eligible: bool
    reason: str
    by: str
    at: datetime


class ReferralOut(Schema):
    referral_id: str
    referred_on: date
    referrer: str
    source: str
    district: str
    screened_eligible: bool = Field(description="the screening's decision")
    eligible: bool = Field(description="the decision after any override")
    failed: list[str]
    status: Literal["enrolled", "waiting", "not_eligible"]
    pseudonym: str | None = Field(description="the child's pseudonym (coordinator only)")


class ReferralDetailOut(ReferralOut):
    answers: dict[str, bool] = Field(description=ANSWERS)
    criteria: list[CriterionOut]
    overrides: list[OverrideOut]
    enrolled_on: date | None
    provider: str | None


class FamilyOut(Schema):
    pseudonym: str
    provider: str
    enrolled_on: date
    status: Literal["in_followup", "exited"]
    exited_on: date | None
    exit_reason: str | None
    last_contact: date | None


Component = Literal["individual_support", "family_group", "community"]


class ActivityIn(Schema):
    """One contact of the provider with a family (the activity log, DOMAIN.md 4)."""

    on: Day = Field(description="the day of the contact")
    component: Component
    minutes: int = Field(gt=0, le=24 * 60, description="how long, in whole minutes")
    participants: Text = Field(
        "",
        max_length=200,
        description="who took part, by role (e.g. child, mother); never an identity code",
    )


class ActivityOut(Schema):
    pseudonym: str
    on: date
    component: Component
    minutes: int
    participants: str
    provider: str
    recorded_by: str


# ---------------------------------------------------------------------------------------------
# Register imports.


class ImportWarningOut(Schema):
    line: int | None
    column: str | None
    message: str


class ImportOut(Schema):
    id: int
    file_name: str
    sha256: str
    as_of: date
    services: list[int]
    identifier: str
    rows: int
    accepted: int
    rejected: int
    duplicates: int
    outside_cohort: int
    imported_at: datetime
    imported_by: str


class ImportReportOut(ImportOut):
    warnings: list[ImportWarningOut]
    used_for: list[int] = Field(description="services for which this extract is the newest")


class ImportResultOut(ImportReportOut):
    already_imported: bool


class RejectOut(Schema):
    line: int
    column: str
    value: str = Field(description="the value as read, an identity code masked")
    reason: str


# ---------------------------------------------------------------------------------------------
# Statements.


class ExtractUsedOut(Schema):
    file: str
    sha256: str
    as_of: date
    services: list[int]


class StatementOut(Schema):
    year: int
    status: Literal["draft", "approved"]
    result_status: str = Field(description="final or provisional")
    status_reasons: list[str]
    as_of: date
    contract_version: int
    netting: str
    children: int
    children_with_deductions: int
    base: Money
    deductions: Money
    computed: Money
    payable: Money
    adjustments_total: Money
    invoice_total: Money
    caps_applied: list[str]
    cap_notes: list[str]
    extracts: list[ExtractUsedOut]
    created_at: datetime
    created_by: str
    approved_at: datetime | None
    approved_by: str


class ChildYearOut(Schema):
    pseudonym: str
    followup_days: int
    days_in_year: int
    base: Money
    deduction: Money
    payment: Money


class DeductionOut(Schema):
    pseudonym: str
    service: int
    units: int
    unit_price: UnitPrice
    amount: Money


class AdjustmentOut(Schema):
    year: int
    pseudonym: str
    approved_payment: Money
    recomputed_payment: Money
    difference: Money


class StatementDetailOut(StatementOut):
    child_years: list[ChildYearOut]
    deduction_lines: list[DeductionOut]
    adjustments: list[AdjustmentOut]


# ---------------------------------------------------------------------------------------------
# The fund.


class InvestorOut(Schema):
    investor: str
    contributed: Money
    share: Ratio


class PositionOut(Schema):
    on: date
    contributions: Money
    distributions: Money
    outcome_payments: Money
    provider_payments: Money
    fees: Money
    balance: Money = Field(description="the fund's cash")
    investors: list[InvestorOut]
    xirr: float | None = Field(description="the investors' internal rate of return, a fraction")
    xirr_reason: str | None = Field(description="why there is no XIRR yet")
    moic: Ratio | None = Field(description="distributions divided by contributions")


class LedgerLineOut(Schema):
    on: date
    kind: str
    investor: str
    amount: Money = Field(description="the investors' view: contributions negative")
    balance: Money = Field(description="the fund's cash after this flow")
    note: str
    source_file: str


# ---------------------------------------------------------------------------------------------
# The audit log.


class AuditVerificationOut(Schema):
    ok: bool
    entries: int
    head: str
    problem: str | None
    bad_entry: int | None
