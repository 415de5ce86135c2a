"""Numbers, money and rates scored against the peer test data (``shared/peer``).

Measures (each an exact-match share, goal >= 0.95 on the first six):

* ``money_parse``: ``parse_money`` on the ``task: "parse"`` rows of ``money.jsonl``
  (Duckling and JioNLP) minus the Cantonese-only ones; exact = ``amount`` within 1e-6 of
  the expected value (or of the single bound of a bound-only row), and for ranges also
  ``amount_max``;
* ``money_parse_cantonese``: the same on rows written with 蚊, 個, 毫 or 仙 (reported apart);
* ``numerals_cn2an_strict`` / ``numerals_cn2an_normal``: ``parse_number`` on cn2an's
  parse cases of those modes (normal-mode rows that cn2an rejects must give None);
* ``numerals_duckling``: ``parse_number`` on Duckling's numeral parse cases;
* ``percent_recall``: gold mentions of ``percent.jsonl`` matched by a ``find_rates``
  mention that overlaps it with the same ``value_percent``;

and for information: ``percent_precision`` (predicted mentions that match a gold one, the
negatives included), ``money_extract_f1`` (``find_money`` mentions on the extract rows,
exact span and value), ``money_currency`` (currency agreement on exact parse matches where
the source gives an ISO code), ``fallback_agreement`` (the hand-written numeral reader
against cn2an, wherever cn2an gives a value) and ``numerals_cn2an_smart``.

Run: ``python -m evals.peer_numbers`` (``PEER_DIR`` overrides the folder).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.money import find_money, parse_money
from pipeline.numbers import cn2an_value, manual_value, normalize_numeral, parse_number
from pipeline.rates import find_rates

CANTONESE = set("蚊個毫仙")
GOAL = 0.95
GOALS = (
    "money_parse",
    "money_parse_cantonese",
    "numerals_cn2an_strict",
    "numerals_cn2an_normal",
    "numerals_duckling",
    "percent_recall",
)


def peer_dir() -> Path:
    """The peer data folder: ``$PEER_DIR`` or ``<repo>/../shared/peer``."""
    env = os.environ.get("PEER_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "peer"


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _close(a: float | None, b: float | None) -> bool:
    """Equal within 1e-6 (relative 1e-9 for tiny values such as 1e-15)."""
    if a is None or b is None:
        return a is None and b is None
    if abs(b) < 1e-3:
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-18)
    return abs(a - b) <= 1e-6


def _gold_money(row: dict[str, Any]) -> tuple[float, float | None]:
    """Expected (amount, amount_max): the value, a range, or the single bound."""
    if row["expected_value"] is not None:
        return float(row["expected_value"]), None
    low, high = row["expected_min"], row["expected_max"]
    if low is not None and high is not None:
        return float(low), float(high)
    return float(low if low is not None else high), None


class Score:
    """Hits over cases, with the misses kept for printing."""

    def __init__(self) -> None:
        self.hits = 0
        self.total = 0
        self.misses: list[str] = []

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        self.hits += ok
        if not ok:
            self.misses.append(miss)

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else float("nan")


def score_money(rows: Iterable[dict[str, Any]]) -> dict[str, Score]:
    """parse_money on the parse rows, Cantonese rows apart; currency agreement on hits."""
    scores = {k: Score() for k in ("money_parse", "money_parse_cantonese", "money_currency")}
    for row in rows:
        if row["task"] != "parse":
            continue
        want = _gold_money(row)
        got = parse_money(row["text"])
        ok = got is not None and _close(got.amount, want[0]) and _close(got.amount_max, want[1])
        key = "money_parse_cantonese" if CANTONESE & set(row["text"]) else "money_parse"
        shown = None if got is None else (got.amount, got.amount_max, got.currency)
        scores[key].add(ok, f"{row['text']!r}: want {want} got {shown}")
        if ok and row.get("currency"):
            assert got is not None
            scores["money_currency"].add(
                got.currency == row["currency"], f"{row['text']!r}: {got.currency}"
            )
    return scores


def score_money_extract(rows: Iterable[dict[str, Any]]) -> Score:
    """find_money on the extract rows: F1 over (start, end, value) mentions (as a Score)."""
    tp = fp = fn = 0
    misses: list[str] = []
    for row in rows:
        if row["task"] != "extract":
            continue
        gold = {
            (m["start"], m["end"], m["value"] if m.get("value") is not None else m.get("min"))
            for m in row["expected_mentions"]
        }
        gold = {g for g in gold if g[2] is not None}
        pred = {(m.start, m.end, m.money.amount) for m in find_money(row["text"])}
        hit = {p for p in pred if any(p[:2] == g[:2] and _close(p[2], g[2]) for g in gold)}
        tp, fp, fn = tp + len(hit), fp + len(pred) - len(hit), fn + len(gold) - len(hit)
        if len(hit) != len(pred) or len(hit) != len(gold):
            misses.append(f"{row['text'][:40]!r}: want {sorted(gold)} got {sorted(pred)}")
    score = Score()
    score.total, score.misses = 1, misses
    score.hits = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0  # type: ignore[assignment]
    return score


def score_numerals(rows: Iterable[dict[str, Any]]) -> dict[str, Score]:
    """parse_number on cn2an (strict, normal, smart) and Duckling parse rows."""
    scores = {
        k: Score()
        for k in (
            "numerals_cn2an_strict",
            "numerals_cn2an_normal",
            "numerals_cn2an_smart",
            "numerals_duckling",
            "fallback_agreement",
        )
    }
    for row in rows:
        if row["task"] != "parse":
            continue
        text, mode = row["text"], row.get("mode")
        src = "duckling" if row["source"].startswith("facebook/duckling") else "cn2an"
        key = "numerals_duckling" if src == "duckling" else f"numerals_cn2an_{mode}"
        if key not in scores or (row.get("expected_error") and mode != "normal"):
            continue
        want = None if row.get("expected_error") else float(row["expected_value"])
        got = parse_number(text)
        scores[key].add(_close(got, want), f"{text!r}: want {want} got {got}")
        _agreement(scores["fallback_agreement"], text)
    return scores


def _agreement(score: Score, text: str) -> None:
    """The hand-written reader against cn2an on a normalised, unsigned numeral."""
    s = normalize_numeral(text).lstrip("-负")
    ref = cn2an_value(s)
    if ref is not None:
        got = manual_value(s)
        score.add(_close(got, ref), f"{s!r}: cn2an {ref} manual {got}")


def score_percent(rows: Iterable[dict[str, Any]]) -> dict[str, Score]:
    """find_rates against the gold percent mentions: recall and precision."""
    recall, precision = Score(), Score()
    for row in rows:
        gold = [(m["start"], m["end"], float(m["value_percent"])) for m in row["expected_mentions"]]
        pred = [(r.start, r.end, r.rate) for r in find_rates(row["text"])]

        def same(a: tuple[int, int, float], b: tuple[int, int, float]) -> bool:
            return a[0] < b[1] and b[0] < a[1] and _close(a[2], b[2])

        for g in gold:
            recall.add(any(same(g, p) for p in pred), f"{row['text'][:40]!r}: want {g} got {pred}")
        for p in pred:
            precision.add(any(same(p, g) for g in gold), f"{row['text'][:40]!r}: extra {p}")
    return {"percent_recall": recall, "percent_precision": precision}


def run() -> dict[str, float]:
    """Print the measures and the misses; return the measures (empty when no data)."""
    folder = peer_dir()
    if not (folder / "money.jsonl").exists():
        print(f"peer data not found at {folder} (set PEER_DIR); skipped")
        return {}
    money_rows = _rows(folder / "money.jsonl")
    scores: dict[str, Score] = {}
    scores.update(score_money(money_rows))
    scores["money_extract_f1"] = score_money_extract(money_rows)
    scores.update(score_numerals(_rows(folder / "numerals.jsonl")))
    scores.update(score_percent(_rows(folder / "percent.jsonl")))
    print(f"{'measure':28} {'score':>6} {'n':>5}  goal")
    for name, score in scores.items():
        n = "" if name == "money_extract_f1" else str(score.total)
        goal = f">= {GOAL}" if name in GOALS else "info"
        print(f"{name:28} {score.rate:6.3f} {n:>5}  {goal}")
    for name, score in scores.items():
        if score.misses:
            print(f"\n{name} misses ({len(score.misses)}):")
            for miss in score.misses[:40]:
                print("  " + miss)
    return {name: round(score.rate, 4) for name, score in scores.items()}


if __name__ == "__main__":
    run()
