"""The settlement: from cohort and register data to outcome payments (DOMAIN.md 3.1–3.4).

The names below are imported on first use, so that the payment mechanisms can use
:mod:`sibyl.settlement.netting` without importing the whole settlement.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ChildYear", "Statement", "UseLine", "YearTotals", "settle"]


def __getattr__(name: str) -> Any:
    if name in ("ChildYear", "Statement", "UseLine", "YearTotals"):
        from sibyl.settlement import model

        return getattr(model, name)
    if name == "settle":
        from sibyl.settlement.statement import settle

        return settle
    raise AttributeError(name)
