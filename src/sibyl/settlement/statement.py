"""From a contract, a cohort and a register extract to a statement (DOMAIN.md 3.3–3.4).

:func:`settle` prepares the engine's tables, runs the engine, turns cents back into ``Decimal``
euros, applies the contract's netting and caps to the yearly totals and says whether each year is
final or provisional.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa

from sibyl.contract import Contract
from sibyl.errors import Location, SibylInputError
from sibyl.mechanisms.base import DetailLine
from sibyl.money import from_cents, to_cents
from sibyl.register.model import Episode, FollowupSpell, episodes_table
from sibyl.settlement.engine import EngineResult, MissingPrice, compute
from sibyl.settlement.followup import followup_intervals, intervals_table
from sibyl.settlement.model import (
    ChildYear,
    ComponentTotals,
    ComponentYear,
    Statement,
    UseLine,
    YearTotals,
)
from sibyl.settlement.netting import year_amount

ZERO = Decimal("0.00")


def check_years(contract: Contract, years: Sequence[int]) -> None:
    """Refuse years the contract does not cover or has no complete price list for."""
    first = contract.enrolment_start.year
    last = contract.followup_end.year
    for year in years:
        if not first <= year <= last:
            raise SibylInputError(
                f"{year} is outside the contract's follow-up years {first}–{last}",
                None,
                f"give a year from {first} to {last}",
            )
        missing = contract.prices.missing(year)
        if missing:
            raise SibylInputError(
                f"the price list has no price for service(s) "
                f"{', '.join(str(code) for code in missing)} in {year}",
                Location(contract.prices.source),
                "add the missing rows or give a complete price list with --prices",
            )


def year_status(contract: Contract, year: int, as_of: date) -> tuple[str, tuple[str, ...]]:
    """``final`` when the extract is as of a day after the year and its prices are confirmed."""
    reasons: list[str] = []
    if as_of <= date(year, 12, 31):
        reasons.append(f"the register extract is as of {as_of.isoformat()}, not after {year}")
    if contract.services and contract.prices.status(year) != "confirmed":
        reasons.append(f"the prices for {year} are not yet confirmed")
    return ("provisional" if reasons else "final"), tuple(reasons)


def subjects_table(birth_years: Mapping[str, int] | None) -> pa.Table | None:
    """``person, birth_year`` for the engine, or ``None``."""
    if not birth_years:
        return None
    people = sorted(birth_years)
    return pa.table(
        {
            "person": pa.array(people, pa.string()),
            "birth_year": pa.array([birth_years[p] for p in people], pa.int32()),
        }
    )


def settle(
    contract: Contract,
    spells: Sequence[FollowupSpell],
    episodes: Sequence[Episode],
    *,
    years: Sequence[int],
    as_of: date,
    identifier: str = "hetu",
    paid_before: Decimal = ZERO,
    inputs: dict[str, str] | None = None,
    mechanism_inputs: Mapping[str, Any] | None = None,
    birth_years: Mapping[str, int] | None = None,
    con: Any = None,
) -> Statement:
    """Settle ``years`` of ``contract`` for the cohort ``spells`` and register ``episodes``.

    ``paid_before`` is the sum of outcome payments invoiced for earlier years, against the
    cumulative cap. Register rows of people not in the cohort are ignored and counted.
    ``mechanism_inputs`` are the files a payment mechanism reads besides the register (e.g.
    outcome claims), by name; ``birth_years`` the children's birth years, for a mechanism that
    looks at ages. ``inputs`` names the input files and their SHA-256, for the record.
    """
    years = sorted(set(years))
    check_years(contract, years)
    intervals = followup_intervals(spells, contract.followup_end)
    in_cohort = [episode for episode in episodes if episode.person in intervals]
    ignored = len(episodes) - len(in_cohort)
    try:
        result = compute(
            intervals_table(intervals),
            episodes_table(in_cohort),
            contract.prices.to_arrow(years),
            years=years,
            as_of=as_of,
            calendar=contract.calendar,
            care_day_services=contract.care_day_services,
            components=contract.components,
            contract=contract,
            subjects=subjects_table(birth_years),
            intervals=intervals,
            inputs=mechanism_inputs or {},
            con=con,
        )
    except MissingPrice as exc:
        raise SibylInputError(
            f"the price list has no price for {exc}",
            Location(contract.prices.source),
            "add the missing rows or give a complete price list with --prices",
        ) from None
    return statement_from(
        contract,
        result,
        years=years,
        as_of=as_of,
        identifier=identifier,
        paid_before=paid_before,
        inputs=inputs,
        ignored=ignored,
    )


def statement_from(
    contract: Contract,
    result: EngineResult,
    *,
    years: list[int],
    as_of: date,
    identifier: str,
    paid_before: Decimal,
    inputs: dict[str, str] | None,
    ignored: int,
) -> Statement:
    """The engine's tables as a statement: euros, sorted lines, each component's figures."""
    lines = [
        UseLine(
            person=row["person"],
            year=row["year"],
            service=row["service"],
            units=row["units"],
            unit_price=contract.prices.get(row["year"], row["service"]).unit_price,  # type: ignore[union-attr]
            amount=from_cents(row["amount_cents"]),
        )
        for row in result.lines.to_pylist()
    ]
    per_component: dict[tuple[str, int], list[ComponentYear]] = defaultdict(list)
    if len(contract.components) > 1:
        for component in contract.components:
            for row in result.components[component.id].to_pylist():
                per_component[(row["person"], row["year"])].append(
                    ComponentYear(
                        component=component.id,
                        base=from_cents(row["base_cents"]),
                        deduction=from_cents(row["deduction_cents"]),
                        payment=from_cents(row["payment_cents"]),
                    )
                )
    only = contract.components[0].id if len(contract.components) == 1 else None
    child_years = []
    for row in result.child_years.to_pylist():
        base, deduction = from_cents(row["base_cents"]), from_cents(row["deduction_cents"])
        payment = from_cents(row["payment_cents"])
        key = (row["person"], row["year"])
        parts = (
            (ComponentYear(only, base, deduction, payment),)
            if only is not None
            else tuple(sorted(per_component[key], key=lambda c: _order(contract, c.component)))
        )
        child_years.append(
            ChildYear(
                person=row["person"],
                year=row["year"],
                followup_days=row["followup_days"],
                days_in_year=row["days_in_year"],
                base=base,
                deduction=deduction,
                payment=payment,
                components=parts,
            )
        )
    details = [
        DetailLine(
            person=row["person"],
            year=row["year"],
            component=component_id,
            kind=row["kind"],
            item=row["item"],
            quantity=Decimal(row["quantity"]),
            unit_price=Decimal(row["unit_price"]) if row["unit_price"] else None,
            amount=from_cents(row["amount_cents"]),
            status=row["status"],
            note=row["note"],
        )
        for component_id, table in result.details.items()
        for row in table.to_pylist()
    ]
    lines.sort(key=lambda row: (row.year, row.person, row.service))
    child_years.sort(key=lambda row: (row.year, row.person))
    details.sort(key=lambda d: (d.year, d.person, _order(contract, d.component), d.kind, d.item))
    totals = _totals(contract, child_years, years, as_of, paid_before)
    return Statement(
        contract=contract.label,
        contract_sha256=contract.sha256,
        price_list=contract.prices.source,
        price_list_sha256=contract.prices.sha256,
        as_of=as_of,
        years=years,
        identifier=identifier,
        child_years=child_years,
        lines=lines,
        totals=totals,
        inputs=dict(inputs or {}),
        details=details,
        ignored_register_rows=ignored,
        use_label=contract.labels.deduction,
    )


def _order(contract: Contract, component_id: str) -> int:
    return [c.id for c in contract.components].index(component_id)


def _totals(
    contract: Contract,
    child_years: list[ChildYear],
    years: list[int],
    as_of: date,
    paid_before: Decimal,
) -> dict[int, YearTotals]:
    by_year: dict[int, list[ChildYear]] = defaultdict(list)
    for line in child_years:
        by_year[line.year].append(line)
    totals: dict[int, YearTotals] = {}
    paid = paid_before
    for year in years:
        rows = by_year.get(year, [])
        parts: list[ComponentTotals] = []
        for component in contract.components:
            own = [c for row in rows for c in row.components if c.component == component.id]
            rule = component.year_rule(year)
            amount = year_amount(
                rule,
                [to_cents(c.base) for c in own],
                [to_cents(c.deduction) for c in own],
                [to_cents(c.payment) for c in own],
            )
            parts.append(
                ComponentTotals(
                    component=component.id,
                    mechanism=component.name,
                    netting=rule.netting,
                    base=from_cents(amount.base_cents),
                    deductions=from_cents(amount.deduction_cents),
                    computed=from_cents(amount.computed_cents),
                    limits=amount.limits,
                )
            )
        base = sum((row.base for row in rows), ZERO)
        deductions = sum((row.deduction for row in rows), ZERO)
        computed = sum((part.computed for part in parts), ZERO)
        payable = computed
        caps: list[str] = []
        notes: list[str] = []
        for part in parts:
            for limit in part.limits:
                caps.append(f"{part.component}.{limit}")
                notes.append(f"the component {part.component}'s {limit.replace('_', ' ')}")
        cap = contract.for_year("max_total_outcome_payments", year)
        if cap is not None:
            room = max(ZERO, cap - paid)
            if payable > room:
                payable = room
                caps.append("max_total_outcome_payments")
                notes.append(
                    f"cumulative maximum of outcome payments EUR {cap} "
                    f"(EUR {paid} paid before this year)"
                )
        status, reasons = year_status(contract, year, as_of)
        totals[year] = YearTotals(
            year=year,
            children=len(rows),
            children_with_deductions=sum(1 for row in rows if row.deduction > 0),
            base=base,
            deductions=deductions,
            computed=computed,
            payable=payable,
            caps_applied=tuple(caps),
            status=status,  # type: ignore[arg-type]
            status_reasons=reasons,
            cap_notes=tuple(notes),
            components=tuple(parts),
        )
        paid += payable
    return totals
