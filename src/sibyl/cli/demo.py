"""``sibyl demo``: the whole pipeline on synthetic data, in a folder of its own.

1. The store is set up with throwaway keys made for the demo and an embedded SQLite database in
   the demo folder.
2. About 400 synthetic referrals from early childhood education and child health clinics are
   screened; eligible children are offered places month by month up to the capacity (200), the
   rest are refused with reasons or wait. Some families later move out (a few come back) or
   withdraw consent; the providers' contacts are logged.
3. The city's cohort file and a register extract (with a few deliberately broken rows) are
   written from that cohort, read back through the same readers as ``sibyl settle``, and every
   year 2020–2025 is settled into CSV and Excel statements.
4. The same extract goes through the store, with the fund's cash flows (the illustrative plan of
   the ``helsinki-base`` scenario): statements 2020–2024 created (the investors' return cap
   checked against the fund ledger), approved and paid, then a late correction of the register
   that arrives as adjustments in the 2025 statement.
5. The annual report of the last approved year (2024), both editions (the city's and the
   public one), as PDF and HTML.
6. The fund's position, and a 10,000-run Monte Carlo of the contract.
7. The other built-in contracts from files, each on its own payment mechanism: Hämeenlinna's
   Icehearts teams (savings against a forecast, in two teams of pupils a school year apart) and
   Vantaa's (the priced use deducted; version 2 from 1 September 2021 stops enrolment), a
   synthetic cohort and register each, settled year by year under the version in force.
8. The demo users, one per role (password ``demo``), for ``sibyl serve`` on the demo's folder.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from sibyl.cli import app
from sibyl.cli.common import console
from sibyl.cli.settle import print_totals
from sibyl.contract import load_contract
from sibyl.errors import Location, SibylInputError

DEMO_YEARS = list(range(2020, 2026))
DEMO_AS_OF = date(2026, 3, 31)
CORRECTION_AS_OF = date(2026, 6, 30)
APPROVED_YEARS = list(range(2020, 2025))
REPORT_YEAR = APPROVED_YEARS[-1]  # the last year with an approved statement (2025 is a draft)
SIMULATION_RUNS = 10_000
OTHER_CONTRACTS: tuple[tuple[str, bool], ...] = (("hameenlinna", True), ("vantaa", False))
"""The other built-in contracts the demo settles from files, and whether its children are
enrolled in teams, one per school year (Hämeenlinna's Icehearts teams)."""
MOVED_OUT_SHARE = 0.08
RETURN_SHARE = 0.25
CONSENT_WITHDRAWN_SHARE = 0.02
# The demo's work is done in the names of the demo users (sibyl.web.accounts.demo), so that the
# referrer sees the referrals they made and the audit log names the users who sign in.
COORDINATOR = "coordinator"
REFERRER = "referrer"
PROVIDER_WORKER = "provider"
FUND_MANAGER = "fund_manager"


@app.command("demo")
def demo(
    out: Annotated[
        Path,
        typer.Option(help="The folder for the demo's files (replaced if it is a demo folder)."),
    ] = Path("sibyl-demo"),
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data.")] = 2020,
) -> None:
    """Run the whole pipeline on synthetic data: referrals, cohort, register, statements."""
    _prepare(out)
    contract = load_contract("helsinki")
    keys = _store_for_demo(out)
    console.print(
        f"Sibyl demo: contract {contract.label}, synthetic data (seed {seed}), register as of "
        f"{DEMO_AS_OF.isoformat()}. All identity codes are synthetic.\n"
        f"Throwaway keys made for this demo only: {keys}. Store: {out / 'sibyl.sqlite3'}.",
        highlight=False,
    )
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        step = progress.add_task("Screening synthetic referrals", total=10)
        codes = _referrals_and_enrolment(out, contract, seed)
        progress.update(step, advance=1, description="Exits, returns and consent")
        _exits_and_returns(contract, seed)
        progress.update(step, advance=1, description="Providers' activity")
        _activity(out, contract, seed)
        progress.update(step, advance=1, description="Writing the cohort and register files")
        cohort_path, register_path = _city_files(out, contract, codes, seed)
        progress.update(step, advance=1, description="Settling 2020–2025 from the files")
        statement, extract, cohort = _settle_files(out, contract, cohort_path, register_path)
        progress.update(step, advance=1, description="Statements and the fund in the store")
        latest = _statements_in_store(out, contract, register_path, statement)
        progress.update(step, advance=1, description=f"The annual report of {REPORT_YEAR}")
        reports = _annual_reports(out, contract)
        progress.update(step, advance=1, description=f"Monte Carlo, {SIMULATION_RUNS:,} runs")
        simulation = _simulate()
        progress.update(step, advance=1, description="Hämeenlinna and Vantaa from files")
        others = [_other_contract(out, name, teams, seed) for name, teams in OTHER_CONTRACTS]
        progress.update(step, advance=1, description="Done")
    _report(
        out, contract, statement, extract, cohort, cohort_path, register_path, latest, simulation
    )
    for other in others:
        _report_other(out, *other)
    console.print(
        f"\nThe annual report of {REPORT_YEAR}, both editions (docs/report.md):\n"
        + "".join(f"  {path}\n" for path in reports)
        + f"  (city: every figure and the child-years by pseudonym, for the city and the fund "
        f"manager; public: counts below 5 suppressed). Again, or in Finnish:\n"
        f"  sibyl report --year {REPORT_YEAR} --edition public --language fi "
        f"--out report_{REPORT_YEAR}_public_fi.pdf",
        highlight=False,
        markup=False,
    )
    serve = "sibyl serve" if out == Path("sibyl-demo") else f"sibyl serve --data-dir {out}"
    console.print(
        f"\nThe web application on this store: `{serve}` (or `make serve`), then open "
        "http://localhost:8000/ and sign in as coordinator, referrer, provider, fund_manager, "
        "investor, evaluator or admin; the password of each is demo. Demo mode: one-time codes "
        "are switched off (docs/web.md).",
        highlight=False,
        markup=False,
    )


def _prepare(out: Path) -> None:
    marker = out / ".sibyl-demo"
    if out.exists() and any(out.iterdir()) and not marker.exists():
        raise SibylInputError(
            "the folder exists and is not a Sibyl demo folder",
            Location(str(out)),
            "give another folder with --out, or empty this one",
        )
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    marker.write_text("This folder was written by `sibyl demo` and is replaced on each run.\n")


def _store_for_demo(out: Path) -> Path:
    """Throwaway keys and an embedded database in the demo folder, whatever the environment."""
    from sibyl import identity

    keys = identity.write_key_file(identity.create_keys(), out / "keys.json")
    os.environ["SIBYL_DATA_DIR"] = str(out)
    os.environ["SIBYL_KEY_FILE"] = str(keys)
    for name in ("DATABASE_URL", "SIBYL_PSEUDONYM_KEY", "SIBYL_VAULT_KEY"):
        os.environ.pop(name, None)
    from sibyl.web.bootstrap import setup

    setup()
    from sibyl.web.accounts.demo import create_demo_users

    create_demo_users(load_contract("helsinki"))
    return keys


def _month_starts(first: date, last: date) -> list[date]:
    days, day = [], date(first.year, first.month, 1)
    while day <= last:
        days.append(max(day, first))
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return days


def _referrals_and_enrolment(out: Path, contract, seed: int) -> dict[str, str]:
    """Screen the referrals and offer places monthly; returns pseudonym → identity code."""
    from sibyl import identity
    from sibyl.synth_referrals import synth_referrals, write_referrals_csv
    from sibyl.web.store.enrolment import import_referrals, offer_places

    rows = synth_referrals(contract, seed=seed)
    path = write_referrals_csv(out / "referrals.csv", rows)
    import_referrals(path, contract, actor=REFERRER)
    for day in _month_starts(contract.enrolment_start, contract.enrolment_end):
        offer_places(contract, day, actor=COORDINATOR)
    keyring = identity.load_keys()
    return {identity.pseudonymise(row["hetu"], contract.id, keyring): row["hetu"] for row in rows}


def _exits_and_returns(contract, seed: int) -> None:
    from sibyl.web.cohort.models import Enrolment
    from sibyl.web.store.enrolment import exit_child, return_child, withdraw_consent

    rng = np.random.default_rng(seed + 1)
    for enrolment in Enrolment.objects.select_related("child").filter(
        child__contract_id=contract.id
    ):
        draw = rng.random()
        start = enrolment.enrolled_on + timedelta(days=60)
        span = (DEMO_AS_OF - start).days
        if span <= 0:
            continue
        day = start + timedelta(days=int(rng.integers(0, span)))
        pseudonym = enrolment.child.pseudonym
        if draw < MOVED_OUT_SHARE:
            exit_child(contract.id, pseudonym, day, "moved_out", actor=COORDINATOR)
            back = day + timedelta(days=int(rng.integers(90, 400)))
            if rng.random() < RETURN_SHARE and back <= DEMO_AS_OF:
                return_child(contract, pseudonym, back, actor=COORDINATOR)
        elif draw < MOVED_OUT_SHARE + CONSENT_WITHDRAWN_SHARE:
            withdraw_consent(contract.id, pseudonym, day, actor=COORDINATOR)


def _activity(out: Path, contract, seed: int) -> None:
    from sibyl.synth_referrals import synth_activity, write_activity_csv
    from sibyl.web.cohort.models import Enrolment
    from sibyl.web.store.enrolment import import_activity

    plans = []
    for enrolment in Enrolment.objects.select_related("child", "referral").filter(
        child__contract_id=contract.id
    ):
        first_exit = (
            enrolment.child.spells.exclude(exited_on=None)
            .order_by("enrolled_on")
            .values_list("exited_on", flat=True)
            .first()
        )
        last_day = (first_exit - timedelta(days=1)) if first_exit else DEMO_AS_OF
        plans.append(
            (enrolment.referral.referral_id, enrolment.provider, enrolment.enrolled_on, last_day)
        )
    rows = synth_activity(plans, seed=seed, until=DEMO_AS_OF)
    path = write_activity_csv(out / "activity.csv", rows)
    import_activity(path, contract, actor=PROVIDER_WORKER)


def _city_files(out: Path, contract, codes: dict[str, str], seed: int) -> tuple[Path, Path]:
    """The cohort file and the register extract, as the city's systems would write them."""
    from sibyl import synth
    from sibyl.register.model import FollowupSpell
    from sibyl.web.store.cohort import stored_spells

    spells = [
        FollowupSpell(codes[s.person], s.enrolled_on, s.exited_on, s.exit_reason)
        for s in sorted(stored_spells(contract.id), key=lambda s: (s.enrolled_on, s.person))
    ]
    cohort_path = out / "cohort.csv"
    synth.write_cohort_csv(cohort_path, spells)
    episodes = synth.synth_register(contract, spells, as_of=DEMO_AS_OF, seed=seed)
    rows, _ = synth.inject_demo_errors(episodes, seed=seed)
    register_path = out / f"register_{DEMO_AS_OF.isoformat()}.csv"
    synth.write_extract_csv(register_path, rows)
    return cohort_path, register_path


def _settle_files(out: Path, contract, cohort_path: Path, register_path: Path):
    from sibyl.register import read_cohort, read_extract
    from sibyl.settlement import settle
    from sibyl.settlement.export import (
        write_lines_csv,
        write_statement_csv,
        write_statement_xlsx,
    )

    cohort = read_cohort(cohort_path, contract)
    extract = read_extract(register_path, contract, as_of=DEMO_AS_OF)
    statement = settle(
        contract,
        cohort.spells,
        extract.episodes,
        years=DEMO_YEARS,
        as_of=DEMO_AS_OF,
        identifier=cohort.identifier,
        inputs={cohort_path.name: cohort.sha256, register_path.name: extract.sha256},
    )
    for year in DEMO_YEARS:
        write_statement_csv(statement, out / f"statement_{year}.csv", year=year)
        write_lines_csv(statement, out / f"lines_{year}.csv", year=year)
    write_statement_xlsx(statement, out / "statements_2020-2025.xlsx")
    return statement, extract, cohort


def _statements_in_store(out: Path, contract, register_path: Path, statement):
    from sibyl.finance.scenario import load_scenario
    from sibyl.web.store.fund import add_flow
    from sibyl.web.store.imports import import_register
    from sibyl.web.store.statements import approve_statement, create_statement, export_statement

    plan = load_scenario("helsinki-base")
    for kind, flows in (
        ("contribution", plan.capital_calls),
        ("provider_payment", plan.provider_payments),
        ("fee", plan.fees),
    ):
        for flow in flows:
            if flow.date <= DEMO_AS_OF:
                investor = "investors" if kind == "contribution" else ""
                add_flow(contract.id, flow.date, flow.amount, kind, investor, actor=FUND_MANAGER)
    import_register(register_path, contract, as_of=DEMO_AS_OF, actor=COORDINATOR)
    for year in APPROVED_YEARS:
        create_statement(contract.id, year, actor=COORDINATOR)
        approved = approve_statement(contract.id, year, actor=COORDINATOR)
        paid_on = date(year + 1, 6, 30)
        if paid_on <= DEMO_AS_OF and approved.invoice_total > 0:
            add_flow(
                contract.id, paid_on, approved.invoice_total, "outcome_payment",
                note=f"statement {year}", actor=FUND_MANAGER,
            )  # fmt: skip
            add_flow(
                contract.id, paid_on + timedelta(days=plan.distribution_lag_days),
                approved.invoice_total, "distribution", "investors",
                note=f"outcome payment {year}", actor=FUND_MANAGER,
            )  # fmt: skip
    corrected = out / f"register_{CORRECTION_AS_OF.isoformat()}.csv"
    corrected.write_text(
        register_path.read_text(encoding="utf-8") + _late_rows(statement, out / "cohort.csv"),
        encoding="utf-8",
    )
    import_register(corrected, contract, as_of=CORRECTION_AS_OF, actor=COORDINATOR)
    latest = create_statement(contract.id, 2025, actor=COORDINATOR)
    export_statement(latest, out / "store_statement_2025.xlsx", actor=COORDINATOR)
    return latest


def _annual_reports(out: Path, contract) -> list[Path]:
    """Both editions of the annual report of :data:`REPORT_YEAR`, as PDF and HTML (English)."""
    from sibyl.web.store.report import build_report, write_report

    data = build_report(contract.id, REPORT_YEAR, actor=COORDINATOR)
    written = []
    for edition in ("city", "public"):
        for fmt in ("pdf", "html"):
            path = out / f"report_{REPORT_YEAR}_{edition}.{fmt}"
            write_report(data, path, edition=edition, fmt=fmt, language="en", actor=COORDINATOR)
            written.append(path)
    return written


def _late_rows(statement, cohort_path: Path) -> str:
    """Register rows the city adds later: open-care social work for three children in autumn
    2024 who had no deductions that year (CSV lines, identity codes as in the cohort file)."""
    import csv

    with cohort_path.open(encoding="utf-8", newline="") as stream:
        codes = [row["hetu"] for row in csv.DictReader(stream)]
    clean = {
        row.person
        for row in statement.child_years
        if row.year == 2024 and row.followup_days == 366 and not row.deduction
    }
    chosen = list(dict.fromkeys(code for code in codes if code in clean))[:3]
    start = date(2024, 9, 2)
    return "".join(
        f"{code},5,{(start + timedelta(days=7 * i)).isoformat()},2024-12-20,\n"
        for i, code in enumerate(chosen)
    )


def _report(
    out, contract, statement, extract, cohort, cohort_path, register_path, latest, simulation
):
    from sibyl.cli.store import show_statements
    from sibyl.web.statements.models import Adjustment
    from sibyl.web.statements.models import Statement as StoredStatement
    from sibyl.web.store.enrolment import cohort_status

    status = cohort_status(contract, DEMO_AS_OF)
    refused = ", ".join(f"{code} {n}" for code, n in sorted(status.not_eligible.items()))
    exits = ", ".join(f"{reason} {n}" for reason, n in sorted(status.exited.items())) or "none"
    console.print(
        f"\nReferrals: {status.referrals} screened, {status.eligible} eligible; "
        f"{status.enrolled} enrolled (capacity {status.capacity}), {status.waiting} waiting; "
        f"not eligible by criterion: {refused}.\n"
        f"On {DEMO_AS_OF.isoformat()}: {status.in_followup} in follow-up; exits: {exits}; "
        f"{len(status.no_contact)} families without contact for 60 days.",
        highlight=False,
    )
    console.print(
        f"\nRegister extract: {extract.rows} rows, {extract.accepted} accepted, "
        f"{len(extract.rejects)} rejected (deliberately broken demo rows), "
        f"{extract.duplicates} duplicates counted once.",
        highlight=False,
    )
    for reject in extract.rejects:
        console.print(
            f"  rejected line {reject.line}, column {reject.column} ({reject.value}): "
            f"{reject.reason}",
            highlight=False,
            markup=False,
        )
    print_totals(statement)
    show_statements(list(StoredStatement.objects.filter(contract_id=contract.id)))
    adjustments = Adjustment.objects.filter(statement=latest)
    console.print(
        f"A late correction (register_{CORRECTION_AS_OF.isoformat()}.csv) changed "
        f"{adjustments.count()} child-years of approved years: the approved statements stay as "
        f"they were, and the 2025 draft carries adjustments of EUR "
        f"{latest.adjustments_total:,.2f}.",
        highlight=False,
    )
    _report_fund(contract, simulation)
    example = _example_line(cohort.spells, statement, 2023)
    console.print(
        f"\nFiles in {out}/:\n"
        f"  referrals.csv, activity.csv  the synthetic referrals and the providers' contacts\n"
        f"  {cohort_path.name}, {register_path.name}  the city's files for the enrolled cohort\n"
        f"  statement_YYYY.csv, lines_YYYY.csv  one statement and its deduction lines per year\n"
        f"  statements_2020-2025.xlsx  all years in one workbook, with the inputs' SHA-256\n"
        f"  sibyl.sqlite3, keys.json  the demo's store and its throwaway keys\n"
        f"  store_statement_2025.xlsx  the 2025 statement from the store, with its adjustments\n"
        f"\nUse the demo's store from the command line, e.g.:\n"
        f"  export SIBYL_DATA_DIR={out} SIBYL_KEY_FILE={out}/keys.json\n"
        f"  sibyl cohort show; sibyl statement list; sibyl import list; sibyl audit verify\n"
        f"\nExplain one child-year, e.g. that of the child on line {example} of the cohort file, "
        f"who had deductions in 2023:\n"
        f"  sibyl explain --cohort {cohort_path} --register {register_path} --year 2023 "
        f"--as-of {DEMO_AS_OF.isoformat()} "
        f'--child "$(sed -n {example}p {cohort_path} | cut -d, -f1)"',
        highlight=False,
        markup=False,
    )


def _simulate():
    from sibyl.finance.montecarlo import simulate
    from sibyl.finance.scenario import load_scenario

    return simulate(load_scenario("helsinki-base"), SIMULATION_RUNS, None)


def _report_fund(contract, simulation) -> None:
    from rich.table import Table

    from sibyl.web.store.fund import position

    found = position(contract.id, DEMO_AS_OF)
    table = Table(
        title=f"The fund on {DEMO_AS_OF.isoformat()} (EUR; illustrative plan)", title_justify="left"
    )
    table.add_column("item")
    table.add_column("value", justify="right")
    for label, value in (
        ("investors' contributions", found.contributions),
        ("payments to providers", found.provider_payments),
        ("manager's fees and costs", found.fees),
        ("outcome payments received", found.outcome_payments),
        ("distributions to investors", found.distributions),
        ("cash balance", found.balance),
    ):
        table.add_row(label, f"{value:,.2f}")
    table.add_row("investors' XIRR to date", "—" if found.xirr is None else f"{found.xirr:.2%}")
    table.add_row(
        "multiple on invested capital", "—" if found.moic is None else f"{found.moic:.2f}"
    )
    console.print(table)
    summary = simulation.summary()
    sim = Table(
        title=f"Monte Carlo of the contract, {SIMULATION_RUNS:,} runs (scenario helsinki-base)",
        title_justify="left",
    )
    sim.add_column("measure")
    for q in (5, 50, 95):
        sim.add_column(f"P{q}", justify="right")
    for name, values in simulation.percentiles().items():
        fmt = "{:.4f}" if "IRR" in name else "{:,.0f}"
        sim.add_row(name, fmt.format(values[0]), fmt.format(values[2]), fmt.format(values[4]))
    console.print(sim)
    console.print(
        f"P(investors lose capital) {summary['p_investors_lose_capital']:.4f}; "
        f"P(city pays more than it saves) {summary['p_city_pays_more_than_it_saves']:.4f}; "
        f"P(return cap binds) {summary['p_cap_binds']:.4f}. See docs/finance.md.",
        highlight=False,
    )


def _example_line(spells: list, statement, year: int) -> int:
    """The cohort file line of a child with deductions in ``year`` (the first line otherwise).

    The demo names the child by its line, so that no identity code is printed.
    """
    with_use = {row.person for row in statement.child_years if row.year == year and row.deduction}
    for spell in spells:
        if spell.person in with_use and spell.line is not None:
            return spell.line
    return 2


def _other_contract(out: Path, name: str, teams: bool, seed: int):
    """A synthetic cohort and register of another built-in contract, written as the city's files
    and settled year by year, each year under the version in force on its last day."""
    from sibyl import synth
    from sibyl.register import read_cohort, read_extract
    from sibyl.settlement import settle
    from sibyl.settlement.export import write_details_csv, write_lines_csv, write_statement_csv

    folder = out / name
    folder.mkdir()
    latest = load_contract(name)
    intakes = synth.school_year_intakes(latest) if teams else None
    spells = synth.synth_cohort(latest, seed=seed, as_of=DEMO_AS_OF, intakes=intakes)
    cohort_path = synth.write_cohort_csv(folder / "cohort.csv", spells)
    episodes = synth.synth_register(latest, spells, as_of=DEMO_AS_OF, seed=seed)
    register_path = synth.write_extract_csv(
        folder / f"register_{DEMO_AS_OF.isoformat()}.csv", episodes
    )
    last = min(latest.followup_end.year, DEMO_AS_OF.year - 1)
    statements = []
    paid = Decimal("0.00")
    for year in range(latest.enrolment_start.year, last + 1):
        contract = load_contract(name, on=date(year, 12, 31))
        cohort = read_cohort(cohort_path, contract)
        extract = read_extract(register_path, contract, as_of=DEMO_AS_OF)
        statement = settle(
            contract,
            cohort.spells,
            extract.episodes,
            years=[year],
            as_of=DEMO_AS_OF,
            identifier=cohort.identifier,
            paid_before=paid,
            inputs={cohort_path.name: cohort.sha256, register_path.name: extract.sha256},
        )
        paid += statement.totals[year].payable
        write_statement_csv(statement, folder / f"statement_{year}.csv")
        write_lines_csv(statement, folder / f"lines_{year}.csv")
        if statement.details:
            write_details_csv(statement, folder / f"details_{year}.csv")
        statements.append(statement)
    return latest, folder, cohort_path, register_path, statements


def _report_other(out: Path, latest, folder, cohort_path, register_path, statements) -> None:
    from rich.table import Table

    labels = latest.labels
    mechanisms = ", ".join(c.name.replace("_", " ") for c in latest.components)
    table = Table(
        title=f"Outcome payments in EUR, {latest.spec.title.en} ({mechanisms})",
        title_justify="left",
        caption=f"from the files in {folder}/; every statement names the version it was "
        "settled under",
        caption_justify="left",
    )
    for column, justify in [
        ("year", "left"),
        ("contract", "left"),
        ("children", "right"),
        (labels.base.lower(), "right"),
        (labels.deduction.lower(), "right"),
        ("payments", "right"),
        ("payable", "right"),
        ("status", "left"),
    ]:
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for statement in statements:
        (year,) = statement.years
        total = statement.totals[year]
        table.add_row(
            str(year),
            statement.contract,
            str(total.children),
            f"{total.base:,.2f}",
            f"{total.deductions:,.2f}",
            f"{total.computed:,.2f}",
            f"{total.payable:,.2f}",
            total.status,
        )
    console.print()
    console.print(table)
    for statement in statements:
        (year,) = statement.years
        for note in statement.totals[year].cap_notes:
            console.print(f"{year}: capped by the {note}.", highlight=False)
    if latest.spec.amendment is not None:
        amendment = latest.spec.amendment
        console.print(
            f"{latest.label} from {latest.spec.valid_from.isoformat()}: "
            f"{amendment.description.strip()}",
            highlight=False,
        )
    year = statements[-1].years[0]
    console.print(
        f"Settle or explain one year yourself, e.g.:\n"
        f"  sibyl settle --contract {latest.id} --cohort {cohort_path} --register "
        f"{register_path} --year {year} --as-of {DEMO_AS_OF.isoformat()} --out "
        f"{folder}/statement.csv\n"
        f"  sibyl explain --contract {latest.id} --cohort {cohort_path} --register "
        f"{register_path} --year {year} --as-of {DEMO_AS_OF.isoformat()} "
        f'--child "$(sed -n 2p {cohort_path} | cut -d, -f1)"',
        highlight=False,
        markup=False,
    )
