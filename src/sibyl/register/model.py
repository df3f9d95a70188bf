"""What a register extract and a cohort file become once read: plain, typed rows.

``person`` is the identifier the input file used: a normalised identity code (upper case, no
surrounding space) when the file has a ``hetu`` column, or the pseudonym as written when it has a
``pseudonym`` column. Only :mod:`sibyl.identity` interprets identity codes; messages and reports
show them masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pyarrow as pa

Identifier = Literal["hetu", "pseudonym"]
ExitReason = Literal["moved_out", "died", "consent_withdrawn", "other"]
EXIT_REASONS: tuple[str, ...] = ("moved_out", "died", "consent_withdrawn", "other")


@dataclass(frozen=True, slots=True)
class Episode:
    """One accepted register row: a period of one service for one child."""

    person: str
    service: int
    start: date
    end: date | None  # None: ongoing (runs to the extract's as-of date)
    days: int | None  # care days the register reports for the row (care-day services only)
    line: int


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that was not accepted: where it is, the offending value (masked) and why."""

    line: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class ReadWarning:
    """Something odd that did not stop the row (or the file) from being used."""

    line: int | None
    column: str | None
    message: str


@dataclass
class Extract:
    """A register extract as read: accepted episodes, rejected rows and warnings."""

    source: str
    sha256: str
    as_of: date | None
    identifier: Identifier
    episodes: list[Episode]
    rejects: list[RejectedRow] = field(default_factory=list)
    warnings: list[ReadWarning] = field(default_factory=list)
    rows: int = 0  # data rows in the file
    duplicates: int = 0  # exact duplicate rows, counted once

    @property
    def accepted(self) -> int:
        return len(self.episodes)


@dataclass(frozen=True)
class FollowupSpell:
    """One row of a cohort file: a child's enrolment and, if it ended, the exit.

    A child is in follow-up from ``enrolled_on`` to the contract's follow-up end, and before
    ``exited_on`` if the child exited (DOMAIN.md 3.1). A child who moved back has a second row.
    """

    person: str
    enrolled_on: date
    exited_on: date | None = None
    exit_reason: str | None = None
    line: int | None = None


@dataclass
class Cohort:
    """A cohort file as read."""

    source: str
    sha256: str
    identifier: Identifier
    spells: list[FollowupSpell]
    rejects: list[RejectedRow] = field(default_factory=list)
    warnings: list[ReadWarning] = field(default_factory=list)

    @property
    def people(self) -> set[str]:
        return {spell.person for spell in self.spells}


EPISODE_SCHEMA = pa.schema(
    [
        ("person", pa.string()),
        ("service", pa.int32()),
        ("start", pa.date32()),
        ("end", pa.date32()),
        ("days", pa.int32()),
        ("row_id", pa.int64()),
    ]
)


def episodes_table(episodes: list[Episode]) -> pa.Table:
    """Episodes as an Arrow table for the engine (``row_id`` is the position in the list)."""
    return pa.table(
        {
            "person": pa.array([e.person for e in episodes], pa.string()),
            "service": pa.array([e.service for e in episodes], pa.int32()),
            "start": pa.array([e.start for e in episodes], pa.date32()),
            "end": pa.array([e.end for e in episodes], pa.date32()),
            "days": pa.array([e.days for e in episodes], pa.int32()),
            "row_id": pa.array(range(len(episodes)), pa.int64()),
        },
        schema=EPISODE_SCHEMA,
    )
