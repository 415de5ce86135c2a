"""Traditional -> Simplified conversion on OpenCC's own test cases (``peer/t2s.jsonl``).

The pipeline converts with the official package's ``t2s`` config, then once more
when the result is not a fixed point, because the output contract requires
``t2s(text) == text``. OpenCC keeps some proper nouns that its own ``t2s``
would convert on a second pass (乾安县, 毕昇): those cases are counted apart.
The other configs (tw2s, hk2s, tw2sp, hk2sp) run through the same package.
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
    t2s = opencc.OpenCC("t2s").convert
    fixed_point = not_idempotent = 0
    for case in cases:
        config = case["config"]
        convert = t2s if config == "t2s" else opencc.OpenCC(config).convert
        total[config] += 1
        passed[config] += convert(case["input"]) == case["expected"]
        if config == "t2s":
            ours = to_simplified(case["input"])
            fixed_point += ours == case["expected"]
            not_idempotent += t2s(case["expected"]) != case["expected"]
    rows = [(c, f"{passed[c]}/{total[c]}") for c in sorted(total)]
    rows.append(
        (
            "t2s fixed point (pipeline)",
            f"{fixed_point}/{total['t2s']}; the {total['t2s'] - fixed_point} others are "
            f"cases OpenCC's t2s would change again ({not_idempotent} such cases)",
        )
    )
    print_table("OpenCC peer cases (official package 1.4.2)", rows)
    return {
        "opencc_t2s_pass": passed["t2s"] / max(1, total["t2s"]),
        "opencc_all_pass": sum(passed.values()) / max(1, sum(total.values())),
        "opencc_pipeline_fixed_point_pass": fixed_point / max(1, total["t2s"]),
    }
