"""Working days for a contract's calendar (DOMAIN.md 3.2).

A contract states its calendar: the days of the work week and the country whose public holidays
are not working days. The Helsinki default is Monday to Friday minus Finnish public holidays,
Midsummer Eve and Christmas Eve, which is exactly what the ``holidays`` package gives for Finland.
Days are counted with NumPy's ``busday_count``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import holidays as holidays_lib
import numpy as np
import pyarrow as pa

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Holidays are looked up for the years asked about, widened to at least this span, so that one
# look-up serves a whole contract (listing holidays takes a few milliseconds a year).
DEFAULT_SPAN = (2015, 2040)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days.

    ``work_week`` names the working weekdays (``mon`` … ``sun``), ``country`` the ISO code whose
    public holidays (as the ``holidays`` package lists them) are days off, ``extra_days_off`` any
    further dates that are not working days and ``extra_working_days`` dates that are working days
    although the rules above say otherwise.
    """

    work_week: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    country: str | None = "FI"
    extra_days_off: tuple[date, ...] = field(default_factory=tuple)
    extra_working_days: tuple[date, ...] = field(default_factory=tuple)

    @cached_property
    def _weekmask(self) -> str:
        return "".join("1" if day in self.work_week else "0" for day in WEEKDAYS)

    def holidays(self, first_year: int, last_year: int) -> frozenset[date]:
        """The days off (public holidays and extra days off) from ``first_year`` to
        ``last_year``, less the extra working days."""
        days: set[date] = {d for d in self.extra_days_off if first_year <= d.year <= last_year}
        if self.country:
            days.update(
                holidays_lib.country_holidays(self.country, years=range(first_year, last_year + 1))
            )
        return frozenset(days - set(self.extra_working_days))

    def _busdaycal(self, first_year: int, last_year: int) -> np.busdaycalendar:
        span = (min(first_year, DEFAULT_SPAN[0]), max(last_year, DEFAULT_SPAN[1]))
        cache: dict[tuple[int, int], np.busdaycalendar] = self._cache
        for (low, high), found in cache.items():
            if low <= span[0] and span[1] <= high:
                return found
        made = np.busdaycalendar(
            weekmask=self._weekmask,
            holidays=np.array(sorted(self.holidays(*span)), dtype="datetime64[D]"),
        )
        cache[span] = made
        return made

    @cached_property
    def _cache(self) -> dict[tuple[int, int], np.busdaycalendar]:
        return {}

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        busdaycal = self._busdaycal(day.year, day.year)
        return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=busdaycal))

    def working_days(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both inclusive (0 if ``last < first``)."""
        if last < first:
            return 0
        count = int(
            np.busday_count(
                np.datetime64(first, "D"),
                np.datetime64(last + timedelta(days=1), "D"),
                busdaycal=self._busdaycal(first.year, last.year + 1),
            )
        )
        # busday_count ignores extra working days that fall outside the weekmask.
        count += sum(
            1
            for d in self.extra_working_days
            if first <= d <= last and self._weekmask[d.weekday()] == "0"
        )
        return count

    def working_days_in_year(self, year: int) -> int:
        return self.working_days(date(year, 1, 1), date(year, 12, 31))

    def working_days_in_years(self, years: Iterable[int]) -> dict[int, int]:
        return {year: self.working_days_in_year(year) for year in years}

    def day_table(self, first_year: int, last_year: int) -> pa.Table:
        """One row per calendar day: ``day``, ``year`` and ``working_before``.

        ``working_before`` is the number of working days strictly before ``day`` counted from
        1 January of ``first_year``, so that the working days of ``[a, b]`` are
        ``working_before(b + 1) - working_before(a)``. The table runs to 1 January of
        ``last_year + 1`` so that ``b + 1`` always has a row.
        """
        start = np.datetime64(date(first_year, 1, 1), "D")
        stop = np.datetime64(date(last_year + 1, 1, 1), "D")
        days = np.arange(start, stop + 1, dtype="datetime64[D]")
        working = np.is_busday(days, busdaycal=self._busdaycal(first_year, last_year + 1))
        if self.extra_working_days:
            extra = np.isin(days, np.array(sorted(self.extra_working_days), dtype="datetime64[D]"))
            working = working | extra
        before = np.concatenate([[0], np.cumsum(working[:-1], dtype=np.int64)])
        years = days.astype("datetime64[Y]").astype(np.int64) + 1970
        return pa.table(
            {
                "day": pa.array(days, type=pa.date32()),
                "year": pa.array(years.astype(np.int32)),
                "working_before": pa.array(before.astype(np.int64)),
            }
        )
