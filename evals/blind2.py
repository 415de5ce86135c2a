"""The second blind set (``tests/data/blind2``): 15 articles written blind to the rules."""

from __future__ import annotations

from evals.common import REPO
from evals.devset import score

BLIND2 = REPO / "tests" / "data" / "blind2"


def run() -> dict[str, float]:
    if not (BLIND2 / "labels.jsonl").is_file():
        print("blind2: no labels; skipped")
        return {}
    return score(BLIND2, prefix="blind2")
