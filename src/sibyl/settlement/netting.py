"""Netting: the one place where a payment is ``max(0, base − deduction)``.

Every mechanism pays, per child-year or per cohort-year, a share of what is left of a *base*
once a *deduction* is set against it, never less than zero: Helsinki's base per child-year minus
the priced use of the corrective services; Hämeenlinna's forecast cost minus the actual cost;
an outcome rate card's claims minus nothing. The same rule is evaluated on four kinds of value:
Python integers of cents (the statement's totals), Ibis columns (the engine), NumPy arrays (the
Monte Carlo) and floats (the expected value of the savings case). :func:`net` is written once and
takes the ``maximum`` of the kind of value it is given, so the rule itself is not written again
anywhere.

The money is whole cents; a share (``0.5``: half the saving) is an exact fraction, and
``share × cents`` is rounded half up to a cent once, with integer arithmetic
(:func:`half_up`), on any of those kinds of value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

Netting = Literal["child_year", "cohort_year"]


def half_up(numerator: Any, denominator: Any) -> Any:
    """``numerator / denominator`` rounded half up to a whole number, for ``numerator >= 0`` and
    ``denominator > 0``: ``(2·n + d) // (2·d)``, on integers, Ibis integer columns or NumPy
    integer arrays alike."""
    return (2 * numerator + denominator) // (2 * denominator)


def net(base: Any, deduction: Any, *, maximum: Callable[[Any, Any], Any] = max) -> Any:
    """``max(0, base − deduction)``: what is left of the base, never below zero.

    ``maximum`` is the maximum of the kind of value given: the built-in :func:`max` for numbers,
    ``ibis.greatest`` for Ibis columns, ``numpy.maximum`` for arrays.
    """
    return maximum(base - deduction, 0)


def shared(cents: Any, share: Fraction) -> Any:
    """``share × cents`` rounded half up to a cent (``cents >= 0``); the cents themselves when the
    share is 1."""
    if share == 1:
        return cents
    return half_up(cents * share.numerator, share.denominator)


def payment(
    base: Any,
    deduction: Any,
    share: Fraction = Fraction(1),
    *,
    maximum: Callable[[Any, Any], Any] = max,
) -> Any:
    """``share × max(0, base − deduction)`` in cents, rounded half up once."""
    return shared(net(base, deduction, maximum=maximum), share)


@dataclass(frozen=True)
class YearRule:
    """How a component's yearly amount is made from its child-years (a contract's terms).

    ``netting``: ``child_year`` adds up each child's own payment (one child's heavy use does not
    lower another's); ``cohort_year`` pays ``share × max(0, Σ base − Σ deduction)`` over the
    cohort. ``floor`` and ``cap`` (cents, optional) bound the year's amount after netting.
    """

    netting: Netting = "child_year"
    share: Fraction = Fraction(1)
    floor_cents: int | None = None
    cap_cents: int | None = None


@dataclass(frozen=True)
class YearAmount:
    """A component's amount for one year, and which of its own limits applied."""

    base_cents: int
    deduction_cents: int
    computed_cents: int
    limits: tuple[str, ...] = ()


def year_amount(
    rule: YearRule, bases: list[int], deductions: list[int], payments: list[int]
) -> YearAmount:
    """A component's amount for a year from its child-years' cents, by the contract's rule.

    With no child in follow-up in the year there is nothing to pay, and neither floor nor cap
    applies.
    """
    base, deduction = sum(bases), sum(deductions)
    if rule.netting == "cohort_year":
        computed = payment(base, deduction, rule.share)
    else:
        computed = sum(payments)
    limits: list[str] = []
    if bases or payments:
        if rule.floor_cents is not None and computed < rule.floor_cents:
            computed = rule.floor_cents
            limits.append("year_floor")
        if rule.cap_cents is not None and computed > rule.cap_cents:
            computed = rule.cap_cents
            limits.append("year_cap")
    return YearAmount(base, deduction, computed, tuple(limits))
