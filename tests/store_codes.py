"""Synthetic identity codes of the store tests (made, not typed: no real person's code)."""

from datetime import date

from sibyl.identity import make

CHILD_A = make(date(2018, 4, 12), 211)
CHILD_B = make(date(2017, 9, 30), 318, new_century_signs=True)
CHILD_OUTSIDE = make(date(2017, 2, 2), 402)
CODES = (CHILD_A, CHILD_B, CHILD_OUTSIDE)
