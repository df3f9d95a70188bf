"""Monte Carlo benchmark: 100,000 runs of the Helsinki 200-child cohort over 2020–2032.

Runs :func:`sibyl.finance.montecarlo.simulate` on the built-in scenario ``helsinki-base`` (child
level service use per year, settlement in integer cents, the return cap, the investors' IRR and
the city's savings), in batches spread over worker processes. Wall time is ``time.perf_counter``
around the whole simulation (model set-up, all batches, cap, IRR); peak memory is ``ru_maxrss`` of
this process and of the largest worker (``resource.getrusage``).

Targets on the 2-core machine: under 20 s, peak memory under 4 GB (each process).

    .venv/bin/python bench/simulate.py                 # 100,000 runs, 2 workers
    .venv/bin/python bench/simulate.py --runs 10000 --no-results

The figures go to ``bench/RESULTS.md`` between the ``BEGIN SIMULATE`` and ``END SIMULATE``
markers (appended after the existing content the first time; the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from sibyl.finance.montecarlo import simulate
from sibyl.finance.scenario import load_scenario

HERE = Path(__file__).resolve().parent
BEGIN = "<!-- BEGIN SIMULATE (written by bench/simulate.py) -->"
END = "<!-- END SIMULATE -->"
TARGET_SECONDS = 20.0
TARGET_MEMORY_GB = 4.0


def _memory_gib() -> float:
    with open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    return float("nan")


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def write_results(path: Path, text: str) -> None:
    block = f"{BEGIN}\n{text}\n{END}\n"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        current = head + block + tail
    else:
        current = current.rstrip("\n") + "\n\n# Monte Carlo benchmark\n\n" + block
    path.write_text(current, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--scenario", default="helsinki-base")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--no-results", action="store_true")
    args = parser.parse_args()

    scenario = load_scenario(args.scenario)
    load_before = os.getloadavg()
    started = time.perf_counter()
    cpu_before = time.process_time()
    result = simulate(
        scenario, args.runs, args.seed, batch_size=args.batch_size, workers=args.workers
    )
    wall = time.perf_counter() - started
    cpu_main = time.process_time() - cpu_before
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    peak_main = own.ru_maxrss / 1024**2  # KiB to GiB
    peak_worker = children.ru_maxrss / 1024**2
    cpu_workers = children.ru_utime + children.ru_stime
    load_after = os.getloadavg()
    summary = result.summary()
    pct = result.percentiles()

    lines = [
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"command: .venv/bin/python bench/simulate.py {shlex.join(sys.argv[1:])}".rstrip(),
        f"machine: nproc {os.cpu_count()}, cpu {_cpu()}, memory {_memory_gib():.1f} GiB, "
        f"python {platform.python_version()}, numpy {np.__version__}, os {platform.system()} "
        f"{platform.release()}",
        "load average before the run: "
        + " ".join(f"{x:.2f}" for x in load_before)
        + "; after: "
        + " ".join(f"{x:.2f}" for x in load_after)
        + " (other work shared the 2 cores when the load is above 2)",
        f"case: scenario {scenario.name}, {scenario.children} children, years "
        f"{scenario.years[0]}–{scenario.years[-1]}, {args.runs:,} runs, seed {args.seed}, "
        f"batch size {args.batch_size or scenario.batch_size}, {args.workers} worker process(es)",
        "",
        "| measure | value | target | met |",
        "|---|---:|---:|---|",
        f"| wall time (perf_counter) | {wall:.1f} s | < {TARGET_SECONDS:.0f} s | "
        f"{'yes' if wall < TARGET_SECONDS else '**NO**'} |",
        f"| CPU time (main + workers) | {cpu_main + cpu_workers:.1f} s | | |",
        f"| peak memory, main process (ru_maxrss) | {peak_main:.2f} GB | < 4 GB | "
        f"{'yes' if peak_main < TARGET_MEMORY_GB else '**NO**'} |",
        f"| peak memory, largest worker (ru_maxrss) | {peak_worker:.2f} GB | < 4 GB | "
        f"{'yes' if peak_worker < TARGET_MEMORY_GB else '**NO**'} |",
        "",
        f"Results (illustrative scenario): P(investors lose capital) "
        f"{summary['p_investors_lose_capital']:.4f}, P(city pays more than it saves) "
        f"{summary['p_city_pays_more_than_it_saves']:.4f}, "
        f"P(cap binds) {summary['p_cap_binds']:.4f}.",
        "",
        "| percentile | 5 | 25 | 50 | 75 | 95 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, values in pct.items():
        fmt = "{:.4f}" if "IRR" in name else "{:,.0f}"
        lines.append(f"| {name} | " + " | ".join(fmt.format(v) for v in values) + " |")
    text = "\n".join(lines)
    print(text)
    if not args.no_results:
        write_results(args.results, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
