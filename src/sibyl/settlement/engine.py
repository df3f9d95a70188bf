"""The settlement engine: tables in, tables out, as Ibis expressions (DOMAIN.md 3.1–3.3).

The same expressions run on DuckDB in-process (the default) and on any other Ibis backend with
window functions, such as PySpark, when the data outgrows one machine.

Inputs (Arrow tables, or Ibis tables bound to ``con``):

``spells``
    ``person, start, end``: the days each child is in follow-up, ``end`` inclusive. Spells of one
    person do not overlap (:func:`sibyl.settlement.followup.followup_intervals` makes them so).
``episodes``
    ``person, service, start, end, days, row_id``: register rows; ``end`` null while ongoing.
``prices``
    ``year, service, price_num, price_den``: the unit price is exactly ``price_num / price_den``
    cents.

Money is exact: everything is whole cents in 64-bit integers, and each quotient is rounded half up
once, with integer arithmetic, ``(2·n + d) // (2·d)``. SQL engines divide decimals as doubles,
so no division of money happens anywhere else.

Outputs: ``lines`` (``person, year, service, units, price_num, price_den, amount_cents``, one row
per child, year and service with units > 0) and ``child_years`` (``person, year, followup_days,
days_in_year, base_cents, deduction_cents, payment_cents``, one row per child and year with
follow-up days > 0). The payment here is the child-year payment ``max(0, base − deductions)``;
cohort-year netting and the caps are applied to the totals by :mod:`sibyl.settlement.statement`.
"""

from __future__ import annotations

import calendar as std_calendar
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from sibyl.calendar import WorkCalendar

ONE_DAY = ibis.interval(days=1)


@dataclass
class EngineResult:
    child_years: pa.Table
    lines: pa.Table


def _half_up(numerator: ir.IntegerValue, denominator: ir.IntegerValue) -> ir.IntegerValue:
    """``numerator / denominator`` rounded half up, for ``numerator >= 0``, ``denominator > 0``."""
    return (2 * numerator + denominator) // (2 * denominator)


def _day_count(first: ir.DateValue, last: ir.DateValue) -> ir.IntegerValue:
    """Calendar days from ``first`` to ``last``, both inclusive."""
    return last.delta(first, unit="day").cast("int64") + 1


def _years_table(years: Sequence[int], base_cents: Mapping[int, int]) -> pa.Table:
    return pa.table(
        {
            "year": pa.array(list(years), pa.int32()),
            "year_first": pa.array([date(y, 1, 1) for y in years], pa.date32()),
            "year_last": pa.array([date(y, 12, 31) for y in years], pa.date32()),
            "days_in_year": pa.array(
                [366 if std_calendar.isleap(y) else 365 for y in years], pa.int64()
            ),
            "base_cents": pa.array([base_cents[y] for y in years], pa.int64()),
        }
    )


def _as_table(con: Any, value: pa.Table | ir.Table, name: str) -> ir.Table:
    if isinstance(value, ir.Table):
        return value
    return con.create_table(name, value, temp=True, overwrite=True)


def _split_by_year(pieces: ir.Table, years: ir.Table) -> ir.Table:
    """Each piece ``[start, end]`` cut into its parts in each settlement year.

    Almost every piece lies inside one year: those take an equi-join on the year; only the rest
    take the range join with the year table.
    """
    pieces = pieces.view()  # a fresh relation, so the join does not extend an earlier chain
    within = pieces.filter(pieces.start.year() == pieces.end.year())
    within = within.mutate(_year=within.start.year().cast("int32"))
    one = within.join(years, within._year == years.year).drop("_year")
    one = one.mutate(part_start=one.start, part_end=one.end)
    across = pieces.filter(pieces.start.year() != pieces.end.year())
    many = across.join(
        years,
        [across.start <= years.year_last, across.end >= years.year_first],
    )
    many = many.mutate(
        part_start=ibis.greatest(many.start, many.year_first),
        part_end=ibis.least(many.end, many.year_last),
    )
    return one.union(many.select(one.columns))


def _clip_to_followup(periods: ir.Table, spells: ir.Table, keep: Sequence[str]) -> ir.Table:
    """The parts of each period that fall in one of the person's follow-up spells."""
    s = spells.select(s_person=spells.person, s_start=spells.start, s_end=spells.end)
    periods = periods.view()
    joined = periods.join(
        s,
        [periods.person == s.s_person, periods.start <= s.s_end, periods.end >= s.s_start],
    )
    return joined.select(
        *keep,
        start=ibis.greatest(joined.start, joined.s_start),
        end=ibis.least(joined.end, joined.s_end),
    )


def build_lines(
    spells: ir.Table,
    episodes: ir.Table,
    prices: ir.Table,
    years: ir.Table,
    days: ir.Table,
    *,
    as_of: date,
    care_day_services: Collection[int],
) -> ir.Table:
    """The deduction lines as an unexecuted Ibis expression.

    ``days`` is the calendar's day table (``day, working_before``; see
    :meth:`sibyl.calendar.WorkCalendar.day_table`) covering the settlement years and the day
    after them; ``years`` has ``year, year_first, year_last, days_in_year, base_cents``.
    """
    as_of_lit = ibis.literal(as_of, type="date")
    care_day = list(care_day_services) or [-1]

    # 1. Register periods: an ongoing period runs to the as-of date, and no period counts past it.
    full_end = episodes.end.fill_null(as_of_lit)
    periods = episodes.mutate(
        full_end=full_end,
        end=ibis.least(full_end, as_of_lit),
    ).filter(lambda t: t.start <= t.end)

    is_care_day = periods.service.isin(care_day)
    with_days = is_care_day & periods.days.notnull()

    # 2. Periods counted by the union of their days: working-day services (a `days` value is
    #    ignored) and care-day rows without `days`. Overlaps of one child and service count once:
    #    in order of start, each period keeps only its days after the furthest end of the periods
    #    before it, [max(start, reach + 1), end]. These pieces are disjoint and their union is the
    #    union of the periods, so their days can simply be added up.
    plain = periods.filter(~with_days).select("person", "service", "start", "end")
    order = ibis.window(
        group_by=[plain.person, plain.service],
        order_by=[plain.start, plain.end],
        rows=(None, -1),
    )
    flagged = plain.mutate(reach=plain.end.max().over(order))
    fresh = flagged.reach.isnull() | (flagged.start > flagged.reach)
    pieces = flagged.filter(flagged.reach.isnull() | (flagged.end > flagged.reach)).select(
        "person",
        "service",
        start=ibis.ifelse(fresh, flagged.start, flagged.reach + ONE_DAY),
        end=flagged.end,
    )

    # 3. Their days in follow-up, cut by year, counted in calendar days or working days.
    in_followup = _clip_to_followup(pieces, spells, ["person", "service"])
    parts = _split_by_year(in_followup, years)
    first_day = days.select(d_first=days.day, wb_first=days.working_before)
    after_last = days.select(d_after=days.day, wb_after=days.working_before)
    parts = parts.view()
    parts = parts.join(first_day, parts.part_start == first_day.d_first)
    parts = parts.view()
    parts = parts.join(after_last, (parts.part_end + ONE_DAY) == after_last.d_after)
    union_units = parts.select(
        "person",
        "service",
        "year",
        units=ibis.ifelse(
            parts.service.isin(care_day),
            _day_count(parts.part_start, parts.part_end),
            (parts.wb_after - parts.wb_first).cast("int64"),
        ),
    )

    # 4. Care-day rows with `days`: the row's care days go to each year in proportion to the
    #    calendar days of its period in follow-up in that year, rounded half up per row and year.
    reported = periods.filter(with_days).select(
        "person",
        "service",
        "row_id",
        "start",
        "end",
        care_days=periods.days.cast("int64"),
        period_days=_day_count(periods.start, periods.full_end),
    )
    reported_parts = _split_by_year(
        _clip_to_followup(
            reported, spells, ["person", "service", "row_id", "care_days", "period_days"]
        ),
        years,
    )
    per_row_year = reported_parts.group_by(
        ["person", "service", "row_id", "year", "care_days", "period_days"]
    ).aggregate(in_year=_day_count(reported_parts.part_start, reported_parts.part_end).sum())
    allocated_units = per_row_year.select(
        "person",
        "service",
        "year",
        units=_half_up(per_row_year.care_days * per_row_year.in_year, per_row_year.period_days),
    )

    # 5. Units per child, service and year, priced: amount = units × price, half up to cents.
    units = (
        union_units.union(allocated_units)
        .group_by(["person", "year", "service"])
        .aggregate(units=lambda t: t.units.sum().cast("int64"))
    )
    units = units.filter(units.units > 0)
    units = units.view()
    priced = units.left_join(prices, [units.year == prices.year, units.service == prices.service])
    lines = priced.select(
        person=priced.person,
        year=priced.year,
        service=priced.service,
        units=priced.units,
        price_num=priced.price_num.cast("int64"),
        price_den=priced.price_den.cast("int64"),
        amount_cents=_half_up(
            priced.units * priced.price_num.cast("int64"), priced.price_den.cast("int64")
        ),
    )

    return lines


def build_child_years(spells: ir.Table, years: ir.Table, lines: ir.Table) -> ir.Table:
    """Follow-up days per child and year, the pro-rata base and the child-year payment."""
    followup = _split_by_year(spells.select("person", "start", "end"), years)
    followup = followup.group_by(["person", "year", "days_in_year", "base_cents"]).aggregate(
        followup_days=_day_count(followup.part_start, followup.part_end).sum().cast("int64")
    )
    deductions = lines.group_by(["person", "year"]).aggregate(
        deduction_cents=lines.amount_cents.sum()
    )
    followup = followup.view()
    child = followup.left_join(
        deductions,
        [followup.person == deductions.person, followup.year == deductions.year],
    )
    base = _half_up(child.base_cents * child.followup_days, child.days_in_year)
    deduction = child.deduction_cents.fill_null(0).cast("int64")
    child_years = child.select(
        person=child.person,
        year=child.year,
        followup_days=child.followup_days,
        days_in_year=child.days_in_year,
        base_cents=base,
        deduction_cents=deduction,
        payment_cents=ibis.greatest(base - deduction, 0).cast("int64"),
    )
    return child_years


class MissingPrice(LookupError):
    """Some units have no price: ``missing`` lists the ``(year, service)`` pairs."""

    def __init__(self, missing: list[tuple[int, int]]):
        self.missing = missing
        super().__init__(", ".join(f"service {s} in {y}" for y, s in missing))


def compute(
    spells: pa.Table | ir.Table,
    episodes: pa.Table | ir.Table,
    prices: pa.Table | ir.Table,
    *,
    years: Sequence[int],
    as_of: date,
    calendar: WorkCalendar,
    base_cents: Mapping[int, int],
    care_day_services: Collection[int],
    con: Any = None,
) -> EngineResult:
    """Settle ``years``: run the expressions of :func:`build` and return Arrow tables.

    ``con`` is an Ibis backend; by default a new in-memory DuckDB. Raises :class:`MissingPrice`
    when used units have no price.
    """
    years = sorted(set(years))
    if not years:
        raise ValueError("no years to settle")
    if con is None:
        con = ibis.duckdb.connect()
    spells_t = _as_table(con, spells, "sibyl_spells")
    episodes_t = _as_table(con, episodes, "sibyl_episodes")
    prices_t = _as_table(con, prices, "sibyl_prices")
    years_t = _as_table(con, _years_table(years, base_cents), "sibyl_years")
    days_t = _as_table(
        con, calendar.day_table(years[0], years[-1]).select(["day", "working_before"]), "sibyl_days"
    )
    lines = build_lines(
        spells_t,
        episodes_t,
        prices_t,
        years_t,
        days_t,
        as_of=as_of,
        care_day_services=care_day_services,
    )
    lines_table = con.create_table("sibyl_lines", lines, temp=True, overwrite=True)
    missing = lines_table.filter(lines_table.price_num.isnull() | lines_table.price_den.isnull())
    missing_pairs = con.to_pyarrow(missing.select("year", "service").distinct()).to_pylist()
    if missing_pairs:
        raise MissingPrice(sorted((row["year"], row["service"]) for row in missing_pairs))
    child_years = build_child_years(spells_t, years_t, lines_table)
    # No ORDER BY: the order of rows is not part of the result (the statement sorts its lines).
    return EngineResult(
        child_years=con.to_pyarrow(child_years),
        lines=con.to_pyarrow(lines_table),
    )
