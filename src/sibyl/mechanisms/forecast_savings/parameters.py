"""The parameters of a ``forecast_savings`` component (README.md here states the rule)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from sibyl.contract.model import Documented, Money, Netting, Parameter, Rate, Strict
from sibyl.mechanisms.base import ComponentParameters

ForecastKey = Literal["year_since_enrolment", "age"]


def _units(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(366):
        raise ValueError("expected units per child-year are between 0 and 366")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("expected units have at most two decimals, e.g. 12.25")
    return value


Units = Annotated[Decimal, AfterValidator(_units)]


class ForecastRow(Strict):
    """The expected use of one service by a child in follow-up for a whole year, for the years
    since enrolment (or ages) ``from``–``to``: in the service's units (care days or working
    days)."""

    service: Annotated[int, Field(ge=1, le=99)]
    from_: Annotated[int, Field(ge=0, le=150, alias="from")]
    to: Annotated[int, Field(ge=0, le=150)]
    units: Units

    @model_validator(mode="after")
    def _ordered(self) -> ForecastRow:
        if self.to < self.from_:
            raise ValueError(f"to ({self.to}) is before from ({self.from_})")
        return self


class Forecast(Documented):
    """The frozen forecast: the expected use of the contract's services per child-year without
    the intervention, by year since enrolment or by age, with its source (``reference``). It is
    part of the contract: changing it is a new contract version."""

    by: ForecastKey
    unit: Literal["units per child-year"]
    rows: list[ForecastRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _once(self) -> Forecast:
        seen: set[tuple[int, int]] = set()
        for row in self.rows:
            for key in range(row.from_, row.to + 1):
                if (row.service, key) in seen:
                    raise ValueError(
                        f"service {row.service} has two forecasts for {self.by.replace('_', ' ')} "
                        f"{key}"
                    )
                seen.add((row.service, key))
        return self

    @property
    def services(self) -> list[int]:
        return sorted({row.service for row in self.rows})

    def units(self) -> dict[tuple[int, int], Decimal]:
        """``(key, service) → expected units`` for every key a row covers."""
        return {
            (key, row.service): row.units
            for row in self.rows
            for key in range(row.from_, row.to + 1)
        }


class ForecastSavings(ComponentParameters):
    """A share of what the children's priced use falls short of the forecast."""

    mechanism: Literal["forecast_savings"]
    forecast: Forecast
    share: Parameter[Rate]
    netting: Parameter[Netting]
    year_floor: Parameter[Money | None]
    year_cap: Parameter[Money | None]
