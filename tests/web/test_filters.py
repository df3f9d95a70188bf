"""The pages' number filters: money to the cent and percentages, rounded half up (Django's own
number formatting would cut the digits), with each language's separators."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from sibyl.web.ui.templatetags.sibyl import count, money, percent


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", Decimal("1234567.89"), "1,234,567.89"),
        ("fi", Decimal("1234567.89"), "1 234 567,89"),  # a no-break space groups the digits
        ("sv", Decimal("1234567.89"), "1 234 567,89"),
        ("en", Decimal("0.125"), "0.13"),  # half up, not cut to 0.12
        ("en", Decimal("7.9949"), "7.99"),
        ("en", Decimal("-250000"), "-250,000.00"),
    ],
)
def test_money__two_decimals_half_up_in_the_page_language(language, value, shown):
    with translation.override(language):
        assert money(value).replace("\xa0", " ") == shown


def test_money__empty_for_nothing():
    assert money(None) == ""


def test_percent__rounds_half_up_to_the_places_asked():
    with translation.override("en"):
        assert percent(2 / 3) == "66.67 %"  # 66.666… rounds up, not cut to 66.66
        assert percent(0.0799999) == "8.00 %"
        assert percent(Decimal("0.08"), 0) == "8 %"
        assert percent(None) == "–"
    with translation.override("fi"):
        assert percent(Decimal("0.0812")) == "8,12 %"


def test_count__thousands_separated():
    with translation.override("en"):
        assert count(12345) == "12,345"
