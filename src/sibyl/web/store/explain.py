"""Explaining a stored child-year from the statement's own inputs (``sibyl explain`` on the store).

A statement records what it was computed from: the contract version (SHA-256), the price list
(SHA-256) and every register extract (SHA-256, with the services it covers). The explanation is
recomputed from exactly those, and from the child's stored follow-up spells, so that an approved
statement's explanation does not move when a newer extract or price list arrives.

Follow-up spells are not versioned: an exit or a return recorded after the statement changes them.
When the recomputed figures differ from the stored line, :class:`StoredExplanation` lists every
difference in words, so the page can say so next to the stored figures (the stored figures are
what was invoiced; the next statement settles the difference as an adjustment).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sibyl.contract import Contract, load_contract
from sibyl.errors import SibylInputError
from sibyl.money import format_money
from sibyl.register.model import Episode, FollowupSpell
from sibyl.settlement.explain import Explanation, explain
from sibyl.web.cohort.models import Child
from sibyl.web.cohort.models import FollowupSpell as SpellRow
from sibyl.web.contracts.models import ContractVersion, PriceListVersion
from sibyl.web.imports.models import RegisterImport, ServiceEpisode
from sibyl.web.statements.models import ChildYearLine, DeductionLine, Statement
from sibyl.web.store.cohort import stored_birth_years
from sibyl.web.store.contracts import _price_list_from_text


@dataclass(frozen=True)
class ExtractUse:
    """An extract the statement names, and the services it was used for."""

    register_import: RegisterImport
    services: list[int]


@dataclass
class StoredExplanation:
    statement: Statement
    contract: Contract  # as the statement used it: its version and its price list
    child: Child
    spells: list[FollowupSpell]  # the child's follow-up spells in the store now
    line: ChildYearLine
    stored_deductions: list[DeductionLine]
    explanation: Explanation
    extracts: list[ExtractUse]
    differences: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.differences

    @property
    def labels(self):
        return self.contract.labels


def statement_contract(statement: Statement, current: Contract | None = None) -> Contract:
    """The contract as the statement used it: its recorded version and its price list.

    ``current`` (the contract as loaded now) is used when its SHA-256 is the recorded one;
    otherwise the version's text kept in the store is loaded.
    """
    prices = PriceListVersion.objects.filter(
        contract_id=statement.contract_id, sha256=statement.price_list_sha256
    ).first()
    if prices is None:
        raise SibylInputError(
            f"the price list (SHA-256 {statement.price_list_sha256[:12]}…) that the "
            f"{statement.year} statement used is not in the store",
            None,
            "the statement's figures stand; its explanation cannot be recomputed",
        )
    contract = current or load_contract(statement.contract_id)
    if contract.sha256 != statement.contract_sha256:
        version = ContractVersion.objects.filter(
            contract_id=statement.contract_id, sha256=statement.contract_sha256
        ).first()
        if version is None:
            raise SibylInputError(
                f"the contract version {statement.contract_version} (SHA-256 "
                f"{statement.contract_sha256[:12]}…) that the {statement.year} statement used is "
                "not in the store",
                None,
                "the statement's figures stand; its explanation cannot be recomputed",
            )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "contract.yaml"
            path.write_text(version.text, encoding="utf-8")
            price_path = Path(folder) / "prices.csv"
            price_path.write_text(prices.text, encoding="utf-8")
            contract = load_contract(
                path,
                prices=price_path,
                display=f"{statement.contract_id} v{statement.contract_version}",
            )
    return _price_list_from_text(contract, prices.text, f"price list {prices.sha256[:12]}")


def statement_extracts(statement: Statement) -> list[ExtractUse]:
    """The extracts the statement names, each with the services it was used for.

    When the statement was created, each service was taken from the newest extract covering it
    (``effective_imports``); those extracts are the ones it names. Among them, the newest covering
    a service is therefore the one that was used for it, whatever was imported since.
    """
    wanted = [entry["sha256"] for entry in statement.extracts]
    imports = list(
        RegisterImport.objects.filter(
            contract_id=statement.contract_id, sha256__in=wanted
        ).order_by("as_of", "imported_at", "id")
    )
    missing = sorted(set(wanted) - {imp.sha256 for imp in imports})
    if missing:
        raise SibylInputError(
            f"the extract(s) with SHA-256 {', '.join(sha[:12] + '…' for sha in missing)} that the "
            f"{statement.year} statement used are not in the store",
            None,
            "the statement's figures stand; its explanation cannot be recomputed",
        )
    chosen: dict[int, RegisterImport] = {}
    for register_import in imports:
        for service in register_import.services:
            chosen[int(service)] = register_import
    return [
        ExtractUse(imp, sorted(code for code, used in chosen.items() if used.id == imp.id))
        for imp in imports
        if any(used.id == imp.id for used in chosen.values())
    ]


def _episodes(child: Child, extracts: list[ExtractUse]) -> list[Episode]:
    episodes: list[Episode] = []
    for use in extracts:
        rows = ServiceEpisode.objects.filter(
            register_import=use.register_import, child=child, service__in=use.services
        ).values_list("service", "start", "end", "days", "line")
        episodes.extend(
            Episode(child.pseudonym, service, start, end, days, line)
            for service, start, end, days, line in rows
        )
    return episodes


def _spells(child: Child) -> list[FollowupSpell]:
    return [
        FollowupSpell(
            person=child.pseudonym,
            enrolled_on=row.enrolled_on,
            exited_on=row.exited_on,
            exit_reason=row.exit_reason or None,
        )
        for row in SpellRow.objects.filter(child=child)
    ]


def _money_difference(what: str, stored: Decimal, now: Decimal) -> str:
    return (
        f"{what}: the statement has EUR {format_money(stored)}, recomputed now "
        f"EUR {format_money(now)}"
    )


def explain_child_year(
    statement: Statement, pseudonym: str, *, current: Contract | None = None
) -> StoredExplanation:
    """How the statement's line for ``pseudonym`` was computed, from the statement's inputs."""
    line = (
        ChildYearLine.objects.filter(statement=statement, child__pseudonym=pseudonym)
        .select_related("child")
        .first()
    )
    if line is None:
        raise SibylInputError(
            f"the {statement.year} statement has no line for the pseudonym {pseudonym!r}",
            None,
            "choose a child from the statement's child-year lines",
        )
    child = line.child
    contract = statement_contract(statement, current)
    extracts = statement_extracts(statement)
    spells = _spells(child)
    explanation = explain(
        contract,
        spells,
        _episodes(child, extracts),
        person=child.pseudonym,
        year=statement.year,
        as_of=statement.as_of,
        birth_years=stored_birth_years(contract, [child]),
    )
    stored_deductions = list(
        DeductionLine.objects.filter(statement=statement, child=child).order_by("service")
    )
    differences: list[str] = []
    if explanation.followup_days != line.followup_days:
        differences.append(
            f"follow-up days: the statement has {line.followup_days}, recomputed now "
            f"{explanation.followup_days}"
        )
    for what, stored, now in (
        ("base", line.base, explanation.base),
        ("deductions", line.deduction, explanation.deduction),
        ("payment", line.payment, explanation.payment),
    ):
        if stored != now:
            differences.append(_money_difference(what, stored, now))
    stored_by_service = {row.service: row for row in stored_deductions}
    now_by_service = {item.service: item for item in explanation.services}
    for service in sorted(set(stored_by_service) | set(now_by_service)):
        before, after = stored_by_service.get(service), now_by_service.get(service)
        units_before = before.units if before else 0
        units_after = after.units if after else 0
        if units_before != units_after:
            differences.append(
                f"service {service} units: the statement has {units_before}, recomputed now "
                f"{units_after}"
            )
        amount_before = before.amount if before else Decimal("0.00")
        amount_after = after.amount if after else Decimal("0.00")
        if amount_before != amount_after:
            differences.append(
                _money_difference(f"service {service} amount", amount_before, amount_after)
            )
    return StoredExplanation(
        statement=statement,
        contract=contract,
        child=child,
        spells=spells,
        line=line,
        stored_deductions=stored_deductions,
        explanation=explanation,
        extracts=extracts,
        differences=differences,
    )
