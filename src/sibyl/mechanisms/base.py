"""What a payment mechanism is: the protocol every plug-in implements, and the types it shares
with the generic settlement.

A contract's ``payment`` section lists one or more *components*; each names a *mechanism* (a
folder of this package) and carries that mechanism's parameters. The generic settlement
(:mod:`sibyl.settlement`) computes, once for all components, what every mechanism may need: the
days each child is in follow-up in each year, and the priced use of the contract's services
(register periods counted in care days or working days, times the year's unit price). Each
component's engine then turns those tables into an amount per child-year (a *base*, a *deduction*
set against it, and the child-year's *payment*), with its own detail lines; the generic
settlement nets each component's year by the component's
:class:`~sibyl.settlement.netting.YearRule`, adds the components up and applies the contract's
caps.

A mechanism never computes ``max(0, base − deduction)`` itself:
:func:`sibyl.settlement.netting.payment` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from sibyl.settlement.netting import YearRule

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from sibyl.contract.loader import Contract
    from sibyl.contract.model import ContractSpec


def N_(text: str) -> str:
    """Marks a word of a mechanism for the pages' translation catalogues (the pages translate it
    when they show it); returns it unchanged."""
    return text


class ComponentParameters(BaseModel):
    """Base of a mechanism's parameters model: the keys every component has, strict."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str
    mechanism: str
    description: str
    reference: str


@dataclass(frozen=True)
class Component:
    """One payment component of a loaded contract: its mechanism and its checked parameters."""

    id: str
    mechanism: Mechanism
    parameters: Any  # the mechanism's ComponentParameters subclass

    @property
    def name(self) -> str:
        return self.mechanism.name

    def year_rule(self, year: int) -> YearRule:
        return self.mechanism.year_rule(self.parameters, year)


@dataclass(frozen=True)
class Problem:
    """A problem of a component that its model alone cannot see (it needs the whole contract):
    the key path under the component, and the sentence (what is wrong and how to fix it)."""

    path: tuple[str | int, ...]
    message: str


@dataclass
class EngineTables:
    """What the generic engine hands every component's engine (Ibis tables bound to ``con``).

    ``followup``
        ``person`` (integer id), ``name`` (the identifier), ``year``, ``followup_days``,
        ``days_in_year``, ``first_year`` (calendar year of the child's first enrolment) and
        ``birth_year`` (null when not known): one row per child and year with follow-up days.
    ``lines``
        the priced use: ``person`` (integer id), ``year``, ``service``, ``units``, ``price_num``,
        ``price_den``, ``amount_cents``, one row per child, year and service used.
    ``prices``
        ``year, service, price_num, price_den`` (the unit price is exactly num / den cents).
    ``people``
        ``pid`` (integer id) and ``name`` (the identifier).
    ``intervals``
        each child's follow-up as sorted, disjoint ``(first, last)`` day pairs, by identifier.
    ``inputs``
        the mechanism's own inputs, by name (e.g. ``claims``), as its readers made them.
    """

    con: Any
    followup: ir.Table
    lines: ir.Table
    prices: ir.Table
    people: ir.Table
    years: list[int]
    as_of: date
    contract: Contract
    intervals: Mapping[str, list[tuple[date, date]]]
    inputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ComponentTables:
    """A component engine's result.

    ``amounts``: ``person`` (integer id), ``year``, ``base_cents``, ``deduction_cents``,
    ``payment_cents``, exactly one row per row of ``followup`` (a child-year with nothing has
    zeros). ``details``: the mechanism's detail lines as an Arrow table of
    :data:`DETAIL_SCHEMA`, or ``None``.
    """

    amounts: ir.Table
    details: pa.Table | None = None


DETAIL_SCHEMA = pa.schema(
    [
        ("person", pa.string()),
        ("year", pa.int32()),
        ("kind", pa.string()),
        ("item", pa.string()),
        ("quantity", pa.string()),  # a decimal number as text (units, or 1 for a claim)
        ("unit_price", pa.string()),  # euros as text, full precision; empty when none
        ("amount_cents", pa.int64()),
        ("status", pa.string()),  # "" for a figure, "accepted" / "rejected" for a claim
        ("note", pa.string()),
    ]
)
"""Detail lines: what a mechanism computed for a child-year besides the priced use, one line per
item (a forecast of one service, a claim of an outcome). ``kind`` says which (the mechanism's
own word), ``item`` the service code or outcome code."""


def details_table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Detail lines (dicts with the keys of :data:`DETAIL_SCHEMA`) as an Arrow table."""
    columns = {name: [row[name] for row in rows] for name in DETAIL_SCHEMA.names}
    return pa.table(columns, schema=DETAIL_SCHEMA)


@dataclass(frozen=True)
class DetailLine:
    """One detail line of a statement (see :data:`DETAIL_SCHEMA`), money as ``Decimal``."""

    person: str
    year: int
    component: str
    kind: str
    item: str
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal
    status: str = ""
    note: str = ""


@dataclass(frozen=True)
class ServiceUse:
    """The priced use of one service by the child in the year, as the explanation shows it
    (the generic part of every explanation: which register rows counted, the units, the unit
    price, the amount)."""

    service: int
    name: str
    basis: str
    units: int
    unit_price: Decimal
    amount: Decimal


@dataclass
class ComponentExplanation:
    """How one component's amount for one child-year was computed.

    ``lines`` are sentences for the terminal (English); ``data`` holds the same facts for the
    web page's template of the mechanism (``template``).
    """

    component: str
    mechanism: str
    base: Decimal
    deduction: Decimal
    payment: Decimal
    lines: list[str]
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return f"mechanisms/{self.mechanism}/explain.html"


@dataclass(frozen=True)
class ExplainContext:
    """What a mechanism's explanation gets: the child-year's generic figures and its own."""

    contract: Contract
    person: str
    year: int
    as_of: date
    followup_days: int
    days_in_year: int
    services: Sequence[ServiceUse]  # the priced use of every contract service in the year
    base: Decimal
    deduction: Decimal
    payment: Decimal
    details: Sequence[DetailLine]
    first_year: int | None = None
    birth_year: int | None = None


@dataclass(frozen=True)
class Labels:
    """A mechanism's words for the generic columns (English, marked with :func:`N_`; the pages
    translate them)."""

    base: str
    deduction: str
    payment: str = "Payment"
    by_service: str = "Use of the services by service"  # the heading of the priced use


GENERIC_LABELS = Labels(
    base=N_("Base"),
    deduction=N_("Deductions"),
    payment=N_("Payment"),
    by_service=N_("Use of the services by service"),
)
"""The words of a contract with several components (each component keeps its own)."""


@dataclass(frozen=True)
class ReportSection:
    """A mechanism's part of the annual report's methods, in English: ``facts`` (a label and a
    value: a ``Decimal`` is money, a ``str`` a word to translate) and ``steps`` (a sentence with
    ``{placeholders}`` and the values that fill them). The report translates the words with the
    mechanism's ``texts_fi`` and formats the values in the report's language."""

    facts: tuple[tuple[str, Any], ...]
    steps: tuple[tuple[str, Mapping[str, Any]], ...]


@dataclass(frozen=True)
class InputSpec:
    """A file a mechanism reads besides the cohort and the register (e.g. outcome claims):
    ``reader(path, contract)`` reads and checks it, raising a ``SibylInputError`` for a file
    that cannot be used."""

    name: str
    description: str
    reader: Callable[[Path, Contract], Any]


class Mechanism(Protocol):
    """A payment mechanism. Each folder of :mod:`sibyl.mechanisms` provides one, and the registry
    (:mod:`sibyl.mechanisms.registry`) lists them by :attr:`name`."""

    name: ClassVar[str]
    """The word a contract writes in ``mechanism:`` (``priced_deductions``)."""
    parameters: ClassVar[type[ComponentParameters]]
    """The model of the component's keys; strict, documented in docs/contract-format.md."""
    labels: ClassVar[Labels]
    inputs: ClassVar[Mapping[str, InputSpec]]
    """Files besides the cohort and the register that the mechanism needs, by name."""
    folder: ClassVar[Path]
    """The mechanism's folder (README, scenarios, templates)."""
    texts_fi: ClassVar[Mapping[str, str]]
    """The Finnish of the report section's English texts."""

    def check(self, parameters: Any, spec: ContractSpec) -> list[Problem]:
        """Problems of the component that need the whole contract (e.g. unknown services)."""
        ...

    def year_rule(self, parameters: Any, year: int) -> YearRule:
        """The component's netting, share, floor and cap for ``year``."""
        ...

    def needs_birth_years(self, parameters: Any) -> bool:
        """Whether the component looks at the children's ages (their birth years)."""
        ...

    def engine(self, component: Component, tables: EngineTables) -> ComponentTables:
        """The component's amount for every child-year, as Ibis expressions."""
        ...

    def explain(self, component: Component, context: ExplainContext) -> ComponentExplanation:
        """The component's amount for one child-year, traced to its inputs."""
        ...

    def expected(self, component: Component, model: ExpectedModel) -> ExpectedComponent:
        """What the savings case and the Monte Carlo need to value the component."""
        ...

    def report_section(self, component: Component, year: int) -> ReportSection:
        """The annual report's words on how the component pays in ``year``."""
        ...


@dataclass(frozen=True)
class ExpectedModel:
    """The savings case's view of a cohort (from a scenario): years, ages and the priced use of
    a full child-year when a service is used (``line_cents[year index][age][service]``)."""

    contract: Contract
    years: Sequence[int]
    ages: Sequence[int]  # ages modelled, youngest first
    services: Sequence[int]
    line_cents: Any  # numpy int64 array (years, ages, services)
    scenario: Any  # sibyl.finance.scenario.Scenario


@dataclass(frozen=True)
class ExpectedComponent:
    """How a component pays, for the savings case and the Monte Carlo, in arrays.

    A child-year's payment is ``share × max(0, base − Σ deduction_weight·use)`` where ``base`` is
    ``base_cents[year index, age index]`` for a full year (pro rata for part of a year, like the
    base of DOMAIN.md 3.3) and ``deduction_weight[service]`` says whether the priced use of a
    service is set against the base (1) or not (0). Outcome rate cards add ``fixed_cents``: the
    expected claims of a full child-year, paid without netting.
    """

    base_cents: Any  # numpy int64 (years, ages)
    deduction_weight: Any  # numpy int64 (services,), 0 or 1
    rule_by_year: Sequence[YearRule]
    fixed_cents: Any = None  # numpy float64 (years, ages), or None
