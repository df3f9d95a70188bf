"""From a contract, a cohort and a register extract to a statement (DOMAIN.md 3.3–3.4).

:func:`settle` prepares the engine's tables, runs the engine, turns cents back into ``Decimal``
euros, applies the contract's netting and caps to the yearly totals and says whether each year is
final or provisional.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sibyl.contract import Contract
from sibyl.errors import Location, SibylInputError
from sibyl.money import from_cents, to_cents
from sibyl.register.model import Episode, FollowupSpell, episodes_table
from sibyl.settlement.engine import MissingPrice, compute
from sibyl.settlement.followup import followup_intervals, intervals_table
from sibyl.settlement.model import ChildYear, DeductionLine, Statement, YearTotals

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
    if contract.prices.status(year) != "confirmed":
        reasons.append(f"the prices for {year} are not yet confirmed")
    return ("provisional" if reasons else "final"), tuple(reasons)


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
    con: Any = None,
) -> Statement:
    """Settle ``years`` of ``contract`` for the cohort ``spells`` and register ``episodes``.

    ``paid_before`` is the sum of outcome payments invoiced for earlier years, against the
    cumulative cap. Register rows of people not in the cohort are ignored and counted.
    """
    years = sorted(set(years))
    check_years(contract, years)
    intervals = followup_intervals(spells, contract.followup_end)
    in_cohort = [episode for episode in episodes if episode.person in intervals]
    ignored = len(episodes) - len(in_cohort)
    base_cents = {year: to_cents(contract.base_per_child_year(year)) for year in years}
    try:
        result = compute(
            intervals_table(intervals),
            episodes_table(in_cohort),
            contract.prices.to_arrow(years),
            years=years,
            as_of=as_of,
            calendar=contract.calendar,
            base_cents=base_cents,
            care_day_services=[
                code for code, service in contract.services.items() if service.basis == "care_day"
            ],
            con=con,
        )
    except MissingPrice as exc:
        raise SibylInputError(
            f"the price list has no price for {exc}",
            Location(contract.prices.source),
            "add the missing rows or give a complete price list with --prices",
        ) from None

    lines = [
        DeductionLine(
            person=row["person"],
            year=row["year"],
            service=row["service"],
            units=row["units"],
            unit_price=contract.prices.get(row["year"], row["service"]).unit_price,  # type: ignore[union-attr]
            amount=from_cents(row["amount_cents"]),
        )
        for row in result.lines.to_pylist()
    ]
    child_years = [
        ChildYear(
            person=row["person"],
            year=row["year"],
            followup_days=row["followup_days"],
            days_in_year=row["days_in_year"],
            base=from_cents(row["base_cents"]),
            deduction=from_cents(row["deduction_cents"]),
            payment=from_cents(row["payment_cents"]),
        )
        for row in result.child_years.to_pylist()
    ]
    lines.sort(key=lambda row: (row.year, row.person, row.service))
    child_years.sort(key=lambda row: (row.year, row.person))
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
        netting=contract.for_year("netting", years[0]),
        ignored_register_rows=ignored,
    )


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
        base = sum((row.base for row in rows), ZERO)
        deductions = sum((row.deduction for row in rows), ZERO)
        netting = contract.for_year("netting", year)
        if netting == "cohort_year":
            computed = max(ZERO, base - deductions)
        else:
            computed = sum((row.payment for row in rows), ZERO)
        payable = computed
        caps: list[str] = []
        notes: list[str] = []
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
        )
        paid += payable
    return totals
