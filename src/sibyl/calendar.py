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

# The calendar is materialised for these years; contracts run inside them.
FIRST_YEAR = 2000
LAST_YEAR = 2060


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

    @cached_property
    def holidays(self) -> frozenset[date]:
        """The days off that fall on a work-week day, from FIRST_YEAR to LAST_YEAR."""
        days: set[date] = set(self.extra_days_off)
        if self.country:
            days.update(
                holidays_lib.country_holidays(self.country, years=range(FIRST_YEAR, LAST_YEAR + 1))
            )
        return frozenset(days - set(self.extra_working_days))

    @cached_property
    def _busdaycal(self) -> np.busdaycalendar:
        return np.busdaycalendar(
            weekmask=self._weekmask,
            holidays=np.array(sorted(self.holidays), dtype="datetime64[D]"),
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=self._busdaycal))

    def working_days(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both inclusive (0 if ``last < first``)."""
        if last < first:
            return 0
        count = int(
            np.busday_count(
                np.datetime64(first, "D"),
                np.datetime64(last + timedelta(days=1), "D"),
                busdaycal=self._busdaycal,
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
        working = np.is_busday(days, busdaycal=self._busdaycal)
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
