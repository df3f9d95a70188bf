"""Small-count suppression for the public edition of the annual report (DOMAIN.md 4: "published
aggregates suppress counts below 5").

**Primary suppression.** Every count of children from 1 to 4 is hidden. A count of 0 is shown:
it says that nobody is in the group, which reveals no one.

**Secondary suppression.** A table whose rows or columns add up to totals lets a reader work a
hidden cell out from the shown cells and the total. Each table is described by its additive
equations (``total = part + part + …``), as a :class:`Network`: every published figure is an arc
between two nodes, and every node is an equation (what flows in equals what flows out). A total
arc runs into the node of its parts, each part runs out of it. A hidden figure is an unknown to
the reader; what the reader can learn is exactly what the equations and ``x ≥ 0`` allow.

:func:`suppress` then hides further figures until, at every node:

* no equation leaves a single hidden figure (it could be solved for), and
* where the hidden figures of an equation all sit on one side (cells under a shown total), they
  are at least two and, for counts, add up to at least 5, so that the reader learns no group
  smaller than 5 either;

and, last, until no hidden figure is *pinned*: fixed to a single value by all the equations
together. The check is exact (:func:`pinned`): a figure can take another value if and only if
a cycle of hidden arcs runs through it in the residual graph (forward arcs may always grow, a
backward arc only while its value is at least 1, a signed amount either way). The tables of the
report are network matrices (totally unimodular), so one unit along such a cycle is a feasible
integer table and "not on any cycle" means "pinned". Complementary figures are chosen smallest
first, so the least is hidden.

Totals that are themselves 1–4 are hidden like any count. Amounts (euros, in cents) share the
hidden pattern of the counts they belong to: the callers hide an amount whose count is hidden and
then run the amounts' own network (their totals are often the statement's published figures,
``fixed=True``: never hidden) so that no hidden amount is the difference of shown ones. If a
fixed total leaves no complement to hide, the figure stays pinned and is reported in
:attr:`Suppression.unprotected`: the caller must then not publish that breakdown.

This module knows nothing about the report: it works on keys and integers. The tests prove the
rules against an independent checker that enumerates every table a reader could not tell apart
from the true one (``tests/reports/test_suppression.py``).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

THRESHOLD = 5
"""Counts below this (and above 0) are hidden."""

FREE = "·free·"
"""The node of an arc end that is in no equation (a figure without a published total)."""


def is_small(value: int, threshold: int = THRESHOLD) -> bool:
    """A count that must not be published: 1 to ``threshold − 1`` (0 reveals no one)."""
    return 0 < value < threshold


@dataclass(frozen=True)
class Arc:
    """A published figure: ``value`` flows from node ``tail`` to node ``head``."""

    key: Hashable
    value: int
    tail: Hashable
    head: Hashable
    count: bool = True  # a count of children (primary suppression applies); else an amount
    signed: bool = False  # may be negative (an adjustment): no lower bound
    fixed: bool = False  # always published (a statement's total), never hidden


@dataclass
class Network:
    """A table's figures and its additive equations (one node per equation)."""

    arcs: list[Arc] = field(default_factory=list)

    def add(self, key: Hashable, value: int, tail: Hashable, head: Hashable, **flags) -> Arc:
        if any(arc.key == key for arc in self.arcs):
            raise ValueError(f"the key {key!r} is in the network twice")
        if value < 0 and not flags.get("signed"):
            raise ValueError(f"the figure {key!r} is negative but not signed")
        arc = Arc(key, int(value), tail, head, **flags)
        self.arcs.append(arc)
        return arc

    def arc(self, key: Hashable) -> Arc:
        for arc in self.arcs:
            if arc.key == key:
                return arc
        raise KeyError(key)

    @property
    def keys(self) -> list[Hashable]:
        return [arc.key for arc in self.arcs]

    def nodes(self) -> list[Hashable]:
        found: dict[Hashable, None] = {}
        for arc in self.arcs:
            found.setdefault(arc.tail)
            found.setdefault(arc.head)
        return [node for node in found if node != FREE]

    def check(self) -> None:
        """Every equation holds (the figures given are consistent)."""
        balance: dict[Hashable, int] = defaultdict(int)
        for arc in self.arcs:
            balance[arc.tail] -= arc.value
            balance[arc.head] += arc.value
        wrong = [node for node, value in balance.items() if value and node != FREE]
        if wrong:
            raise ValueError(f"the figures do not add up at {wrong!r}")


# ---------------------------------------------------------------------------------------------
# Building networks for the shapes of table the report has.


@dataclass(frozen=True)
class Part:
    """A figure of a hierarchy: a leaf, or a subtotal with its own parts."""

    key: Hashable
    value: int
    parts: tuple[Part, ...] = ()
    fixed: bool = False


def tree(
    network: Network, root: Part, *, count: bool = True, signed: bool = False, prefix: str = ""
) -> Network:
    """Add ``root = Σ parts`` (recursively: a part with parts is a subtotal) to ``network``.

    The root's arc runs from the common end node into its equation's node; a subtotal's arc runs
    from its parent's node into its own; a leaf's arc from its parent's node to the end node.
    """
    end = (prefix, "end")

    def node(part: Part) -> tuple[str, Hashable]:
        return (prefix, part.key)

    def add(part: Part, tail: Hashable) -> None:
        head = node(part) if part.parts else end
        network.add(part.key, part.value, tail, head, count=count, signed=signed, fixed=part.fixed)
        for child in part.parts:
            add(child, node(part))

    if not root.parts:
        raise ValueError("a tree needs parts under its root")
    add(root, end)
    return network


def line(
    parts: Mapping[Hashable, int],
    total_key: Hashable,
    total: int | None = None,
    *,
    count: bool = True,
    signed: bool = False,
    fixed_total: bool = False,
) -> Network:
    """One row of figures and its total (``total`` defaults to the sum)."""
    value = sum(parts.values()) if total is None else total
    root = Part(total_key, value, tuple(Part(k, v) for k, v in parts.items()), fixed=fixed_total)
    network = tree(Network(), root, count=count, signed=signed)
    network.check()
    return network


def grid(
    cells: Mapping[tuple[Hashable, Hashable], int],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    grand_total: bool = True,
    count: bool = True,
) -> Network:
    """A two-way table (rows × columns) with its row, column and grand totals as a network:
    ``S → row r`` (row total), ``row r → column c`` (cell), ``column c → T`` (column total),
    ``T → S`` (grand total). A total that is not published leaves its end free. Keys: cells
    ``(r, c)``, row totals ``(r, "total")``, column totals ``("total", c)``, the grand total
    ``("total", "total")``."""
    rows = list(dict.fromkeys(r for r, _ in cells))
    columns = list(dict.fromkeys(c for _, c in cells))
    network = Network()
    start, end = ("grid", "S"), ("grid", "T")
    for (r, c), value in cells.items():
        tail = ("row", r) if row_totals else FREE
        head = ("column", c) if column_totals else FREE
        network.add((r, c), value, tail, head, count=count)
    if row_totals:
        for r in rows:
            total = sum(v for (rr, _), v in cells.items() if rr == r)
            network.add(
                (r, "total"), total, start if grand_total else FREE, ("row", r), count=count
            )
    if column_totals:
        for c in columns:
            total = sum(v for (_, cc), v in cells.items() if cc == c)
            network.add(("total", c), total, ("column", c), end if grand_total else FREE,
                        count=count)  # fmt: skip
    if grand_total and (row_totals or column_totals):
        grand = sum(cells.values())
        if row_totals and column_totals:
            network.add(("total", "total"), grand, end, start, count=count)
        elif row_totals:
            network.add(("total", "total"), grand, FREE, start, count=count)
        else:
            network.add(("total", "total"), grand, end, FREE, count=count)
    network.check()
    return network


# ---------------------------------------------------------------------------------------------
# The exact check.


def _residual(arcs: Iterable[Arc]) -> dict[Hashable, list[Hashable]]:
    adjacency: dict[Hashable, list[Hashable]] = defaultdict(list)
    for arc in arcs:
        adjacency[arc.tail].append(arc.head)  # it may always grow
        if arc.signed or arc.value >= 1:
            adjacency[arc.head].append(arc.tail)  # it may shrink
    return adjacency


def _reaches(adjacency: Mapping[Hashable, list[Hashable]], start: Hashable, goal: Hashable) -> bool:
    if start == goal:
        return True
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in adjacency.get(node, ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return False


def pinned(network: Network, hidden: Iterable[Hashable]) -> set[Hashable]:
    """The hidden figures that the shown figures and the equations fix to a single value."""
    hidden = set(hidden)
    arcs = [arc for arc in network.arcs if arc.key in hidden]
    found: set[Hashable] = set()
    for arc in arcs:
        if arc.tail == FREE and arc.head == FREE:
            continue  # in no equation at all
        others = _residual(a for a in arcs if a.key != arc.key)
        grows = _reaches(others, arc.head, arc.tail)
        shrinks = (arc.signed or arc.value >= 1) and _reaches(others, arc.tail, arc.head)
        if not (grows or shrinks):
            found.add(arc.key)
    return found


# ---------------------------------------------------------------------------------------------
# Suppression.


@dataclass(frozen=True)
class Suppression:
    """The figures to hide: ``primary`` (counts 1–4 and what the caller asked for), the
    ``secondary`` complements, and any hidden figure that fixed totals leave ``unprotected``."""

    primary: frozenset
    secondary: frozenset
    unprotected: frozenset = frozenset()

    @property
    def hidden(self) -> frozenset:
        return self.primary | self.secondary

    def shows(self, key: Hashable) -> bool:
        return key not in self.hidden


def _order(arc: Arc) -> tuple[int, str]:
    return (abs(arc.value), repr(arc.key))


def _one_sided(network: Network, node: Hashable, hidden: set) -> tuple[list[Arc], list[Arc]]:
    into = [a for a in network.arcs if a.head == node]
    out = [a for a in network.arcs if a.tail == node]
    return into, out


def _node_problem(
    network: Network, node: Hashable, hidden: set, threshold: int
) -> tuple[list[Arc], list[Arc]] | None:
    """``(side with the hidden figures, other side)`` when the node's equation tells the reader
    too much about them: a single hidden figure, or hidden counts that add up to less than
    ``threshold``, all on one side of the equation."""
    into, out = _one_sided(network, node, hidden)
    hidden_in = [a for a in into if a.key in hidden]
    hidden_out = [a for a in out if a.key in hidden]
    if hidden_in and hidden_out:
        return None
    if not hidden_in and not hidden_out:
        return None
    side, other = (into, out) if hidden_in else (out, into)
    held = hidden_in or hidden_out
    if len(held) < 2:
        return side, other
    if all(a.count for a in held) and sum(a.value for a in held) < threshold:
        return side, other
    return None


def _candidates(arcs: Iterable[Arc], hidden: set) -> list[Arc]:
    return sorted((a for a in arcs if a.key not in hidden and not a.fixed), key=_order)


def _complement(side: list[Arc], other: list[Arc], hidden: set, threshold: int) -> Arc | None:
    """The figure to hide next at a node: on the hidden figures' side, the smallest that lifts
    their sum to ``threshold`` (else the largest there is, the sum is still short); with the sum
    already enough, the smallest; with no figure left on that side, one of the other side."""
    candidates = _candidates(side, hidden)
    if candidates:
        held = [a for a in side if a.key in hidden]
        short = all(a.count for a in held) and sum(a.value for a in held) < threshold
        if not short:
            return candidates[0]
        need = threshold - sum(a.value for a in held)
        positive = [a for a in candidates if a.value > 0]
        enough = [a for a in positive if a.value >= need]
        if enough:
            return enough[0]
        if positive:
            return positive[-1]
        return candidates[0]
    others = _candidates(other, hidden)
    return others[0] if others else None


def suppress(
    network: Network,
    *,
    threshold: int = THRESHOLD,
    hide: Iterable[Hashable] = (),
) -> Suppression:
    """Hide the counts 1 to ``threshold − 1`` (and ``hide``), then complements until no equation
    gives a hidden figure away (see the module's description)."""
    network.check()
    keys = set(network.keys)
    asked = set(hide) - keys
    if asked:
        raise KeyError(f"not in the network: {sorted(map(repr, asked))}")
    primary = {a.key for a in network.arcs if a.count and is_small(a.value, threshold)}
    primary |= set(hide)
    fixed_small = {a.key for a in network.arcs if a.fixed and a.key in primary}
    primary -= fixed_small  # a fixed figure is always published; reported below
    hidden = set(primary)
    stuck: set[Hashable] = set()  # nodes where nothing more can be hidden
    nodes = network.nodes()
    while True:
        changed = False
        for node in nodes:
            if node in stuck:
                continue
            problem = _node_problem(network, node, hidden, threshold)
            if problem is None:
                continue
            choice = _complement(*problem, hidden, threshold)
            if choice is None:
                stuck.add(node)
                continue
            hidden.add(choice.key)
            changed = True
            break
        if changed:
            continue
        fixed_now = pinned(network, hidden)
        if not fixed_now:
            break
        for key in sorted(fixed_now, key=repr):
            arc = network.arc(key)
            near = [a for a in network.arcs if {a.tail, a.head} & {arc.tail, arc.head} - {FREE}]
            candidates = _candidates(near, hidden) or _candidates(network.arcs, hidden)
            if candidates:
                hidden.add(candidates[0].key)
                changed = True
                break
        if not changed:
            break
    unprotected = pinned(network, hidden) | fixed_small
    return Suppression(
        primary=frozenset(primary),
        secondary=frozenset(hidden - primary),
        unprotected=frozenset(unprotected),
    )


def shared(
    networks: Sequence[Network], *, threshold: int = THRESHOLD, hide: Iterable = ()
) -> Suppression:
    """Suppress several networks over the same keys (e.g. a table's counts and its amounts)
    until they agree: a figure hidden in one is hidden in all of them."""
    asked = set(hide)
    hidden = set(asked)
    primary: set = set(asked)
    while True:
        before = set(hidden)
        unprotected: set = set()
        for network in networks:
            mine = hidden & set(network.keys)
            result = suppress(network, threshold=threshold, hide=mine)
            primary |= result.primary - before
            hidden |= result.hidden
            unprotected |= result.unprotected
        if hidden == before:
            primary &= hidden
            return Suppression(
                primary=frozenset(primary),
                secondary=frozenset(hidden - primary),
                unprotected=frozenset(unprotected),
            )
