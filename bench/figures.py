"""The one table of benchmark figures in bench/README.md, between the ``figures`` markers.

Each benchmark script, given ``--record``, writes its figures to ``bench/results/<name>.json``: a list of
``{"figure", "value", "reference", "reference_value", "ratio", "target", "load"}``. This script renders every
recorded file into the README's table; ``make bench`` runs the benchmarks with ``--record`` and then this.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
README = HERE / "README.md"
START, END = "<!-- figures:start (make bench) -->", "<!-- figures:end -->"


def record(name: str, figures: list[dict]) -> Path:
    """Write one benchmark's figures (called by the benchmark scripts)."""
    RESULTS.mkdir(exist_ok=True)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    for figure in figures:
        figure.setdefault("load", load)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def table() -> str:
    lines = [
        "| benchmark | figure (median) | reference (median) | ratio | target | load (1/5/15 min, 2 CPUs) |",
        "|---|---|---|---|---|---|",
    ]
    for path in sorted(RESULTS.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            lines.append(
                f"| `{path.stem}` | {item['figure']}: {item['value']} | {item['reference']}: "
                f"{item['reference_value']} | {item['ratio']} | {item['target']} | {item['load']} |"
            )
    return "\n".join(lines)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{README} lacks the markers {START} … {END}", file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{table()}\n{END}{tail}", encoding="utf-8")
    print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
