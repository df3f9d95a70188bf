"""Price lists: the price of a unit of each service, per year (DOMAIN.md 2.2 and 3.3).

A price list is a CSV file with the columns ``year, service, basis, daily_price, annual_cost,
clients, status``:

* ``basis = care_day`` (services 1, 2, 3, 6): ``daily_price`` is the price of one care day;
* ``basis = working_day`` (services 4, 5, 7, 8, 9): the price of one working day is
  ``annual_cost ÷ clients ÷ working days of the year`` (the contract's calendar);
* ``status`` is ``confirmed`` (from the city's accounts) or ``provisional`` (a forecast).

Unit prices are kept at full precision as exact fractions (``numerator_cents / denominator``),
so that a deduction ``units × unit price`` can be rounded half up to cents exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Literal

import pyarrow as pa

from sibyl.calendar import WorkCalendar
from sibyl.errors import Location, SibylInputError
from sibyl.money import parse_decimal, round_half_up_div, to_cents
from sibyl.tabular import TextTable, iter_cells, read_text_table

PRICE_COLUMNS = ["year", "service", "basis", "daily_price", "annual_cost", "clients", "status"]
Status = Literal["confirmed", "provisional"]


@dataclass(frozen=True)
class UnitPrice:
    """The price of one unit of a service in a year, as the exact fraction
    ``numerator_cents / denominator`` cents."""

    year: int
    service: int
    basis: Literal["care_day", "working_day"]
    status: Status
    numerator_cents: int
    denominator: int
    daily_price: Decimal | None = None
    annual_cost: Decimal | None = None
    clients: int | None = None
    working_days: int | None = None

    @property
    def unit_price(self) -> Decimal:
        """The unit price in euros, to 28 significant digits (for display)."""
        with localcontext() as context:
            context.prec = 28
            return Decimal(self.numerator_cents) / Decimal(self.denominator) / 100

    def amount_cents(self, units: int) -> int:
        """``units × unit price`` in cents, rounded half up (DOMAIN.md 3.3)."""
        return round_half_up_div(units * self.numerator_cents, self.denominator)

    def explain(self) -> str:
        if self.basis == "care_day":
            return f"EUR {self.daily_price} per care day"
        return f"EUR {self.annual_cost} ÷ {self.clients} clients ÷ {self.working_days} working days"


@dataclass(frozen=True)
class PriceList:
    """Unit prices by ``(year, service)``."""

    prices: Mapping[tuple[int, int], UnitPrice]
    source: str
    sha256: str
    services: frozenset[int] = field(default_factory=frozenset)

    def get(self, year: int, service: int) -> UnitPrice | None:
        return self.prices.get((year, service))

    def years(self) -> list[int]:
        return sorted({year for year, _ in self.prices})

    def status(self, year: int) -> Status | None:
        """``confirmed`` when every service of the contract has a confirmed price for ``year``."""
        rows = [self.prices.get((year, service)) for service in self.services]
        if not rows or any(row is None for row in rows):
            return None
        if all(row.status == "confirmed" for row in rows if row is not None):
            return "confirmed"
        return "provisional"

    def missing(self, year: int) -> list[int]:
        """Services of the contract without a price for ``year``."""
        return sorted(service for service in self.services if (year, service) not in self.prices)

    def to_arrow(self, years: Iterable[int] | None = None) -> pa.Table:
        """``year, service, price_num, price_den`` for the engine (exact integers)."""
        wanted = set(years) if years is not None else None
        rows = [
            price
            for (year, _), price in sorted(self.prices.items())
            if wanted is None or year in wanted
        ]
        return pa.table(
            {
                "year": pa.array([p.year for p in rows], pa.int32()),
                "service": pa.array([p.service for p in rows], pa.int32()),
                "price_num": pa.array([p.numerator_cents for p in rows], pa.int64()),
                "price_den": pa.array([p.denominator for p in rows], pa.int64()),
            }
        )


def _problem(table: TextTable, line: int, column: str, what: str, fix: str) -> SibylInputError:
    return SibylInputError(what, Location(table.source, line, column), fix)


def load_prices(
    path: str | Path,
    *,
    services: Mapping[int, str],
    calendar: WorkCalendar,
) -> PriceList:
    """Read and check a price list against the contract's services (code → basis)."""
    table = read_text_table(path)
    header = table.column_index()
    missing = [name for name in PRICE_COLUMNS if name not in header]
    if missing:
        raise SibylInputError(
            f"the price list lacks the column(s) {', '.join(missing)}",
            Location(table.source, 1),
            f"the header must name {', '.join(PRICE_COLUMNS)}",
        )
    prices: dict[tuple[int, int], UnitPrice] = {}
    for line, cells in iter_cells(table, PRICE_COLUMNS):

        def number(column: str, *, line: int = line, cells: dict[str, str] = cells) -> Decimal:
            try:
                value = parse_decimal(cells[column])
            except ValueError:
                raise _problem(
                    table,
                    line,
                    column,
                    f"{cells[column]!r} is not a number",
                    "write a number with a decimal point, e.g. 85.00",
                ) from None
            if value < 0:
                raise _problem(table, line, column, "a price cannot be negative", "correct it")
            return value

        try:
            year = int(cells["year"])
        except ValueError:
            raise _problem(
                table, line, "year", f"{cells['year']!r} is not a year", "write e.g. 2023"
            ) from None
        try:
            service = int(cells["service"])
        except ValueError:
            raise _problem(
                table,
                line,
                "service",
                f"{cells['service']!r} is not a service code",
                "write the contract's service code, e.g. 1",
            ) from None
        if service not in services:
            raise _problem(
                table,
                line,
                "service",
                f"service {service} is not in the contract's catalogue",
                f"use one of {', '.join(str(code) for code in sorted(services))}",
            )
        basis = cells["basis"]
        if basis != services[service]:
            raise _problem(
                table,
                line,
                "basis",
                f"service {service} is priced per {services[service]} in the contract, "
                f"not {basis!r}",
                f"write {services[service]}",
            )
        status = cells["status"].lower()
        if status not in ("confirmed", "provisional"):
            raise _problem(
                table,
                line,
                "status",
                f"{cells['status']!r} is not a price status",
                "write confirmed or provisional",
            )
        if (year, service) in prices:
            raise _problem(
                table,
                line,
                "service",
                f"service {service} has a second price for {year}",
                "keep one row per year and service",
            )
        if basis == "care_day":
            if not cells["daily_price"]:
                raise _problem(
                    table,
                    line,
                    "daily_price",
                    "a care-day service needs its daily_price",
                    "write the price of one care day",
                )
            daily = number("daily_price")
            try:
                cents = to_cents(daily)
            except ValueError:
                raise _problem(
                    table,
                    line,
                    "daily_price",
                    f"{daily} is not a whole number of cents",
                    "round the price to two decimals",
                ) from None
            prices[(year, service)] = UnitPrice(
                year=year,
                service=service,
                basis="care_day",
                status=status,  # type: ignore[arg-type]
                numerator_cents=cents,
                denominator=1,
                daily_price=daily,
            )
        else:
            if not cells["annual_cost"] or not cells["clients"]:
                raise _problem(
                    table,
                    line,
                    "annual_cost" if not cells["annual_cost"] else "clients",
                    "a working-day service needs annual_cost and clients",
                    "write the service's annual cost and its number of clients",
                )
            annual = number("annual_cost")
            try:
                clients = int(cells["clients"])
            except ValueError:
                clients = 0
            if clients <= 0:
                raise _problem(
                    table,
                    line,
                    "clients",
                    f"{cells['clients']!r} is not a positive whole number of clients",
                    "write the number of clients, e.g. 1500",
                )
            try:
                annual_cents = to_cents(annual)
            except ValueError:
                raise _problem(
                    table,
                    line,
                    "annual_cost",
                    f"{annual} is not a whole number of cents",
                    "round the cost to two decimals",
                ) from None
            working_days = calendar.working_days_in_year(year)
            prices[(year, service)] = UnitPrice(
                year=year,
                service=service,
                basis="working_day",
                status=status,  # type: ignore[arg-type]
                numerator_cents=annual_cents,
                denominator=clients * working_days,
                annual_cost=annual,
                clients=clients,
                working_days=working_days,
            )
    return PriceList(
        prices=prices, source=table.source, sha256=table.sha256, services=frozenset(services)
    )
