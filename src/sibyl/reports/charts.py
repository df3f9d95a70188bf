"""Charts of a contract's course, for the web pages and the annual report (matplotlib, offline).

Each function takes plain figures (no database) and returns the chart as SVG or PNG bytes, so
that a page and the report draw the very same chart from the same numbers. Texts are passed in
(``labels``) in the reader's language; the defaults are English.

- :func:`enrolment_chart`: families enrolled (cumulative) and in follow-up by month, against
  the capacity;
- :func:`payments_chart`: the outcome payments by year, with the base and the deductions by
  service stacked;
- :func:`fund_chart`: the fund's cash flows by year (in above the axis, out below) and its cash.
- :func:`fan_chart`: yearly amounts of Monte Carlo runs as percentile bands (5–95 %, 25–75 %);
- :func:`distribution_chart` over :func:`histogram`: how the runs' values (e.g. the investors'
  IRR) are spread, with a marker line (the cap).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# Colour-blind safe (Paul Tol's "bright" and "muted" schemes).
COLOURS = [
    "#4477aa",
    "#ee6677",
    "#228833",
    "#ccbb44",
    "#66ccee",
    "#aa3377",
    "#bbbbbb",
    "#332288",
    "#117733",
]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "sibyl",  # the same chart gives the same bytes
        }
    )
    return plt


def render(fig, fmt: str = "svg") -> bytes:
    """The figure as SVG or PNG bytes (no timestamp in SVG, so equal charts are equal bytes)."""
    plt = _pyplot()
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else None
    fig.savefig(buffer, format=fmt, dpi=144, bbox_inches="tight", metadata=metadata)
    plt.close(fig)
    return buffer.getvalue()


@dataclass(frozen=True)
class MonthPoint:
    month: date  # the first day of the month
    enrolled: int  # families enrolled so far (cumulative)
    in_followup: int  # children in follow-up on the last day of the month (or the day shown)


def enrolment_chart(
    points: Sequence[MonthPoint],
    capacity: int,
    *,
    labels: Mapping[str, str] | None = None,
    fmt: str = "svg",
) -> bytes:
    text = {
        "title": "Enrolment over time",
        "enrolled": "enrolled (cumulative)",
        "in_followup": "in follow-up",
        "capacity": "capacity",
        "families": "families",
    } | dict(labels or {})
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 3.4))
    months = [p.month for p in points]
    ax.step(months, [p.enrolled for p in points], where="post", color=COLOURS[0],
            label=text["enrolled"])  # fmt: skip
    ax.step(months, [p.in_followup for p in points], where="post", color=COLOURS[2],
            label=text["in_followup"])  # fmt: skip
    ax.axhline(capacity, color="#555555", linestyle="--", linewidth=1, label=text["capacity"])
    ax.set_ylim(0, max([capacity, *(p.enrolled for p in points)]) * 1.1 or 1)
    ax.set_ylabel(text["families"])
    ax.set_title(text["title"], loc="left")
    ax.legend(loc="lower right", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.autofmt_xdate()
    return render(fig, fmt)


@dataclass(frozen=True)
class YearPayments:
    year: int
    base: Decimal
    payable: Decimal
    deductions_by_service: Mapping[int, Decimal]


def payments_chart(
    years: Sequence[YearPayments],
    service_names: Mapping[int, str],
    *,
    labels: Mapping[str, str] | None = None,
    fmt: str = "svg",
) -> bytes:
    """Per year: the payment (bar) beside the deductions stacked by service, and the base."""
    text = {
        "title": "Outcome payments and deductions by year",
        "payment": "outcome payment",
        "base": "base (before deductions)",
        "euros": "EUR thousand",
    } | dict(labels or {})
    plt = _pyplot()
    import numpy as np

    fig, ax = plt.subplots(figsize=(8, 3.8))
    x = np.arange(len(years))
    width = 0.38
    thousand = 1000.0
    ax.bar(x - width / 2, [float(y.payable) / thousand for y in years], width,
           color=COLOURS[0], label=text["payment"])  # fmt: skip
    bottom = np.zeros(len(years))
    services = sorted({code for y in years for code in y.deductions_by_service})
    for i, code in enumerate(services):
        values = np.array(
            [float(y.deductions_by_service.get(code, Decimal(0))) / thousand for y in years]
        )
        ax.bar(x + width / 2, values, width, bottom=bottom, color=COLOURS[(i + 1) % len(COLOURS)],
               label=service_names.get(code, str(code)))  # fmt: skip
        bottom += values
    ax.plot(x, [float(y.base) / thousand for y in years], color="#333333", marker="_",
            markersize=18, linestyle="none", label=text["base"])  # fmt: skip
    ax.set_xticks(x, [str(y.year) for y in years])
    ax.set_ylabel(text["euros"])
    ax.set_title(text["title"], loc="left")
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", alpha=0.3)
    return render(fig, fmt)


@dataclass(frozen=True)
class FundYear:
    year: int
    inflows: Mapping[str, Decimal]  # kind → euros (positive)
    outflows: Mapping[str, Decimal]  # kind → euros (positive)
    balance: Decimal  # the fund's cash at the end of the year


def fund_chart(
    years: Sequence[FundYear],
    kind_names: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
    fmt: str = "svg",
) -> bytes:
    """The fund's cash flows by year: in above the axis, out below, and its cash at year end."""
    text = {"title": "The fund's cash flows by year", "balance": "cash at year end",
            "euros": "EUR thousand"} | dict(labels or {})  # fmt: skip
    plt = _pyplot()
    import numpy as np

    fig, ax = plt.subplots(figsize=(8, 3.8))
    x = np.arange(len(years))
    thousand = 1000.0
    kinds_in = sorted({k for y in years for k in y.inflows})
    kinds_out = sorted({k for y in years for k in y.outflows})
    colour = {k: COLOURS[i % len(COLOURS)] for i, k in enumerate(sorted({*kinds_in, *kinds_out}))}
    bottom = np.zeros(len(years))
    for kind in kinds_in:
        values = np.array([float(y.inflows.get(kind, 0)) / thousand for y in years])
        ax.bar(x, values, 0.6, bottom=bottom, color=colour[kind], label=kind_names.get(kind, kind))
        bottom += values
    bottom = np.zeros(len(years))
    for kind in kinds_out:
        values = -np.array([float(y.outflows.get(kind, 0)) / thousand for y in years])
        ax.bar(x, values, 0.6, bottom=bottom, color=colour[kind], label=kind_names.get(kind, kind))
        bottom += values
    ax.plot(x, [float(y.balance) / thousand for y in years], color="#222222", marker="o",
            markersize=3, label=text["balance"])  # fmt: skip
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, [str(y.year) for y in years])
    ax.set_ylabel(text["euros"])
    ax.set_title(text["title"], loc="left")
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", alpha=0.3)
    return render(fig, fmt)


# Monte Carlo charts (the fund's simulation page): a fan of yearly amounts and a histogram.


@dataclass(frozen=True)
class YearBand:
    """Percentiles (5, 25, 50, 75, 95) of a yearly amount over simulated runs, in euros."""

    year: int
    p5: float
    p25: float
    p50: float
    p75: float
    p95: float


def fan_chart(
    bands: Sequence[YearBand],
    *,
    labels: Mapping[str, str] | None = None,
    fmt: str = "svg",
) -> bytes:
    """Yearly amounts of many runs as a fan: the 5–95 % and 25–75 % bands and the median."""
    text = {
        "title": "Outcome payments by year, after the cap",
        "outer": "5–95 %",
        "inner": "25–75 %",
        "median": "median",
        "euros": "EUR thousand",
    } | dict(labels or {})
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    years = [b.year for b in bands]
    thousand = 1000.0

    def row(name: str) -> list[float]:
        return [getattr(b, name) / thousand for b in bands]

    ax.fill_between(years, row("p5"), row("p95"), color=COLOURS[0], alpha=0.2,
                    label=text["outer"])  # fmt: skip
    ax.fill_between(years, row("p25"), row("p75"), color=COLOURS[0], alpha=0.45,
                    label=text["inner"])  # fmt: skip
    ax.plot(years, row("p50"), color=COLOURS[0], marker="o", markersize=3, label=text["median"])
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylim(bottom=0)
    ax.set_ylabel(text["euros"])
    ax.set_title(text["title"], loc="left")
    ax.legend(fontsize=7, frameon=False, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    return render(fig, fmt)


@dataclass(frozen=True)
class Bin:
    """One bar of a histogram: values in ``[low, high)`` (the last bar includes ``high``)."""

    low: float
    high: float
    count: int


def histogram(values: Sequence[float], bins: int = 40) -> list[Bin]:
    """The values counted in ``bins`` equal bins from their least to their greatest."""
    import numpy as np

    counts, edges = np.histogram(np.asarray(values, dtype=float), bins=bins)
    return [Bin(float(edges[i]), float(edges[i + 1]), int(counts[i])) for i in range(len(counts))]


def distribution_chart(
    bins: Sequence[Bin],
    *,
    marker: float | None = None,
    labels: Mapping[str, str] | None = None,
    fmt: str = "svg",
) -> bytes:
    """A histogram (e.g. the investors' IRR of each run, in %) with an optional marker line
    (e.g. the return cap)."""
    text = {"title": "Distribution of the investors' IRR", "values": "IRR after the cap, %",
            "runs": "runs", "marker": "return cap"} | dict(labels or {})  # fmt: skip
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 3.4))
    ax.bar([b.low for b in bins], [b.count for b in bins], width=[b.high - b.low for b in bins],
           align="edge", color=COLOURS[2])  # fmt: skip
    if marker is not None:
        ax.axvline(marker, color="#222222", linestyle="--", linewidth=1, label=text["marker"])
        ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.set_xlabel(text["values"])
    ax.set_ylabel(text["runs"])
    ax.set_title(text["title"], loc="left")
    ax.grid(axis="y", alpha=0.3)
    return render(fig, fmt)


def service_chart(
    values: Mapping[tuple[int, int], int | None],
    service_names: Mapping[int, str],
    years: Sequence[int],
    *,
    labels: Mapping[str, str] | None = None,
    fmt: str = "svg",
) -> bytes:
    """Children who used each service: the services (by code) along the axis, one bar a year
    beside each other (the latest year darkest).

    ``values[(service, year)]`` is the count, or ``None`` for a figure that is hidden (the
    public edition): no bar, and a small ``..`` where it would stand. The codes are named in the
    report's table next to the chart (``service_names`` are used only for their codes).
    """
    text = {"title": "Children who used each service", "children": "children",
            "service": "service", "hidden": ".."} | dict(labels or {})  # fmt: skip
    plt = _pyplot()
    import numpy as np

    services = sorted(service_names)
    width = 0.84 / max(len(years), 1)
    fig, ax = plt.subplots(figsize=(8, 3.4))
    x = np.arange(len(services), dtype=float)
    blues = ["#c6d7ea", "#a4bfdd", "#82a6cf", "#608dc1", "#3e74b3", "#275b94", "#17406c"]
    shades = blues[-len(years) :] if len(years) <= len(blues) else [COLOURS[0]] * len(years)
    for j, year in enumerate(years):
        offsets = x + (j - (len(years) - 1) / 2) * width
        counts = [values.get((code, year)) for code in services]
        ax.bar(offsets, [c or 0 for c in counts], width * 0.95, color=shades[j], label=str(year))
        for offset, count in zip(offsets, counts, strict=True):
            if count is None:
                ax.text(offset, 0, text["hidden"], ha="center", va="bottom", fontsize=6,
                        color="#555555")  # fmt: skip
    ax.set_xticks(x, [str(code) for code in services])
    ax.set_xlabel(text["service"])
    ax.set_ylabel(text["children"])
    ax.set_title(text["title"], loc="left")
    ax.legend(fontsize=7, frameon=False, ncols=min(len(years), 7), loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    top = max((v for v in values.values() if v), default=1)
    ax.set_ylim(0, top * 1.25 + 1)
    return render(fig, fmt)
