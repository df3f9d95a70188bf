"""Charts of the fund and the Monte Carlo, as PNG and SVG (matplotlib, no network, no display).

- ``fund-cashflows``: the fund's yearly cash flows in the scenario's plan (capital calls,
  provider payments, fees) with the median outcome payments after the cap and distributions;
- ``cap``: cumulative outcome payments over the years, before and after the cap (median runs);
- ``fan``: a fan chart of the yearly outcome payments after the cap (5–95 % and 25–75 % bands);
- ``irr``: the distribution of the investors' IRR after the cap.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sibyl.finance.montecarlo import Result
from sibyl.finance.scenario import Scenario


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def _save(fig, folder: Path, name: str) -> list[Path]:
    paths = []
    for suffix in ("png", "svg"):
        path = folder / f"{name}.{suffix}"
        fig.savefig(
            path, dpi=120, bbox_inches="tight", metadata={"Date": None} if suffix == "svg" else None
        )
        paths.append(path)
    return paths


def write_charts(scenario: Scenario, result: Result, folder: str | Path) -> list[Path]:
    """Write the four charts to ``folder`` (created if needed); the paths written."""
    plt = _pyplot()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    years = [int(y) for y in result.years]
    euros = 1e-6  # million euros
    written: list[Path] = []

    # Fund cash flows per calendar year.
    span = range(min(years), max(years) + 2)

    def by_year(flows):
        totals = dict.fromkeys(span, 0.0)
        for f in flows:
            if f.date.year in totals:
                totals[f.date.year] += float(f.amount)
        return np.array([totals[y] for y in span]) * euros

    received = dict.fromkeys(span, 0.0)
    median_payable = np.median(result.payable, axis=0) / 100
    for year, amount in zip(years, median_payable, strict=True):
        paid = scenario.payment_date(year).year
        if paid in received:
            received[paid] += float(amount)
    outcome = np.array([received[y] for y in span]) * euros
    fig, ax = plt.subplots(figsize=(9, 4.5))
    x = np.array(list(span))
    ax.bar(x, by_year(scenario.capital_calls), color="#4477aa", label="capital calls (in)")
    ax.bar(
        x,
        outcome,
        bottom=by_year(scenario.capital_calls),
        color="#228833",
        label="outcome payments, median run (in)",
    )
    ax.bar(
        x, -by_year(scenario.provider_payments), color="#ee6677", label="provider payments (out)"
    )
    ax.bar(
        x,
        -by_year(scenario.fees),
        bottom=-by_year(scenario.provider_payments),
        color="#ccbb44",
        label="fees (out)",
    )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("EUR million")
    ax.set_title(f"Fund cash flows by year ({scenario.name}; illustrative plan)")
    ax.legend(fontsize=8, loc="upper right")
    written += _save(fig, folder, "fund-cashflows")
    plt.close(fig)

    # Cumulative outcome payments before and after the cap.
    fig, ax = plt.subplots(figsize=(9, 4.5))
    before = np.cumsum(np.median(result.computed, axis=0)) / 100 * euros
    after = np.cumsum(np.median(result.payable, axis=0)) / 100 * euros
    ax.plot(years, before, marker="o", label="computed (before the cap), median")
    ax.plot(
        years, after, marker="o", label=f"payable (after the {float(scenario.cap):.0%} cap), median"
    )
    ax.fill_between(years, after, before, color="#ee6677", alpha=0.2, label="withheld by the cap")
    ax.set_ylabel("cumulative EUR million")
    ax.set_title("Cumulative outcome payments against the return cap")
    ax.legend(fontsize=8)
    written += _save(fig, folder, "cap")
    plt.close(fig)

    # Fan chart of yearly outcome payments after the cap.
    fig, ax = plt.subplots(figsize=(9, 4.5))
    q = np.percentile(result.payable, [5, 25, 50, 75, 95], axis=0) / 100 * euros
    ax.fill_between(years, q[0], q[4], color="#4477aa", alpha=0.2, label="5–95 %")
    ax.fill_between(years, q[1], q[3], color="#4477aa", alpha=0.4, label="25–75 %")
    ax.plot(years, q[2], color="#4477aa", label="median")
    ax.set_ylabel("EUR million")
    ax.set_title(f"Outcome payments by year, after the cap ({result.runs:,} runs)")
    ax.legend(fontsize=8)
    written += _save(fig, folder, "fan")
    plt.close(fig)

    # IRR distribution.
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.hist(result.irr * 100, bins=60, color="#228833")
    ax.axvline(float(scenario.cap) * 100, color="black", linestyle="--", label="cap")
    ax.set_xlabel("investors' IRR after the cap, %")
    ax.set_ylabel("runs")
    ax.set_title("Distribution of the investors' IRR")
    ax.legend(fontsize=8)
    written += _save(fig, folder, "irr")
    plt.close(fig)
    return written
