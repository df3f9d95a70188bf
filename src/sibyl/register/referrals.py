"""Reading a referral file: one row per referred child, checked row by row (DESIGN.md 3).

The same formats as register extracts (CSV with ``,`` or ``;``, UTF-8 with or without a byte-order
mark or Latin-1, or the first sheet of an ``.xlsx`` workbook); header names are case-insensitive
and surrounding spaces are ignored.

============================ ===================================================================
column                       meaning
============================ ===================================================================
referral_id                  the referral's own id (never an identity code)
hetu                         the child's identity code
referred_on                  the referral date (``YYYY-MM-DD`` or ``D.M.YYYY``)
district                     the district where the family lives
referral_source              ``early_childhood_education`` (``varhaiskasvatus``),
                             ``child_health_clinic`` (``neuvola``), ``child_protection``
                             (``lastensuojelu``), ``school`` (``koulu``) or ``other`` (``muu``)
*each item of the contract*  the referral's answer to the contract's question (a boolean; the
                             items are the contract's ``eligibility.items``, Helsinki:
                             concentration, behaviour, social_interaction, emotional_life,
                             parent_no_education, parent_out_of_work, parenting_difficulties,
                             stressful_life_situation)
ongoing_services             optional: service codes with an episode ongoing on the referral
                             date, separated by spaces, commas or semicolons (empty: none)
============================ ===================================================================

Booleans are ``1``/``0``, ``true``/``false``, ``kyllä``/``ei`` or ``yes``/``no``, in any letter
case.

A file without a required column, with a column twice, or with a column that is neither one of
the above nor an item of the contract (e.g. an item of another contract, or a misspelt one) is
refused whole (:class:`~sibyl.errors.SibylInputError`).
Otherwise each row becomes a :class:`~sibyl.eligibility.Referral` or a
:class:`~sibyl.register.model.RejectedRow` (line, column, masked value, reason), with the first
problem found in column order. A row is rejected when the referral id is empty, looks like an
identity code or repeats an earlier row's id; when the identity code is empty or not valid (a
temporary code only where the contract allows them today); when the referral date is empty, of
another form or not a real day; when a boolean is empty or not one of the words above; when the
referral source is not one of the names above; or when an ongoing service is not a service code of
the contract. Identity codes are never shown: a rejected row shows the masked code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

from sibyl import identity
from sibyl.contract import Contract
from sibyl.eligibility import Referral, ReferralSource, items_of
from sibyl.errors import Location, SibylInputError
from sibyl.register.model import Episode, RejectedRow
from sibyl.register.reader import (
    DATE_FORMS,
    DateParser,
    IdentityChecker,
    displayable,
    quoted,
    service_list,
    temporary_codes_allowed,
    today_in_helsinki,
)
from sibyl.tabular import read_text_table

FIXED_COLUMNS: tuple[str, ...] = (
    "referral_id",
    "hetu",
    "referred_on",
    "district",
    "referral_source",
)
"""The columns of every referral file, before the contract's items."""
OPTIONAL_COLUMNS: tuple[str, ...] = ("ongoing_services",)


def item_columns(contract: Contract) -> tuple[str, ...]:
    """The contract's items: a boolean column each, in the contract's order."""
    return tuple(item.code for item in items_of(contract))


def required_columns(contract: Contract) -> tuple[str, ...]:
    """The columns a referral file of the contract must have."""
    return FIXED_COLUMNS + item_columns(contract)


def referral_columns(contract: Contract) -> tuple[str, ...]:
    """Every column a referral file of the contract may have, in the order files list them."""
    return required_columns(contract) + OPTIONAL_COLUMNS


TRUE_WORDS = frozenset({"1", "true", "kyllä", "yes"})
FALSE_WORDS = frozenset({"0", "false", "ei", "no"})
BOOLEAN_FORMS = "1 or 0, true or false, kyllä or ei, yes or no"

SOURCE_ALIASES: dict[str, ReferralSource] = {
    "early_childhood_education": "early_childhood_education",
    "varhaiskasvatus": "early_childhood_education",
    "child_health_clinic": "child_health_clinic",
    "neuvola": "child_health_clinic",
    "child_protection": "child_protection",
    "lastensuojelu": "child_protection",
    "school": "school",
    "koulu": "school",
    "other": "other",
    "muu": "other",
}
"""Referral source names and their Finnish aliases (compared in lower case)."""

_SEPARATORS = re.compile(r"[\s,;]+")


def parse_boolean(text: str) -> bool | None:
    """``True``/``False`` for the accepted words (any letter case), ``None`` otherwise."""
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_source(text: str) -> ReferralSource | None:
    """The referral source a name or a Finnish alias stands for, ``None`` if unknown."""
    return SOURCE_ALIASES.get(text.strip().casefold())


def parse_services(text: str, contract: Contract) -> tuple[frozenset[int] | None, str | None]:
    """Service codes separated by spaces, commas or semicolons: ``(codes, None)`` or
    ``(None, bad token)``."""
    codes: set[int] = set()
    for token in _SEPARATORS.split(text.strip()):
        if not token:
            continue
        if not token.isdigit() or int(token) not in contract.services:
            return None, token
        codes.add(int(token))
    return frozenset(codes), None


def _columns(header: list[str], source: str, contract: Contract) -> dict[str, int]:
    known = referral_columns(contract)
    required = required_columns(contract)
    names = [name.strip().lower() for name in header]
    seen: dict[str, int] = {}
    unknown: list[str] = []
    for position, name in enumerate(names):
        if not name:
            continue  # a column without a name (e.g. a trailing delimiter) holds no answer
        if name not in known:
            unknown.append(displayable(header[position].strip()))
            continue
        if name in seen:
            raise SibylInputError(
                f"the column {name!r} appears twice in the header of the referral file",
                Location(source),
                "keep one of them",
            )
        seen[name] = position
    missing = [name for name in required if name not in seen]
    if missing:
        shown = ", ".join(displayable(name.strip()) or "(no name)" for name in header) or "none"
        raise SibylInputError(
            f"the referral file has no column {', '.join(repr(m) for m in missing)} "
            f"(the header line has: {shown})",
            Location(source),
            f"a referral file of the contract {contract.id} needs the columns "
            + ", ".join(required)
            + " and may have ongoing_services; correct the header line",
        )
    if unknown:
        items = ", ".join(item_columns(contract)) or "none"
        raise SibylInputError(
            f"the column {', '.join(repr(name) for name in unknown)} is neither a referral item "
            f"of the contract {contract.id} ({items}) nor another column of a referral file",
            Location(source, line=1, column=unknown[0]),
            "rename it to the item it answers or remove it, since an answer to a question the "
            "contract does not ask would be ignored",
        )
    return {name: seen[name] for name in known if name in seen}


def read_referrals(
    path: str | Path, contract: Contract
) -> tuple[list[Referral], list[RejectedRow]]:
    """Read and check a referral file (the rules are in the module docstring)."""
    table = read_text_table(path)
    positions = _columns(table.header, table.source, contract)
    items = item_columns(contract)
    checker = IdentityChecker(
        allow_temporary=temporary_codes_allowed(contract, today_in_helsinki())
    )
    dates = DateParser()
    referrals: list[Referral] = []
    rejects: list[RejectedRow] = []
    first_line_of: dict[str, int] = {}

    for line, cells in table.rows:

        def cell(name: str, cells: list[str] = cells) -> str:
            position = positions.get(name)
            if position is None or position >= len(cells):
                return ""
            return cells[position].strip()

        def reject(column: str, value: str, reason: str, line: int = line) -> None:
            rejects.append(RejectedRow(line, column, value, reason))

        referral_id = cell("referral_id")
        if not referral_id:
            reject("referral_id", "", "the referral id is empty; give every referral its own id.")
            continue
        if displayable(referral_id) != referral_id:
            reject(
                "referral_id",
                displayable(referral_id),
                "the referral id looks like an identity code; use the referral's own number, "
                "since decisions must not carry identity codes.",
            )
            continue
        if referral_id in first_line_of:
            reject(
                "referral_id",
                referral_id,
                f"the referral id {referral_id!r} was already used on line "
                f"{first_line_of[referral_id]}; give every referral its own id.",
            )
            continue

        raw_code = cell("hetu")
        code, reason = checker.check(raw_code)
        if code is None:
            reject("hetu", identity.mask(raw_code), reason or "")
            continue

        date_text = cell("referred_on")
        if not date_text:
            reject(
                "referred_on",
                "",
                f"the referral date is empty; write the day of the referral as {DATE_FORMS}.",
            )
            continue
        referred_on, reason = dates.parse(date_text, "referral date", "correct the date")
        if referred_on is None:
            reject("referred_on", displayable(date_text), reason or "")
            continue

        source_text = cell("referral_source")
        source = parse_source(source_text)
        if source is None:
            reject(
                "referral_source",
                displayable(source_text),
                f"the referral source {quoted(source_text)} is not known; write one of "
                f"{', '.join(SOURCE_ALIASES)}.",
            )
            continue

        answers: dict[str, bool] = {}
        for name in items:
            text = cell(name)
            value = parse_boolean(text)
            if value is None:
                what = "is empty" if not text else f"{quoted(text)} is not a yes or no"
                reject(
                    name, displayable(text), f"the value of {name} {what}; write {BOOLEAN_FORMS}."
                )
                break
            answers[name] = value
        if len(answers) < len(items):
            continue

        services_text = cell("ongoing_services")
        services, bad = parse_services(services_text, contract)
        if services is None:
            reject(
                "ongoing_services",
                displayable(services_text),
                f"the ongoing service {quoted(bad or '')} is not a service code of the contract "
                f"{contract.id} ({service_list(contract.services)}); write the codes separated "
                "by spaces, commas or semicolons, or leave it empty.",
            )
            continue

        first_line_of[referral_id] = line
        referrals.append(
            Referral(
                referral_id=referral_id,
                hetu=code,
                referred_on=referred_on,
                district=cell("district"),
                referral_source=source,
                answers=answers,
                ongoing_services=services,
                line=line,
            )
        )
    return referrals, rejects


def services_ongoing_on(episodes: Iterable[Episode], day: date) -> frozenset[int]:
    """The services of the episodes that cover ``day``: start ≤ day, and no end or end ≥ day."""
    return frozenset(
        episode.service
        for episode in episodes
        if episode.start <= day and (episode.end is None or episode.end >= day)
    )


def with_register_services(
    referrals: Iterable[Referral], episodes: Iterable[Episode]
) -> list[Referral]:
    """The referrals with ``ongoing_services`` taken from register episodes instead of the file.

    Episodes are matched to children by the normalised identity code.
    """
    by_person: dict[str, list[Episode]] = {}
    for episode in episodes:
        by_person.setdefault(identity.normalise(episode.person), []).append(episode)
    return [
        replace(
            referral,
            ongoing_services=services_ongoing_on(
                by_person.get(referral.hetu, []), referral.referred_on
            ),
        )
        for referral in referrals
    ]
