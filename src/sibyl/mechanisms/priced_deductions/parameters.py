"""The parameters of a ``priced_deductions`` component (README.md here states the rule)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from sibyl.contract.model import Money, Netting, Parameter
from sibyl.mechanisms.base import ComponentParameters


class PricedDeductions(ComponentParameters):
    """A base per child-year in follow-up, minus the priced use of the contract's services."""

    mechanism: Literal["priced_deductions"]
    base_per_child_year: Parameter[Money]
    netting: Parameter[Netting]
    services: list[Annotated[int, Field(ge=1, le=99)]] | None = Field(
        default=None,
        description="the services whose priced use is deducted (default: all of the contract's)",
    )

    @field_validator("services")
    @classmethod
    def _distinct(cls, services: list[int] | None) -> list[int] | None:
        if services is not None:
            if not services:
                raise ValueError("the list of services is empty; leave it out to deduct all")
            if len(set(services)) != len(services):
                raise ValueError("a service is listed twice")
        return services
