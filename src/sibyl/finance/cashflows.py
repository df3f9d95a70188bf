"""Dated cash flows of the fund, read from a CSV or Excel file.

A cash-flow file has the columns ``date`` and ``amount`` at least, and optionally ``kind`` (one of
:data:`KINDS`) and ``investor``. Amounts are exact :class:`~decimal.Decimal` euros (a point or a
Finnish decimal comma), whole cents.

Sign convention: **the investors' view**. A contribution (capital call) is money the investors pay
in, so it is negative; a distribution is money they get back, so it is positive. A file without a
``kind`` column is taken as the investors' own flows, signs as written. With ``kind``:

- ``contribution`` and ``distribution`` are the investors' flows; their sign is forced to the
  convention (a contribution written as ``1000`` counts as ``-1000``), so either way of writing
  them works;
- ``provider_payment``, ``fee`` and ``outcome_payment`` are the fund's own flows (payments to
  service providers, the manager's fees and costs, the city's outcome payments received). They
  change the fund's balance, not the investors' return.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sibyl.errors import Location, SibylInputError
from sibyl.money import CENT, parse_decimal
from sibyl.tabular import iter_cells, parse_date, read_text_table

KINDS = ("contribution", "provider_payment", "fee", "outcome_payment", "distribution")
INVESTOR_KINDS = ("contribution", "distribution")


@dataclass(frozen=True)
class CashFlow:
    """One dated flow. ``amount`` in euros, in the investors' view for investor kinds."""

    date: date
    amount: Decimal
    kind: str = "distribution"
    investor: str = ""


def _normalise(flow_date: date, amount: Decimal, kind: str, investor: str) -> CashFlow:
    if kind == "contribution":
        amount = -abs(amount)
    elif kind == "distribution":
        amount = abs(amount)
    return CashFlow(flow_date, amount, kind, investor)


def make_flow(
    flow_date: date, amount: Decimal | int | str, kind: str, investor: str = ""
) -> CashFlow:
    """A flow with the sign convention applied (for code and tests)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return _normalise(flow_date, Decimal(amount), kind, investor)


def read_cashflows(path: str | Path) -> list[CashFlow]:
    """Read a cash-flow file; every problem is a :class:`SibylInputError` naming its line."""
    table = read_text_table(path)
    source = table.source
    columns = table.column_index()
    for required in ("date", "amount"):
        if required not in columns:
            raise SibylInputError(
                f"the column {required!r} is missing (found: {', '.join(table.header) or 'none'})",
                Location(source, 1),
                "write a header row with at least the columns date,amount",
            )
    has_kind = "kind" in columns
    flows: list[CashFlow] = []
    for line, cells in iter_cells(table, ["date", "amount", "kind", "investor"]):
        if not any(cells.values()):
            continue
        try:
            flow_date = parse_date(cells["date"])
        except ValueError:
            raise SibylInputError(
                f"{cells['date']!r} is not a date",
                Location(source, line, "date"),
                "write it as YYYY-MM-DD or D.M.YYYY",
            ) from None
        try:
            amount = parse_decimal(cells["amount"])
        except ValueError:
            raise SibylInputError(
                f"{cells['amount']!r} is not an amount",
                Location(source, line, "amount"),
                "write euros with a decimal point, e.g. -250000.00",
            ) from None
        if amount != amount.quantize(CENT):
            raise SibylInputError(
                f"{cells['amount']!r} has fractions of a cent",
                Location(source, line, "amount"),
                "round the amount to whole cents",
            )
        kind = cells.get("kind", "").strip().lower() if has_kind else ""
        if has_kind and kind not in KINDS:
            raise SibylInputError(
                f"the kind {cells.get('kind', '')!r} is not known",
                Location(source, line, "kind"),
                f"use one of {', '.join(KINDS)}",
            )
        if not kind:
            kind = "contribution" if amount < 0 else "distribution"
            flows.append(CashFlow(flow_date, amount, kind, cells.get("investor", "")))
        else:
            flows.append(_normalise(flow_date, amount, kind, cells.get("investor", "")))
    if not flows:
        raise SibylInputError(
            "the file has no cash flows",
            Location(source),
            "add rows of date,amount under the header",
        )
    flows.sort(key=lambda f: f.date)
    return flows


def investor_flows(flows: Iterable[CashFlow], investor: str | None = None) -> list[CashFlow]:
    """The investors' flows (contributions negative, distributions positive), by date.

    ``investor`` keeps one investor's flows only (``None``: all investors together).
    """
    chosen = [
        f
        for f in flows
        if f.kind in INVESTOR_KINDS and (investor is None or f.investor == investor)
    ]
    return sorted(chosen, key=lambda f: f.date)


def balances(flows: Iterable[CashFlow]) -> list[tuple[date, Decimal]]:
    """The fund's cash balance after each date: contributions and outcome payments come in;
    provider payments, fees and distributions go out."""
    by_date: dict[date, Decimal] = {}
    for f in flows:
        inflow = f.kind in ("contribution", "outcome_payment")
        change = abs(f.amount) if inflow else -abs(f.amount)
        by_date[f.date] = by_date.get(f.date, Decimal(0)) + change
    result: list[tuple[date, Decimal]] = []
    running = Decimal(0)
    for day in sorted(by_date):
        running += by_date[day]
        result.append((day, running))
    return result
