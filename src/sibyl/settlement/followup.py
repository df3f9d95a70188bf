"""Follow-up spells: from enrolments and exits to the days each child is in follow-up.

DOMAIN.md 3.1: a child is in follow-up on day *d* when ``enrolled_on ≤ d ≤ followup_end`` and,
if the child has exited, ``d < exited_on``. A child who moves back has a new spell from the return
date. Spells of one child that overlap or touch are merged, so each day counts once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

import pyarrow as pa

from sibyl.register.model import FollowupSpell


def followup_intervals(
    spells: Iterable[FollowupSpell], followup_end: date
) -> dict[str, list[tuple[date, date]]]:
    """Each person's follow-up as sorted, disjoint ``(first, last)`` day pairs (inclusive)."""
    raw: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for spell in spells:
        last = followup_end
        if spell.exited_on is not None:
            last = min(last, spell.exited_on - timedelta(days=1))
        if last >= spell.enrolled_on:
            raw[spell.person].append((spell.enrolled_on, last))
    merged: dict[str, list[tuple[date, date]]] = {}
    for person, intervals in raw.items():
        intervals.sort()
        out: list[tuple[date, date]] = []
        for first, last in intervals:
            if out and first <= out[-1][1] + timedelta(days=1):
                out[-1] = (out[-1][0], max(out[-1][1], last))
            else:
                out.append((first, last))
        merged[person] = out
    return merged


def intervals_table(intervals: dict[str, list[tuple[date, date]]]) -> pa.Table:
    """Follow-up intervals as the engine's ``spells`` table (``person, start, end``)."""
    persons: list[str] = []
    starts: list[date] = []
    ends: list[date] = []
    for person in sorted(intervals):
        for first, last in intervals[person]:
            persons.append(person)
            starts.append(first)
            ends.append(last)
    return pa.table(
        {
            "person": pa.array(persons, pa.string()),
            "start": pa.array(starts, pa.date32()),
            "end": pa.array(ends, pa.date32()),
        }
    )
