"""Properties of the settlement engine on random cohorts and register extracts (hypothesis).

(a) the engine gives exactly the child-year lines and deduction lines of the independent
    reference (tests/reference.py);
(b) a payment is never negative and never above its base;
(c) adding a register row never raises any child's payment;
(d) on a contract of two payment components (forecast_savings and outcome_events), the engine
    gives exactly the reference's child-years (each component's figures), lines, detail lines and
    totals.

The inputs are small (2023–2025, at most 4 children and 8 register rows) so that the examples
stay fast; the Helsinki contract and price list are used as they are.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reference
from reference import contract_figures, prices_from_rows, read_price_rows, reference_settle
from sibyl.contract import load_contract
from sibyl.mechanisms.outcome_events.claims import Claim, Claims
from sibyl.register.model import Episode, FollowupSpell
from sibyl.settlement import settle

FIRST, LAST = date(2023, 1, 1), date(2025, 12, 31)
CHILDREN = ["child-A", "child-B", "child-C", "child-D"]
CARE_DAY = {1, 2, 3, 6}
FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HELSINKI = load_contract("helsinki")
FIGURES = contract_figures("helsinki")
PRICES, _, _ = prices_from_rows(read_price_rows())


def days(first: date = FIRST, last: date = LAST) -> st.SearchStrategy[date]:
    return st.dates(min_value=first, max_value=last)


@st.composite
def spells(draw: st.DrawFn, children: list[str]) -> list[FollowupSpell]:
    """One or two follow-up spells per child; a second spell starts after the first exit."""
    out = []
    for child in children:
        enrolled = draw(days(date(2022, 6, 1), date(2025, 9, 30)))
        exited = draw(st.none() | days(enrolled + timedelta(days=1), date(2026, 1, 1)))
        out.append(FollowupSpell(child, enrolled, exited, "moved_out" if exited else None))
        if exited is not None and exited < date(2025, 12, 1) and draw(st.booleans()):
            back = draw(days(exited, date(2025, 12, 31)))
            out.append(FollowupSpell(child, back))
    return out


@st.composite
def register_row(draw: st.DrawFn, people: list[str], as_of: date, line: int) -> Episode:
    person = draw(st.sampled_from(people))
    service = draw(st.integers(min_value=1, max_value=9))
    start = draw(days(date(2022, 11, 1), min(as_of, LAST)))
    end = draw(st.none() | days(start, start + timedelta(days=draw(st.integers(0, 120)))))
    value = None
    if draw(st.booleans()):
        if service in CARE_DAY:
            # DOMAIN.md 3.2: a days value may not exceed the calendar days of its row's period.
            period = ((end if end is not None else as_of) - start).days + 1
            value = draw(st.integers(min_value=0, max_value=period))
        else:
            value = draw(st.integers(min_value=0, max_value=60))  # ignored
    return Episode(person, service, start, end, value, line)


@st.composite
def cases(draw: st.DrawFn) -> dict:
    children = CHILDREN[: draw(st.integers(min_value=1, max_value=len(CHILDREN)))]
    as_of = draw(days(date(2023, 6, 1), date(2026, 3, 31)))
    years = draw(st.lists(st.sampled_from([2023, 2024, 2025]), min_size=1, max_size=3, unique=True))
    people = [*children, "child-Z"]  # child-Z is not in the cohort
    count = draw(st.integers(min_value=0, max_value=8))
    rows = [draw(register_row(people, as_of, line)) for line in range(1, count + 1)]
    return {
        "spells": draw(spells(children)),
        "episodes": rows,
        "years": sorted(years),
        "as_of": as_of,
        "people": people,
    }


def run_engine(case: dict, episodes: list[Episode] | None = None):
    return settle(
        HELSINKI,
        case["spells"],
        case["episodes"] if episodes is None else episodes,
        years=case["years"],
        as_of=case["as_of"],
        identifier="pseudonym",
    )


def engine_tables(statement) -> tuple[dict, dict]:
    child_years = {
        (row.person, row.year): (row.followup_days, row.base, row.deduction, row.payment)
        for row in statement.child_years
    }
    lines = {
        (row.person, row.year, row.service): (row.units, row.amount) for row in statement.lines
    }
    return child_years, lines


@FAST
@given(case=cases())
def test_engine_equals_reference_on_random_inputs(case):
    expected_children, expected_lines = reference_settle(
        case["spells"],
        case["episodes"],
        years=case["years"],
        as_of=case["as_of"],
        followup_end=FIGURES["followup_end"],
        base_per_child_year=FIGURES["base_per_child_year"],
        prices=PRICES,
        care_day_services=CARE_DAY,
    )
    actual_children, actual_lines = engine_tables(run_engine(case))
    assert actual_lines == expected_lines
    assert actual_children == expected_children


@settings(FAST, max_examples=60)
@given(case=cases())
def test_a_payment_is_never_negative_nor_above_its_base(case):
    for row in run_engine(case).child_years:
        assert Decimal(0) <= row.payment <= row.base, row


@settings(FAST, max_examples=60)
@given(case=cases(), data=st.data())
def test_adding_a_register_row_never_raises_a_payment(case, data):
    extra = data.draw(register_row(case["people"], case["as_of"], len(case["episodes"]) + 1))
    before = {(row.person, row.year): row.payment for row in run_engine(case).child_years}
    after_statement = run_engine(case, [*case["episodes"], extra])
    after = {(row.person, row.year): row.payment for row in after_statement.child_years}
    assert after.keys() == before.keys()
    for key, payment in after.items():
        assert payment <= before[key], (key, extra)


# ---------------------------------------------------------------------------------------------
# A contract of two payment components (forecast_savings + outcome_events, the Karviainen-like
# test contract of the forecast_savings scenarios), engine against the reference: every
# child-year with each component's figures, every priced use line, every detail line (forecast
# lines, claims and their decisions) and the totals, on random cohorts, registers, claims, shares
# and nettings.

KARVIAINEN = reference.MECHANISMS / "forecast_savings" / "scenarios" / "contracts" / "karviainen"
KARVIAINEN_FILE = reference.read_contract(KARVIAINEN / "contract.yaml")
KARVIAINEN_PRICES, _, KARVIAINEN_STATUSES = prices_from_rows(
    read_price_rows(KARVIAINEN / "prices.csv")
)
OUTCOMES = ["parent_in_education", "parent_employed"]


@st.composite
def component_cases(draw: st.DrawFn) -> dict:
    """Up to 3 children, their register rows and claims mostly near their enrolment (so that
    claims are paid, cut, rejected as second claims or outside their windows), and child-Z, who
    is not in the cohort."""
    children = CHILDREN[: draw(st.integers(min_value=1, max_value=3))]
    spells_drawn = []
    for child in children:
        enrolled = draw(days(date(2023, 1, 1), date(2025, 9, 30)))
        exited = draw(st.none() | st.none() | days(enrolled + timedelta(days=1), date(2026, 1, 1)))
        spells_drawn.append(FollowupSpell(child, enrolled, exited, "moved_out" if exited else None))
    enrolled_on = {spell.person: spell.enrolled_on for spell in spells_drawn}
    as_of = draw(st.just(date(2026, 3, 31)) | days(date(2023, 6, 1), date(2026, 3, 31)))
    years = draw(st.lists(st.sampled_from([2023, 2024, 2025]), min_size=1, max_size=3, unique=True))
    people = [*children, "child-Z"]

    def near_enrolment(person: str, before: int, after: int) -> date:
        first = enrolled_on.get(person, date(2024, 1, 1))
        return first + timedelta(days=draw(st.integers(-before, after)))

    rows = []
    for line in range(1, draw(st.integers(min_value=0, max_value=6)) + 1):
        person = draw(st.sampled_from(people))
        start = min(near_enrolment(person, 60, 700), LAST)
        end = draw(st.none() | days(start, start + timedelta(days=draw(st.integers(0, 90)))))
        rows.append(Episode(person, draw(st.sampled_from([1, 4])), start, end, None, line))
    claims = []
    for number in range(1, draw(st.integers(min_value=0, max_value=7)) + 1):
        person = draw(st.sampled_from(people))
        claims.append(
            {
                "claim_id": f"K{number:02d}",
                "child": person,
                "outcome": draw(st.sampled_from(OUTCOMES)),
                "achieved_on": near_enrolment(person, 20, 760),
                "evidence": f"E-{number}",
            }
        )
    overrides = {
        "share": draw(st.sampled_from(["1", "0.5", "0.3", "0.35"])),
        "netting": draw(st.sampled_from(["child_year", "cohort_year"])),
        "subject_cap": draw(st.sampled_from([None, "2000.00", "2300.00"])),
    }
    return {
        "spells": spells_drawn,
        "episodes": rows,
        "claims": claims,
        "years": sorted(years),
        "as_of": as_of,
        "overrides": overrides,
    }


@settings(FAST, max_examples=40)
@given(case=component_cases())
def test_two_components_engine_equals_reference_on_random_inputs(case):
    contract = load_contract(KARVIAINEN).with_parameters(**case["overrides"])
    claims = Claims(
        source="hypothesis",
        sha256="",
        identifier="pseudonym",
        claims=[
            Claim(c["claim_id"], c["child"], c["outcome"], c["achieved_on"], c["evidence"], n)
            for n, c in enumerate(case["claims"], start=2)
        ],
    )
    statement = settle(
        contract,
        case["spells"],
        case["episodes"],
        years=case["years"],
        as_of=case["as_of"],
        identifier="pseudonym",
        mechanism_inputs={"claims": claims},
    )
    expected = reference.reference_statement(
        reference.with_overrides(KARVIAINEN_FILE, case["overrides"]),
        case["spells"],
        case["episodes"],
        years=case["years"],
        as_of=case["as_of"],
        prices=KARVIAINEN_PRICES,
        statuses=KARVIAINEN_STATUSES,
        claims=case["claims"],
    )
    children = {
        (row.person, row.year): {
            "followup_days": row.followup_days,
            "base": row.base,
            "deduction": row.deduction,
            "payment": row.payment,
            "components": {
                c.component: {"base": c.base, "deduction": c.deduction, "payment": c.payment}
                for c in row.components
            },
        }
        for row in statement.child_years
    }
    assert children == expected.children
    lines = {
        (r.person, r.year, r.service): {"units": r.units, "amount": r.amount}
        for r in statement.lines
    }
    assert lines == expected.lines
    details = {
        (
            d.person,
            d.year,
            d.component,
            d.kind,
            d.item,
            d.note.split(";")[0].removeprefix("claim ") if d.kind == "claim" else "",
        ): {"quantity": d.quantity, "amount": d.amount, "status": d.status}
        for d in statement.details
    }
    assert details == expected.details
    for year, totals in statement.totals.items():
        want = expected.totals[year]
        assert (totals.base, totals.deductions, totals.computed, totals.payable) == (
            want["base"],
            want["deductions"],
            want["computed"],
            want["payable"],
        )
        assert totals.caps_applied == want["caps_applied"]
        assert totals.status == want["status"]
        assert {c.component: (c.computed, c.limits) for c in totals.components} == {
            name: (part["computed"], part["limits"]) for name, part in want["components"].items()
        }
