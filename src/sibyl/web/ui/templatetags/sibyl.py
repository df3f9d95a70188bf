"""Template filters: money to the cent in the page's language, percentages, contract texts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats, numberformat
from django.utils.translation import get_language

from sibyl.web.ui.contracts import localised
from sibyl.web.ui.masking import masked_path as _masked_path

register = template.Library()
CENT = Decimal("0.01")


@register.filter
def money(value) -> str:
    """A Decimal amount in euros with two decimals and the language's separators, exactly
    (``1 234,56`` in Finnish, ``1,234.56`` in English); empty for ``None``."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)  # Django would cut digits
    return numberformat.format(
        amount,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=2,
        grouping=formats.get_format("NUMBER_GROUPING") or 3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


@register.filter
def count(value) -> str:
    """A whole number with the language's thousands separator."""
    if value is None or value == "":
        return ""
    return numberformat.format(
        int(value),
        formats.get_format("DECIMAL_SEPARATOR"),
        grouping=formats.get_format("NUMBER_GROUPING") or 3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


@register.filter
def percent(value, places: int = 2) -> str:
    """A fraction as a percentage (0.0812 → ``8.12 %``); ``–`` for ``None``."""
    if value is None:
        return "–"
    number = (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP)
    text = numberformat.format(
        number, formats.get_format("DECIMAL_SEPARATOR"), decimal_pos=int(places)
    )
    return f"{text} %"


@register.filter
def in_language(text) -> str:
    """A contract's multilingual text in the page's language."""
    return localised(text, get_language())


@register.filter
def masked_path(path: str) -> str:
    """A URL path shown back in a page with anything like an identity code masked."""
    return _masked_path(str(path))
