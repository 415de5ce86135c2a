"""The held-out set (``tests/data/holdout``): written blind to the rules, never tuned on."""

from __future__ import annotations

from evals.common import REPO
from evals.devset import score

HOLDOUT = REPO / "tests" / "data" / "holdout"


def run() -> dict[str, float]:
    if not (HOLDOUT / "labels.jsonl").is_file():
        print("holdout: no labels yet; skipped")
        return {}
    return score(HOLDOUT, prefix="holdout")
