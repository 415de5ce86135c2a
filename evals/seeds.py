"""The four seed articles in ``raw/``, scored against ``tests/data/seeds/labels.jsonl``."""

from __future__ import annotations

from evals.common import REPO
from evals.devset import score

LABELS = REPO / "tests" / "data" / "seeds"


def run() -> dict[str, float]:
    return score(LABELS, raw=REPO / "raw", prefix="seeds")
