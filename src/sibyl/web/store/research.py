"""The evaluators' pseudonymised research extracts (DOMAIN.md 4), built from the store.

An evaluator (THL, a university) may see pseudonymised research extracts of their contract: five
tables, each a :class:`pyarrow.Table` with a fixed schema, sent as CSV (UTF-8) or Parquet.

* ``children``: a row per child of the cohort: the referral (date, district, source, the answer
  to each of the contract's referral items, the decision and any override), the age in whole
  years at referral, the enrolment date and the provider;
* ``followup``: a row per follow-up spell: start, exit and exit reason;
* ``service_use``: a row per register episode that the statements use
  (:func:`sibyl.web.store.imports.stored_episodes`): service, start, end, days;
* ``outcomes``: a row per child-year of every approved statement: follow-up days, base,
  deduction, payment, and the later adjustments of that child-year;
* ``activity``: a row per contact of a provider: date, provider, component, minutes.

Children are named by research id (:func:`sibyl.identity.research_ids`), never by the ``ps-``
pseudonym the statements carry, nor by identity code, birth date, referral id or any free text.
Children whose consent stands withdrawn are left out of every extract.

The interface, for the pages and the JSON API:

* :data:`EXTRACTS` (name → :class:`Extract`: title, description, columns with descriptions) and
  :data:`FORMATS` (``csv``, ``parquet``); :func:`extracts_of` gives a contract's extracts, the
  ``children`` extract with a boolean column per referral item of the contract (named by the
  item's code: Helsinki's are ``concentration`` … ``stressful_life_situation``), where
  :data:`EXTRACTS` has none;
* :func:`build_extract` ``(contract_id, name) -> pyarrow.Table`` and :func:`encode`
  ``(table, fmt) -> bytes``;
* :func:`download` builds, encodes and writes the audit entry (who, which extract, which format,
  how many rows, the SHA-256 of the bytes sent) in one go, returning a :class:`Download`;
* :func:`catalogue` (each extract with its row count) and :func:`download_history` (a user's
  downloads, from the audit log).

An unknown extract or format raises :class:`UnknownExtract` (a :class:`SibylInputError`; a page
or an API answers it with 404).
"""

from __future__ import annotations

import hashlib
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet
from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sibyl import identity
from sibyl.contract import Contract, load_contract
from sibyl.contract.model import Text
from sibyl.eligibility import age_on, items_of
from sibyl.errors import SibylInputError
from sibyl.web.audit import log as audit
from sibyl.web.audit.models import AuditEntry
from sibyl.web.cohort.models import Activity, Child, Consent, Enrolment, Override
from sibyl.web.cohort.models import FollowupSpell as SpellRow
from sibyl.web.cohort.models import Referral as ReferralRow
from sibyl.web.statements.models import Adjustment, ChildYearLine, Statement
from sibyl.web.store.imports import stored_episodes
from sibyl.web.ui.contracts import contract_of, localised
from sibyl.web.vault.models import VaultEntry

ACTION = "research.download"
"""The audit log's action for a download of a research extract."""

MONEY = pa.decimal128(16, 2)
"""Money in Parquet: exact decimals of the statements' precision (16 digits, 2 decimals)."""

ITEMS_AFTER = "referral_source"
"""The ``children`` extract's column after which come the contract's referral items."""


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str | Promise

    @property
    def type_name(self) -> str:
        """The column's type in words (in the active language), as the page shows it."""
        return str(_TYPE_NAMES.get(str(self.type), str(self.type)))


_TYPE_NAMES: dict[str, str | Promise] = {
    "string": _("text"),
    "date32[day]": _("date"),
    "int16": _("integer"),
    "int32": _("integer"),
    "bool": _("true/false"),
    str(MONEY): _("decimal (euros)"),
}


@dataclass(frozen=True)
class Extract:
    name: str
    title: str | Promise
    description: str | Promise
    columns: tuple[Column, ...]

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type) for c in self.columns])


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    media_type: str
    suffix: str


FORMATS: dict[str, Format] = {
    "csv": Format("csv", "CSV", "text/csv; charset=utf-8", "csv"),
    "parquet": Format("parquet", "Parquet", "application/vnd.apache.parquet", "parquet"),
}
"""The formats an extract is sent in: CSV (UTF-8, comma, a header row, an empty cell for no
value, dates YYYY-MM-DD, money with a point and two decimals) or Parquet (the same columns,
typed: dates as dates, money as decimal128(16, 2))."""

_RESEARCH_ID = Column(
    "research_id",
    pa.string(),
    _(
        "the child's research id (rs-…): the same in every extract and every download of this "
        "contract, unrelated to the pseudonyms of the statements"
    ),
)

_localised = lazy(localised, str)


def _item_column(code: str, question: Text) -> Column:
    """A referral item's column: its code, described by the contract's question in the page's
    language."""
    return Column(
        code,
        pa.bool_(),
        format_lazy(_("the referral's answer: {question}"), question=_localised(question)),
    )


EXTRACTS: dict[str, Extract] = {
    extract.name: extract
    for extract in (
        Extract(
            "children",
            _("Children"),
            _(
                "One row per child of the cohort (a child with a follow-up spell): the referral "
                "and its screening, the age at referral, the enrolment and the provider."
            ),
            (
                _RESEARCH_ID,
                Column("referred_on", pa.date32(), _("the date of the referral that enrolled")),
                Column(
                    "age_at_referral",
                    pa.int16(),
                    _("the child's age in whole years on the referral date"),
                ),
                Column("district", pa.string(), _("the family's district, as referred")),
                Column(
                    "referral_source",
                    pa.string(),
                    _(
                        "who referred: early_childhood_education, child_health_clinic, "
                        "child_protection, school or other"
                    ),
                ),
                Column(
                    "screening_eligible",
                    pa.bool_(),
                    _("the screening found every criterion met (before any override)"),
                ),
                Column(
                    "criteria_failed",
                    pa.string(),
                    _(
                        "the criteria the screening found not met, separated by spaces (empty "
                        "when none)"
                    ),
                ),
                Column(
                    "overridden",
                    pa.bool_(),
                    _("a coordinator's override, with a written reason, decided the eligibility"),
                ),
                Column("enrolled_on", pa.date32(), _("the first day of follow-up")),
                Column("provider", pa.string(), _("the service provider assigned to the family")),
            ),
        ),
        Extract(
            "followup",
            _("Follow-up"),
            _(
                "One row per follow-up spell: from enrolment or a return to an exit. The exit "
                "day itself is not in follow-up."
            ),
            (
                _RESEARCH_ID,
                Column("spell", pa.int16(), _("the spell's number for the child, from 1")),
                Column("start", pa.date32(), _("the first day in follow-up")),
                Column("exit", pa.date32(), _("the exit day (empty while in follow-up)")),
                Column(
                    "exit_reason",
                    pa.string(),
                    _("moved_out, died, consent_withdrawn or other (empty while in follow-up)"),
                ),
            ),
        ),
        Extract(
            "service_use",
            _("Service use"),
            _(
                "One row per register episode the statements use: for each service, the "
                "episodes of the newest register extract that covers it."
            ),
            (
                _RESEARCH_ID,
                Column("service", pa.int16(), _("the contract's service code (1–9)")),
                Column("service_name", pa.string(), _("the service's name in the contract")),
                Column("start", pa.date32(), _("the episode's first day")),
                Column("end", pa.date32(), _("the episode's last day (empty while ongoing)")),
                Column(
                    "days",
                    pa.int32(),
                    _("the care days the register reports for the episode (often empty)"),
                ),
                Column(
                    "extract_as_of",
                    pa.date32(),
                    _("the as-of date of the register extract; an ongoing episode runs to it"),
                ),
            ),
        ),
        Extract(
            "outcomes",
            _("Outcomes"),
            _(
                "One row per child-year of every approved statement: the follow-up days and "
                "the outcome payment's base, deduction and payment."
            ),
            (
                _RESEARCH_ID,
                Column("year", pa.int16(), _("the statement's year")),
                Column(
                    "result_status",
                    pa.string(),
                    _("final, or provisional when the year's data or prices were not final"),
                ),
                Column("followup_days", pa.int16(), _("the child's days in follow-up that year")),
                Column("days_in_year", pa.int16(), _("365 or 366")),
                Column(
                    "base",
                    MONEY,
                    _("the payment base: base per child-year × follow-up days ÷ days in year"),
                ),
                Column(
                    "deduction",
                    MONEY,
                    _("the priced use of the outcome-measure services that year"),
                ),
                Column("payment", MONEY, _("max(0, base − deduction), as approved")),
                Column(
                    "adjustment",
                    MONEY,
                    _(
                        "corrections to this child-year in later approved statements (0.00 "
                        "when none)"
                    ),
                ),
            ),
        ),
        Extract(
            "activity",
            _("Activity"),
            _(
                "One row per contact of a provider with a family: the day, the service "
                "component and its length. Who took part is not included."
            ),
            (
                _RESEARCH_ID,
                Column("date", pa.date32(), _("the day of the contact")),
                Column("provider", pa.string(), _("the provider who logged the contact")),
                Column(
                    "component",
                    pa.string(),
                    _("individual_support, family_group (kotipesä) or community"),
                ),
                Column("minutes", pa.int32(), _("the contact's length in minutes")),
            ),
        ),
    )
}
"""The extracts, in the order the page lists them; the ``children`` extract without the
contract's referral items (:func:`extracts_of` adds them)."""


def extracts_of(contract: Contract) -> dict[str, Extract]:
    """The contract's extracts: :data:`EXTRACTS`, the ``children`` extract with a boolean column
    per referral item of the contract after ``referral_source``, in the contract's order."""
    children = EXTRACTS["children"]
    names = [column.name for column in children.columns]
    at = names.index(ITEMS_AFTER) + 1
    items = tuple(_item_column(item.code, item.question) for item in items_of(contract))
    clash = sorted({column.name for column in items} & set(names))
    if clash:
        raise SibylInputError(
            f"the contract {contract.id} has a referral item named like a column of the "
            f"children extract ({', '.join(clash)})",
            None,
            "give the item another code in the contract file",
        )
    return {
        **EXTRACTS,
        "children": replace(
            children, columns=children.columns[:at] + items + children.columns[at:]
        ),
    }


class UnknownExtract(SibylInputError):
    """An extract name or a format that does not exist (a page or the API answers 404)."""


def extract_named(name: str) -> Extract:
    """The extract called ``name``, or :class:`UnknownExtract`."""
    extract = EXTRACTS.get(name)
    if extract is None:
        raise UnknownExtract(
            "there is no research extract of this name",
            None,
            f"use one of: {', '.join(EXTRACTS)}",
        )
    return extract


def format_named(fmt: str) -> Format:
    """The format called ``fmt``, or :class:`UnknownExtract`."""
    found = FORMATS.get(fmt)
    if found is None:
        raise UnknownExtract(
            "research extracts are not sent in this format", None, "use csv or parquet"
        )
    return found


# ---------------------------------------------------------------------------------------------
# Whose data: the cohort, less the children whose consent stands withdrawn.


@dataclass(frozen=True)
class _Cohort:
    research_id: dict[int, str]  # child row id → research id
    withdrawn: int  # children left out: their consent stands withdrawn


def _withdrawn(contract_id: str) -> set[int]:
    """Children whose every consent is withdrawn (consent given again on a return counts)."""
    rows = Consent.objects.filter(child__contract_id=contract_id).values_list(
        "child_id", "withdrawn_on"
    )
    in_force: dict[int, bool] = {}
    for child_id, withdrawn_on in rows:
        in_force[child_id] = in_force.get(child_id, False) or withdrawn_on is None
    return {child_id for child_id, any_in_force in in_force.items() if not any_in_force}


def _cohort(contract_id: str, keyring: identity.Keyring) -> _Cohort:
    in_cohort = dict(
        Child.objects.filter(contract_id=contract_id, spells__isnull=False)
        .distinct()
        .values_list("id", "pseudonym")
    )
    withdrawn = _withdrawn(contract_id) & set(in_cohort)
    kept = {child_id: p for child_id, p in in_cohort.items() if child_id not in withdrawn}
    ids = identity.research_ids(kept.values(), contract_id, keyring)
    return _Cohort({child_id: ids[p] for child_id, p in kept.items()}, len(withdrawn))


# ---------------------------------------------------------------------------------------------
# The extracts.


def _children(contract_id: str, cohort: _Cohort, keyring: identity.Keyring) -> list[dict]:
    items = [item.code for item in items_of(contract_of(contract_id))]
    enrolments = {
        e.child_id: e
        for e in Enrolment.objects.filter(child_id__in=list(cohort.research_id)).select_related(
            "referral"
        )
    }
    first_spell: dict[int, date] = {}
    for child_id, start in SpellRow.objects.filter(
        child_id__in=list(cohort.research_id)
    ).values_list("child_id", "enrolled_on"):
        first_spell[child_id] = min(start, first_spell.get(child_id, start))
    sealed = dict(
        VaultEntry.objects.filter(child_id__in=list(cohort.research_id)).values_list(
            "child_id", "token"
        )
    )
    overridden = set(
        Override.objects.filter(
            referral_id__in=[e.referral_id for e in enrolments.values()]
        ).values_list("referral_id", flat=True)
    )
    rows = []
    for child_id, research_id in cohort.research_id.items():
        enrolment = enrolments.get(child_id)
        referral: ReferralRow | None = enrolment.referral if enrolment else None
        row: dict = {column.name: None for column in EXTRACTS["children"].columns}
        row.update(dict.fromkeys(items))
        row["research_id"] = research_id
        row["enrolled_on"] = enrolment.enrolled_on if enrolment else first_spell[child_id]
        if enrolment is not None:
            row["provider"] = enrolment.provider
        if referral is not None:
            row.update(
                referred_on=referral.referred_on,
                district=referral.district,
                referral_source=referral.source,
                screening_eligible=referral.eligible,
                criteria_failed=" ".join(referral.failed) or None,
                overridden=referral.id in overridden,
                # An item the referral was not asked (another version of the contract): empty.
                **{item: referral.answers.get(item) for item in items},
            )
            if child_id in sealed:
                # The code is read from the vault only to compute the age; it goes no further.
                birth = identity.birth_date(identity.unseal(sealed[child_id], keyring))
                row["age_at_referral"] = age_on(birth, referral.referred_on)
        rows.append(row)
    return rows


def _followup(contract_id: str, cohort: _Cohort, keyring: identity.Keyring) -> list[dict]:
    numbers: dict[int, int] = defaultdict(int)
    rows = []
    for spell in SpellRow.objects.filter(child_id__in=list(cohort.research_id)).order_by(
        "child_id", "enrolled_on", "id"
    ):
        numbers[spell.child_id] += 1
        rows.append(
            {
                "research_id": cohort.research_id[spell.child_id],
                "spell": numbers[spell.child_id],
                "start": spell.enrolled_on,
                "exit": spell.exited_on,
                "exit_reason": spell.exit_reason or None,
            }
        )
    return rows


def _service_use(contract_id: str, cohort: _Cohort, keyring: identity.Keyring) -> list[dict]:
    episodes, imports, _as_of = stored_episodes(contract_id)
    if not episodes:
        return []
    services = load_contract(contract_id).services
    by_pseudonym = dict(
        Child.objects.filter(id__in=list(cohort.research_id)).values_list("pseudonym", "id")
    )
    as_of_of = {
        service: register_import.as_of
        for register_import in imports
        for service in register_import.services
    }
    rows = []
    for episode in episodes:
        child_id = by_pseudonym.get(episode.person)
        if child_id is None:
            continue
        service = services.get(episode.service)
        rows.append(
            {
                "research_id": cohort.research_id[child_id],
                "service": episode.service,
                "service_name": service.name.en if service is not None else None,
                "start": episode.start,
                "end": episode.end,
                "days": episode.days,
                "extract_as_of": as_of_of.get(episode.service),
            }
        )
    return rows


def _outcomes(contract_id: str, cohort: _Cohort, keyring: identity.Keyring) -> list[dict]:
    approved = Statement.objects.filter(contract_id=contract_id, status=Statement.APPROVED)
    adjusted = {
        (row["year"], row["child_id"]): row["total"]
        for row in Adjustment.objects.filter(statement__in=approved)
        .values("year", "child_id")
        .annotate(total=Sum("difference"))
    }
    rows = []
    for line in ChildYearLine.objects.filter(
        statement__in=approved, child_id__in=list(cohort.research_id)
    ).select_related("statement"):
        year = line.statement.year
        rows.append(
            {
                "research_id": cohort.research_id[line.child_id],
                "year": year,
                "result_status": line.statement.result_status,
                "followup_days": line.followup_days,
                "days_in_year": line.days_in_year,
                "base": line.base,
                "deduction": line.deduction,
                "payment": line.payment,
                "adjustment": adjusted.get((year, line.child_id), Decimal("0.00")),
            }
        )
    return rows


def _activity(contract_id: str, cohort: _Cohort, keyring: identity.Keyring) -> list[dict]:
    return [
        {
            "research_id": cohort.research_id[child_id],
            "date": on,
            "provider": provider,
            "component": component,
            "minutes": minutes,
        }
        for child_id, on, provider, component, minutes in Activity.objects.filter(
            child_id__in=list(cohort.research_id)
        ).values_list("child_id", "on", "provider", "component", "minutes")
    ]


_BUILDERS: dict[str, Callable[[str, _Cohort, identity.Keyring], list[dict]]] = {
    "children": _children,
    "followup": _followup,
    "service_use": _service_use,
    "outcomes": _outcomes,
    "activity": _activity,
}

_ORDER: dict[str, tuple[str, ...]] = {
    "children": ("research_id",),
    "followup": ("research_id", "spell"),
    "service_use": ("research_id", "service", "start", "end"),
    "outcomes": ("research_id", "year"),
    "activity": ("research_id", "date", "component", "minutes"),
}
"""Rows in the order of the research id (which reveals nothing of the order children were
stored in, unlike the row ids or the pseudonyms), then of their dates."""


def _sort_key(names: tuple[str, ...]) -> Callable[[dict], tuple]:
    # None sorts after every value (an ongoing episode after the closed ones).
    return lambda row: tuple((row[n] is None, row[n] if row[n] is not None else 0) for n in names)


def _table(contract_id: str, name: str, rows: list[dict]) -> pa.Table:
    extract = extracts_of(contract_of(contract_id))[name]
    rows = sorted(rows, key=_sort_key(_ORDER[name]))
    return pa.Table.from_pylist(rows, schema=extract.schema)


def build_extract(
    contract_id: str, name: str, *, keyring: identity.Keyring | None = None
) -> pa.Table:
    """The extract ``name`` of the contract, as a table with the extract's schema."""
    extract_named(name)
    keyring = keyring or identity.load_keys()
    return _table(
        contract_id, name, _BUILDERS[name](contract_id, _cohort(contract_id, keyring), keyring)
    )


def encode(table: pa.Table, fmt: str) -> bytes:
    """The table as CSV (UTF-8, a header row, no value as an empty cell) or Parquet."""
    format_named(fmt)
    stream = io.BytesIO()
    if fmt == "csv":
        pa_csv.write_csv(table, stream)
    else:
        pa_parquet.write_table(table, stream, compression="zstd")
    return stream.getvalue()


# ---------------------------------------------------------------------------------------------
# What the page and the API use.


class Download(NamedTuple):
    content: bytes
    filename: str
    media_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def download(
    contract_id: str,
    name: str,
    fmt: str,
    *,
    actor: str,
    keyring: identity.Keyring | None = None,
) -> Download:
    """Build and encode the extract, and write the download to the audit log (who, which
    extract, which format, how many rows, the file's name and SHA-256)."""
    extract_named(name)
    chosen = format_named(fmt)
    table = build_extract(contract_id, name, keyring=keyring)
    content = encode(table, fmt)
    filename = f"sibyl-{contract_id}-{name}-{timezone.localdate().isoformat()}.{chosen.suffix}"
    sent = Download(content, filename, chosen.media_type)
    audit.record(
        ACTION,
        actor=actor,
        object_type="research_extract",
        object_id=name,
        contract_id=contract_id,
        details={
            "extract": name,
            "format": fmt,
            "rows": table.num_rows,
            "sha256": sent.sha256,
            "file": filename,
            "bytes": len(content),
        },
    )
    return sent


@dataclass(frozen=True)
class Listed:
    extract: Extract
    rows: int


@dataclass(frozen=True)
class Catalogue:
    extracts: list[Listed]
    withdrawn: int  # children left out of every extract: their consent stands withdrawn


def catalogue(contract_id: str, *, keyring: identity.Keyring | None = None) -> Catalogue:
    """Every extract with its row count today, and how many children are left out."""
    keyring = keyring or identity.load_keys()
    cohort = _cohort(contract_id, keyring)
    return Catalogue(
        [
            Listed(extract, len(_BUILDERS[name](contract_id, cohort, keyring)))
            for name, extract in extracts_of(contract_of(contract_id)).items()
        ],
        cohort.withdrawn,
    )


@dataclass(frozen=True)
class PastDownload:
    at: datetime
    extract: str
    format: str
    rows: int
    sha256: str
    file: str

    @property
    def format_label(self) -> str:
        known = FORMATS.get(self.format)
        return known.label if known else self.format


def download_history(contract_id: str, actor: str, *, limit: int = 100) -> list[PastDownload]:
    """The user's downloads of the contract's research extracts, newest first (audit log)."""
    entries = AuditEntry.objects.filter(
        action=ACTION, actor=actor, contract_id=contract_id
    ).order_by("-id")[:limit]
    return [
        PastDownload(
            at=entry.at,
            extract=str(entry.details.get("extract", "")),
            format=str(entry.details.get("format", "")),
            rows=int(entry.details.get("rows", 0)),
            sha256=str(entry.details.get("sha256", "")),
            file=str(entry.details.get("file", "")),
        )
        for entry in entries
    ]
