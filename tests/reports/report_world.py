"""A small contract world for the annual report's tests, built through the store's own
operations (no row written behind its back). Synthetic identity codes only.

Contract ``helsinki``; 13 children referred in December 2021:

* E1–E10 eligible and enrolled on 2022-01-03 (E1–E5 with SOS-Lapsikylä, E6–E10 with
  Diakonissalaitos Vamos); E10 moves out on 2022-07-01; E9 withdraws consent on 2023-03-01;
* W1 eligible and waiting; N1, N2 not eligible (one difficulty only);
* register extract as of 2024-03-31:
  E1 service 5 (open-care social work) 2022-03-01..31: 23 working days;
  E2 service 1 (family care) 2022-06-01..10: 10 care days;
  E3 service 9 (special support) 2022-09-01..12-31: 85 working days;
  E4 service 5 2023-02-01..28: 20 working days; E5 service 4 2023-05-02..31: 21 working days;
* 2022 settled and approved from it; then a correction as of 2024-06-30 adds E6 service 5
  2022-10-03..14 (10 working days), so the 2023 statement (approved) carries an adjustment
  for 2022;
* the fund: contributions of EUR 300,000 and 200,000 on 2022-01-15, a provider payment of
  150,000 on 2022-02-01, fees of 10,000 on 2022-03-01, the 2022 invoice received on 2023-06-30
  and distributed on 2023-07-30;
* the providers' contacts: E1 and E6 in 2022 and 2023.

Run as a script (``python report_world.py FOLDER``) it builds the world in a fresh SQLite store in
FOLDER, writes every edition of the 2023 report there (city/public × en/fi × pdf/html) and the
statements' own figures as ``figures.json``, the reference the tests compare the report with.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

SOS = "SOS-Lapsikylä"
VAMOS = "Diakonissalaitos Vamos"
YEAR = 2023


def _codes():
    from sibyl import identity

    eligible = [identity.make(date(2018, 1 + i, 10 + i), 200 + i) for i in range(10)]
    waiting = identity.make(date(2017, 12, 1), 301)
    not_eligible = [identity.make(date(2018, 3, 3), 302), identity.make(date(2018, 4, 4), 303)]
    return eligible, waiting, not_eligible


def _referral(referral_id: str, code: str, day: date, **criteria: bool):
    from sibyl.eligibility import Referral

    flags = {
        "concentration": True,
        "behaviour": True,
        "parent_out_of_work": True,
        "parenting_difficulties": True,
    }
    flags.update(criteria)
    return Referral(
        referral_id=referral_id,
        hetu=code,
        referred_on=day,
        district="Vuosaari",
        referral_source="child_health_clinic",
        answers=flags,
    )


@dataclass
class ReportWorld:
    contract: object
    pseudonyms: dict[str, str]  # E1.. → pseudonym


def build_world(folder: Path) -> ReportWorld:
    """Build the world described above in the current store (Django set up, keys in the
    environment)."""
    from sibyl.contract import load_contract
    from sibyl.web.store.enrolment import (
        enrol,
        exit_child,
        import_activity,
        refer,
        withdraw_consent,
    )
    from sibyl.web.store.fund import add_flow
    from sibyl.web.store.imports import import_register
    from sibyl.web.store.statements import approve_statement, create_statement

    contract = load_contract("helsinki")
    eligible, waiting, not_eligible = _codes()
    pseudonyms: dict[str, str] = {}
    for i, code in enumerate(eligible, start=1):
        row = refer(contract, _referral(f"E{i}", code, date(2021, 12, i)), actor="referrer")
        pseudonyms[f"E{i}"] = row.child.pseudonym
    refer(contract, _referral("W1", waiting, date(2021, 12, 20)), actor="referrer")
    for i, code in enumerate(not_eligible, start=1):
        refer(
            contract,
            _referral(f"N{i}", code, date(2021, 12, 21), behaviour=False),
            actor="referrer",
        )
    for i in range(1, 11):
        enrol(contract, f"E{i}", date(2022, 1, 3), SOS if i <= 5 else VAMOS, actor="coordinator")
    exit_child(contract.id, pseudonyms["E10"], date(2022, 7, 1), "moved_out", actor="coordinator")
    withdraw_consent(contract.id, pseudonyms["E9"], date(2023, 3, 1), actor="coordinator")

    activity = folder / "activity.csv"
    activity.write_text(
        "referral_id,date,component,minutes,participants,provider\n"
        f"E1,2022-02-01,individual_support,60,child and mother,{SOS}\n"
        f"E1,2022-05-03,family_group,120,child and mother,{SOS}\n"
        f"E1,2023-02-01,individual_support,90,child and mother,{SOS}\n"
        f"E6,2022-02-02,family_group,90,child and father,{VAMOS}\n"
        f"E6,2023-03-02,community,60,family,{VAMOS}\n"
        f"E6,2023-09-12,individual_support,45,child and father,{VAMOS}\n",
        encoding="utf-8",
    )
    import_activity(activity, contract, actor="provider")

    e = eligible
    rows = [
        f"{e[0]},5,2022-03-01,2022-03-31,",
        f"{e[1]},1,2022-06-01,2022-06-10,",
        f"{e[2]},9,2022-09-01,2022-12-31,",
        f"{e[3]},5,2023-02-01,2023-02-28,",
        f"{e[4]},4,2023-05-02,2023-05-31,",
    ]
    first = folder / "extract_2024-03-31.csv"
    first.write_text("hetu,service,start,end,days\n" + "\n".join(rows) + "\n", encoding="utf-8")
    import_register(first, contract, as_of=date(2024, 3, 31), actor="coordinator")

    for day, amount, kind, investor in (
        (date(2022, 1, 15), "300000.00", "contribution", "Investor Oy"),
        (date(2022, 1, 15), "200000.00", "contribution", "Other Investor Oy"),
        (date(2022, 2, 1), "150000.00", "provider_payment", ""),
        (date(2022, 3, 1), "10000.00", "fee", ""),
    ):
        add_flow(contract.id, day, amount, kind, investor, actor="fund_manager")
    create_statement(contract.id, 2022, actor="coordinator")
    approved = approve_statement(contract.id, 2022, actor="coordinator")
    add_flow(contract.id, date(2023, 6, 30), approved.invoice_total, "outcome_payment",
             actor="fund_manager")  # fmt: skip
    add_flow(contract.id, date(2023, 7, 30), approved.invoice_total, "distribution",
             "Investor Oy", actor="fund_manager")  # fmt: skip

    corrected = folder / "extract_2024-06-30.csv"
    corrected.write_text(
        "hetu,service,start,end,days\n"
        + "\n".join([*rows, f"{e[5]},5,2022-10-03,2022-10-14,"])
        + "\n",
        encoding="utf-8",
    )
    import_register(corrected, contract, as_of=date(2024, 6, 30), actor="coordinator")
    create_statement(contract.id, 2023, actor="coordinator")
    approve_statement(contract.id, 2023, actor="coordinator")
    return ReportWorld(contract=contract, pseudonyms=pseudonyms)


def statement_figures(contract_id: str) -> dict:
    """The stored statements' own figures (the reference the report must match)."""
    from sibyl.web.statements.models import DeductionLine, Statement

    found: dict = {}
    for s in Statement.objects.filter(contract_id=contract_id).order_by("year"):
        by_service: dict[str, Decimal] = {}
        for line in DeductionLine.objects.filter(statement=s):
            by_service[str(line.service)] = by_service.get(str(line.service), 0) + line.amount
        found[str(s.year)] = {
            "status": s.status,
            "children": s.children,
            "children_with_deductions": s.children_with_deductions,
            "base": str(s.base),
            "deductions": str(s.deductions),
            "computed": str(s.computed),
            "payable": str(s.payable),
            "adjustments": str(s.adjustments_total),
            "invoice": str(s.invoice_total),
            "by_service": {code: str(amount) for code, amount in by_service.items()},
            "contract_sha256": s.contract_sha256,
            "price_list_sha256": s.price_list_sha256,
            "extracts": [e["sha256"] for e in s.extracts],
        }
    return found


def main(folder: Path) -> None:
    """Build the world in a fresh store in ``folder`` and write the 2023 report's editions."""
    from sibyl import identity

    folder.mkdir(parents=True, exist_ok=True)
    keys = identity.write_key_file(identity.create_keys(), folder / "keys.json")
    os.environ["SIBYL_DATA_DIR"] = str(folder)
    os.environ["SIBYL_KEY_FILE"] = str(keys)
    for name in ("DATABASE_URL", "SIBYL_PSEUDONYM_KEY", "SIBYL_VAULT_KEY"):
        os.environ.pop(name, None)
    from sibyl.web.bootstrap import setup

    setup()
    from sibyl.web.store.fund import position
    from sibyl.web.store.report import build_report, write_report

    world = build_world(folder)
    data = build_report("helsinki", YEAR, written_on=date(2024, 9, 1), actor="test")
    for edition in ("city", "public"):
        for language in ("en", "fi"):
            for fmt in ("pdf", "html"):
                write_report(
                    data,
                    folder / f"report_{edition}_{language}.{fmt}",
                    edition=edition,
                    fmt=fmt,
                    language=language,
                    actor="test",
                )
    fund = position(world.contract.id, date(YEAR, 12, 31))
    figures = {
        "statements": statement_figures(world.contract.id),
        "fund": {
            "contributions": str(fund.contributions),
            "distributions": str(fund.distributions),
            "outcome_payments": str(fund.outcome_payments),
            "provider_payments": str(fund.provider_payments),
            "fees": str(fund.fees),
            "balance": str(fund.balance),
        },
        "pseudonyms": world.pseudonyms,
    }
    (folder / "figures.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
