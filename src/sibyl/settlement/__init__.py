"""The settlement: from cohort and register data to outcome payments (DOMAIN.md 3.1–3.4)."""

from sibyl.settlement.model import ChildYear, DeductionLine, Statement, YearTotals
from sibyl.settlement.statement import settle

__all__ = ["ChildYear", "DeductionLine", "Statement", "YearTotals", "settle"]
