"""The fund ledger in the store (DOMAIN.md 3.5): import and add flows, the ledger with its running
balance, the fund's position on a date and the investor return cap on the stored flows.

Each change is one transaction with its audit entry. A cash-flow file imported twice (same
SHA-256 for the contract) changes nothing; a file with any error changes nothing either.
Amounts follow :mod:`sibyl.finance.cashflows`: the investors' view, contributions negative.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, localcontext
from pathlib import Path

from django.db import transaction

from sibyl.errors import Location, SibylInputError
from sibyl.finance.cap import CapResult, apply_cap
from sibyl.finance.cashflows import KINDS, CashFlow, investor_flows, make_flow, read_cashflows
from sibyl.finance.irr import moic, xirr
from sibyl.money import CENT
from sibyl.tabular import file_sha256
from sibyl.web.audit import log as audit
from sibyl.web.fund.models import FundFlow, FundImport

INFLOW_KINDS = ("contribution", "outcome_payment")
LARGEST = Decimal("99999999999999.99")
"""The largest amount a flow can hold (``FundFlow.amount``: 16 digits, 2 of them decimals)."""


def _too_large(amount: Decimal) -> bool:
    return amount.copy_abs() > LARGEST


@dataclass
class FundImportResult:
    fund_import: FundImport
    already_imported: bool
    flows: int


def _flow_details(flow: CashFlow) -> dict[str, str]:
    return {
        "on": flow.date.isoformat(),
        "amount": f"{flow.amount:f}",
        "kind": flow.kind,
        "investor": flow.investor,
    }


def import_flows(path: str | Path, contract_id: str, *, actor: str) -> FundImportResult:
    """Store every flow of a cash-flow file (``read_cashflows``) for the contract, all or none."""
    sha = file_sha256(path)
    existing = FundImport.objects.filter(contract_id=contract_id, sha256=sha).first()
    if existing is not None:
        return FundImportResult(existing, already_imported=True, flows=existing.rows)
    name = Path(path).name
    try:
        flows = read_cashflows(path)  # raises SibylInputError before anything is written
    except ArithmeticError:  # an amount beyond Decimal's 28 digits (e.g. 1E+30)
        raise SibylInputError(
            "an amount in the file is too large to be euros",
            Location(name),
            f"check the amounts: a flow is at most {LARGEST:,} euros",
        ) from None
    for f in flows:
        if _too_large(f.amount):
            raise SibylInputError(
                f"the amount {f.amount:f} of {f.date.isoformat()} is larger than a flow can hold",
                Location(name),
                f"check it: a flow is at most {LARGEST:,} euros",
            )
    with transaction.atomic():
        fund_import = FundImport.objects.create(
            contract_id=contract_id, sha256=sha, file_name=name, rows=len(flows), imported_by=actor
        )
        FundFlow.objects.bulk_create(
            FundFlow(
                contract_id=contract_id,
                on=f.date,
                amount=f.amount,
                kind=f.kind,
                investor=f.investor,
                source_file=name,
                import_sha256=sha,
                created_by=actor,
            )
            for f in flows
        )
        audit.record(
            "fund.import",
            actor=actor,
            object_type="fund_import",
            object_id=fund_import.id,
            contract_id=contract_id,
            details={"file": name, "sha256": sha, "rows": len(flows)},
        )
    return FundImportResult(fund_import, already_imported=False, flows=len(flows))


def add_flow(
    contract_id: str,
    on: date,
    amount: Decimal | int | str,
    kind: str,
    investor: str = "",
    note: str = "",
    *,
    actor: str,
) -> FundFlow:
    """Store one flow; contributions and distributions get the investors' sign whichever way
    ``amount`` is written."""
    if kind not in KINDS:
        raise SibylInputError(
            f"the kind {kind!r} is not known", None, f"use one of {', '.join(KINDS)}"
        )
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        raise SibylInputError(
            f"the amount {amount!r} is not a number", None, "write euros, e.g. 250000.00"
        ) from None
    if value.is_finite() and _too_large(value):
        raise SibylInputError(
            f"the amount {amount!r} is larger than a flow can hold",
            None,
            f"check it: a flow is at most {LARGEST:,} euros",
        )
    if not value.is_finite() or value != value.quantize(CENT):
        raise SibylInputError(
            f"the amount {amount!r} is not a whole number of cents", None, "round it to cents"
        )
    investor = (investor or "").strip()
    if investor and kind not in ("contribution", "distribution"):
        raise SibylInputError(
            f"a {kind.replace('_', ' ')} is the fund's own flow and names no investor",
            None,
            "leave the investor out",
        )
    flow = make_flow(on, value, kind, investor)
    with transaction.atomic():
        stored = FundFlow.objects.create(
            contract_id=contract_id,
            on=flow.date,
            amount=flow.amount,
            kind=flow.kind,
            investor=flow.investor,
            note=note,
            created_by=actor,
        )
        audit.record(
            "fund.add_flow",
            actor=actor,
            object_type="fund_flow",
            object_id=stored.id,
            contract_id=contract_id,
            details={**_flow_details(flow), "note": note},
        )
    return stored


def stored_flows(contract_id: str, on: date | None = None) -> list[CashFlow]:
    """The contract's flows (dated on or before ``on`` when given) as :class:`CashFlow`, by date."""
    rows = FundFlow.objects.filter(contract_id=contract_id)
    if on is not None:
        rows = rows.filter(on__lte=on)
    return [
        CashFlow(day, Decimal(amount), kind, investor)
        for day, amount, kind, investor in rows.order_by("on", "id").values_list(
            "on", "amount", "kind", "investor"
        )
    ]


def _change(kind: str, amount: Decimal) -> Decimal:
    """A flow's effect on the fund's cash (as :func:`sibyl.finance.cashflows.balances`)."""
    return abs(amount) if kind in INFLOW_KINDS else -abs(amount)


@dataclass(frozen=True)
class LedgerLine:
    flow: FundFlow
    balance: Decimal  # the fund's cash after this flow


def ledger(contract_id: str) -> list[LedgerLine]:
    """The contract's flows in date order (then entry order) with the fund's running balance."""
    running = Decimal("0.00")
    lines: list[LedgerLine] = []
    for flow in FundFlow.objects.filter(contract_id=contract_id).order_by("on", "id"):
        running += _change(flow.kind, flow.amount)
        lines.append(LedgerLine(flow, running))
    return lines


@dataclass(frozen=True)
class Position:
    """The fund on a date. Totals are positive euros; ``balance`` is the fund's cash."""

    contract_id: str
    on: date
    contributions: Decimal
    distributions: Decimal
    outcome_payments: Decimal
    provider_payments: Decimal
    fees: Decimal
    balance: Decimal
    contributed_by: dict[str, Decimal] = field(default_factory=dict)
    shares: dict[str, Decimal] = field(default_factory=dict)  # fractions of the contributions
    xirr: float | None = None
    xirr_reason: str | None = None  # why there is no XIRR yet
    moic: Decimal | None = None  # distributions ÷ contributions; None without contributions


def _total(flows: Iterable[CashFlow], kind: str) -> Decimal:
    return sum((abs(f.amount) for f in flows if f.kind == kind), Decimal("0.00"))


def position(contract_id: str, on: date) -> Position:
    """The fund's totals, balance, investors' shares, XIRR and multiple from the flows up to
    ``on`` (the realised flows only: no valuation of what the fund still holds)."""
    flows = stored_flows(contract_id, on)
    contributed: dict[str, Decimal] = {}
    for f in flows:
        if f.kind == "contribution":
            contributed[f.investor] = contributed.get(f.investor, Decimal("0.00")) + abs(f.amount)
    contributions = sum(contributed.values(), Decimal("0.00"))
    shares: dict[str, Decimal] = {}
    if contributions:
        with localcontext() as ctx:
            ctx.prec = 28
            shares = {name: value / contributions for name, value in sorted(contributed.items())}
    investors = investor_flows(flows)
    rate: float | None = None
    reason: str | None = None
    if not contributions:
        reason = "there are no contributions yet"
    elif not any(f.amount > 0 for f in investors):
        reason = "there are no distributions yet, so the investors' flows never change sign"
    else:
        try:
            rate = xirr(investors)
        except SibylInputError as exc:
            reason = exc.what
    return Position(
        contract_id=contract_id,
        on=on,
        contributions=contributions,
        distributions=_total(flows, "distribution"),
        outcome_payments=_total(flows, "outcome_payment"),
        provider_payments=_total(flows, "provider_payment"),
        fees=_total(flows, "fee"),
        balance=sum((_change(f.kind, f.amount) for f in flows), Decimal("0.00")),
        contributed_by=dict(sorted(contributed.items())),
        shares=shares,
        xirr=rate,
        xirr_reason=reason,
        moic=moic(investors) if contributions else None,
    )


def cap_flows(contract_id: str, distribution_date: date) -> list[CashFlow]:
    """The stored investors' flows the cap counts for a distribution on ``distribution_date``:
    those dated before it (a distribution already recorded on that very date is taken to be the
    payment's own and is left out)."""
    return investor_flows(f for f in stored_flows(contract_id) if f.date < distribution_date)


def apply_return_cap(
    contract_id: str,
    computed: Decimal,
    pay_date: date,
    cap: Decimal,
    lag_days: int = 0,
) -> CapResult:
    """The return cap on an outcome payment ``computed`` (euros) the city pays on ``pay_date``
    and the fund distributes ``lag_days`` later: ``sibyl.finance.cap.apply_cap`` on the stored
    investors' flows. ``payable = min(computed, headroom)``."""
    when = pay_date + timedelta(days=lag_days)
    return apply_cap(
        cap_flows(contract_id, when), Decimal(computed), pay_date, Decimal(cap), lag_days
    )


def headroom(contract_id: str, pay_date: date, cap: Decimal, lag_days: int = 0) -> Decimal:
    """What the city can still pay on ``pay_date`` (distributed ``lag_days`` later) before the
    investors' XIRR on the stored flows would exceed ``cap``; euros, rounded down to the cent."""
    return apply_return_cap(contract_id, Decimal(0), pay_date, cap, lag_days).headroom
