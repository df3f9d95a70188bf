"""The investors' return cap on a statement (DOMAIN.md 3.5), from the fund ledger in the store."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal, localcontext

import pytest

from sibyl.web.store.cohort import import_cohort
from sibyl.web.store.fund import add_flow
from sibyl.web.store.imports import import_register
from sibyl.web.store.statements import create_statement

pytestmark = pytest.mark.django_db
ACTOR = "coordinator"


def load(files, contract, keyring):
    import_cohort(files["cohort"], contract, actor=ACTOR, keyring=keyring)
    import_register(files["first"], contract, as_of=date(2024, 3, 31), actor=ACTOR, keyring=keyring)


def test_return_cap__binds_when_the_payment_would_lift_the_irr_above_8_percent(
    files, contract, keyring
):
    load(files, contract, keyring)
    # One contribution of EUR 5,000 on 2023-06-30; the 2023 payment is made on 2024-06-30,
    # 366 days later. XIRR counts years of 365 days, so the most that keeps the IRR at 8 % is
    # 5000 × 1.08^(366/365), rounded down to the cent.
    add_flow("helsinki", date(2023, 6, 30), Decimal("5000.00"), "contribution", "A", actor=ACTOR)
    with localcontext() as context:
        context.prec = 40
        limit = (Decimal(5000) * (Decimal("1.08").ln() * 366 / 365).exp()).quantize(
            Decimal("0.01"), rounding=ROUND_DOWN
        )
    assert limit == Decimal("5401.13")
    statement = create_statement("helsinki", 2023, actor=ACTOR)
    # Computed: child A 4000.00 + child B 4000.00 − 1292.26 = 6707.74 (see test_store).
    assert statement.computed == Decimal("6707.74")
    assert statement.payable == limit
    assert statement.invoice_total == limit
    assert "investor_return_cap" in statement.caps_applied
    assert any("headroom EUR 5401.13" in note for note in statement.cap_notes)


def test_return_cap__not_checked_without_a_fund_ledger_and_the_statement_says_so(
    files, contract, keyring
):
    load(files, contract, keyring)
    statement = create_statement("helsinki", 2023, actor=ACTOR)
    assert statement.payable == Decimal("6707.74")
    assert statement.caps_applied == []
    assert any("investor return cap not checked" in note for note in statement.cap_notes)


def test_return_cap__below_the_cap_nothing_is_withheld(files, contract, keyring):
    load(files, contract, keyring)
    add_flow("helsinki", date(2023, 6, 30), Decimal("100000.00"), "contribution", "A", actor=ACTOR)
    statement = create_statement("helsinki", 2023, actor=ACTOR)
    assert statement.payable == Decimal("6707.74")
    assert statement.caps_applied == []


def test_return_cap__fees_alone_do_not_make_a_ledger_that_caps_to_zero(files, contract, keyring):
    load(files, contract, keyring)
    add_flow("helsinki", date(2023, 6, 30), Decimal("1000.00"), "fee", actor=ACTOR)
    statement = create_statement("helsinki", 2023, actor=ACTOR)
    assert statement.payable == Decimal("6707.74")
    assert any("investor return cap not checked" in note for note in statement.cap_notes)
