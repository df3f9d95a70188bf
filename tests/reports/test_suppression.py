"""Small-count suppression (DOMAIN.md 4; issue 7): no published count from 1 to 4, and no
hidden count that a reader can work out from the published cells and totals.

The expected hidden cells of the hand-made tables are worked out in the comments; the property
tests generate tables with hypothesis and ask an independent checker (``checker.py``: brute
force over every table the reader could not tell apart) whether any hidden figure is pinned.
"""

from __future__ import annotations

import pytest
from checker import Budget, grid_alternatives, tree_alternatives
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sibyl.reports.suppression import Network as Net
from sibyl.reports.suppression import (
    Part,
    grid,
    is_small,
    line,
    pinned,
    shared,
    suppress,
    tree,
)


def test_is_small__zero_is_shown_one_to_four_hidden_five_shown():
    # Rule: counts 1–4 are hidden; 0 reveals no one; 5 is the smallest published group.
    assert [is_small(n) for n in range(7)] == [False, True, True, True, True, False, False]


def test_line__one_small_cell_gets_the_smallest_complement_that_lifts_the_sum_to_five():
    # moved out 12, died 0, consent withdrawn 3, other 0; total 15 shown.
    # Primary: 3. Alone under a shown total it is 15 − 12 − 0 − 0: one more must go.
    # Candidates on its side, smallest first: 0 (died), 0 (other), 12; 3 + 0 < 5, so the
    # smallest that lifts the sum to ≥ 5 is 12 (3 + 12 = 15).
    network = line({"moved": 12, "died": 0, "consent": 3, "other": 0}, "exited")
    result = suppress(network)
    assert result.primary == {"consent"}
    assert result.secondary == {"moved"}
    assert result.unprotected == frozenset()
    assert pinned(network, result.hidden) == set()


def test_line__two_small_cells_that_add_to_less_than_five_take_a_third():
    # 1 + 2 = 3 < 5 under a shown total 30: the reader would learn a group of 3. The smallest
    # cell that lifts the sum to 5 is 7 (3 + 7 = 10); 20 stays shown.
    network = line({"a": 1, "b": 2, "c": 7, "d": 20}, "all")
    result = suppress(network)
    assert result.hidden == {"a", "b", "c"}


def test_line__a_small_total_is_hidden_and_so_is_everything_under_it():
    # Total 3 (1 + 2 + 0): the total is a count of 1–4 itself, so it is hidden; its parts 1 and
    # 2 too. Nothing is left on one side with a known sum, and nothing is pinned.
    network = line({"a": 1, "b": 2, "c": 0}, "all")
    result = suppress(network)
    assert {"all", "a", "b"} <= result.hidden
    assert pinned(network, result.hidden) == set()


def test_line__nothing_small_nothing_hidden():
    network = line({"a": 0, "b": 5, "c": 17}, "all")
    assert suppress(network).hidden == frozenset()


def test_amounts__fixed_total_with_a_single_cell_cannot_be_protected_and_says_so():
    # A breakdown with one row whose count is hidden: its amount equals the statement's total,
    # which is always published (fixed). No complement exists: reported as unprotected.
    network = line({"2024": 291722}, "all", count=False, signed=True, fixed_total=True)
    result = suppress(network, hide={"2024"})
    assert result.unprotected == {"2024"}


def test_amounts__signed_cells_under_a_fixed_total_need_only_one_complement():
    # Differences −2,917.22 and +0.00 under a fixed total −2,917.22: hiding both leaves
    # a + b = −291722 cents with no bounds (signed), so neither is pinned.
    network = line({"2024": -291722, "2023": 0}, "all", count=False, signed=True, fixed_total=True)
    result = suppress(network, hide={"2024"})
    assert result.hidden == {"2024", "2023"}
    assert result.unprotected == frozenset()


def test_tree__funnel_of_the_cohort():
    # referred 40 = enrolled 30 + waiting 2 + not eligible 8; enrolled 30 = in follow-up 26 +
    # exited 4; exited 4 = moved out 3 + consent withdrawn 1.
    # Primary: waiting 2, exited 4, moved out 3, consent 1.
    # Node "referred": waiting alone on its side (sum 2): complement the smallest that lifts it
    # to ≥ 5: not eligible 8 (2 + 8 = 10); enrolled 30 would do too but is larger.
    # Node "enrolled": exited 4 alone: in follow-up 26 is the only one left on that side.
    # Node "exited": both parts hidden under a hidden subtotal: nothing to learn from it.
    root = Part("referred", 40, (
        Part("enrolled", 30, (
            Part("followup", 26),
            Part("exited", 4, (Part("moved", 3), Part("consent", 1))),
        )),
        Part("waiting", 2),
        Part("not_eligible", 8),
    ))  # fmt: skip
    network = tree(Net(), root)
    result = suppress(network)
    assert result.primary == {"waiting", "exited", "moved", "consent"}
    assert result.secondary == {"not_eligible", "followup"}
    assert pinned(network, result.hidden) == set()


def test_grid__a_small_cell_takes_complements_in_its_row_and_column():
    # rows a, b; columns x, y; all totals shown.
    #   a: x 3, y 10 (row 13);  b: x 20, y 30 (row 50);  columns 23, 40; grand 63.
    # Primary (a, x) = 3. Row a: alone → smallest that lifts to ≥ 5 is (a, y) 10.
    # Column x: (a, x) alone → (b, x) 20. Column y: (a, y) alone → (b, y) 30.
    # Then the 2×2 block is hidden under shown totals: a cycle through each cell.
    cells = {("a", "x"): 3, ("a", "y"): 10, ("b", "x"): 20, ("b", "y"): 30}
    network = grid(cells)
    result = suppress(network)
    assert result.hidden == set(cells)
    answers = grid_alternatives(cells, set(result.hidden))
    assert all(answers.values()), answers


def test_shared__counts_and_amounts_hide_the_same_cells():
    # Children by service in one year: 3, 0, 40 (no total: children may use several services)
    # and their deductions in cents 90000, 0, 1200000 under the statement's total (fixed).
    # The count 3 is hidden; its amount must go too; alone under the fixed total it needs a
    # complement: the smallest amount, service 2's 0. Service 2's count goes with it.
    counts = Net()
    for key, value in (("s1", 3), ("s2", 0), ("s3", 40)):
        counts.add(key, value, "·free·", "·free·")
    amounts = line({"s1": 90000, "s2": 0, "s3": 1200000}, "total", count=False, fixed_total=True)
    result = shared([counts, amounts])
    assert result.hidden == {"s1", "s2"}
    assert result.unprotected == frozenset()


# ---------------------------------------------------------------------------------------------
# Properties, against the independent checker.

small = st.integers(min_value=0, max_value=7)


@st.composite
def tables(draw):
    rows = draw(st.integers(min_value=1, max_value=3))
    columns = draw(st.integers(min_value=2, max_value=3))
    # Mostly small values, so that many cells are 1–4 and the complements are hard to find.
    return {(f"r{r}", f"c{c}"): draw(small) for r in range(rows) for c in range(columns)}


def _published_counts(network, hidden):
    return {arc.key: arc.value for arc in network.arcs if arc.key not in hidden}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.booleans(), st.booleans())
def test_grid__no_published_count_1_to_4_and_no_hidden_figure_can_be_worked_out(
    cells, row_totals, column_totals
):
    network = grid(cells, row_totals=row_totals, column_totals=column_totals)
    result = suppress(network)
    assert result.unprotected == frozenset()
    # Rule 1 (primary): no published count from 1 to 4, totals included.
    assert not any(is_small(v) for v in _published_counts(network, result.hidden).values())
    # Rule 2 (secondary): a reader who knows every published figure and total cannot pin any
    # hidden one to a single value (the checker enumerates the tables they cannot rule out).
    try:
        answers = grid_alternatives(
            cells, set(result.hidden), row_totals=row_totals, column_totals=column_totals
        )
    except Budget:
        assume(False)
    assert all(answers.values()), {k: v for k, v in answers.items() if not v}


@st.composite
def funnels(draw):
    names = ("followup", "moved", "died", "consent", "other", "waiting", "not_eligible")
    return {name: draw(st.integers(min_value=0, max_value=12)) for name in names}


FUNNEL = {
    "exited": ["moved", "died", "consent", "other"],
    "enrolled": ["followup", "exited"],
    "eligible": ["enrolled", "waiting"],
    "referred": ["eligible", "not_eligible"],
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(funnels())
def test_tree__no_published_count_1_to_4_and_no_hidden_figure_can_be_worked_out(leaves):
    def part(key):
        if key in leaves:
            return Part(key, leaves[key])
        parts = tuple(part(k) for k in FUNNEL[key])
        return Part(key, sum(p.value for p in parts), parts)

    network = tree(Net(), part("referred"))
    result = suppress(network)
    values = {arc.key: arc.value for arc in network.arcs}
    assert not any(is_small(values[k]) for k in values if k not in result.hidden)
    # Where the hidden figures of an equation all sit under a shown total, they add up to at
    # least 5 (the reader learns no group below 5 from their sum).
    for total, members in FUNNEL.items():
        hidden_parts = [m for m in members if m in result.hidden]
        if total not in result.hidden and hidden_parts:
            assert len(hidden_parts) >= 2
            assert sum(values[m] for m in hidden_parts) >= 5
    try:
        answers = tree_alternatives(leaves, FUNNEL, "referred", set(result.hidden))
    except Budget:
        assume(False)
    assert all(answers.values()), {k: v for k, v in answers.items() if not v}


def test_checker__finds_a_pinned_cell_when_one_complement_is_missing():
    # The checker itself: hiding only the small cell of a row with a shown total pins it.
    cells = {("a", "x"): 3, ("a", "y"): 10}
    answers = grid_alternatives(cells, {("a", "x")}, column_totals=False, grand_total=False)
    assert answers == {("a", "x"): False}
    network = grid(cells, column_totals=False, grand_total=False)
    assert pinned(network, {("a", "x")}) == {("a", "x")}


@pytest.mark.parametrize("hidden", [{("a", "x"), ("a", "y")}, {("a", "x"), ("a", "total")}])
def test_checker__and_the_exact_check_agree_on_protected_rows(hidden):
    cells = {("a", "x"): 3, ("a", "y"): 10}
    network = grid(cells, column_totals=False, grand_total=False)
    answers = grid_alternatives(cells, hidden, column_totals=False, grand_total=False)
    assert all(answers.values())
    assert pinned(network, hidden) == set()
