"""The labelled dev set (``tests/data/dev``): cleaning, steps and fees against labels.

Measures (see ``tests/data/dev/README.md``): junk strings gone, content phrases
kept, text already Simplified, status/variant/title accuracy, steps F1 and
fees F1. The same scorer serves any folder laid out the same way
(``python -m evals.devset DIR``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evals.common import REPO, prf, print_table

DEV = REPO / "tests" / "data" / "dev"


def load_labels(folder: Path) -> dict[str, dict[str, Any]]:
    lines = (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    return {label["source"]: label for label in map(json.loads, filter(None, lines))}


def predict(raw: Path) -> Iterator[dict[str, list[dict]]]:
    """Rows of every article under ``raw``, through the same readers as the runner."""
    from pipeline.readers import read_bytes, records_from, scan
    from pipeline.record import process_record

    files, _ = scan(raw)
    for file in files:
        data, error = read_bytes(file)
        for record in records_from(file, data, error):
            yield process_record(record)


def _norm(text: str) -> str:
    from pipeline.convert import to_simplified
    from pipeline.normalize import normalize_text

    return to_simplified(normalize_text(text))


def _num_eq(a: float | None, b: float | None, tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tol


def _match_steps(pred: list[dict], gold: list[dict]) -> int:
    used: set[int] = set()
    hits = 0
    for g in gold:
        snippet = _norm(g["snippet"])
        for i, p in enumerate(pred):
            if i in used or p["step_no"] != g["step_no"] or p["marker"] != _norm(g["marker"]):
                continue
            if snippet in p["text"] or snippet in (p["title"] or ""):
                used.add(i)
                hits += 1
                break
    return hits


def _match_fees(pred: list[dict], gold: list[dict]) -> int:
    used: set[int] = set()
    hits = 0
    for g in gold:
        for i, p in enumerate(pred):
            if i in used or p["fee_type"] != g["fee_type"]:
                continue
            if (
                _num_eq(p["amount"], g.get("amount"), 0.01)
                and _num_eq(p["amount_max"], g.get("amount_max"), 0.01)
                and _num_eq(p["rate"], g.get("rate"), 1e-6)
                and p["period"] == g.get("period")
            ):
                used.add(i)
                hits += 1
                break
    return hits


def score(
    folder: Path, verbose: bool = False, raw: Path | None = None, prefix: str = "dev"
) -> dict[str, float]:
    """Score the pipeline on ``folder``'s labels; articles in ``raw`` or ``folder/raw``."""
    from pipeline.convert import to_simplified

    labels = load_labels(folder)
    c = dict.fromkeys(
        (
            "docs junk_total junk_gone keep_total keep_found status_ok variant_ok title_total "
            "title_ok simplified ok_docs steps_tp steps_pred steps_gold fees_tp fees_pred "
            "fees_gold unlabelled"
        ).split(),
        0,
    )
    misses: list[str] = []
    for rows in predict(raw or folder / "raw"):
        article = rows["articles"][0]
        label = labels.get(article["source"])
        if label is None:
            c["unlabelled"] += 1
            continue
        c["docs"] += 1
        c["status_ok"] += article["status"] == label["status"]
        if article["status"] != label["status"]:
            misses.append(f"status {article['source']}: {article['status']} {article['error']}")
        if label["status"] != "ok" or article["status"] != "ok":
            continue
        text = article["text"]
        c["ok_docs"] += 1
        c["simplified"] += to_simplified(text) == text
        c["variant_ok"] += article["variant"] == label.get("variant")
        if label.get("title"):
            c["title_total"] += 1
            title_ok = (article["title"] or "") == _norm(label["title"])
            c["title_ok"] += title_ok
            if not title_ok:
                misses.append(
                    f"title {article['source']}: {article['title']!r} != {label['title']!r}"
                )
        for junk in label.get("junk", []):
            c["junk_total"] += 1
            gone = junk not in text and _norm(junk).strip() not in text
            c["junk_gone"] += gone
            if not gone:
                misses.append(f"junk {article['source']}: {junk[:40]}")
        for phrase in label.get("keep", []):
            c["keep_total"] += 1
            found = _norm(phrase) in text
            c["keep_found"] += found
            if not found:
                misses.append(f"keep {article['source']}: {phrase[:40]}")
        gold_steps, gold_fees = label.get("steps"), label.get("fees")
        if gold_steps is not None:
            c["steps_tp"] += _match_steps(rows["steps"], gold_steps)
            c["steps_pred"] += len(rows["steps"])
            c["steps_gold"] += len(gold_steps)
        if gold_fees is not None:
            c["fees_tp"] += _match_fees(rows["fees"], gold_fees)
            c["fees_pred"] += len(rows["fees"])
            c["fees_gold"] += len(gold_fees)
    steps = prf(c["steps_tp"], c["steps_pred"], c["steps_gold"])
    fees = prf(c["fees_tp"], c["fees_pred"], c["fees_gold"])
    ok = max(1, c["ok_docs"])
    measures = {
        "docs": c["docs"],
        "junk_gone": c["junk_gone"] / max(1, c["junk_total"]),
        "keep": c["keep_found"] / max(1, c["keep_total"]),
        "simplified": c["simplified"] / ok,
        "status_acc": c["status_ok"] / max(1, c["docs"]),
        "variant_acc": c["variant_ok"] / ok,
        "title_acc": c["title_ok"] / max(1, c["title_total"]),
        "steps_p": steps[0],
        "steps_r": steps[1],
        "steps_f1": steps[2],
        "fees_p": fees[0],
        "fees_r": fees[1],
        "fees_f1": fees[2],
    }
    result = {f"{prefix}_{key}": value for key, value in measures.items()}
    rows_out = [
        ("articles scored", f"{c['docs']} ({c['ok_docs']} ok; {c['unlabelled']} unlabelled)"),
        ("junk strings gone", f"{measures['junk_gone']:.1%} of {c['junk_total']} (goal 99%)"),
        ("content phrases kept", f"{measures['keep']:.1%} of {c['keep_total']} (goal 98%)"),
        ("text already Simplified", f"{measures['simplified']:.1%} (goal 100%)"),
        ("status (ok/error) right", f"{measures['status_acc']:.1%} (goal 100%)"),
        ("variant right", f"{measures['variant_acc']:.1%}"),
        ("title right", f"{measures['title_acc']:.1%} of {c['title_total']}"),
        ("steps P / R / F1", "{:.3f} / {:.3f} / {:.3f} (goal F1 0.95)".format(*steps)),
        ("fees  P / R / F1", "{:.3f} / {:.3f} / {:.3f} (goal F1 0.95)".format(*fees)),
    ]
    where = folder.relative_to(REPO) if folder.is_relative_to(REPO) else folder
    print_table(f"{prefix}: {where}", rows_out)
    if misses:
        shown = misses if verbose else misses[:15]
        print("  misses:" + "".join(f"\n    {m}" for m in shown))
        if len(misses) > len(shown):
            print(f"    ... {len(misses) - len(shown)} more (python -m evals.devset -v)")
    return result


def run() -> dict[str, float]:
    if not (DEV / "labels.jsonl").is_file():
        print("devset: no labels yet; skipped")
        return {}
    return score(DEV)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    score(Path(args[0]).resolve() if args else DEV, verbose="-v" in sys.argv)
