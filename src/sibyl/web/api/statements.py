"""Statements: the yearly outcome payments (coordinator, fund manager; created and approved by
the coordinator).

Money is a string of euros with two decimals, exactly the stored ``Decimal``. A statement's
lines name children by pseudonym; reading them (``GET /statements/{year}``) is written to the
audit log as an export of pseudonymised data (``statement.export``, format ``json``).
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Path, Query, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from sibyl.web.accounts import scopes
from sibyl.web.accounts.roles import Role
from sibyl.web.api.auth import Operations, caller
from sibyl.web.api.schemas import StatementDetailOut, StatementOut
from sibyl.web.audit import log as audit
from sibyl.web.cohort.models import Child
from sibyl.web.statements.models import Adjustment, ChildYearLine, DeductionLine, Statement
from sibyl.web.store.statements import approve_statement, create_statement

router = Operations(tags=["statements"])

READERS = (Role.COORDINATOR, Role.FUND_MANAGER)


class YearPath(Schema):
    year: int = Field(ge=2000, le=2100, description="the statement's year")


class StatusQuery(Schema):
    status: Literal["draft", "approved"] | None = Field(
        None, description="which one (default: the approved statement, else the draft)"
    )


def summary(statement: Statement) -> dict:
    return {
        "year": statement.year,
        "status": statement.status,
        "result_status": statement.result_status,
        "status_reasons": list(statement.status_reasons),
        "as_of": statement.as_of,
        "contract_version": statement.contract_version,
        "netting": statement.netting,
        "children": statement.children,
        "children_with_deductions": statement.children_with_deductions,
        "base": statement.base,
        "deductions": statement.deductions,
        "computed": statement.computed,
        "payable": statement.payable,
        "adjustments_total": statement.adjustments_total,
        "invoice_total": statement.invoice_total,
        "caps_applied": list(statement.caps_applied),
        "cap_notes": list(statement.cap_notes),
        "extracts": [
            {
                "file": e["file"],
                "sha256": e["sha256"],
                "as_of": e["as_of"],
                "services": [int(code) for code in e["services"]],
            }
            for e in statement.extracts
        ],
        "created_at": statement.created_at,
        "created_by": statement.created_by,
        "approved_at": statement.approved_at,
        "approved_by": statement.approved_by,
    }


@router.get("/statements", roles=READERS, response=list[StatementOut])
def list_statements(request: HttpRequest):
    """The contract's statements, drafts and approved, by year."""
    rows = scopes.statements(caller(request).profile).order_by("year", "status", "id")
    return [summary(row) for row in rows]


@router.get("/statements/{year}", roles=READERS, response=StatementDetailOut)
def get_statement_of_year(request: HttpRequest, path: Path[YearPath], query: Query[StatusQuery]):
    """A year's statement with its lines per child-year (by pseudonym), its deduction lines and
    its adjustments of earlier years. Written to the audit log."""
    found = scopes.statements(caller(request).profile).filter(year=path.year)
    if query.status:
        found = found.filter(status=query.status)
    statement = (
        found.filter(status=Statement.APPROVED).first()
        or found.filter(status=Statement.DRAFT).first()
    )
    if statement is None:
        raise HttpError(
            404,
            f"there is no {query.status + ' ' if query.status else ''}statement for {path.year}",
        )
    names = dict(
        Child.objects.filter(contract_id=statement.contract_id).values_list("id", "pseudonym")
    )
    child_years = [
        {
            "pseudonym": names[row.child_id],
            "followup_days": row.followup_days,
            "days_in_year": row.days_in_year,
            "base": row.base,
            "deduction": row.deduction,
            "payment": row.payment,
        }
        for row in ChildYearLine.objects.filter(statement=statement)
    ]
    lines = [
        {
            "pseudonym": names[row.child_id],
            "service": row.service,
            "units": row.units,
            "unit_price": row.unit_price,
            "amount": row.amount,
        }
        for row in DeductionLine.objects.filter(statement=statement)
    ]
    adjustments = [
        {
            "year": row.year,
            "pseudonym": names[row.child_id],
            "approved_payment": row.approved_payment,
            "recomputed_payment": row.recomputed_payment,
            "difference": row.difference,
        }
        for row in Adjustment.objects.filter(statement=statement)
    ]
    child_years.sort(key=lambda row: row["pseudonym"])
    lines.sort(key=lambda row: (row["pseudonym"], row["service"]))
    adjustments.sort(key=lambda row: (row["year"], row["pseudonym"]))
    audit.record(
        "statement.export",
        actor=caller(request).username,
        object_type="statement",
        object_id=statement.id,
        contract_id=statement.contract_id,
        details={
            "year": statement.year,
            "status": statement.status,
            "format": "json",
            "child_years": len(child_years),
            "via": "api",
        },
    )
    return {
        **summary(statement),
        "child_years": child_years,
        "deduction_lines": lines,
        "adjustments": adjustments,
    }


@router.post(
    "/statements/{year}",
    roles=(Role.COORDINATOR,),
    response={201: StatementOut},
    errors=(400,),
)
def create_statement_draft(request: HttpRequest, path: Path[YearPath]):
    """Settle the year from the store as a draft (replacing an earlier draft of the year). An
    approved year answers 400: later corrections are settled as adjustments."""
    who = caller(request)
    statement = create_statement(who.profile.contract_id, path.year, actor=who.username)
    return Status(201, summary(statement))


@router.post(
    "/statements/{year}/approve",
    roles=(Role.COORDINATOR,),
    response=StatementOut,
    errors=(400,),
)
def approve_statement_draft(request: HttpRequest, path: Path[YearPath]):
    """Approve the year's draft: from now on it never changes. Without a draft: 400."""
    who = caller(request)
    statement = approve_statement(who.profile.contract_id, path.year, actor=who.username)
    return summary(statement)
