"""The ``outcome_events`` engine: each claim checked against the rate card, then priced.

Claims are taken in order of the day the outcome was reached, then outcomes before the outcomes
that require them (so that two reached on the same day are decided as the rule says), then by
claim id, up to the last year settled. A claim is paid, at the outcome's price, when all of
these hold; otherwise it is rejected with the first reason that applies:

1. the child is in the cohort and in follow-up on the day the outcome was reached;
2. the day is not after the as-of date of the settlement;
3. the day is inside the outcome's window: from the child's first enrolment to the day of the
   month ``months`` later with the same number (the last day of that month if it has none), both
   included (the Finnish rule for periods counted in months, Act 150/1930, § 3);
4. every outcome it requires has an accepted claim for the child reached on or before that day;
5. it is the child's first accepted claim of that outcome (at most one claim per child and
   outcome is paid);
6. the child's cap (``subject_cap``, over the whole contract) is not used up: a claim that would
   go over it is paid only what is left of it, and one that finds nothing left is rejected.

A child-year's base is the sum of its paid claims; nothing is deducted; the payment is the base.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal

import ibis
import pyarrow as pa

from sibyl.errors import SibylInputError
from sibyl.mechanisms.base import Component, ComponentTables, EngineTables, details_table
from sibyl.mechanisms.parameters import for_year
from sibyl.money import format_money, to_cents

INPUT = "claims"


def window_end(first: date, months: int) -> date:
    """The last day of a window of ``months`` months from ``first`` (both days included)."""
    index = first.month - 1 + months
    year, month = first.year + index // 12, index % 12 + 1
    return date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


def _depths(card) -> dict[str, int]:
    """Each outcome's depth among the requirements: 0 without any, else one more than the
    deepest outcome it requires (the rate card's model refuses an outcome requiring itself)."""
    found: dict[str, int] = {}

    def depth(code: str, seen: tuple[str, ...] = ()) -> int:
        if code not in found:
            outcome = card.outcome(code)
            requires = [r for r in outcome.requires if r not in seen] if outcome else []
            found[code] = 1 + max((depth(r, (*seen, code)) for r in requires), default=-1)
        return found[code]

    for outcome in card.outcomes:
        depth(outcome.code)
    return found


def in_followup(day: date, intervals: list[tuple[date, date]]) -> bool:
    return any(first <= day <= last for first, last in intervals)


def decide(component: Component, tables: EngineTables) -> list[dict]:
    """Every claim up to the last year settled, decided: the detail rows (cents, status, note)."""
    parameters = component.parameters
    claims = tables.inputs.get(INPUT)
    if claims is None:
        raise SibylInputError(
            f"the payment component {component.id} pays for outcome claims, and no claims file "
            "was given",
            None,
            "give it with --input claims=FILE (an empty file with the header when there are no "
            "claims yet)",
        )
    last_year = max(tables.years)
    paid_to: dict[str, int] = defaultdict(int)
    accepted: dict[tuple[str, str], date] = {}
    rows: list[dict] = []
    depth = _depths(parameters.rate_card)
    order = sorted(claims.claims, key=lambda c: (c.achieved_on, depth[c.outcome], c.claim_id))
    for claim in order:
        if claim.achieved_on.year > last_year:
            continue
        outcome = parameters.rate_card.outcome(claim.outcome)
        assert outcome is not None  # the reader refused unknown outcomes
        price = to_cents(outcome.price)
        intervals = tables.intervals.get(claim.person)
        amount, reason = 0, None
        if not intervals:
            reason = "the child is not in the cohort"
        elif claim.achieved_on > tables.as_of:
            reason = (
                f"reached on {claim.achieved_on.isoformat()}, after the as-of date "
                f"{tables.as_of.isoformat()}"
            )
        elif not in_followup(claim.achieved_on, intervals):
            reason = f"the child is not in follow-up on {claim.achieved_on.isoformat()}"
        else:
            first = intervals[0][0]
            last = window_end(first, outcome.window.months)
            missing = [
                code
                for code in outcome.requires
                if accepted.get((claim.person, code)) is None
                or accepted[(claim.person, code)] > claim.achieved_on
            ]
            if not first <= claim.achieved_on <= last:
                reason = (
                    f"outside the window: the outcome must be reached from {first.isoformat()} "
                    f"to {last.isoformat()} ({outcome.window.months} months from enrolment)"
                )
            elif missing:
                reason = f"it requires {', '.join(missing)} reached first"
            elif (claim.person, claim.outcome) in accepted:
                reason = (
                    f"a second claim of {claim.outcome} for the child; at most one is paid "
                    "(the first was reached on "
                    f"{accepted[(claim.person, claim.outcome)].isoformat()})"
                )
            else:
                cap = for_year(parameters, "subject_cap", claim.achieved_on.year)
                amount = price
                if cap is not None:
                    left = max(0, to_cents(cap) - paid_to[claim.person])
                    if left == 0:
                        amount, reason = 0, f"the child's cap of EUR {cap} is used up"
                    elif price > left:
                        amount = left
        status = "rejected" if reason is not None else "accepted"
        note = f"claim {claim.claim_id}; evidence {claim.evidence}"
        if reason is not None:
            note += f"; rejected: {reason}"
        elif amount < price:
            cap = for_year(parameters, "subject_cap", claim.achieved_on.year)
            note += (
                f"; cut to EUR {format_money(Decimal(amount) / 100)}, what is left of the child's "
                f"cap of EUR {cap}"
            )
        if status == "accepted":
            accepted[(claim.person, claim.outcome)] = claim.achieved_on
            paid_to[claim.person] += amount
        if claim.achieved_on.year in tables.years:
            rows.append(
                {
                    "person": claim.person,
                    "year": claim.achieved_on.year,
                    "kind": "claim",
                    "item": claim.outcome,
                    "quantity": "1",
                    "unit_price": str(outcome.price),
                    "amount_cents": amount,
                    "status": status,
                    "note": note,
                }
            )
    return rows


def engine(component: Component, tables: EngineTables) -> ComponentTables:
    rows = decide(component, tables)
    paid: dict[tuple[str, int], int] = defaultdict(int)
    for row in rows:
        if row["status"] == "accepted":
            paid[(row["person"], row["year"])] += row["amount_cents"]
    keys = sorted(paid)
    sums = tables.con.create_table(
        f"sibyl_claims_{component.id}",
        pa.table(
            {
                "c_name": pa.array([k[0] for k in keys], pa.string()),
                "c_year": pa.array([k[1] for k in keys], pa.int32()),
                "c_cents": pa.array([paid[k] for k in keys], pa.int64()),
            }
        ),
        temp=True,
        overwrite=True,
    )
    followup = tables.followup
    child = followup.left_join(sums, [followup.name == sums.c_name, followup.year == sums.c_year])
    base = child.c_cents.fill_null(0).cast("int64")
    amounts = child.select(
        *(child[c] for c in followup.columns),
        base_cents=base,
        deduction_cents=ibis.literal(0, "int64"),
        payment_cents=base,
    )
    return ComponentTables(amounts=amounts, details=details_table(rows))
