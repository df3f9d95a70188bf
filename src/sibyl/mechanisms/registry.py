"""The registry of payment mechanisms: the one place that names them all.

After datasette's list of default plugins and PolicyEngine's list of reforms: a mechanism is
added by writing its folder (see docs/mechanisms.md) and one line here. Everything else looks a
mechanism up by the name a contract writes in ``mechanism:``.
"""

from __future__ import annotations

from sibyl.mechanisms.base import Mechanism
from sibyl.mechanisms.forecast_savings import MECHANISM as FORECAST_SAVINGS
from sibyl.mechanisms.outcome_events import MECHANISM as OUTCOME_EVENTS
from sibyl.mechanisms.priced_deductions import MECHANISM as PRICED_DEDUCTIONS

MECHANISMS: dict[str, Mechanism] = {
    mechanism.name: mechanism
    for mechanism in (
        PRICED_DEDUCTIONS,
        FORECAST_SAVINGS,
        OUTCOME_EVENTS,
    )
}


def get(name: str) -> Mechanism:
    """The mechanism called ``name``; ``KeyError`` if there is none."""
    return MECHANISMS[name]


def names() -> list[str]:
    return sorted(MECHANISMS)
