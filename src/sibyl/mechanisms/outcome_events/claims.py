"""Reading a claims file: one row per outcome claimed for a child.

Columns: ``claim_id``, ``hetu`` (or ``pseudonym``, as the cohort file), ``outcome`` (a code of
the contract's rate card), ``achieved_on`` (the day the outcome was reached, ``YYYY-MM-DD`` or
``D.M.YYYY``) and ``evidence`` (a reference to the evidence the city holds: a register entry, a
certificate number; never an identity code). Rows that cannot be read are rejected with their
line, column and reason; whether a claim is paid is decided by the settlement against the rate
card (:mod:`sibyl.mechanisms.outcome_events.engine`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sibyl import identity
from sibyl.register.model import Identifier, ReadWarning, RejectedRow
from sibyl.register.reader import (
    DateParser,
    IdentityChecker,
    cell_getter,
    displayable,
    quoted,
    resolve_columns,
    temporary_codes_allowed,
    today_in_helsinki,
)
from sibyl.tabular import read_text_table

CLAIM_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "hetu",
    "pseudonym",
    "outcome",
    "achieved_on",
    "evidence",
)
_CODE_LIKE = re.compile(r"\d{6}\s*[-+A-Za-z]\s*\d{3}")
MAX_TEXT = 200


@dataclass(frozen=True)
class Claim:
    claim_id: str
    person: str
    outcome: str
    achieved_on: date
    evidence: str
    line: int


@dataclass
class Claims:
    source: str
    sha256: str
    identifier: Identifier
    claims: list[Claim]
    rejects: list[RejectedRow] = field(default_factory=list)
    warnings: list[ReadWarning] = field(default_factory=list)


def read_claims(path: str | Path, contract) -> Claims:
    """Read and check a claims file against the contract's rate card(s)."""
    table = read_text_table(path)
    identifier, positions, warnings = resolve_columns(
        table,
        kind="claims file",
        required=("claim_id", "outcome", "achieved_on", "evidence"),
        known=CLAIM_COLUMNS,
        fix=(
            "a claims file needs the columns claim_id, hetu (or pseudonym), outcome, achieved_on "
            "and evidence; correct the header line"
        ),
    )
    known_outcomes = sorted(
        {
            outcome.code
            for component in contract.components
            if component.name == "outcome_events"
            for outcome in component.parameters.rate_card.outcomes
        }
    )
    get = {name: cell_getter(positions.get(name)) for name in CLAIM_COLUMNS}
    checker = IdentityChecker(
        allow_temporary=temporary_codes_allowed(contract, today_in_helsinki())
    )
    dates = DateParser()
    claims: list[Claim] = []
    rejects: list[RejectedRow] = []
    first_line: dict[str, int] = {}
    for line, cells in table.rows:
        claim_id = get["claim_id"](cells)
        raw_person = get[identifier](cells)
        if not claim_id:
            rejects.append(
                RejectedRow(line, "claim_id", "", "the claim id is empty; give each claim its id.")
            )
            continue
        if _CODE_LIKE.search(claim_id) or len(claim_id) > 64:
            rejects.append(
                RejectedRow(
                    line,
                    "claim_id",
                    displayable(claim_id[:64]),
                    "the claim id looks like an identity code or is longer than 64 characters; "
                    "use the claim's own number.",
                )
            )
            continue
        if claim_id in first_line:
            rejects.append(
                RejectedRow(
                    line,
                    "claim_id",
                    claim_id,
                    f"the claim id {claim_id!r} is already used on line {first_line[claim_id]}; "
                    "give each claim its own id.",
                )
            )
            continue
        first_line[claim_id] = line
        if identifier == "hetu":
            person, reason = checker.check(raw_person)
            if reason is not None:
                rejects.append(RejectedRow(line, "hetu", identity.mask(raw_person), reason))
                continue
        else:
            person = raw_person
            if not person:
                rejects.append(
                    RejectedRow(
                        line,
                        "pseudonym",
                        "",
                        "the pseudonym is empty; fill in the child's pseudonym.",
                    )
                )
                continue
        outcome = get["outcome"](cells)
        if outcome not in known_outcomes:
            rejects.append(
                RejectedRow(
                    line,
                    "outcome",
                    displayable(outcome),
                    f"the outcome {quoted(outcome)} is not on the contract's rate card; write "
                    f"one of {', '.join(known_outcomes)}.",
                )
            )
            continue
        achieved_text = get["achieved_on"](cells)
        if not achieved_text:
            rejects.append(
                RejectedRow(
                    line, "achieved_on", "", "the day the outcome was reached is empty; fill it in."
                )
            )
            continue
        achieved, reason = dates.parse(achieved_text, "date", "correct the date")
        if achieved is None:
            rejects.append(
                RejectedRow(line, "achieved_on", displayable(achieved_text), reason or "")
            )
            continue
        evidence = get["evidence"](cells)
        if not evidence:
            rejects.append(
                RejectedRow(
                    line,
                    "evidence",
                    "",
                    "the evidence reference is empty; name the record that shows the outcome "
                    "(e.g. a register entry or a certificate number).",
                )
            )
            continue
        if _CODE_LIKE.search(evidence) or len(evidence) > MAX_TEXT:
            rejects.append(
                RejectedRow(
                    line,
                    "evidence",
                    displayable(evidence[:MAX_TEXT]),
                    "the evidence reference holds something like an identity code or is longer "
                    f"than {MAX_TEXT} characters; refer to the record by its own number.",
                )
            )
            continue
        assert person is not None
        claims.append(Claim(claim_id, person, outcome, achieved, evidence, line))
    return Claims(
        source=table.source,
        sha256=table.sha256,
        identifier=identifier,
        claims=claims,
        rejects=rejects,
        warnings=warnings,
    )
