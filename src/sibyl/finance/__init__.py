"""The fund: cash flows, XIRR, the investor return cap, the savings case, scenarios and Monte Carlo.

DOMAIN.md 3.5 and 3.6. Everything here is a library with no database: the store-backed fund
ledger builds on :mod:`sibyl.finance.cashflows`.
"""

from sibyl.finance.cap import CapResult, apply_cap, cap_headroom_cents
from sibyl.finance.cashflows import KINDS, CashFlow, investor_flows, read_cashflows
from sibyl.finance.irr import moic, xirr, xnpv

__all__ = [
    "KINDS",
    "CapResult",
    "CashFlow",
    "apply_cap",
    "cap_headroom_cents",
    "investor_flows",
    "moic",
    "read_cashflows",
    "xirr",
    "xnpv",
]
