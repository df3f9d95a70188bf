"""The fund (fund manager, coordinator): its position on a date and its ledger.

Amounts are strings of euros with two decimals; the ledger's amounts are in the investors' view
(contributions negative), its balance is the fund's cash (``sibyl.web.store.fund``).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Schema
from pydantic import Field

from sibyl.web.accounts.roles import Role
from sibyl.web.api.auth import Operations, caller
from sibyl.web.api.schemas import Day, LedgerLineOut, PositionOut
from sibyl.web.store import fund

router = Operations(tags=["fund"])

READERS = (Role.FUND_MANAGER, Role.COORDINATOR)


class OnQuery(Schema):
    on: Day | None = Field(None, description="the day (default today)")


@router.get("/fund/position", roles=READERS, response=PositionOut)
def fund_position(request: HttpRequest, query: Query[OnQuery]):
    """The fund's totals, cash, investors' shares, XIRR and multiple from the flows up to
    ``on`` (default today)."""
    found = fund.position(caller(request).profile.contract_id, query.on or timezone.localdate())
    return {
        "on": found.on,
        "contributions": found.contributions,
        "distributions": found.distributions,
        "outcome_payments": found.outcome_payments,
        "provider_payments": found.provider_payments,
        "fees": found.fees,
        "balance": found.balance,
        "investors": [
            {"investor": name, "contributed": amount, "share": found.shares[name]}
            for name, amount in found.contributed_by.items()
        ],
        "xirr": found.xirr,
        "xirr_reason": found.xirr_reason,
        "moic": found.moic,
    }


@router.get("/fund/ledger", roles=READERS, response=list[LedgerLineOut])
def fund_ledger(request: HttpRequest):
    """Every flow of the fund in date order, with the fund's cash after it."""
    return [
        {
            "on": line.flow.on,
            "kind": line.flow.kind,
            "investor": line.flow.investor,
            "amount": line.flow.amount,
            "balance": line.balance,
            "note": line.flow.note,
            "source_file": line.flow.source_file,
        }
        for line in fund.ledger(caller(request).profile.contract_id)
    ]
