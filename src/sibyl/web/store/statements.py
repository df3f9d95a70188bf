"""Statement lifecycle: create (draft) from the store, approve (immutable), export.

When a newer extract or a price confirmation changes a year that is already approved, the next
statement carries adjustment lines: for each child-year of the approved year, the recomputed
payment minus what was approved (and adjusted since). The approved statement never changes.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Sum

from sibyl.contract.upgrade import FORMAT_1_COMPONENT, FORMAT_1_MECHANISM
from sibyl.errors import SibylInputError
from sibyl.mechanisms.base import DetailLine as DetailResult
from sibyl.money import format_money
from sibyl.settlement import settle
from sibyl.settlement.export import (
    atomic_write,
    write_lines_csv,
    write_statement_csv,
    write_statement_xlsx,
)
from sibyl.settlement.model import ChildYear, ComponentTotals, ComponentYear, UseLine, YearTotals
from sibyl.settlement.model import Statement as StatementResult
from sibyl.web.audit import log as audit
from sibyl.web.cohort.models import Child
from sibyl.web.statements.models import (
    Adjustment,
    ChildYearLine,
    DetailLine,
    Statement,
)
from sibyl.web.statements.models import DeductionLine as DeductionRow
from sibyl.web.store.cohort import stored_birth_years, stored_spells
from sibyl.web.store.contracts import stored_contract
from sibyl.web.store.imports import stored_episodes

ZERO = Decimal("0.00")


def _money_text(value: Decimal) -> str:
    return format_money(value)


def components_json(totals: YearTotals) -> list[dict]:
    """A year's component totals as the statement stores them (money as text)."""
    return [
        {
            "component": c.component,
            "mechanism": c.mechanism,
            "netting": c.netting,
            "base": _money_text(c.base),
            "deductions": _money_text(c.deductions),
            "computed": _money_text(c.computed),
            "limits": list(c.limits),
        }
        for c in totals.components
    ]


def child_components_json(row: ChildYear) -> list[dict]:
    return [
        {
            "component": c.component,
            "base": _money_text(c.base),
            "deduction": _money_text(c.deduction),
            "payment": _money_text(c.payment),
        }
        for c in row.components
    ]


def _approved(contract_id: str, year: int) -> Statement | None:
    return Statement.objects.filter(
        contract_id=contract_id, year=year, status=Statement.APPROVED
    ).first()


def _baseline(contract_id: str, year: int) -> dict[int, Decimal]:
    """Per child, what has been approved for ``year``: its statement plus later adjustments."""
    approved = _approved(contract_id, year)
    payments: dict[int, Decimal] = defaultdict(lambda: ZERO)
    if approved is None:
        return payments
    for child_id, payment in ChildYearLine.objects.filter(statement=approved).values_list(
        "child_id", "payment"
    ):
        payments[child_id] += payment
    for child_id, difference in Adjustment.objects.filter(
        statement__contract_id=contract_id,
        statement__status=Statement.APPROVED,
        year=year,
    ).values_list("child_id", "difference"):
        payments[child_id] += difference
    return payments


def create_statement(name: str, year: int, *, actor: str) -> Statement:
    """Settle ``year`` from the store as a draft (replacing an earlier draft of the year), under
    the version of the contract in force on the year's last day."""
    stored = stored_contract(name, actor=actor, on=date(year, 12, 31))
    contract = stored.contract
    if contract.input_names:
        raise SibylInputError(
            f"the contract {contract.label} is paid also from {', '.join(contract.input_names)}, "
            "which the store does not hold yet",
            None,
            "settle it from files: `sibyl settle --contract "
            f"{contract.id} … --input {contract.input_names[0]}=FILE`",
        )
    if _approved(contract.id, year) is not None:
        raise SibylInputError(
            f"the statement for {year} is approved and cannot be replaced",
            None,
            "later corrections to it are settled as adjustments in the next year's statement",
        )
    spells = stored_spells(contract.id)
    if not spells:
        raise SibylInputError(
            f"the contract {contract.id} has no cohort in the store",
            None,
            "import the cohort first with `sibyl import cohort FILE`",
        )
    episodes, imports, as_of = stored_episodes(contract.id)
    if as_of is None:
        raise SibylInputError(
            f"no register extract of the contract {contract.id} is in the store",
            None,
            "import one with `sibyl import register FILE --as-of DATE`",
        )
    approved_years = sorted(
        Statement.objects.filter(contract_id=contract.id, status=Statement.APPROVED)
        .exclude(year=year)
        .values_list("year", flat=True)
    )
    paid_before = (
        Statement.objects.filter(
            contract_id=contract.id, status=Statement.APPROVED, year__lt=year
        ).aggregate(total=Sum("invoice_total"))["total"]
        or ZERO
    )
    births = stored_birth_years(contract)
    result = settle(
        contract,
        spells,
        episodes,
        years=[year],
        as_of=as_of,
        identifier="pseudonym",
        paid_before=paid_before,
        birth_years=births,
    )
    child_ids = dict(Child.objects.filter(contract_id=contract.id).values_list("pseudonym", "id"))

    adjustments: list[tuple[int, int, Decimal, Decimal]] = []
    for earlier in approved_years:
        then = stored_contract(name, actor=actor, on=date(earlier, 12, 31)).contract
        recomputed = settle(
            then,
            spells,
            episodes,
            years=[earlier],
            as_of=as_of,
            identifier="pseudonym",
            birth_years=births,
        )
        baseline = _baseline(contract.id, earlier)
        now = {child_ids[row.person]: row.payment for row in recomputed.child_years}
        for child_id in sorted(set(baseline) | set(now)):
            before, after = baseline.get(child_id, ZERO), now.get(child_id, ZERO)
            if before != after:
                adjustments.append((earlier, child_id, before, after))

    totals = result.totals[year]
    adjustments_total = sum((after - before for _, _, before, after in adjustments), ZERO)
    payable, caps, notes = _return_cap(
        contract, year, totals.payable, adjustments_total, list(totals.caps_applied),
        list(totals.cap_notes),
    )  # fmt: skip
    with transaction.atomic():
        Statement.objects.filter(
            contract_id=contract.id, year=year, status=Statement.DRAFT
        ).delete()
        statement = Statement.objects.create(
            contract_id=contract.id,
            year=year,
            as_of=as_of,
            contract_version=contract.version,
            contract_sha256=contract.sha256,
            price_list_sha256=stored.prices.sha256,
            extracts=[
                {
                    "file": imp.file_name,
                    "sha256": imp.sha256,
                    "as_of": imp.as_of.isoformat(),
                    "services": imp.services,
                }
                for imp in imports
            ],
            netting=result.netting,
            components=components_json(totals),
            result_status=totals.status,
            status_reasons=list(totals.status_reasons),
            children=totals.children,
            children_with_deductions=totals.children_with_deductions,
            base=totals.base,
            deductions=totals.deductions,
            computed=totals.computed,
            payable=payable,
            adjustments_total=adjustments_total,
            invoice_total=payable + adjustments_total,
            caps_applied=caps,
            cap_notes=notes,
            created_by=actor,
        )
        ChildYearLine.objects.bulk_create(
            ChildYearLine(
                statement=statement,
                child_id=child_ids[row.person],
                followup_days=row.followup_days,
                days_in_year=row.days_in_year,
                base=row.base,
                deduction=row.deduction,
                payment=row.payment,
                components=child_components_json(row),
            )
            for row in result.child_years
        )
        DetailLine.objects.bulk_create(
            DetailLine(
                statement=statement,
                child_id=child_ids[row.person],
                component=row.component,
                kind=row.kind,
                item=row.item,
                quantity=row.quantity,
                unit_price=row.unit_price.quantize(Decimal("1e-12"))
                if row.unit_price is not None
                else None,
                amount=row.amount,
                status=row.status,
                note=row.note,
            )
            for row in result.details
        )
        prices = contract.prices
        DeductionRow.objects.bulk_create(
            DeductionRow(
                statement=statement,
                child_id=child_ids[row.person],
                service=row.service,
                units=row.units,
                price_num=prices.get(row.year, row.service).numerator_cents,  # type: ignore[union-attr]
                price_den=prices.get(row.year, row.service).denominator,  # type: ignore[union-attr]
                unit_price=row.unit_price.quantize(Decimal("1e-12")),
                amount=row.amount,
            )
            for row in result.lines
        )
        Adjustment.objects.bulk_create(
            Adjustment(
                statement=statement,
                year=earlier,
                child_id=child_id,
                approved_payment=before,
                recomputed_payment=after,
                difference=after - before,
            )
            for earlier, child_id, before, after in adjustments
        )
        audit.record(
            "statement.create",
            actor=actor,
            object_type="statement",
            object_id=statement.id,
            contract_id=contract.id,
            details={
                "year": year,
                "as_of": as_of.isoformat(),
                "payable": format_money(totals.payable),
                "adjustments": format_money(adjustments_total),
                "extracts": [imp.sha256 for imp in imports],
                "price_list": stored.prices.sha256,
                "contract_sha256": contract.sha256,
            },
        )
    return statement


def _return_cap(
    contract, year: int, payable: Decimal, adjustments: Decimal, caps: list[str], notes: list[str]
) -> tuple[Decimal, list[str], list[str]]:
    """The investors' return cap (DOMAIN.md 3.5) on the year's invoice, from the fund ledger.

    The city pays on the contract's pay day of the following year; the amount invoiced
    (the year's payable amount plus the adjustments) may not bring the investors' XIRR above
    the contract's cap. Without a fund ledger in the store the cap cannot be checked, and the
    statement says so.
    """
    from sibyl.web.store.fund import apply_return_cap, stored_flows

    rate = contract.for_year("investor_return_cap", year)
    if rate is None:
        return payable, caps, notes
    if not any(flow.kind == "contribution" for flow in stored_flows(contract.id)):
        notes.append(
            "investor return cap not checked: the investors' contributions are not in the store "
            "(`sibyl fund import`)"
        )
        return payable, caps, notes
    pay_date = contract.pay_day(year)
    invoice = payable + adjustments
    if invoice <= 0:
        return payable, caps, notes
    result = apply_return_cap(contract.id, invoice, pay_date, rate)
    notes.append(
        f"investor return cap {rate * 100:g} %: headroom EUR {result.headroom} for a payment "
        f"on {pay_date.isoformat()}"
    )
    if result.payable < invoice:
        caps.append("investor_return_cap")
        payable = max(ZERO, payable - (invoice - result.payable))
    return payable, caps, notes


def get_statement(contract_id: str, year: int, *, status: str | None = None) -> Statement:
    """The approved statement of ``year`` (or the draft, if there is no approved one)."""
    found = Statement.objects.filter(contract_id=contract_id, year=year)
    if status:
        found = found.filter(status=status)
    statement = (
        found.filter(status=Statement.APPROVED).first()
        or found.filter(status=Statement.DRAFT).first()
    )
    if statement is None:
        raise SibylInputError(
            f"there is no {status + ' ' if status else ''}statement for {year} of the contract "
            f"{contract_id}",
            None,
            f"create one with `sibyl statement create --year {year}`",
        )
    return statement


def approve_statement(contract_id: str, year: int, *, actor: str) -> Statement:
    """Approve the draft of ``year``: from now on it never changes."""
    with transaction.atomic():
        draft = (
            Statement.objects.select_for_update()
            .filter(contract_id=contract_id, year=year, status=Statement.DRAFT)
            .first()
        )
        if draft is None:
            raise SibylInputError(
                f"there is no draft statement for {year} to approve",
                None,
                f"create one with `sibyl statement create --year {year}`",
            )
        draft.status = Statement.APPROVED
        draft.approved_by = actor
        draft.approved_at = datetime.now(UTC)
        draft.save()
        audit.record(
            "statement.approve",
            actor=actor,
            object_type="statement",
            object_id=draft.id,
            contract_id=contract_id,
            details={"year": year, "invoice_total": format_money(draft.invoice_total)},
        )
    return draft


def as_result(statement: Statement) -> StatementResult:
    """A stored statement as the library's statement, for the writers."""
    names = dict(
        Child.objects.filter(contract_id=statement.contract_id).values_list("id", "pseudonym")
    )
    only = (statement.components or [{"component": FORMAT_1_COMPONENT}])[0]["component"]
    child_years = [
        ChildYear(
            person=names[row.child_id],
            year=statement.year,
            followup_days=row.followup_days,
            days_in_year=row.days_in_year,
            base=row.base,
            deduction=row.deduction,
            payment=row.payment,
            components=tuple(
                ComponentYear(
                    c["component"],
                    Decimal(c["base"]),
                    Decimal(c["deduction"]),
                    Decimal(c["payment"]),
                )
                for c in row.components
            )
            if row.components
            else (ComponentYear(only, row.base, row.deduction, row.payment),),
        )
        for row in ChildYearLine.objects.filter(statement=statement)
    ]
    details = [
        DetailResult(
            person=names[row.child_id],
            year=statement.year,
            component=row.component,
            kind=row.kind,
            item=row.item,
            quantity=row.quantity,
            unit_price=row.unit_price,
            amount=row.amount,
            status=row.status,
            note=row.note,
        )
        for row in DetailLine.objects.filter(statement=statement)
    ]
    lines = [
        UseLine(
            person=names[row.child_id],
            year=statement.year,
            service=row.service,
            units=row.units,
            unit_price=row.unit_price,
            amount=row.amount,
        )
        for row in DeductionRow.objects.filter(statement=statement)
    ]
    child_years.sort(key=lambda row: row.person)
    lines.sort(key=lambda row: (row.person, row.service))
    totals = YearTotals(
        year=statement.year,
        children=statement.children,
        children_with_deductions=statement.children_with_deductions,
        base=statement.base,
        deductions=statement.deductions,
        computed=statement.computed,
        payable=statement.payable,
        caps_applied=tuple(statement.caps_applied),
        status=statement.result_status,  # type: ignore[arg-type]
        status_reasons=tuple(statement.status_reasons),
        cap_notes=tuple(statement.cap_notes),
        components=stored_component_totals(statement),
    )
    return StatementResult(
        contract=f"{statement.contract_id} v{statement.contract_version}",
        contract_sha256=statement.contract_sha256,
        price_list=f"price list {statement.price_list_sha256[:12]}",
        price_list_sha256=statement.price_list_sha256,
        as_of=statement.as_of,
        years=[statement.year],
        identifier="pseudonym",
        child_years=child_years,
        lines=lines,
        totals={statement.year: totals},
        inputs={e["file"]: e["sha256"] for e in statement.extracts},
        details=details,
        use_label=_use_label(statement),
    )


def _use_label(statement: Statement) -> str:
    """What the priced use is to the statement's mechanism (a sheet's name in exports)."""
    from sibyl.mechanisms import registry

    parts = stored_component_totals(statement)
    if len(parts) == 1 and parts[0].mechanism in registry.MECHANISMS:
        return registry.get(parts[0].mechanism).labels.deduction
    return "Deductions"


def stored_component_totals(statement: Statement) -> tuple[ComponentTotals, ...]:
    """The statement's component totals; a statement made before components had one, of the
    base minus the priced use, whose totals are the statement's own."""
    if statement.components is None:
        return (
            ComponentTotals(
                component=FORMAT_1_COMPONENT,
                mechanism=FORMAT_1_MECHANISM,
                netting=statement.netting,
                base=statement.base,
                deductions=statement.deductions,
                computed=statement.computed,
            ),
        )
    return tuple(
        ComponentTotals(
            component=c["component"],
            mechanism=c["mechanism"],
            netting=c["netting"],
            base=Decimal(c["base"]),
            deductions=Decimal(c["deductions"]),
            computed=Decimal(c["computed"]),
            limits=tuple(c["limits"]),
        )
        for c in statement.components
    )


def export_statement(statement: Statement, out: Path, *, actor: str) -> list[Path]:
    """Write a statement: ``.xlsx`` (one workbook) or ``.csv`` (child-years, with the deduction
    lines and adjustments beside it). Returns the files written."""
    result = as_result(statement)
    names = dict(
        Child.objects.filter(contract_id=statement.contract_id).values_list("id", "pseudonym")
    )
    adjustments = list(Adjustment.objects.filter(statement=statement))
    written: list[Path] = []
    if out.suffix.lower() == ".xlsx":
        write_statement_xlsx(
            result,
            out,
            adjustments=[
                (a.year, names[a.child_id], a.approved_payment, a.recomputed_payment, a.difference)
                for a in adjustments
            ],
        )
        written.append(out)
    else:
        write_statement_csv(result, out)
        lines_path = out.with_name(f"{out.stem}_lines.csv")
        write_lines_csv(result, lines_path)
        adjustments_path = out.with_name(f"{out.stem}_adjustments.csv")
        with atomic_write(adjustments_path) as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(
                ["pseudonym", "year", "approved_payment", "recomputed_payment", "difference"]
            )
            for a in adjustments:
                writer.writerow(
                    [
                        names[a.child_id],
                        a.year,
                        format_money(a.approved_payment),
                        format_money(a.recomputed_payment),
                        format_money(a.difference),
                    ]
                )
        written += [out, lines_path, adjustments_path]
    audit.record(
        "statement.export",
        actor=actor,
        object_type="statement",
        object_id=statement.id,
        contract_id=statement.contract_id,
        details={"year": statement.year, "files": [path.name for path in written]},
    )
    return written
