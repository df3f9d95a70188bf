"""The fund's pages (DOMAIN.md 3.5, 3.6): the ledger with the fund's position, the investors'
XIRR and the return cap's headroom; adding a flow and importing a cash-flow file (the fund
manager); the savings case and the Monte Carlo of the contract, with their charts.

The fund manager may do everything here; the coordinator sees everything, read only. Every
change goes through :mod:`sibyl.web.store.fund`, which writes the audit entry; the figures come
from the same library calls as ``sibyl fund show``, ``sibyl savings`` and ``sibyl simulate``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sibyl.contract import Contract
from sibyl.errors import SibylInputError
from sibyl.money import CENT, parse_decimal
from sibyl.reports.charts import (
    Bin,
    YearBand,
    distribution_chart,
    fan_chart,
    fund_chart,
    histogram,
)
from sibyl.web.accounts.access import allow
from sibyl.web.accounts.roles import Role
from sibyl.web.fund.forms import (
    KIND_NAMES,
    FlowForm,
    ImportForm,
    PositionForm,
    SimulationForm,
)
from sibyl.web.fund.simulation import PERCENTILES, Parameters, Simulation, run, scenarios_for
from sibyl.web.store import fund as store
from sibyl.web.store.aggregates import fund_years
from sibyl.web.ui.charts import chart_view, svg_response
from sibyl.web.ui.contracts import contract_of
from sibyl.web.ui.templatetags.sibyl import money

PAGE_SIZE = 50
IRR_BINS = 40
READ_ONLY = {Role.COORDINATOR: "everything of the contract's fund, read only"}


def _fraction(value: float | Decimal, places: int = 4) -> Decimal:
    """A rate or share as a Decimal fraction rounded half up to ``places`` (``|percent`` cuts
    digits off rather than rounding: 0.0799999 would show as 7.99 %, 2/3 as 66.66 %)."""
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


def _kind_names() -> dict[str, str]:
    return {kind: str(name) for kind, name in KIND_NAMES.items()}


# The ledger and the fund's position.


@dataclass(frozen=True)
class Headroom:
    """The return cap's headroom for the outcome payment of ``year``, paid on ``pay_date``."""

    year: int
    pay_date: date
    rate: Decimal | None
    amount: Decimal | None
    reason: str | None  # why there is no headroom to show


def cap_headroom(contract: Contract, day: date) -> Headroom:
    """The headroom for the next outcome payment after ``day``: the payment for ``day``'s year,
    paid on the contract's pay day of the following year and passed on to the investors the
    same day, at the contract's cap for that year (as the statement of that year applies it)."""
    year = day.year
    pay_date = contract.pay_day(year)
    try:
        rate = contract.for_year("investor_return_cap", year)
    except SibylInputError as exc:
        return Headroom(year, pay_date, None, None, exc.message)
    if rate is None:
        reason = _("The contract sets no investor return cap for %(year)s.") % {"year": year}
        return Headroom(year, pay_date, None, None, reason)
    if not any(f.kind == "contribution" for f in store.cap_flows(contract.id, pay_date)):
        reason = _(
            "The cap cannot be checked yet: no investors' contributions are recorded before "
            "%(date)s."
        ) % {"date": pay_date.isoformat()}
        return Headroom(year, pay_date, Decimal(rate), None, reason)
    rate = Decimal(rate)
    return Headroom(year, pay_date, rate, store.headroom(contract.id, pay_date, rate), None)


def _first_value(contract: Contract, name: str, year: int):
    """A parameter's value for ``year``, or ``None`` when the contract has no such parameter."""
    parameter = contract.find_parameter(name)
    return None if parameter is None else parameter.at(date(year, 1, 1))


def _xirr_reason(position: store.Position) -> str:
    if not position.contributions:
        return _("There are no contributions yet.")
    if not position.distributions:
        return _(
            "There are no distributions yet, so the investors' flows never change sign and "
            "have no rate of return."
        )
    return position.xirr_reason or ""


def _ledger_rows(lines: list[store.LedgerLine]) -> list[dict[str, object]]:
    names = _kind_names()
    rows = []
    for line in lines:
        flow = line.flow
        amount = abs(flow.amount)
        inflow = flow.kind in store.INFLOW_KINDS
        rows.append(
            {
                "flow": flow,
                "kind": names.get(flow.kind, flow.kind),
                "inflow": amount if inflow else None,
                "outflow": None if inflow else amount,
                "balance": line.balance,
            }
        )
    return rows


def _fund_year_table(contract_id: str) -> dict[str, object]:
    """The chart's figures as a table: one row a year, a column a kind (in, then out)."""
    years = fund_years(contract_id)
    names = _kind_names()
    kinds_in = [k for k in KIND_NAMES if any(k in y.inflows for y in years)]
    kinds_out = [k for k in KIND_NAMES if any(k in y.outflows for y in years)]
    return {
        "columns": [names[k] for k in kinds_in] + [names[k] for k in kinds_out],
        "rows": [
            {
                "year": y.year,
                "values": [y.inflows.get(k) for k in kinds_in]
                + [y.outflows.get(k) for k in kinds_out],
                "balance": y.balance,
            }
            for y in years
        ],
    }


@allow(Role.FUND_MANAGER, Role.COORDINATOR, only=READ_ONLY)
def ledger(request: HttpRequest) -> HttpResponse:
    """The fund's position, investors' shares and XIRR, the return cap's headroom, the chart of
    cash flows by year and the ledger with its running balance (the fund manager's main page)."""
    profile = request.profile
    contract = contract_of(profile.contract_id)
    today = timezone.localdate()
    form = PositionForm(request.GET if "on" in request.GET else None)
    day, status = today, 200
    if form.is_bound:
        if form.is_valid():
            day = form.cleaned_data["on"] or today
        else:
            status = 400
    position = store.position(contract.id, day)
    lines = store.ledger(contract.id)
    paginator = Paginator(lines, PAGE_SIZE)
    # The newest flows first come to mind: without a page number, the last page.
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    query = urlencode({"on": day.isoformat()}) if day != today else ""
    investors = [
        {
            "name": name,
            "contributed": position.contributed_by[name],
            "share": _fraction(share),
        }
        for name, share in position.shares.items()
    ]
    return render(
        request,
        "fund/ledger.html",
        {
            "form": form,
            "day": day,
            "is_today": day == today,
            "position": position,
            "xirr": None if position.xirr is None else _fraction(position.xirr),
            "investors": investors,
            "xirr_reason": None if position.xirr is not None else _xirr_reason(position),
            "headroom": cap_headroom(contract, day),
            "page": page,
            "rows": _ledger_rows(list(page.object_list)),
            "total_in": sum((abs(x.flow.amount) for x in lines if _is_in(x)), Decimal("0.00")),
            "total_out": sum((abs(x.flow.amount) for x in lines if not _is_in(x)), Decimal("0.00")),
            "final_balance": lines[-1].balance if lines else Decimal("0.00"),
            "flow_count": len(lines),
            "query": query,
            "chart_table": _fund_year_table(contract.id),
            "can_change": profile.role == Role.FUND_MANAGER,
        },
        status=status,
    )


def _is_in(line: store.LedgerLine) -> bool:
    return line.flow.kind in store.INFLOW_KINDS


@allow(Role.FUND_MANAGER, Role.COORDINATOR, only=READ_ONLY)
@chart_view
def chart(request: HttpRequest) -> HttpResponse:
    """The fund's cash flows by year (in above the axis, out below) and its cash at year end."""
    years = fund_years(request.profile.contract_id)
    svg = fund_chart(
        years,
        _kind_names(),
        labels={
            "title": _("The fund's cash flows by year"),
            "balance": _("cash at year end"),
            "euros": _("EUR thousand"),
        },
    )
    return svg_response(svg)


# Changing the ledger (the fund manager only).


def _amount_text(text: str) -> str:
    """The amount as the store should read it: a Finnish ``1 000,50`` becomes ``1000.50``;
    anything that is no number goes as typed, for the store to refuse in its own words."""
    try:
        return str(parse_decimal(text))
    except ValueError:
        return text.strip()


@allow(Role.FUND_MANAGER, methods=("GET", "POST"))
def add(request: HttpRequest) -> HttpResponse:
    """Add one flow to the fund ledger, with its audit entry; a wrong value is refused in the
    store's words and nothing is stored."""
    form = FlowForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                flow = store.add_flow(
                    request.profile.contract_id,
                    data["on"],
                    _amount_text(data["amount"]),
                    data["kind"],
                    data["investor"],
                    data["note"].strip(),
                    actor=request.user.get_username(),
                )
            except SibylInputError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Flow stored: %(kind)s of EUR %(amount)s on %(date)s%(investor)s.")
                    % {
                        "kind": _kind_names()[flow.kind],
                        "amount": money(abs(flow.amount)),
                        "date": flow.on.isoformat(),
                        "investor": f" ({flow.investor})" if flow.investor else "",
                    },
                )
                return redirect("fund:ledger")
        return render(request, "fund/add.html", {"form": form}, status=400)
    return render(request, "fund/add.html", {"form": form})


def _upload_name(name: str) -> str:
    """The uploaded file's own name, without any folder, as the ledger will show it."""
    cleaned = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    return cleaned[-200:] or "cashflows.csv"


@allow(Role.FUND_MANAGER, methods=("GET", "POST"))
def import_file(request: HttpRequest) -> HttpResponse:
    """Import a cash-flow file into the fund ledger: all its rows or none, the same file once."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "fund/import.html", {"form": form})
    if form.is_valid():
        upload = form.cleaned_data["file"]
        name = _upload_name(upload.name)
        with tempfile.TemporaryDirectory(prefix="sibyl-fund-") as folder:
            path = Path(folder) / name
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                result = store.import_flows(
                    path, request.profile.contract_id, actor=request.user.get_username()
                )
            except SibylInputError as exc:
                # The message names the file as the user knows it, not the server's copy.
                form.add_error("file", exc.message.replace(str(path), name))
                result = None
        if result is not None:
            imported = result.fund_import
            if result.already_imported:
                messages.warning(
                    request,
                    _(
                        "%(name)s was already imported (as %(earlier)s on %(when)s by %(who)s): "
                        "the same file is imported once, so nothing changed."
                    )
                    % {
                        "name": name,
                        "earlier": imported.file_name,
                        "when": timezone.localtime(imported.imported_at).strftime("%Y-%m-%d %H:%M"),
                        "who": imported.imported_by,
                    },
                )
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(name)s: %(count)s flow stored in the fund ledger.",
                        "%(name)s: %(count)s flows stored in the fund ledger.",
                        result.flows,
                    )
                    % {"name": name, "count": result.flows},
                )
            return redirect("fund:ledger")
    return render(request, "fund/import.html", {"form": form}, status=400)


# The savings case and the Monte Carlo.

PERCENTILE_LABELS = {
    "outcome payments after the cap (EUR)": gettext_lazy("Outcome payments after the cap (EUR)"),
    "outcome payments before the cap (EUR)": gettext_lazy("Outcome payments before the cap (EUR)"),
    "investors' IRR": gettext_lazy("Investors' IRR"),
    "city's gross saving (EUR)": gettext_lazy("City's gross saving (EUR)"),
    "city's net saving (EUR)": gettext_lazy("City's net saving (EUR)"),
}


def _cents(value: float) -> Decimal:
    """A simulated amount in euros (a float) as Decimal euros, half up to the cent."""
    return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def _simulation_form(request: HttpRequest, scenarios: list[str]) -> SimulationForm:
    """Unbound without parameters (the form alone); with any, bound to them over the defaults."""
    if not request.GET:
        return SimulationForm(scenarios=scenarios)
    data = {"scenario": scenarios[0] if scenarios else "", "runs": "10000"}
    data.update(request.GET.dict())
    return SimulationForm(data, scenarios=scenarios)


def _parameters(form: SimulationForm, contract_id: str) -> Parameters:
    data = form.cleaned_data
    return Parameters(
        scenario=data["scenario"],
        runs=data["runs"],
        seed=data["seed"],
        effect_size=data["effect_size"],
        base=data["base"],
        contract_id=contract_id,
    )


def _query(parameters: Parameters) -> str:
    values = {"scenario": parameters.scenario, "runs": parameters.runs}
    for name in ("seed", "effect_size", "base"):
        value = getattr(parameters, name)
        if value is not None:
            values[name] = value
    return urlencode(values)


def _bands(simulation: Simulation) -> list[YearBand]:
    import numpy as np

    result = simulation.result
    q = np.percentile(result.payable, PERCENTILES, axis=0) / 100
    return [
        YearBand(int(year), *(float(q[i, yi]) for i in range(len(PERCENTILES))))
        for yi, year in enumerate(result.years)
    ]


def _irr_bins(simulation: Simulation) -> list[Bin]:
    return histogram(simulation.result.irr * 100, IRR_BINS)


def _results(simulation: Simulation) -> dict[str, object]:
    result = simulation.result
    summary = result.summary()
    runs = result.runs
    percentiles = []
    for key, values in result.percentiles(PERCENTILES).items():
        rate = "IRR" in key
        percentiles.append(
            {
                "label": PERCENTILE_LABELS.get(key, key),
                "rate": rate,
                "values": [_fraction(float(v)) if rate else _cents(v) for v in values],
            }
        )

    def share(name: str) -> dict[str, object]:
        p = summary[name]
        return {"p": _fraction(p), "runs": round(p * runs)}

    scenario = simulation.scenario
    return {
        "percentiles_rows": percentiles,
        "lose_capital": share("p_investors_lose_capital"),
        "city_pays_more": share("p_city_pays_more_than_it_saves"),
        "cap_binds": share("p_cap_binds"),
        "mean_payments": _cents(summary["mean_outcome_payments"]),
        "mean_net_saving": _cents(summary["mean_net_saving"]),
        "contributions": Decimal(result.contributions) / 100,
        "runs": runs,
        "seed": simulation.seed,
        "scenario": scenario,
        "base": _first_value(simulation.contract, "base_per_child_year", int(result.years[0])),
        "case": simulation.case,
        "case_totals": {
            name: simulation.case.total(name)
            for name in (
                "child_years",
                "counterfactual_cost",
                "with_intervention_cost",
                "gross_saving",
                "outcome_payments",
                "city_costs",
            )
        },
        "case_net_total": simulation.case.total("gross_saving")
        - simulation.case.total("outcome_payments")
        - simulation.case.total("city_costs"),
        "bands": [
            {
                "year": band.year,
                "values": [_cents(v) for v in (band.p5, band.p25, band.p50, band.p75, band.p95)],
            }
            for band in _bands(simulation)
        ],
        "irr_bins": [b for b in _irr_bins(simulation) if b.count],
    }


@allow(Role.FUND_MANAGER, Role.COORDINATOR)
def simulate(request: HttpRequest) -> HttpResponse:
    """The savings case and a Monte Carlo of the contract: a GET with parameters runs it (a
    bookmarkable address; nothing is stored)."""
    contract_id = request.profile.contract_id
    scenarios = scenarios_for(contract_id)
    form = _simulation_form(request, scenarios)
    context: dict[str, object] = {"form": form, "scenarios": scenarios, "percentiles": PERCENTILES}
    if not form.is_bound:
        return render(request, "fund/simulate.html", context)
    if not form.is_valid():
        return render(request, "fund/simulate.html", context, status=400)
    parameters = _parameters(form, contract_id)
    try:
        simulation = run(parameters)
    except SibylInputError as exc:
        form.add_error(None, exc.message)
        return render(request, "fund/simulate.html", context, status=400)
    context.update(_results(simulation))
    context["query"] = _query(parameters)
    return render(request, "fund/simulate.html", context)


def _simulation_of(request: HttpRequest) -> Simulation | None:
    contract_id = request.profile.contract_id
    form = _simulation_form(request, scenarios_for(contract_id))
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return run(_parameters(form, contract_id))
    except SibylInputError:
        return None


def _bad_chart() -> HttpResponse:
    return HttpResponseBadRequest(
        _("The chart needs the parameters of a simulation; open it from the simulation page."),
        content_type="text/plain; charset=utf-8",
    )


@allow(Role.FUND_MANAGER, Role.COORDINATOR)
@chart_view
def simulation_fan(request: HttpRequest) -> HttpResponse:
    """The yearly outcome payments after the cap over the runs, as percentile bands."""
    simulation = _simulation_of(request)
    if simulation is None:
        return _bad_chart()
    svg = fan_chart(
        _bands(simulation),
        labels={
            "title": _("Outcome payments by year, after the cap"),
            "outer": _("5–95 % of runs"),
            "inner": _("25–75 % of runs"),
            "median": _("median"),
            "euros": _("EUR thousand"),
        },
    )
    return svg_response(svg)


@allow(Role.FUND_MANAGER, Role.COORDINATOR)
@chart_view
def simulation_irr(request: HttpRequest) -> HttpResponse:
    """How the investors' IRR after the cap is spread over the runs, with the cap marked."""
    simulation = _simulation_of(request)
    if simulation is None:
        return _bad_chart()
    svg = distribution_chart(
        _irr_bins(simulation),
        marker=float(simulation.scenario.cap) * 100,
        labels={
            "title": _("Distribution of the investors' IRR"),
            "values": _("investors' IRR after the cap, %"),
            "runs": _("runs"),
            "marker": _("return cap"),
        },
    )
    return svg_response(svg)
