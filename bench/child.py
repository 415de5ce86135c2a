"""One measured run, in its own process: ``python -m bench.child '<json spec>'``.

The spec names ``raw``, ``out``, ``workers``, ``segmenter``, ``engine`` (``local``
or ``dask``), ``force`` and ``lcut`` (then, after the run, time plain
``Tokenizer.lcut`` on the paragraphs of the cleaned text, in this process).
With ``startup`` it only times a worker's start-up (import and warm-up). The
result (run seconds, CPU seconds of the run including its worker processes,
manifest figures) is printed as one JSON line on stdout.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any


def _lcut_speed(out: Path) -> dict[str, float]:
    """Seconds of plain jieba ``lcut`` over every paragraph of ``articles.text``."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from pipeline.segment import jieba_tokenizer

    table = pq.read_table(out / "articles.parquet", columns=["text", "status"])
    texts = table.filter(pc.equal(table["status"], "ok"))["text"].to_pylist()
    paragraphs = [p for text in texts for p in text.split("\n")]
    lcut = jieba_tokenizer().lcut
    lcut("预热")
    started = time.perf_counter()
    for paragraph in paragraphs:
        lcut(paragraph)
    seconds = time.perf_counter() - started
    return {
        "lcut_seconds": seconds,
        "text_bytes": sum(len(p.encode("utf-8")) for p in paragraphs),
        "paragraphs": len(paragraphs),
    }


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (pool workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _startup(segmenter: str) -> dict[str, Any]:
    """Seconds a fresh worker process spends importing the pipeline and warming up."""
    started = time.perf_counter()
    from pipeline.runner import warm_up

    imported = time.perf_counter()
    warm_up(segmenter)
    return {
        "import_seconds": imported - started,
        "warm_up_seconds": time.perf_counter() - imported,
        "seconds": time.perf_counter() - started,
    }


def main(spec: dict[str, Any]) -> dict[str, Any]:
    if spec.get("startup"):
        return _startup(spec.get("segmenter", "jieba"))
    from pipeline.runner import Options, run

    options = Options(
        raw=Path(spec["raw"]),
        out=Path(spec["out"]),
        workers=int(spec.get("workers", 1)),
        segmenter=spec.get("segmenter", "jieba"),
        force=bool(spec.get("force", True)),
        progress=False,
    )
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    if spec.get("engine", "local") == "dask":
        from pipeline.dask_engine import run_dask

        manifest = run_dask(options)
    else:
        manifest = run(options)
    result: dict[str, Any] = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu_before,
    }
    for key in ("bytes_processed", "records_processed", "files", "files_processed", "partitions"):
        result[key] = manifest.get(key)
    result["up_to_date"] = bool(manifest.get("up_to_date"))
    result["stage_seconds"] = manifest.get("stage_seconds", {})
    result["counts"] = manifest.get("counts", {})
    result["errors"] = manifest.get("errors", {})
    if spec.get("lcut"):
        result.update(_lcut_speed(options.out))
    return result


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
