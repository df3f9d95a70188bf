"""Numbers and dates as the report prints them, in Finnish and English.

Exact: money is a ``Decimal`` printed to the cent (never through a float), counts are whole.
Finnish groups thousands with a no-break space and uses a decimal comma (``1 234,56``);
English uses a comma and a point (``1,234.56``), as the web pages do.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

LANGUAGES = ("en", "fi")
NBSP = "\u00a0"
MINUS = "-"

_SEPARATORS = {"en": (",", "."), "fi": (NBSP, ",")}
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _check(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"the report is written in {' and '.join(LANGUAGES)}, not {language!r}")


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


def decimal(value: Decimal | int, language: str, places: int = 2) -> str:
    """A number with ``places`` decimals (half up), grouped, in the language's style."""
    _check(language)
    thousands, point = _SEPARATORS[language]
    exact = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = MINUS if exact < 0 else ""
    text = f"{abs(exact):f}"
    whole, _, fraction = text.partition(".")
    grouped = _group(whole, thousands)
    return f"{sign}{grouped}{point}{fraction}" if places else f"{sign}{grouped}"


def money(value: Decimal, language: str) -> str:
    """Euros to the cent: ``1,234.56`` / ``1 234,56``."""
    return decimal(value, language, 2)


def count(value: int, language: str) -> str:
    return decimal(int(value), language, 0)


def percent(value: Decimal | float, language: str, places: int = 1) -> str:
    """A fraction as a percentage: 0.0812 → ``8.1 %``."""
    return f"{decimal(Decimal(str(value)) * 100, language, places)}{NBSP}%"


def day(value: date, language: str) -> str:
    """``31 December 2024`` / ``31.12.2024``."""
    _check(language)
    if language == "fi":
        return f"{value.day}.{value.month}.{value.year}"
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


def day_month(value: date, language: str) -> str:
    """A day of the year without the year: ``30 June`` / ``30.6.``."""
    _check(language)
    if language == "fi":
        return f"{value.day}.{value.month}."
    return f"{value.day} {_MONTHS_EN[value.month - 1]}"
