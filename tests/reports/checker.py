"""An independent checker of small-count suppression: what could a reader of the published table
work out? It knows nothing of networks or residual graphs: it enumerates the non-negative integer
tables that agree with every published figure and total, and says, for each hidden figure,
whether it could take another value than the true one.

Slow by design (a depth-first search over the hidden cells), so only for small tables.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

TOTAL = "total"


class Budget(Exception):
    """The search grew too large (the table is too big for this checker)."""


def grid_alternatives(
    cells: Mapping[tuple[Hashable, Hashable], int],
    hidden: set,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    grand_total: bool = True,
    budget: int = 2_000_000,
) -> dict[Hashable, bool]:
    """For each hidden key of a two-way table (cells ``(r, c)``, totals ``(r, "total")``,
    ``("total", c)``, ``("total", "total")``): can it differ from its true value in some table
    that shows the same published figures?"""
    rows = list(dict.fromkeys(r for r, _ in cells))
    columns = list(dict.fromkeys(c for _, c in cells))
    true: dict[Hashable, int] = dict(cells)
    if row_totals:
        for r in rows:
            true[(r, TOTAL)] = sum(cells[(r, c)] for c in columns)
    if column_totals:
        for c in columns:
            true[(TOTAL, c)] = sum(cells[(r, c)] for r in rows)
    if grand_total and (row_totals or column_totals):
        true[(TOTAL, TOTAL)] = sum(cells.values())
    unknown = [key for key in cells if key in hidden]
    # The equations a reader has: each published total over its cells.
    equations: list[tuple[int, list]] = []
    if row_totals:
        for r in rows:
            if (r, TOTAL) not in hidden:
                equations.append((true[(r, TOTAL)], [(r, c) for c in columns]))
    if column_totals:
        for c in columns:
            if (TOTAL, c) not in hidden:
                equations.append((true[(TOTAL, c)], [(r, c) for r in rows]))
    if (TOTAL, TOTAL) in true and (TOTAL, TOTAL) not in hidden:
        equations.append((true[(TOTAL, TOTAL)], list(cells)))
    cap = 2 * sum(cells.values()) + 10

    def bound(key) -> int:
        limits = [target for target, members in equations if key in members]
        return min(limits) if limits else cap

    def derived(values: dict, key) -> int:
        if key in cells:
            return values[key]
        r, c = key
        if r == TOTAL and c == TOTAL:
            return sum(values[k] for k in cells)
        if c == TOTAL:
            return sum(values[(r, cc)] for cc in columns)
        return sum(values[(rr, c)] for rr in rows)

    answers: dict[Hashable, bool] = {}
    for target in [k for k in true if k in hidden]:
        answers[target] = _search(
            unknown, {k: v for k, v in cells.items() if k not in hidden}, equations, bound,
            lambda values, t=target: derived(values, t) != true[t], budget,
        )  # fmt: skip
    return answers


def tree_alternatives(
    leaves: Mapping[Hashable, int],
    subtotals: Mapping[Hashable, list],
    root: Hashable,
    hidden: set,
    *,
    budget: int = 2_000_000,
) -> dict[Hashable, bool]:
    """The same for a hierarchy: ``subtotals[key]`` lists the keys it adds up (leaves or other
    subtotals), ``root`` is the grand total."""

    def value(values: dict, key) -> int:
        if key in leaves:
            return values[key]
        return sum(value(values, part) for part in subtotals[key])

    def leaves_of(key) -> list:
        if key in leaves:
            return [key]
        return [leaf for part in subtotals[key] for leaf in leaves_of(part)]

    true = {**leaves, **{key: value(leaves, key) for key in subtotals}}
    equations = [(true[key], leaves_of(key)) for key in subtotals if key not in hidden]
    unknown = [key for key in leaves if key in hidden]
    cap = 2 * true[root] + 10

    def bound(key) -> int:
        limits = [target for target, members in equations if key in members]
        return min(limits) if limits else cap

    return {
        target: _search(
            unknown,
            {k: v for k, v in leaves.items() if k not in hidden},
            equations,
            bound,
            lambda values, t=target: value(values, t) != true[t],
            budget,
        )
        for target in true
        if target in hidden
    }


def _search(unknown, known, equations, bound, differs, budget) -> bool:
    """Is there an assignment of ``unknown`` (each 0..bound) meeting every equation for which
    ``differs(values)`` holds?"""
    values = dict(known)
    steps = [0]
    order = list(unknown)
    position = {key: i for i, key in enumerate(order)}
    # For each equation, the index of its last unknown (when it can be checked for equality).
    last = [max((position[k] for k in members if k in position), default=-1)
            for _, members in equations]  # fmt: skip

    def ok(upto: int) -> bool:
        for (target, members), final in zip(equations, last, strict=True):
            total = sum(values.get(k, 0) for k in members)
            if final <= upto:
                if total != target:
                    return False
            elif total > target:
                return False
        return True

    if not ok(-1):
        return False

    def dfs(i: int) -> bool:
        steps[0] += 1
        if steps[0] > budget:
            raise Budget
        if i == len(order):
            return differs(values)
        key = order[i]
        for v in range(bound(key) + 1):
            values[key] = v
            if ok(i) and dfs(i + 1):
                return True
        del values[key]
        return False

    return dfs(0)
