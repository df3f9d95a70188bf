"""The annual report's figures from the store (issue 7): the only place that reads the database
for the report. It reads the very rows the statements and the ledger hold, so that the report's
numbers are the statement's to the cent; :mod:`sibyl.reports` renders them.

* :func:`build_report` assembles a :class:`~sibyl.reports.model.ReportData` for a contract and
  year, from the year's **approved** statement (a draft only with ``allow_draft``: the report is
  then marked DRAFT on every page);
* :func:`write_report` renders one edition (``city`` or ``public``) as HTML or PDF to a file
  and writes the audit entry; :func:`report_bytes` does the same in memory (the web download);
* :func:`report_years` lists the years with an approved statement.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

from django.utils import timezone

from sibyl.contract import Contract
from sibyl.errors import SibylInputError
from sibyl.finance.cap import apply_cap
from sibyl.finance.cashflows import investor_flows
from sibyl.money import CENT
from sibyl.reports import edition as editions
from sibyl.reports import exante as excase
from sibyl.reports import render
from sibyl.reports.model import (
    BANDS,
    Activity,
    AdjustedYear,
    Band,
    ChildLine,
    Cohort,
    ExAnte,
    ExAnteService,
    ExAnteYear,
    Extract,
    Fund,
    Methods,
    Payments,
    Price,
    ProviderActivity,
    ReportData,
    ServiceUse,
    ServiceYear,
    ServiceYearActivity,
    YearTotal,
    payment_rules,
)
from sibyl.settlement.export import atomic_write
from sibyl.web.audit import log as audit
from sibyl.web.statements.models import Statement
from sibyl.web.store import aggregates
from sibyl.web.store.contracts import stored_contract
from sibyl.web.store.fund import position, stored_flows

log = logging.getLogger(__name__)

ZERO = Decimal("0.00")


def report_years(contract_id: str) -> list[int]:
    """The years with an approved statement (the years that have a report)."""
    return sorted(
        set(
            Statement.objects.filter(contract_id=contract_id, status=Statement.APPROVED)
            .values_list("year", flat=True)
            .distinct()
        )
    )


def statement_for_report(contract_id: str, year: int, *, allow_draft: bool = False) -> Statement:
    """The year's approved statement; its draft only when ``allow_draft``. Refuses otherwise,
    saying what to do."""
    rows = Statement.objects.filter(contract_id=contract_id, year=year)
    approved = rows.filter(status=Statement.APPROVED).first()
    if approved is not None:
        return approved
    draft = rows.filter(status=Statement.DRAFT).first()
    if draft is not None and allow_draft:
        return draft
    if draft is not None:
        raise SibylInputError(
            f"the statement for {year} of the contract {contract_id} is still a draft, and the "
            "annual report is written from the approved statement",
            None,
            f"approve it first (`sibyl statement approve --year {year}`), or write a preview "
            "marked DRAFT with --draft",
        )
    raise SibylInputError(
        f"there is no statement for {year} of the contract {contract_id}",
        None,
        f"create and approve it first (`sibyl statement create --year {year}`)",
    )


def build_report(
    contract_name: str,
    year: int,
    *,
    allow_draft: bool = False,
    scenario: str | None = None,
    written_on: date | None = None,
    actor: str = "report",
) -> ReportData:
    """Every figure of the report of ``year``, from the store."""
    stored = stored_contract(contract_name, actor=actor)
    contract = stored.contract
    statement = statement_for_report(contract.id, year, allow_draft=allow_draft)
    earlier = list(aggregates.approved_statements(contract.id, year - 1))
    statements = [*earlier, statement]
    on = date(year, 12, 31)

    history = tuple(_year_total(s) for s in statements)
    uses = aggregates.service_use(statements)
    rows = _service_rows(contract, [s.year for s in statements], uses)
    services = ServiceUse(
        years=tuple(s.year for s in statements),
        rows=rows,
        deductions={s.year: s.deductions for s in statements},
    )
    child_rows = aggregates.child_year_rows(statement)
    payments = _payments(statement, child_rows, history)
    data = ReportData(
        contract_id=contract.id,
        title={"fi": contract.spec.title.fi, "en": contract.spec.title.en},
        service_names={
            code: {"fi": s.name.fi, "en": s.name.en} for code, s in contract.services.items()
        },
        year=year,
        written_on=written_on or timezone.localdate(),
        draft=statement.status != Statement.APPROVED,
        cohort=_cohort(contract, on),
        services=services,
        payments=payments,
        exante=_exante(contract, scenario, statements, child_rows, services),
        fund=_fund(contract, year, statement.invoice_total),
        activity=_activity(contract, year),
        methods=_methods(contract, statement),
        annex=tuple(
            ChildLine(
                pseudonym=row.pseudonym,
                followup_days=row.followup_days,
                days_in_year=row.days_in_year,
                base=row.base,
                deduction=row.deduction,
                payment=row.payment,
                services=row.services,
            )
            for row in child_rows
        ),
    )
    return data


# ---------------------------------------------------------------------------------------------
# Sections.


def _cohort(contract: Contract, on: date) -> Cohort:
    from sibyl.eligibility import parameter_on

    states = aggregates.cohort_states(contract, on)
    cohort = Cohort(
        on=on,
        capacity=parameter_on(contract, "capacity", on),
        referred=states.referred,
        not_eligible=states.not_eligible,
        waiting=states.waiting,
        enrolled=states.enrolled,
        in_followup=states.in_followup,
        exited=states.exited,
        enrolled_in_year=states.enrolled_in_year,
        series=tuple(aggregates.enrolment_series(contract, on)),
    )
    cohort.check()
    return cohort


def _service_rows(contract: Contract, years: list[int], uses) -> tuple[ServiceYear, ...]:
    found = {(u.service, u.year): u for u in uses}
    rows = []
    for code in sorted(contract.services):
        for year in years:
            use = found.get((code, year))
            rows.append(
                ServiceYear(code, year, use.children, use.units, use.amount)
                if use
                else ServiceYear(code, year, 0, 0, ZERO)
            )
    return tuple(rows)


def _year_total(statement: Statement) -> YearTotal:
    return YearTotal(
        year=statement.year,
        status=statement.status,
        children=statement.children,
        children_with_deductions=statement.children_with_deductions,
        base=statement.base,
        deductions=statement.deductions,
        computed=statement.computed,
        payable=statement.payable,
        adjustments=statement.adjustments_total,
        invoice=statement.invoice_total,
        deductions_by_service=aggregates.deductions_by_year_and_service([statement]).get(
            statement.year, {}
        ),
    )


def band_of(payment: Decimal, base: Decimal) -> str:
    """The payment as a share of the child's base: ``full`` (no deduction), ``75`` (75 % to
    under 100 %), ``50``, ``25``, ``under_25`` (above 0, under 25 %) or ``zero``."""
    if payment >= base:
        return "full"
    if payment <= 0:
        return "zero"
    share = payment / base
    if share >= Decimal("0.75"):
        return "75"
    if share >= Decimal("0.50"):
        return "50"
    if share >= Decimal("0.25"):
        return "25"
    return "under_25"


def _child_years(rows) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 40
        total = sum((Decimal(r.followup_days) / Decimal(r.days_in_year) for r in rows), Decimal(0))
    return total


def _payments(statement: Statement, rows, history) -> Payments:
    counts = dict.fromkeys(BANDS, 0)
    sums = dict.fromkeys(BANDS, ZERO)
    for row in rows:
        band = "full" if row.deduction == 0 else band_of(row.payment, row.base)
        counts[band] += 1
        sums[band] += row.payment
    adjusted = aggregates.adjustments_by_year(statement)
    return Payments(
        children=statement.children,
        children_with_deductions=statement.children_with_deductions,
        child_years=_child_years(rows).quantize(CENT, rounding=ROUND_HALF_UP),
        base=statement.base,
        deductions=statement.deductions,
        computed=statement.computed,
        payable=statement.payable,
        adjustments=statement.adjustments_total,
        invoice=statement.invoice_total,
        caps_applied=tuple(statement.caps_applied),
        cap_notes=tuple(statement.cap_notes),
        bands=tuple(Band(b, counts[b], sums[b]) for b in BANDS),
        adjusted=tuple(AdjustedYear(y, n, d) for y, (n, d) in sorted(adjusted.items())),
        history=history,
    )


def _exante(
    contract: Contract, scenario_name: str | None, statements, report_rows, services: ServiceUse
) -> ExAnte | None:
    from sibyl.finance.scenario import builtin_scenario_path, load_scenario

    name = scenario_name or f"{contract.id}-base"
    if scenario_name is None and not builtin_scenario_path(name).is_file():
        return None  # no ex-ante case for this contract
    scenario = load_scenario(name)
    if scenario.contract != contract.id:
        raise SibylInputError(
            f"the scenario {scenario.name} is for the contract {scenario.contract}, not "
            f"{contract.id}",
            None,
            "give a scenario of the report's contract",
        )
    plan = excase.plan_gross_savings(scenario, contract)
    years: list[ExAnteYear] = []
    report_year = statements[-1].year
    report_rates = None
    for statement in statements:
        rates = excase.rates(scenario, contract, statement.year)
        if rates is None:
            continue
        rows = report_rows if statement.year == report_year else None
        actual_cy = _child_years(rows if rows is not None else _rows_of(statement))
        years.append(
            ExAnteYear(
                year=statement.year,
                child_years=actual_cy.quantize(CENT, rounding=ROUND_HALF_UP),
                plan_child_years=rates.plan_child_years.quantize(CENT, rounding=ROUND_HALF_UP),
                counterfactual=excase.scaled(sum(rates.cost_without.values()), actual_cy),
                expected=excase.scaled(sum(rates.cost_with.values()), actual_cy),
                actual=statement.deductions,
                outcome_payments=statement.invoice_total,
                city_costs=scenario.city_costs_per_year if actual_cy > 0 else ZERO,
            )
        )
        if statement.year == report_year:
            report_rates = (rates, actual_cy)
    service_rows: list[ExAnteService] = []
    if report_rates is not None:
        rates, actual_cy = report_rates
        for code in sorted(contract.services):
            cell = services.cell(code, report_year)
            service_rows.append(
                ExAnteService(
                    service=code,
                    expected_units=excase.scaled(
                        rates.units_with.get(code, Decimal(0)), actual_cy, Decimal("1")
                    ),
                    actual_units=cell.units,
                    expected_cost=excase.scaled(rates.cost_with.get(code, Decimal(0)), actual_cy),
                    actual_cost=cell.amount,
                )
            )
    return ExAnte(
        scenario=scenario.name,
        scenario_source=Path(str(scenario.source)).name,
        effect_size=scenario.effect_size,
        years=tuple(years),
        services=tuple(service_rows),
        plan_gross_saving=sum((plan.get(y.year, ZERO) for y in years), ZERO),
        plan_total_gross_saving=sum(plan.values(), ZERO),
    )


def _rows_of(statement: Statement):
    from sibyl.web.statements.models import ChildYearLine

    return list(
        ChildYearLine.objects.filter(statement=statement).only("followup_days", "days_in_year")
    )


def _fund(contract: Contract, year: int, invoice: Decimal) -> Fund | None:
    on = date(year, 12, 31)
    flows = stored_flows(contract.id, on)
    if not flows:
        return None
    found = position(contract.id, on)
    reason = None
    if found.xirr is None:
        reason = "no_contributions" if not found.contributions else "no_distributions"
    rate = contract.for_year("investor_return_cap", year)
    pay_date = contract.pay_day(year)
    headroom = None
    if rate is not None and found.contributions:
        headroom = apply_cap(investor_flows(flows), ZERO, pay_date, Decimal(rate)).headroom
    return Fund(
        on=on,
        contributions=found.contributions,
        distributions=found.distributions,
        outcome_payments=found.outcome_payments,
        provider_payments=found.provider_payments,
        fees=found.fees,
        balance=found.balance,
        xirr=found.xirr,
        xirr_reason=reason,
        moic=found.moic,
        cap_rate=Decimal(rate) if rate is not None else None,
        pay_date=pay_date,
        headroom=headroom,
        invoice=invoice,
        years=tuple(aggregates.fund_years(contract.id, on)),
    )


def _activity(contract: Contract, year: int) -> Activity:
    on = date(year, 12, 31)
    return Activity(
        by_service_year=tuple(
            ServiceYearActivity(r.service_year, r.families, r.contacts, r.minutes)
            for r in aggregates.contacts_by_service_year(contract, on)
        ),
        by_provider=tuple(
            ProviderActivity(r.provider, r.families, r.contacts, r.minutes)
            for r in aggregates.contacts_by_provider(contract, year)
        ),
    )


def _methods(contract: Contract, statement: Statement) -> Methods:
    prices = []
    for code in sorted(contract.services):
        price = contract.prices.get(statement.year, code)
        if price is None:
            continue
        prices.append(
            Price(
                service=code,
                basis=price.basis,
                status=price.status,
                unit_price=price.unit_price,
                daily_price=price.daily_price,
                annual_cost=price.annual_cost,
                clients=price.clients,
                working_days=price.working_days,
            )
        )
    return Methods(
        contract_version=statement.contract_version,
        contract_sha256=statement.contract_sha256,
        price_list_sha256=statement.price_list_sha256,
        statement_status=statement.status,
        approved_on=statement.approved_at.date() if statement.approved_at else None,
        result_status=statement.result_status,
        status_reasons=tuple(statement.status_reasons),
        as_of=statement.as_of,
        payment=payment_rules(contract, statement.year),
        pay_day=contract.pay_day(statement.year),
        extracts=tuple(
            Extract(
                file=e["file"],
                sha256=e["sha256"],
                as_of=date.fromisoformat(e["as_of"]),
                services=tuple(e.get("services") or ()),
            )
            for e in statement.extracts
        ),
        prices=tuple(prices),
    )


# ---------------------------------------------------------------------------------------------
# Writing an edition.

FORMATS = ("html", "pdf")


def report_bytes(
    data: ReportData, edition: str, fmt: str, language: str
) -> tuple[bytes, editions.Document]:
    """One edition of the report in one format and language, as bytes."""
    if fmt not in FORMATS:
        raise SibylInputError(
            f"the format {fmt!r} is not known", None, f"use one of {', '.join(FORMATS)}"
        )
    document = editions.build(data, edition, language)
    if fmt == "html":
        return render.html(document).encode("utf-8"), document
    return render.pdf(document), document


def write_report(
    data: ReportData,
    out: str | Path,
    *,
    edition: str,
    fmt: str,
    language: str,
    actor: str,
) -> Path:
    """Write one edition to ``out`` (all or nothing) and record it in the audit log."""
    content, document = report_bytes(data, edition, fmt, language)
    path = Path(out)
    with atomic_write(path, "wb") as stream:
        stream.write(content)
    record_output(data, document, actor=actor, fmt=fmt, where=path.name)
    return path


def record_output(
    data: ReportData, document, *, actor: str, fmt: str, where: str, action: str = "report.write"
) -> None:
    """The audit entry of a written (``report.write``) or downloaded (``report.download``)
    report: the city's edition holds pseudonymised data, the public one aggregates."""
    audit.record(
        action,
        actor=actor,
        object_type="report",
        object_id=f"{data.year}-{document.edition}",
        contract_id=data.contract_id,
        details={
            "year": data.year,
            "edition": document.edition,
            "format": fmt,
            "language": document.language,
            "draft": data.draft,
            "file": where,
            "hidden_figures": document.hidden,
        },
    )


def year_summaries(contract_id: str) -> list[tuple[int, Payments]]:
    """Each approved year's payments (the statement's totals and the payments per child), for
    the investors' page: one query per year, no charts."""
    found = []
    for statement in Statement.objects.filter(
        contract_id=contract_id, status=Statement.APPROVED
    ).order_by("year"):
        rows = aggregates.child_year_rows(statement)
        found.append((statement.year, _payments(statement, rows, ())))
    return found
