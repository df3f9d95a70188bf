"""The ``forecast_savings`` engine: the forecast cost of each child-year against its actual cost.

For every child-year in follow-up:

* the *forecast* of each service = expected units per child-year (the contract's forecast, by
  year since enrolment or by age) × the year's unit price × follow-up days ÷ days in the year,
  rounded half up to cents once per service (a forecast line);
* ``base`` = the sum of the forecast lines; ``deduction`` = the actual cost, the sum of the
  child's priced use lines of the forecast's services (the same register extracts and price
  lists as every other statement);
* ``payment = share × max(0, base − deduction)``, rounded half up
  (:func:`sibyl.settlement.netting.payment`).

The year since enrolment is 1 in the calendar year of the child's first enrolment; the age is the
age the child reaches in the year (the year minus the birth year).
"""

from __future__ import annotations

from fractions import Fraction

import ibis
import pyarrow as pa

from sibyl.errors import SibylInputError
from sibyl.mechanisms.base import Component, ComponentTables, EngineTables
from sibyl.mechanisms.parameters import for_year
from sibyl.settlement.engine import by_year
from sibyl.settlement.netting import half_up, net


def share_of(parameters, year: int) -> Fraction:
    return Fraction(for_year(parameters, "share", year))


def forecast_table(parameters) -> pa.Table:
    """``key, service, units_100`` (expected units in hundredths) for every key of the forecast."""
    rows = sorted(parameters.forecast.units().items())
    return pa.table(
        {
            "f_key": pa.array([key for (key, _), _ in rows], pa.int32()),
            "f_service": pa.array([service for (_, service), _ in rows], pa.int32()),
            "units_100": pa.array([int(units * 100) for _, units in rows], pa.int64()),
        }
    )


def key_of(parameters, table) -> ibis.Value:
    if parameters.forecast.by == "age":
        return (table.year - table.birth_year).cast("int32")
    return (table.year - table.first_year + 1).cast("int32")


def engine(component: Component, tables: EngineTables) -> ComponentTables:
    parameters = component.parameters
    con, followup, lines, prices = tables.con, tables.followup, tables.lines, tables.prices
    if parameters.forecast.by == "age":
        unknown = con.to_pyarrow(followup.filter(followup.birth_year.isnull()).count())
        if unknown.as_py():
            raise SibylInputError(
                f"the forecast of the payment component {component.id} is by age, but the birth "
                f"year of {unknown.as_py()} child-year(s) is not known",
                None,
                "give the cohort with identity codes (the birth year is read from them)",
            )
    forecast = con.create_table(
        f"sibyl_forecast_{component.id}", forecast_table(parameters), temp=True, overwrite=True
    )
    keyed = followup.mutate(f_key_of=key_of(parameters, followup))
    j = keyed.join(forecast, keyed.f_key_of == forecast.f_key)
    p = prices.select(
        p_year=prices.year, p_service=prices.service, p_num="price_num", p_den="price_den"
    )
    j = j.join(p, [j.year == p.p_year, j.f_service == p.p_service])
    amount = half_up(
        j.units_100 * j.p_num.cast("int64") * j.followup_days,
        100 * j.p_den.cast("int64") * j.days_in_year,
    )
    lines_f = j.select(
        person=j.person,
        name=j.name,
        year=j.year,
        service=j.f_service,
        units_100=j.units_100,
        p_num=j.p_num.cast("int64"),
        p_den=j.p_den.cast("int64"),
        amount_cents=amount.cast("int64"),
    )
    lines_f = con.create_table(
        f"sibyl_forecast_lines_{component.id}", lines_f, temp=True, overwrite=True
    )
    forecast_sum = lines_f.group_by(["person", "year"]).aggregate(
        base_cents=lines_f.amount_cents.sum()
    )
    actual = lines.filter(lines.service.isin(parameters.forecast.services))
    actual_sum = actual.group_by(["person", "year"]).aggregate(
        deduction_cents=actual.amount_cents.sum()
    )
    child = followup.left_join(
        forecast_sum,
        [followup.person == forecast_sum.person, followup.year == forecast_sum.year],
    )
    child = child.select(*(child[c] for c in followup.columns), base_cents=child.base_cents)
    child = child.left_join(
        actual_sum, [child.person == actual_sum.person, child.year == actual_sum.year]
    )
    base = child.base_cents.fill_null(0).cast("int64")
    deduction = child.deduction_cents.fill_null(0).cast("int64")
    shares = {year: share_of(parameters, year) for year in tables.years}
    num = by_year(child.year, {y: s.numerator for y, s in shares.items()})
    den = by_year(child.year, {y: s.denominator for y, s in shares.items()})
    amounts = child.select(
        *(child[c] for c in followup.columns),
        base_cents=base,
        deduction_cents=deduction,
        payment_cents=half_up(net(base, deduction, maximum=ibis.greatest) * num, den).cast("int64"),
    )
    return ComponentTables(amounts=amounts, details=_details(con, lines_f))


def _details(con, lines_f) -> pa.Table:
    rows = con.to_pyarrow(
        lines_f.select("name", "year", "service", "units_100", "p_num", "p_den", "amount_cents")
    ).to_pylist()
    from sibyl.mechanisms.base import details_table
    from sibyl.mechanisms.forecast_savings.words import price_text, units_text

    return details_table(
        [
            {
                "person": row["name"],
                "year": row["year"],
                "kind": "forecast",
                "item": str(row["service"]),
                "quantity": units_text(row["units_100"]),
                "unit_price": price_text(row["p_num"], row["p_den"]),
                "amount_cents": row["amount_cents"],
                "status": "",
                "note": "",
            }
            for row in rows
        ]
    )
