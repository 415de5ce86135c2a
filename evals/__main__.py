"""``make eval``: run every evaluation, print its table, save all measures to JSON."""

from __future__ import annotations

import importlib
import json
import sys
import time

from evals.common import REPO

SUITES = ("opencc_peer", "peer_numbers", "peer_html", "seeds", "devset", "holdout", "blind2")


def main() -> int:
    results: dict[str, float] = {}
    for name in SUITES:
        start = time.perf_counter()
        try:
            module = importlib.import_module(f"evals.{name}")
        except ModuleNotFoundError as exc:
            print(f"\n== {name}: not available ({exc})")
            continue
        results.update(module.run())
        print(f"  ({name}: {time.perf_counter() - start:.1f} s)")
    out = REPO / "evals" / "results.json"
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nmeasures saved to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
