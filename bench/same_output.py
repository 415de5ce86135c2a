"""Check that a change to the pipeline leaves its output unchanged (for speed work).

``python -m bench.same_output save REF`` processes a fixed set of inputs (``raw/``,
the labelled sets under ``tests/data``, the peer HTML pages when ``../shared`` is
there, and a 2 MB bench corpus) with one worker and the default segmenter, and
keeps every row of every table in ``REF`` (a pickle). ``check REF`` does the same
again and reports, per input and table, the first rows that differ.
"""

from __future__ import annotations

import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS_MB = 2.0


def _inputs() -> dict[str, Path]:
    from bench.corpus import build

    inputs = {"raw": REPO / "raw"}
    for name in ("dev", "holdout", "blind2"):
        inputs[name] = REPO / "tests" / "data" / name / "raw"
    peer = REPO.parent / "shared" / "peer" / "html"
    if peer.is_dir():
        inputs["peer_html"] = peer
    corpus = REPO / "bench" / "out" / "corpus" / f"{CORPUS_MB:g}MB"
    build(corpus, CORPUS_MB)
    inputs["corpus"] = corpus
    return inputs


def snapshot(segmenter: str = "jieba") -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every table's rows for every input, in file order."""
    import pyarrow.parquet as pq

    from pipeline.runner import Options, run

    result: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name, raw in _inputs().items():
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            options = Options(
                raw=raw, out=out, workers=1, segmenter=segmenter, force=True, progress=False
            )
            run(options)
            result[name] = {
                path.stem: pq.read_table(path).to_pylist() for path in sorted(out.glob("*.parquet"))
            }
    return result


def _diff(old: list[dict], new: list[dict]) -> str | None:
    if old == new:
        return None
    if len(old) != len(new):
        lines = [f"{len(old)} rows before, {len(new)} now"]
    else:
        lines = []
    for i, (a, b) in enumerate(zip(old, new, strict=False)):
        if a != b:
            lines.append(f"first difference at row {i}:\n  before {a}\n  now    {b}")
            break
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("save", "check"):
        print("usage: python -m bench.same_output save|check REF.pickle", file=sys.stderr)
        return 2
    command, ref = argv[0], Path(argv[1])
    tables = snapshot()
    if command == "save":
        ref.write_bytes(pickle.dumps(tables))
        print(f"saved {sum(len(t) for v in tables.values() for t in v.values())} rows to {ref}")
        return 0
    before = pickle.loads(ref.read_bytes())
    problems = []
    for name in sorted(set(before) | set(tables)):
        old, new = before.get(name, {}), tables.get(name, {})
        for table in sorted(set(old) | set(new)):
            diff = _diff(old.get(table, []), new.get(table, []))
            if diff:
                problems.append(f"{name}/{table}: {diff}")
    for problem in problems:
        print(problem)
    print("same output" if not problems else f"{len(problems)} tables differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
