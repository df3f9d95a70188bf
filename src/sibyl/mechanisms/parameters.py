"""Helpers for the mechanisms' parameters: a component's dated value in force in a year."""

from __future__ import annotations

from datetime import date
from typing import Any

from sibyl.contract.model import Parameter
from sibyl.errors import Location, SibylInputError


def for_year(parameters: Any, name: str, year: int) -> Any:
    """The component parameter ``name`` in force on 1 January of ``year``."""
    parameter: Parameter[Any] = getattr(parameters, name)
    try:
        return parameter.at(date(year, 1, 1))
    except LookupError as exc:
        raise SibylInputError(
            f"the parameter {name} of the payment component {parameters.id} has {exc} "
            f"(asked for {year})",
            Location(key=f"payment.components.{parameters.id}.{name}.values"),
            "add a value that starts on or before 1 January of that year",
        ) from None
