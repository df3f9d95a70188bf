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

The engine computes what every payment mechanism may need, once: ``followup`` (the days each
child is in follow-up in each year) and ``lines``, the priced use of the contract's services
(``person, year, service, units, price_num, price_den, amount_cents``, one row per child, year and
service with units > 0). Each payment component's engine (:mod:`sibyl.mechanisms`) then adds its
``base_cents, deduction_cents, payment_cents`` to every follow-up row. Outputs: ``lines``,
``child_years`` (``person, year, followup_days, days_in_year, base_cents, deduction_cents,
payment_cents``, the sums over the components, one row per child and year with follow-up days
> 0), each component's own ``components`` rows (when there are several) and its ``details``.
The payment of a child-year is the component's child-year payment; cohort-year netting and the
caps are applied to the totals by :mod:`sibyl.settlement.statement`.

Shape, measured with ``bench/settle.py`` (see ``bench/RESULTS.md``):

1. people get dense integer ids in pseudonym order; every window, join and group-by runs on the
   integer; the pseudonym is joined back once for the lines and carried by the spells for the
   child-years;
2. the year split is one equi-join on (first year, last year) of a piece with a small span table
   (Ibis inlines subqueries, so a UNION of two branches would run the window twice);
3. dates stay DATE (``date + INTERVAL`` is a TIMESTAMP in DuckDB, which makes joins cast); the day
   table carries ``working_through`` so the calendar joins need no date arithmetic;
4. a child with one follow-up spell has one row per year, so only children with several spells
   are aggregated.
"""

from __future__ import annotations

import calendar as std_calendar
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from sibyl.calendar import WorkCalendar
from sibyl.mechanisms.base import EngineTables
from sibyl.settlement.netting import half_up

if TYPE_CHECKING:
    from sibyl.mechanisms.base import Component


@dataclass
class EngineResult:
    """The engine's tables (see the module docstring). ``components`` holds each component's
    own child-year rows (``person, year, base_cents, deduction_cents, payment_cents``) when the
    contract has more than one; ``details`` each component's detail lines, if any."""

    child_years: pa.Table
    lines: pa.Table
    components: dict[str, pa.Table] = field(default_factory=dict)
    details: dict[str, pa.Table] = field(default_factory=dict)


class MissingPrice(LookupError):
    """Some units have no price: ``missing`` lists the ``(year, service)`` pairs."""

    def __init__(self, missing: list[tuple[int, int]]):
        self.missing = missing
        super().__init__(", ".join(f"service {s} in {y}" for y, s in missing))


def _day_count(first: ir.DateValue, last: ir.DateValue) -> ir.IntegerValue:
    """Calendar days from ``first`` to ``last``, both inclusive."""
    return last.delta(first, unit="day").cast("int64") + 1


def _next_day(day: ir.DateValue) -> ir.DateValue:
    """The day after ``day``, as a DATE (``date + INTERVAL`` would be a TIMESTAMP)."""
    return (day + ibis.interval(days=1)).cast("date")


def _years_table(years: Sequence[int]) -> pa.Table:
    return pa.table(
        {
            "year": pa.array(list(years), pa.int32()),
            "days_in_year": pa.array(
                [366 if std_calendar.isleap(y) else 365 for y in years], pa.int64()
            ),
        }
    )


def by_year(year: ir.IntegerValue, values: Mapping[int, int]) -> ir.IntegerValue:
    """A yearly figure as an expression: ``values[year]`` (one value for all years is a literal,
    several a CASE, so that no join is needed)."""
    distinct = set(values.values())
    if len(distinct) == 1:
        return ibis.literal(distinct.pop(), "int64")
    return ibis.cases(*((year == y, v) for y, v in sorted(values.items())), else_=0).cast("int64")


def _span_table(years: Sequence[int]) -> pa.Table:
    """Every (first, last) pair of years of the settlement range, with each settlement year
    between them and its first and last day (455 rows for 13 years)."""
    lo, hi, wanted = min(years), max(years), set(years)
    rows = [
        (a, b, y)
        for a in range(lo, hi + 1)
        for b in range(a, hi + 1)
        for y in range(a, b + 1)
        if y in wanted
    ]
    return pa.table(
        {
            "span_first": pa.array([r[0] for r in rows], pa.int32()),
            "span_last": pa.array([r[1] for r in rows], pa.int32()),
            "year": pa.array([r[2] for r in rows], pa.int32()),
            "year_first": pa.array([date(r[2], 1, 1) for r in rows], pa.date32()),
            "year_last": pa.array([date(r[2], 12, 31) for r in rows], pa.date32()),
        }
    )


def _day_table(calendar: WorkCalendar, years: Sequence[int]) -> pa.Table:
    """``day, working_before, working_through`` (working days before / up to and including)."""
    table = calendar.day_table(min(years), max(years))
    before = table["working_before"]
    n = table.num_rows
    return pa.table(
        {
            "day": table["day"].slice(0, n - 1),
            "working_before": before.slice(0, n - 1),
            "working_through": before.slice(1, n - 1),
        }
    )


def _as_table(con: Any, value: pa.Table | ir.Table, name: str) -> ir.Table:
    if isinstance(value, ir.Table):
        return value
    return con.create_table(name, value, temp=True, overwrite=True)


def _clip_to_followup(periods: ir.Table, spells: ir.Table, keep: Sequence[str]) -> ir.Table:
    s = spells.select(s_person=spells.person, s_start=spells.start, s_end=spells.end)
    periods = periods.view()
    joined = periods.join(
        s, [periods.person == s.s_person, periods.start <= s.s_end, periods.end >= s.s_start]
    )
    return joined.select(
        *keep,
        start=ibis.greatest(joined.start, joined.s_start),
        end=ibis.least(joined.end, joined.s_end),
    )


def _split_by_year(pieces: ir.Table, spans: ir.Table, lo: int, hi: int) -> ir.Table:
    """Each piece cut into its parts in each settlement year, by one equi-join."""
    pieces = pieces.view()
    keyed = pieces.mutate(
        _a=ibis.greatest(pieces.start.year().cast("int32"), ibis.literal(lo, "int32")),
        _b=ibis.least(pieces.end.year().cast("int32"), ibis.literal(hi, "int32")),
    )
    joined = keyed.join(spans, [keyed._a == spans.span_first, keyed._b == spans.span_last])
    return joined.mutate(
        part_start=ibis.greatest(joined.start, joined.year_first),
        part_end=ibis.least(joined.end, joined.year_last),
    ).drop("_a", "_b", "span_first", "span_last", "year_first", "year_last")


def build_lines(
    spells: ir.Table,
    episodes: ir.Table,
    prices: ir.Table,
    spans: ir.Table,
    days: ir.Table,
    *,
    years: Sequence[int],
    as_of: date,
    care_day_services: Collection[int],
) -> ir.Table:
    """The deduction lines; ``person`` is whatever key the inputs use (here an integer id)."""
    lo, hi = min(years), max(years)
    as_of_lit = ibis.literal(as_of, type="date")
    care_day = list(care_day_services) or [-1]

    # 1. Register periods: an ongoing period runs to the as-of date, and no period counts past it.
    full_end = episodes.end.fill_null(as_of_lit)
    periods = episodes.mutate(full_end=full_end, end=ibis.least(full_end, as_of_lit)).filter(
        lambda t: t.start <= t.end
    )
    is_care_day = periods.service.isin(care_day)
    with_days = is_care_day & periods.days.notnull()

    # 2. Periods counted by the union of their days: working-day services (a `days` value is
    #    ignored) and care-day rows without `days`. Overlaps of one child and service count once:
    #    in order of start, each period keeps only its days after the furthest end of the periods
    #    before it, [max(start, reach + 1), end]. These pieces are disjoint and their union is the
    #    union of the periods, so their days can simply be added up.
    plain = periods.filter(~with_days).select("person", "service", "start", "end")
    order = ibis.window(
        group_by=[plain.person, plain.service], order_by=[plain.start, plain.end], rows=(None, -1)
    )
    flagged = plain.mutate(reach=plain.end.max().over(order))
    fresh = flagged.reach.isnull() | (flagged.start > flagged.reach)
    pieces = flagged.filter(flagged.reach.isnull() | (flagged.end > flagged.reach)).select(
        "person",
        "service",
        start=ibis.ifelse(fresh, flagged.start, _next_day(flagged.reach)),
        end=flagged.end,
    )

    # 3. Their days in follow-up, cut by year, counted in calendar days or working days
    #    (working days of [a, b] = working_through(b) - working_before(a)).
    parts = _split_by_year(_clip_to_followup(pieces, spells, ["person", "service"]), spans, lo, hi)
    first_day = days.select(d_first=days.day, wb_first=days.working_before)
    last_day = days.select(d_last=days.day, wt_last=days.working_through)
    parts = parts.view()
    parts = parts.join(first_day, parts.part_start == first_day.d_first)
    parts = parts.view()
    parts = parts.join(last_day, parts.part_end == last_day.d_last)
    union_units = parts.select(
        "person",
        "service",
        "year",
        units=ibis.ifelse(
            parts.service.isin(care_day),
            _day_count(parts.part_start, parts.part_end),
            (parts.wt_last - parts.wb_first).cast("int64"),
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
    keep = ["person", "service", "row_id", "care_days", "period_days"]
    reported_parts = _split_by_year(_clip_to_followup(reported, spells, keep), spans, lo, hi)
    per_row_year = reported_parts.group_by(
        ["person", "service", "row_id", "year", "care_days", "period_days"]
    ).aggregate(in_year=_day_count(reported_parts.part_start, reported_parts.part_end).sum())
    allocated_units = per_row_year.select(
        "person",
        "service",
        "year",
        units=half_up(per_row_year.care_days * per_row_year.in_year, per_row_year.period_days),
    )

    # 5. Units per child, service and year, priced: amount = units × price, half up to cents.
    units = (
        union_units.union(allocated_units)
        .group_by(["person", "year", "service"])
        .aggregate(units=lambda t: t.units.sum().cast("int64"))
    )
    units = units.filter(units.units > 0).view()
    priced = units.left_join(prices, [units.year == prices.year, units.service == prices.service])
    return priced.select(
        person=priced.person,
        year=priced.year,
        service=priced.service,
        units=priced.units,
        price_num=priced.price_num.cast("int64"),
        price_den=priced.price_den.cast("int64"),
        amount_cents=half_up(
            priced.units * priced.price_num.cast("int64"), priced.price_den.cast("int64")
        ),
    )


def build_followup(
    spells: ir.Table, spans: ir.Table, years: ir.Table, lo: int, hi: int
) -> ir.Table:
    """The follow-up days of every child and year.

    ``spells`` has ``person`` (integer id), ``name`` (the identifier), ``spells`` (how many the
    child has), ``first_year``, ``birth_year``, ``start`` and ``end``.
    """
    columns = ["person", "name", "spells", "first_year", "birth_year", "start", "end"]
    parts = _split_by_year(spells.select(*columns), spans, lo, hi)
    parts = parts.mutate(days=_day_count(parts.part_start, parts.part_end))
    keep = ["person", "name", "first_year", "birth_year", "year"]
    one = parts.filter(parts.spells == 1).select(*keep, followup_days="days")
    many = parts.filter(parts.spells > 1)
    many = many.group_by(["person", "year"]).aggregate(
        name=many.name.arbitrary(),
        first_year=many.first_year.arbitrary(),
        birth_year=many.birth_year.arbitrary(),
        followup_days=many.days.sum().cast("int64"),
    )
    followup = one.union(many.select(*keep, "followup_days")).view()
    return followup.join(years, "year")


def compute(
    spells: pa.Table | ir.Table,
    episodes: pa.Table | ir.Table,
    prices: pa.Table | ir.Table,
    *,
    years: Sequence[int],
    as_of: date,
    calendar: WorkCalendar,
    care_day_services: Collection[int],
    components: Sequence[Component],
    contract: Any = None,
    subjects: pa.Table | None = None,
    intervals: Mapping[str, list[tuple[date, date]]] | None = None,
    inputs: Mapping[str, Any] | None = None,
    con: Any = None,
) -> EngineResult:
    """Settle ``years``: run the expressions of :func:`build_lines`, :func:`build_followup` and
    each component's engine, and return Arrow tables (in no particular order).

    ``subjects`` (``person, birth_year``) gives birth years where a mechanism needs ages.
    ``con`` is an Ibis backend; by default a new in-memory DuckDB. Raises :class:`MissingPrice`
    when used units have no price.
    """
    years = sorted(set(years))
    if not years:
        raise ValueError("no years to settle")
    if not components:
        raise ValueError("no payment components")
    if con is None:
        con = ibis.duckdb.connect()
    spells_t = _as_table(con, spells, "sibyl_spells")
    episodes_t = _as_table(con, episodes, "sibyl_episodes")
    prices_t = _as_table(con, prices, "sibyl_prices")
    years_t = _as_table(con, _years_table(years), "sibyl_years")
    spans_t = _as_table(con, _span_table(years), "sibyl_spans")
    days_t = _as_table(con, _day_table(calendar, years), "sibyl_days")

    # Dense integer ids, in pseudonym order; the year of the first enrolment and the birth year.
    people = spells_t.group_by("person").aggregate(
        spells=spells_t.count(), first_year=spells_t.start.min().year().cast("int32")
    )
    people = people.mutate(pid=ibis.row_number().over(order_by=people.person).cast("int32"))
    if subjects is not None and subjects.num_rows:
        births = _as_table(con, subjects, "sibyl_subjects").select("person", "birth_year")
        people = people.left_join(births, "person").drop("person_right")
    else:
        people = people.mutate(birth_year=ibis.null("int32"))
    people = con.create_table("sibyl_people", people, temp=True, overwrite=True)
    s = spells_t.join(people, "person")
    spells_i = con.create_table(
        "sibyl_spells_i",
        s.select(
            person=s.pid,
            name=s.person,
            spells=s.spells,
            first_year=s.first_year,
            birth_year=s.birth_year.cast("int32"),
            start=s.start,
            end=s.end,
        ),
        temp=True,
        overwrite=True,
    )
    e = episodes_t.join(people, "person")
    episodes_i = e.select(
        person=e.pid, service=e.service, start=e.start, end=e.end, days=e.days, row_id=e.row_id
    )

    lines = build_lines(
        spells_i,
        episodes_i,
        prices_t,
        spans_t,
        days_t,
        years=years,
        as_of=as_of,
        care_day_services=care_day_services,
    )
    lines_table = con.create_table("sibyl_lines", lines, temp=True, overwrite=True)
    missing = lines_table.filter(lines_table.price_num.isnull() | lines_table.price_den.isnull())
    missing_pairs = con.to_pyarrow(missing.select("year", "service").distinct()).to_pylist()
    if missing_pairs:
        raise MissingPrice(sorted((row["year"], row["service"]) for row in missing_pairs))
    followup = build_followup(spells_i, spans_t, years_t, years[0], years[-1])
    if len(components) > 1:
        followup = con.create_table("sibyl_followup", followup, temp=True, overwrite=True)
    names = people.select(pid=people.pid, name=people.person)
    tables = EngineTables(
        con=con,
        followup=followup,
        lines=lines_table,
        prices=prices_t,
        people=names,
        years=years,
        as_of=as_of,
        contract=contract,
        intervals=intervals or {},
        inputs=inputs or {},
    )
    money = ["base_cents", "deduction_cents", "payment_cents"]
    result = EngineResult(child_years=pa.table({}), lines=pa.table({}))
    outputs = [(c.id, c.mechanism.engine(c, tables)) for c in components]
    for name, output in outputs:
        if output.details is not None:
            result.details[name] = output.details
    if len(outputs) == 1:
        amounts = outputs[0][1].amounts
        child_years = amounts.select(
            person=amounts.name,
            year=amounts.year,
            followup_days=amounts.followup_days.cast("int64"),
            days_in_year=amounts.days_in_year,
            **{column: amounts[column].cast("int64") for column in money},
        )
        result.child_years = con.to_pyarrow(child_years)
    else:
        parts = []
        for name, output in outputs:
            own = output.amounts.select(
                "person", "year", *(output.amounts[c].cast("int64").name(c) for c in money)
            )
            parts.append(own)
            named_own = own.join(names, own.person == names.pid)
            result.components[name] = con.to_pyarrow(
                named_own.select(
                    person=named_own.name,
                    year=named_own.year,
                    **{c: named_own[c] for c in money},
                )
            )
        union = parts[0].union(*parts[1:])
        sums = union.group_by(["person", "year"]).aggregate(
            **{c: union[c].sum().cast("int64") for c in money}
        )
        joined = followup.join(sums, ["person", "year"])
        result.child_years = con.to_pyarrow(
            joined.select(
                person=joined.name,
                year=joined.year,
                followup_days=joined.followup_days.cast("int64"),
                days_in_year=joined.days_in_year,
                **{c: joined[c] for c in money},
            )
        )
    named = lines_table.join(names, lines_table.person == names.pid)
    lines_out = named.select(
        person=named.name, **{c: named[c] for c in lines_table.columns if c != "person"}
    )
    result.lines = con.to_pyarrow(lines_out)
    return result
