"""Helpers shared by the evaluations: where the shared data is, simple scoring."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """``$SHARED_DIR`` or the ``shared`` folder next to the repository."""
    return Path(os.environ.get("SHARED_DIR") or REPO.parent / "shared")


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (1.0 when both sides are empty)."""
    precision = tp / n_pred if n_pred else float(n_gold == 0)
    recall = tp / n_gold if n_gold else float(n_pred == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    """Print a two-column table under a heading."""
    print(f"\n== {title}")
    width = max((len(k) for k, _ in rows), default=0)
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
