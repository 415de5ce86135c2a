"""Traditional -> Simplified conversion on OpenCC's own test cases (``peer/t2s.jsonl``).

``pipeline.convert.to_simplified`` uses the ``t2s`` config, so the ``t2s`` cases
are its measure; the other configs (tw2s, hk2s, tw2sp, hk2sp) are run with
their own config through the same official package, to show it is the real one.
"""

from __future__ import annotations

import json
from collections import Counter

from evals.common import print_table, shared_dir


def run() -> dict[str, float]:
    path = shared_dir() / "peer" / "t2s.jsonl"
    if not path.is_file():
        print(f"opencc_peer: no {path}; skipped")
        return {}
    import opencc

    from pipeline.convert import to_simplified

    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    passed: Counter = Counter()
    total: Counter = Counter()
    misses = []
    for case in cases:
        config = case["config"]
        convert = to_simplified if config == "t2s" else opencc.OpenCC(config).convert
        total[config] += 1
        if convert(case["input"]) == case["expected"]:
            passed[config] += 1
        else:
            misses.append(case["case_id"])
    rows = [(c, f"{passed[c]}/{total[c]}") for c in sorted(total)]
    rows.append(("misses", ", ".join(map(str, misses[:10])) or "none"))
    print_table("OpenCC peer cases (t2s is the pipeline's converter)", rows)
    return {
        "opencc_t2s_pass": passed["t2s"] / max(1, total["t2s"]),
        "opencc_all_pass": sum(passed.values()) / max(1, sum(total.values())),
    }
