"""``make bench``: throughput, scaling, memory and re-run cost of the pipeline.

Builds two seeded corpora (``BENCH_SIZES`` in MB, default ``10,100``) under
``bench/out/corpus`` (see :mod:`bench.corpus`), runs the pipeline on them, each
run in a fresh interpreter whose process tree is sampled for peak RSS, prints one
table and writes ``bench/out/results.json``:

* end-to-end MB/s on 1 worker with jieba vs plain ``jieba lcut`` on the same
  cleaned text in the same process;
* 2 workers / 1 worker speed-up (jieba on both corpora, rjieba on the large one);
* peak RSS on the large corpus / on the small one (2 workers, rjieba);
* re-run on unchanged input / full run (large corpus);
* rjieba MB/s per worker on txt and html pages: on the large corpus's txt and html
  sub-corpora (start-up amortised, as in a long run: the goal) and per input kind
  on the small one (txt, html, jsonl; each a 2-4 MB run, ~0.8 s of it start-up);
* MB/s of input per stage (``stage_seconds`` of the manifests: the jieba run on the
  small corpus, the rjieba run on the large one);
* the Dask engine (local cluster, 2 workers) vs the local runner;
* rjieba vs jieba: share of identical word boundaries on the bench text.

MB is 10^6 bytes of input files. Figures are wall-clock; the load average at each
run is recorded, as other work on the machine slows every figure down.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bench.corpus import KINDS, build, build_pool, corpus_bytes
from bench.measure import measure
from bench.tokens import boundary_agreement

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
PAGE_KINDS = ("txt", "html")  # the per-worker goal is on pages: txt and html mixed
MAX_ERROR_SHARE = 0.01  # more error rows than this: the run measured a broken pipeline
GOALS = {
    "jieba_ratio": (">=", 0.7),
    "speedup_2w": (">=", 1.8),
    "speedup_2w_large": (">=", 1.8),
    "speedup_2w_jieba_large": (">=", 1.8),
    "rss_ratio": ("<=", 1.2),
    "rerun_ratio": ("<=", 0.05),
    "rjieba_mbps": (">=", 5.0),
}


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _sizes() -> tuple[float, float]:
    raw = os.environ.get("BENCH_SIZES", "10,100")
    sizes = [float(s) for s in raw.split(",") if s.strip()]
    if not sizes:
        raise SystemExit("BENCH_SIZES must list one or two sizes in MB, e.g. 10,100")
    return min(sizes), max(sizes)


def _read_all(directory: Path) -> None:
    """Read every file once, so that no measured run waits for the disk (page cache).

    Measured: a 2-worker rjieba run on 100 MB took 16.9 s with the corpus out of
    the page cache and 15.6 s in it.
    """
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            path.read_bytes()


def _label(size: float) -> str:
    return f"{size:g}MB"


class Bench:
    """Runs and remembers every measured run by name."""

    def __init__(self) -> None:
        self.runs: dict[str, dict[str, Any]] = {}
        self.warnings: list[str] = []

    def run(self, name: str, raw: Path, **spec: Any) -> dict[str, Any]:
        out = OUT / "runs" / name
        if spec.get("force", True):
            shutil.rmtree(out, ignore_errors=True)
        load = os.getloadavg()[0]
        result = measure({"raw": str(raw), "out": str(out), "force": True, **spec})
        result["load_before"] = load
        result["mbps"] = result["bytes_processed"] / 1e6 / result["seconds"]
        result["cpu_mbps"] = result["bytes_processed"] / 1e6 / max(result["cpu_seconds"], 1e-9)
        self.runs[name] = result
        errors = sum(result["errors"].values())
        if errors > MAX_ERROR_SHARE * max(result["records_processed"] or 0, 1):
            kinds = ", ".join(f"{k} x{n}" for k, n in result["errors"].items())
            self.warnings.append(
                f"{name}: {errors} error rows ({kinds}): its figures are not valid"
            )
            _log(f"WARNING {self.warnings[-1]}")
        _log(
            f"{name}: {result['seconds']:.1f} s, {result['mbps']:.3f} MB/s "
            f"({result['cpu_seconds']:.1f} CPU s), "
            f"peak RSS {result['peak_rss_mb']:.0f} MB (load {load:.1f})"
        )
        return result


def _stage_mbps(runs: list[dict[str, Any]]) -> dict[str, float]:
    """MB of input per second spent in each stage, over one or more runs."""
    total = sum(r["bytes_processed"] for r in runs) / 1e6
    seconds: dict[str, float] = {}
    for r in runs:
        for stage, s in r["stage_seconds"].items():
            seconds[stage] = seconds.get(stage, 0.0) + s
    return {stage: total / s for stage, s in sorted(seconds.items()) if s > 0}


def _combined_mbps(runs: list[dict[str, Any]]) -> float:
    return sum(r["bytes_processed"] for r in runs) / 1e6 / sum(r["seconds"] for r in runs)


def _combined_cpu_mbps(runs: list[dict[str, Any]]) -> float:
    return sum(r["bytes_processed"] for r in runs) / 1e6 / sum(r["cpu_seconds"] for r in runs)


def _check(key: str, value: float) -> str:
    op, goal = GOALS[key]
    ok = value >= goal if op == ">=" else value <= goal
    return f"{op} {goal:g} {'ok' if ok else 'MISSED'}"


def main() -> int:
    started = time.perf_counter()
    small, large = _sizes()
    OUT.mkdir(parents=True, exist_ok=True)
    pool = build_pool()
    corpora: dict[str, Path] = {}
    for size in dict.fromkeys((small, large)):
        directory = OUT / "corpus" / _label(size)
        _log(f"corpus {_label(size)} -> {directory}")
        build(directory, size, pool)
        _read_all(directory)
        corpora[_label(size)] = directory
    s_dir, l_dir = corpora[_label(small)], corpora[_label(large)]
    for segmenter in ("jieba", "rjieba"):  # untimed: fills the caches a first start builds
        measure({"startup": True, "segmenter": segmenter})
    bench = Bench()

    one = bench.run("jieba-1w", s_dir, workers=1, segmenter="jieba", lcut=True)
    two = bench.run("jieba-2w", s_dir, workers=2, segmenter="jieba")
    kinds = {
        k: bench.run(f"rjieba-1w-{k}", s_dir / k, workers=1, segmenter="rjieba") for k in KINDS
    }
    small2 = bench.run("rjieba-2w-small", s_dir, workers=2, segmenter="rjieba")
    dask2 = bench.run("dask-rjieba-2w-small", s_dir, workers=2, segmenter="rjieba", engine="dask")
    if large != small:
        large2 = bench.run("rjieba-2w-large", l_dir, workers=2, segmenter="rjieba")
        large1 = bench.run("rjieba-1w-large", l_dir, workers=1, segmenter="rjieba")
        jieba2 = bench.run("jieba-2w-large", l_dir, workers=2, segmenter="jieba")
        jieba1 = bench.run("jieba-1w-large", l_dir, workers=1, segmenter="jieba")
        large_pages = [
            bench.run(f"rjieba-1w-large-{k}", l_dir / k, workers=1, segmenter="rjieba")
            for k in PAGE_KINDS
        ]
    else:
        large2 = small2
        large1 = bench.run("rjieba-1w-small", s_dir, workers=1, segmenter="rjieba")
        jieba2, jieba1 = two, one
        large_pages = [kinds[k] for k in PAGE_KINDS]
    rerun_name = "rjieba-2w-large" if large != small else "rjieba-2w-small"
    rerun = measure(
        {
            "raw": str(l_dir),
            "out": str(OUT / "runs" / rerun_name),
            "workers": 2,
            "segmenter": "rjieba",
            "force": False,
        }
    )
    bench.runs["rerun-large"] = rerun
    _log(f"rerun-large: {rerun['seconds']:.2f} s (up to date: {rerun['up_to_date']})")
    started_up = {seg: measure({"startup": True, "segmenter": seg}) for seg in ("jieba", "rjieba")}
    startup = {seg: r["seconds"] for seg, r in started_up.items()}
    # the part of start-up inside a run's timed window (the runner is imported before it)
    warm_up = started_up["rjieba"]["warm_up_seconds"]
    _log("start-up per worker: " + ", ".join(f"{k} {v:.2f} s" for k, v in startup.items()))
    _log("rjieba vs jieba token boundaries")
    agreement = boundary_agreement(OUT / "runs" / "jieba-1w")

    lcut_mbps = one["text_bytes"] / 1e6 / one["lcut_seconds"]
    pages = [kinds[k] for k in PAGE_KINDS]
    metrics = {
        "e2e_jieba_1w_mbps": one["mbps"],
        "e2e_jieba_1w_clean_mbps": one["text_bytes"] / 1e6 / one["seconds"],
        "lcut_mbps": lcut_mbps,
        "jieba_ratio": one["mbps"] / lcut_mbps,
        "jieba_ratio_same_bytes": one["lcut_seconds"] / one["seconds"],
        "speedup_2w": one["seconds"] / two["seconds"],
        # start-up (~1 s per process) weighs less on the large corpus
        "speedup_2w_large": large1["seconds"] / large2["seconds"],
        # the default segmenter where start-up is amortised: how the work itself scales
        "speedup_2w_jieba_large": jieba1["seconds"] / jieba2["seconds"],
        "rjieba_1w_large_mbps": large1["mbps"],
        "rss_small_mb": small2["peak_rss_mb"],
        "rss_large_mb": large2["peak_rss_mb"],
        "rss_ratio": large2["peak_rss_mb"] / small2["peak_rss_mb"],
        "rerun_seconds": rerun["seconds"],
        "rerun_ratio": rerun["seconds"] / large2["seconds"],
        # per worker on pages, start-up amortised over the large corpus (the goal)
        "rjieba_mbps": _combined_mbps(large_pages),
        "rjieba_cpu_mbps": _combined_cpu_mbps(large_pages),
        # the same on the small corpus, where start-up weighs much more
        "rjieba_mbps_small": _combined_mbps(pages),
        "rjieba_cpu_mbps_small": _combined_cpu_mbps(pages),
        "startup_share_small": len(pages) * warm_up / sum(r["seconds"] for r in pages),
        "rjieba_mbps_all_kinds": _combined_mbps(list(kinds.values())),
        "rjieba_kind_mbps": {k: r["mbps"] for k, r in kinds.items()},
        "stage_mbps_jieba": _stage_mbps([one]),
        "stage_mbps_rjieba": _stage_mbps([large1]),  # the longest rjieba run: steadiest
        "local_2w_rjieba_mbps": small2["mbps"],
        "dask_2w_rjieba_mbps": dask2["mbps"],
        "boundaries": agreement,
        "startup_seconds": startup,
        # the large page runs without each process's start-up (what a long run tends to)
        "rjieba_steady_mbps": sum(r["bytes_processed"] for r in large_pages)
        / 1e6
        / sum(r["seconds"] - warm_up for r in large_pages),
    }
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "sizes_mb": {"small": small, "large": large},
        "corpus_bytes": {name: corpus_bytes(path) for name, path in corpora.items()},
        "metrics": metrics,
        "goals": {k: list(v) for k, v in GOALS.items()},
        "warnings": bench.warnings,
        "runs": bench.runs,
        "load_average": os.getloadavg(),
        "bench_seconds": time.perf_counter() - started,
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table(results))
    return 0


def _rate(mbps: float, cpu_mbps: float) -> str:
    return f"{mbps:.3f} MB/s  (per CPU s {cpu_mbps:.3f})"


def table(results: dict[str, Any]) -> str:
    """The results as one plain-text table."""
    m = results["metrics"]
    runs = results["runs"]
    small, large = (_label(results["sizes_mb"][k]) for k in ("small", "large"))
    b = m["boundaries"]
    one, two = runs["jieba-1w"], runs["jieba-2w"]
    rows: list[tuple[str, str, str]] = [
        (f"end-to-end, 1 worker, jieba ({small})", _rate(one["mbps"], one["cpu_mbps"]), ""),
        ("plain jieba lcut, cleaned text, same process", f"{m['lcut_mbps']:.3f} MB/s", ""),
        (
            "  ratio: input MB/s / lcut MB/s",
            f"{m['jieba_ratio']:.2f}",
            _check("jieba_ratio", m["jieba_ratio"]),
        ),
        ("  ratio on the same bytes: lcut s / run s", f"{m['jieba_ratio_same_bytes']:.2f}", ""),
        (f"2 workers, jieba ({small})", _rate(two["mbps"], two["cpu_mbps"]), ""),
        (
            "  speed-up 2 workers / 1",
            f"{m['speedup_2w']:.2f}x",
            _check("speedup_2w", m["speedup_2w"]),
        ),
        (
            f"  speed-up 2 workers / 1, rjieba ({large})",
            f"{m['speedup_2w_large']:.2f}x",
            _check("speedup_2w_large", m["speedup_2w_large"]),
        ),
        (
            f"  speed-up 2 workers / 1, jieba ({large})",
            f"{m['speedup_2w_jieba_large']:.2f}x",
            _check("speedup_2w_jieba_large", m["speedup_2w_jieba_large"]),
        ),
        (
            f"peak RSS, 2 workers, rjieba: {small} / {large}",
            f"{m['rss_small_mb']:.0f} MB / {m['rss_large_mb']:.0f} MB",
            "",
        ),
        ("  ratio", f"{m['rss_ratio']:.2f}", _check("rss_ratio", m["rss_ratio"])),
        (
            f"re-run on unchanged input ({large}) / full run",
            f"{m['rerun_seconds']:.2f} s / {runs['rjieba-2w-large']['seconds']:.1f} s = "
            f"{m['rerun_ratio']:.3f}"
            if "rjieba-2w-large" in runs
            else f"{m['rerun_ratio']:.3f}",
            _check("rerun_ratio", m["rerun_ratio"]),
        ),
        (
            f"rjieba, 1 worker, txt+html ({large} pages)",
            _rate(m["rjieba_mbps"], m["rjieba_cpu_mbps"]),
            _check("rjieba_mbps", m["rjieba_mbps"]),
        ),
    ]
    if "rjieba_steady_mbps" in m:
        rows.append(
            ("  the same without start-up (long runs)", f"{m['rjieba_steady_mbps']:.3f} MB/s", "")
        )
    if "rjieba_1w_large_mbps" in m:
        rows.append((f"  all kinds, {large}", f"{m['rjieba_1w_large_mbps']:.3f} MB/s", ""))
    if "rjieba_mbps_small" in m:
        rows.append(
            (
                f"  txt+html, {small} (start-up {m['startup_share_small']:.0%} of these runs)",
                _rate(m["rjieba_mbps_small"], m["rjieba_cpu_mbps_small"]),
                "",
            )
        )
    for kind in m["rjieba_kind_mbps"]:
        run = runs[f"rjieba-1w-{kind}"]
        rows.append((f"  {kind} only, {small}", _rate(run["mbps"], run["cpu_mbps"]), ""))
    rows.append((f"  all kinds, {small}", f"{m['rjieba_mbps_all_kinds']:.3f} MB/s", ""))
    rows.append(
        (f"MB of input / s spent in a stage ({small} | {large})", "jieba run | rjieba run", "")
    )
    for stage in sorted(set(m["stage_mbps_jieba"]) | set(m["stage_mbps_rjieba"])):
        j = m["stage_mbps_jieba"].get(stage, float("nan"))
        r = m["stage_mbps_rjieba"].get(stage, float("nan"))
        rows.append((f"  {stage}", f"{j:8.2f} | {r:8.2f}", ""))
    for seg, seconds in m.get("startup_seconds", {}).items():
        rows.append((f"start-up of a worker process, {seg}", f"{seconds:.2f} s", ""))
    local2, dask2 = runs["rjieba-2w-small"], runs["dask-rjieba-2w-small"]
    rows.append(
        (
            f"local runner, 2 workers, rjieba ({small})",
            _rate(local2["mbps"], local2["cpu_mbps"]),
            "",
        )
    )
    rows.append(
        (
            f"Dask LocalCluster, 2 workers, rjieba ({small})",
            _rate(dask2["mbps"], dask2["cpu_mbps"]),
            "",
        )
    )
    rows.append(
        (
            "rjieba vs jieba: identical word boundaries",
            f"{b['boundary_share']:.2%} (tokens {b['token_share']:.2%}, "
            f"paragraphs {b['paragraph_share']:.2%})",
            "",
        )
    )
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    lines = [f"{'metric':<{width}}  {'value':<{vwidth}}  goal", "-" * (width + vwidth + 16)]
    lines += [f"{a:<{width}}  {v:<{vwidth}}  {g}".rstrip() for a, v, g in rows]
    loads = " ".join(f"{r['load_before']:.1f}" for r in runs.values() if "load_before" in r)
    lines.append(
        f"bench: {results['bench_seconds']:.0f} s on {results['machine']['cpus']} CPUs; "
        f"load average before each run: {loads}"
    )
    lines += [f"WARNING {warning}" for warning in results["warnings"]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
