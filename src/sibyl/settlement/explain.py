"""Explaining one child-year: every figure traced to its inputs (after mvj's explanation trees).

The figures (units, amounts, base, payment) are the engine's own, from settling just this child;
the explanation adds, for each register row, which of its days were counted and why (the priced
use, the same for every mechanism), then each payment component's own explanation from its
mechanism.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sibyl.contract import Contract
from sibyl.errors import SibylInputError
from sibyl.mechanisms.base import ComponentExplanation, ExplainContext, ServiceUse
from sibyl.money import format_money
from sibyl.register.model import Episode, FollowupSpell
from sibyl.settlement.followup import followup_intervals
from sibyl.settlement.statement import settle

Interval = tuple[date, date]


def _intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for a_first, a_last in a:
        for b_first, b_last in b:
            first, last = max(a_first, b_first), min(a_last, b_last)
            if first <= last:
                out.append((first, last))
    return sorted(out)


def _days(intervals: Sequence[Interval]) -> int:
    return sum((last - first).days + 1 for first, last in intervals)


def _text(intervals: Sequence[Interval]) -> str:
    if not intervals:
        return "none"
    return ", ".join(f"{first.isoformat()}–{last.isoformat()}" for first, last in intervals)


def _price_text(price: Decimal) -> str:
    if price == price.quantize(Decimal("0.01")):
        return f"{price:.2f}"
    return f"{price:.6f}… (exact fraction used)"


@dataclass
class RowExplanation:
    """One register row: as written, and the part of it that counts in the year."""

    line: int
    start: date
    end: date | None
    days: int | None
    counted: list[Interval]
    note: str


@dataclass
class ServiceExplanation:
    service: int
    name: str
    basis: str
    rows: list[RowExplanation]
    units: int
    units_rule: str
    unit_price: Decimal
    price_rule: str
    amount: Decimal


@dataclass
class Explanation:
    """A child-year: the follow-up, the priced use of each service and each component's part.
    ``base``, ``deduction`` and ``payment`` are the sums over the components."""

    person: str
    year: int
    as_of: date
    contract: str
    followup: list[Interval]
    followup_days: int
    days_in_year: int
    base: Decimal
    services: list[ServiceExplanation] = field(default_factory=list)
    deduction: Decimal = Decimal("0.00")
    payment: Decimal = Decimal("0.00")
    status: str = "provisional"
    status_reasons: tuple[str, ...] = ()
    components: list[ComponentExplanation] = field(default_factory=list)

    def lines(self, show_person: str | None = None) -> list[str]:
        """The explanation as lines of text for the terminal."""
        who = show_person or self.person
        out = [
            f"Child {who}, year {self.year} ({self.contract}, register as of "
            f"{self.as_of.isoformat()}; {self.status})",
            "",
            f"Follow-up in {self.year}: {_text(self.followup)} = {self.followup_days} of "
            f"{self.days_in_year} days",
        ]
        if not self.services:
            out.append("No use of the contract's services counted in follow-up this year.")
        for item in self.services:
            out.append("")
            out.append(f"Service {item.service} {item.name} ({item.basis.replace('_', '-')}):")
            for row in item.rows:
                end = row.end.isoformat() if row.end else "ongoing"
                days = f", days {row.days}" if row.days is not None else ""
                out.append(
                    f"  register line {row.line}: {row.start.isoformat()}–{end}{days}"
                    f" → counted {_text(row.counted)}{'; ' + row.note if row.note else ''}"
                )
            out.append(f"  units: {item.units} ({item.units_rule})")
            out.append(f"  unit price: EUR {_price_text(item.unit_price)} ({item.price_rule})")
            out.append(
                f"  amount: {item.units} × unit price = EUR {format_money(item.amount)} "
                "(rounded half up to cents)"
            )
        several = len(self.components) > 1
        for part in self.components:
            out.append("")
            if several:
                out.append(f"Component {part.component} ({part.mechanism.replace('_', ' ')}):")
            out.extend(("  " if several else "") + line for line in part.lines)
        if several:
            out.append("")
            out.append(
                "Payment: "
                + " + ".join(f"EUR {format_money(part.payment)}" for part in self.components)
                + f" = EUR {format_money(self.payment)}"
            )
        for reason in self.status_reasons:
            out.append(f"Provisional: {reason}.")
        return out


def explain(
    contract: Contract,
    spells: Sequence[FollowupSpell],
    episodes: Sequence[Episode],
    *,
    person: str,
    year: int,
    as_of: date,
    mechanism_inputs: Mapping[str, Any] | None = None,
    birth_years: Mapping[str, int] | None = None,
) -> Explanation:
    """How ``person``'s outcome payment for ``year`` was computed."""
    own_spells = [spell for spell in spells if spell.person == person]
    if not own_spells:
        raise SibylInputError(
            "this child is not in the cohort file",
            None,
            "give the identifier exactly as the cohort file writes it",
        )
    own_episodes = [episode for episode in episodes if episode.person == person]
    own_births = {person: birth_years[person]} if birth_years and person in birth_years else None
    statement = settle(
        contract,
        own_spells,
        own_episodes,
        years=[year],
        as_of=as_of,
        mechanism_inputs=mechanism_inputs,
        birth_years=own_births,
    )
    totals = statement.totals[year]
    line = statement.child_year(person, year)
    year_span = [(date(year, 1, 1), date(year, 12, 31))]
    intervals = followup_intervals(own_spells, contract.followup_end).get(person, [])
    followup = _intersect(intervals, year_span)
    days_in_year = (date(year, 12, 31) - date(year, 1, 1)).days + 1
    explanation = Explanation(
        person=person,
        year=year,
        as_of=as_of,
        contract=contract.label,
        followup=followup,
        followup_days=line.followup_days if line else 0,
        days_in_year=days_in_year,
        base=line.base if line else Decimal("0.00"),
        deduction=line.deduction if line else Decimal("0.00"),
        payment=line.payment if line else Decimal("0.00"),
        status=totals.status,
        status_reasons=totals.status_reasons,
    )
    for use in statement.lines_of(person, year):
        service = contract.services[use.service]
        price = contract.prices.get(year, use.service)
        rows: list[RowExplanation] = []
        for episode in sorted(
            (e for e in own_episodes if e.service == use.service),
            key=lambda e: (e.start, e.line),
        ):
            end = min(episode.end or as_of, as_of)
            counted = _intersect([(episode.start, end)], followup) if episode.start <= end else []
            if not counted:
                continue
            note = ""
            if service.basis == "working_day":
                working = sum(contract.calendar.working_days(a, b) for a, b in counted)
                note = f"{working} working days"
                if episode.days is not None:
                    note += "; its days value is ignored for a working-day service"
            elif episode.days is not None:
                period = ((episode.end or as_of) - episode.start).days + 1
                note = (
                    f"{episode.days} care days × {_days(counted)} ÷ {period} calendar days "
                    "of the period, rounded half up"
                )
            else:
                note = f"{_days(counted)} calendar days"
            if episode.end is None:
                note += f"; ongoing, counted to the as-of date {as_of.isoformat()}"
            elif episode.end > as_of:
                note += f"; cut at the as-of date {as_of.isoformat()}"
            rows.append(
                RowExplanation(
                    line=episode.line,
                    start=episode.start,
                    end=episode.end,
                    days=episode.days,
                    counted=counted,
                    note=note,
                )
            )
        if service.basis == "working_day":
            units_rule = "working days in the union of the periods, each day once"
        else:
            units_rule = "calendar days in the union of the periods without days, each day once"
            if any(row.days is not None for row in rows):
                units_rule += ", plus the allocated care days of rows with days"
        explanation.services.append(
            ServiceExplanation(
                service=use.service,
                name=service.name.en,
                basis=service.basis,
                rows=rows,
                units=use.units,
                units_rule=units_rule,
                unit_price=use.unit_price,
                price_rule=price.explain() if price else "",
                amount=use.amount,
            )
        )
    explain_components(
        explanation,
        contract,
        statement.details_of(person, year),
        line.components if line else (),
        first_year=intervals[0][0].year if intervals else None,
        birth_year=own_births[person] if own_births else None,
    )
    return explanation


def explain_components(
    explanation: Explanation,
    contract: Contract,
    details: Sequence[Any],
    figures: Sequence[Any],
    *,
    first_year: int | None,
    birth_year: int | None,
) -> None:
    """Add each payment component's explanation, from its mechanism, to ``explanation``."""
    uses = [
        ServiceUse(
            service=item.service,
            name=item.name,
            basis=item.basis,
            units=item.units,
            unit_price=item.unit_price,
            amount=item.amount,
        )
        for item in explanation.services
    ]
    by_component = {part.component: part for part in figures}
    zero = Decimal("0.00")
    for component in contract.components:
        part = by_component.get(component.id)
        context = ExplainContext(
            contract=contract,
            person=explanation.person,
            year=explanation.year,
            as_of=explanation.as_of,
            followup_days=explanation.followup_days,
            days_in_year=explanation.days_in_year,
            services=uses,
            base=part.base if part else zero,
            deduction=part.deduction if part else zero,
            payment=part.payment if part else zero,
            details=[d for d in details if d.component == component.id],
            first_year=first_year,
            birth_year=birth_year,
        )
        explanation.components.append(component.mechanism.explain(component, context))
