"""Pair-by-pair timing for the benchmark scripts: reference and candidate alternate, medians are compared.

Each pair runs the reference and the candidate once, the reference first in even pairs and second in odd ones,
so a slow spell of the shared machine falls on both sides alike; the figures are the medians over the pairs.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable


def timed(func: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = func()
    return time.perf_counter() - started, value


def alternate(runs: int, reference: Callable[[], dict[str, float]], candidate: Callable[[], dict[str, float]],
              *, report: Callable[[int, dict[str, float]], None] | None = None) -> dict[str, list[float]]:
    """``runs`` pairs of ``reference()`` and ``candidate()``, each returning {name: seconds}; alternating order."""
    times: dict[str, list[float]] = {}
    for run in range(runs):
        sides = (reference, candidate) if run % 2 == 0 else (candidate, reference)
        measured: dict[str, float] = {}
        for side in sides:
            measured.update(side())
        for name, seconds in measured.items():
            times.setdefault(name, []).append(seconds)
        if report:
            report(run + 1, measured)
    return times


def medians(times: dict[str, list[float]]) -> dict[str, float]:
    return {name: statistics.median(values) for name, values in times.items()}


def pair_ratio(times: dict[str, list[float]], candidate: str, reference: str) -> float:
    """The median over the pairs of candidate / reference: each ratio within one pair, where the machine's load
    was the same for both sides (on a shared machine the ratio of the two medians can mix a quiet pair's
    reference with a busy pair's candidate)."""
    return statistics.median(c / r for c, r in zip(times[candidate], times[reference], strict=True))


def figure(*, figure: str, value: float, reference: str, reference_value: float, target: str = "—",
           what: str = "the reference", ratio: float | None = None) -> dict[str, str]:
    """One row of the table of bench/README.md (seconds). ``ratio``: the median of the pairs' ratios
    (``pair_ratio``); without it, candidate median / reference median."""
    if ratio is None:
        ratio = value / reference_value
    return {"figure": figure, "value": f"{value:.2f} s", "reference": reference,
            "reference_value": f"{reference_value:.2f} s", "ratio": f"{ratio:.2f}× {what}", "target": target}


def machine_load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def first_run_against_floor(times: dict[str, list[float]], *, size: str, load_before: str) -> tuple[dict, dict]:
    """Medians and ratios of a job timed as ``first run`` and ``second run`` against its ``floor`` (printed):
    ``ratio["floor"]`` first run / floor, ``ratio["first"]`` second run / first run, each the median of the pairs'
    ratios."""
    median = medians(times)
    print(f"\nmedians of {len(times['floor'])} pairs, {size}: first run {median['first run']:.2f} s, "
          f"second run {median['second run']:.2f} s, write floor {median['floor']:.2f} s")
    ratio = {"floor": pair_ratio(times, "first run", "floor"), "first": pair_ratio(times, "second run", "first run")}
    print(f"  ratio first run / floor:       {ratio['floor']:.2f}× (median of the pairs' ratios)")
    print(f"  ratio second run / first run:  {ratio['first']:.2f}×")
    print(f"  machine load (1/5/15 min): {load_before} before, {machine_load()} after; {os.cpu_count()} CPUs")
    return median, ratio


def first_run_figures(*, job: str, period: str, size: str, floor: str, median: dict, ratio: dict) -> list[dict]:
    """The two table rows of ``first_run_against_floor``: the first run against the floor, the second against the
    first."""
    return [
        figure(figure=f"{job} {period}, first run, {size}", value=median["first run"],
               reference=f"write floor: {floor}", reference_value=median["floor"], what="the floor",
               ratio=ratio["floor"]),
        figure(figure=f"{job}, second run (idempotent), {size}", value=median["second run"],
               reference="its first run", reference_value=median["first run"], what="the first run",
               ratio=ratio["first"]),
    ]
