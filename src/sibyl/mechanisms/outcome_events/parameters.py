"""The parameters of an ``outcome_events`` component: a rate card (README.md here states the
rule)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sibyl.contract.model import Code, Documented, Money, NonEmptyText, Parameter, Strict, Text
from sibyl.mechanisms.base import ComponentParameters


class Window(Strict):
    """When an outcome must be reached: from the child's first enrolment, within ``months``
    months: the last day is the day of the month ``months`` later with the same number, or that
    month's last day when it has none, both days included (Act 150/1930, § 3)."""

    start: Literal["enrolment"]
    months: Annotated[int, Field(ge=1, le=600)]


class Outcome(Strict):
    """One priced outcome of the rate card."""

    code: Code
    name: Text
    price: Money
    window: Window
    requires: list[Code] = Field(default_factory=list)
    evidence: NonEmptyText


class RateCard(Documented):
    outcomes: list[Outcome] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RateCard:
        codes = [outcome.code for outcome in self.outcomes]
        if len(codes) != len(set(codes)):
            raise ValueError("an outcome code is listed twice")
        for outcome in self.outcomes:
            unknown = [code for code in outcome.requires if code not in codes]
            if unknown:
                raise ValueError(
                    f"the outcome {outcome.code} requires {', '.join(unknown)}, which the rate "
                    "card does not list"
                )
            if outcome.code in outcome.requires:
                raise ValueError(f"the outcome {outcome.code} requires itself")
        requires = {outcome.code: set(outcome.requires) for outcome in self.outcomes}
        for code in codes:
            seen, todo = set(), list(requires[code])
            while todo:
                other = todo.pop()
                if other == code:
                    raise ValueError(
                        f"the outcome {code} requires itself through {', '.join(sorted(seen))}; "
                        "a chain of requirements cannot go round in a circle"
                    )
                if other not in seen:
                    seen.add(other)
                    todo.extend(requires[other])
        return self

    def outcome(self, code: str) -> Outcome | None:
        for outcome in self.outcomes:
            if outcome.code == code:
                return outcome
        return None


class OutcomeEvents(ComponentParameters):
    """A price for each outcome a child (or its family) reaches, claimed with evidence."""

    mechanism: Literal["outcome_events"]
    rate_card: RateCard
    subject_cap: Parameter[Money | None]
    year_cap: Parameter[Money | None]
