"""Importing register extracts: validate, pseudonymise and store, in one transaction.

The same file twice (by SHA-256) changes nothing. Rows of people who are not in the cohort are
counted but not stored (no personal data beyond what the contract needs). Rejected rows are kept
with their line, column, masked value and reason, to be sent back to the city.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from sibyl import identity
from sibyl.contract import Contract
from sibyl.errors import Location, SibylInputError
from sibyl.register import read_extract
from sibyl.register.model import Episode, Extract
from sibyl.settlement.export import atomic_write
from sibyl.tabular import file_sha256
from sibyl.web.audit import log as audit
from sibyl.web.cohort.models import Child
from sibyl.web.imports.models import RegisterImport, RejectedRow, ServiceEpisode

BATCH = 5000


@dataclass
class ImportResult:
    register_import: RegisterImport
    already_imported: bool
    extract: Extract | None = None


def import_register(
    path: str | Path,
    contract: Contract,
    *,
    as_of: date,
    actor: str,
    services: Sequence[int] | None = None,
    keyring: identity.Keyring | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Store an extract as of ``as_of`` covering ``services`` (all the contract's by default).

    ``progress(stage, done, total)`` reports the stages ``checking`` (rows read and checked)
    and ``storing`` (episodes written)."""
    sha = file_sha256(path)
    existing = RegisterImport.objects.filter(contract_id=contract.id, sha256=sha).first()
    if existing is not None:
        return ImportResult(existing, already_imported=True)
    covered = sorted(set(services)) if services else sorted(contract.services)
    unknown = [code for code in covered if code not in contract.services]
    if unknown:
        raise SibylInputError(
            f"--services names service(s) {', '.join(map(str, unknown))} that the contract "
            "does not have",
            None,
            f"use codes among {', '.join(map(str, sorted(contract.services)))}",
        )
    extract = read_extract(
        path,
        contract,
        as_of=as_of,
        progress=None
        if progress is None
        else (lambda done, total: progress("checking", done, total)),
    )
    outside = sorted({e.service for e in extract.episodes} - set(covered))
    if outside:
        raise SibylInputError(
            f"the extract has rows of service(s) {', '.join(map(str, outside))}, which --services "
            "says it does not cover",
            Location(str(path)),
            "import it with those services in --services, or remove the rows",
        )
    children = dict(Child.objects.filter(contract_id=contract.id).values_list("pseudonym", "id"))
    if not children:
        raise SibylInputError(
            f"the contract {contract.id} has no cohort in the store yet",
            None,
            "import the cohort first with `sibyl import cohort FILE`",
        )
    name_of: Callable[[str], str]
    if extract.identifier == "hetu":
        name_of = identity.Pseudonymiser(contract.id, keyring or identity.load_keys())
    else:
        name_of = str
    kept: list[tuple[int, Episode]] = []
    outside_cohort = 0
    for episode in extract.episodes:
        child_id = children.get(name_of(episode.person))
        if child_id is None:
            outside_cohort += 1
        else:
            kept.append((child_id, episode))

    with transaction.atomic():
        register_import = RegisterImport.objects.create(
            contract_id=contract.id,
            sha256=extract.sha256,
            file_name=Path(path).name,
            as_of=as_of,
            services=covered,
            identifier=extract.identifier,
            rows=extract.rows,
            accepted=extract.accepted,
            rejected=len(extract.rejects),
            duplicates=extract.duplicates,
            outside_cohort=outside_cohort,
            warnings=[
                {"line": w.line, "column": w.column, "message": w.message} for w in extract.warnings
            ],
            imported_by=actor,
        )
        for first in range(0, len(kept), BATCH):
            ServiceEpisode.objects.bulk_create(
                ServiceEpisode(
                    register_import=register_import,
                    child_id=child_id,
                    service=e.service,
                    start=e.start,
                    end=e.end,
                    days=e.days,
                    line=e.line,
                )
                for child_id, e in kept[first : first + BATCH]
            )
            if progress is not None:
                progress("storing", min(first + BATCH, len(kept)), len(kept))
        RejectedRow.objects.bulk_create(
            RejectedRow(
                register_import=register_import,
                line=r.line,
                column=r.column,
                value=r.value,
                reason=r.reason,
            )
            for r in extract.rejects
        )
        audit.record(
            "import.register",
            actor=actor,
            object_type="register_import",
            object_id=register_import.id,
            contract_id=contract.id,
            details={
                "file": Path(path).name,
                "sha256": extract.sha256,
                "as_of": as_of.isoformat(),
                "services": covered,
                "rows": extract.rows,
                "accepted": extract.accepted,
                "rejected": len(extract.rejects),
                "outside_cohort": outside_cohort,
            },
        )
    return ImportResult(register_import, already_imported=False, extract=extract)


def effective_imports(contract_id: str) -> dict[int, RegisterImport]:
    """For each service, the newest extract covering it (by as-of date, then import order)."""
    chosen: dict[int, RegisterImport] = {}
    for register_import in RegisterImport.objects.filter(contract_id=contract_id).order_by(
        "as_of", "imported_at", "id"
    ):
        for service in register_import.services:
            chosen[int(service)] = register_import
    return chosen


def stored_episodes(contract_id: str) -> tuple[list[Episode], list[RegisterImport], date | None]:
    """The episodes settlement uses, the extracts they come from and the earliest as-of date."""
    chosen = effective_imports(contract_id)
    by_import: dict[int, list[int]] = {}
    for service, register_import in chosen.items():
        by_import.setdefault(register_import.id, []).append(service)
    episodes: list[Episode] = []
    for import_id, services in by_import.items():
        rows = ServiceEpisode.objects.filter(
            register_import_id=import_id, service__in=services
        ).values_list("child__pseudonym", "service", "start", "end", "days", "line")
        episodes.extend(
            Episode(p, s, start, end, days, line) for p, s, start, end, days, line in rows
        )
    imports = sorted({imp.id: imp for imp in chosen.values()}.values(), key=lambda i: i.id)
    as_of = min((imp.as_of for imp in imports), default=None)
    return episodes, imports, as_of


def export_rejects(
    register_import: RegisterImport, path: str | Path, *, actor: str | None = None
) -> int:
    """Write an import's rejected rows (masked) as CSV for the city to fix at the source.

    With ``actor`` (a download from the web pages), the export is written to the audit log."""
    rows = list(register_import.rejects.order_by("line"))
    with atomic_write(path) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["file", "line", "column", "value", "reason"])
        for row in rows:
            writer.writerow(
                [register_import.file_name, row.line, row.column, row.value, row.reason]
            )
    if actor is not None:
        audit.record(
            "import.rejects_export",
            actor=actor,
            object_type="register_import",
            object_id=register_import.id,
            contract_id=register_import.contract_id,
            details={"file": register_import.file_name, "rows": len(rows)},
        )
    return len(rows)
