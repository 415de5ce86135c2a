"""Command line: ``python -m pipeline process --raw DIR --out DIR [--workers N]``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.segment import SEGMENTERS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Clean scraped Chinese finance articles into Parquet tables.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    process = sub.add_parser("process", help="process RAW into OUT (see CONTRACT.md)")
    process.add_argument("--raw", type=Path, default=Path("raw"), help="input folder (raw/)")
    process.add_argument("--out", type=Path, default=Path("processed"), help="output folder")
    process.add_argument(
        "--workers",
        type=int,
        default=max(1, os.cpu_count() or 1),
        help="worker processes (default: the machine's cores)",
    )
    process.add_argument(
        "--segmenter", choices=SEGMENTERS, default="jieba", help="jieba (default) or rjieba"
    )
    process.add_argument(
        "--engine", choices=("local", "dask"), default="local", help="local processes or Dask"
    )
    process.add_argument(
        "--scheduler", default=None, help="Dask scheduler address (default: a local cluster)"
    )
    process.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="time budget per article in seconds; over it the article is an error row (0: none)",
    )
    process.add_argument("--force", action="store_true", help="reprocess every file")
    process.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from pipeline.runner import Options, RunError, run

    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    options = Options(
        raw=args.raw,
        out=args.out,
        workers=args.workers,
        segmenter=args.segmenter,
        timeout=args.timeout,
        force=args.force,
        progress=not args.quiet,
    )
    try:
        if args.engine == "dask":
            from pipeline.dask_engine import run_dask

            manifest = run_dask(options, scheduler=args.scheduler)
        else:
            manifest = run(options)
    except RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: previous tables left unchanged", file=sys.stderr)
        return 130
    if not args.quiet:
        print(summary(manifest, args.out))
    return 0


def summary(manifest: dict, out: Path) -> str:
    """One screen about the run: inputs, rows per table, errors, timings."""
    counts = manifest.get("counts", {})
    if manifest.get("up_to_date"):
        return (
            f"up to date: {manifest.get('files', 0)} files unchanged since "
            f"{manifest.get('finished')}; tables in {out}/"
        )
    lines = [
        f"output: {out}/  ({manifest.get('engine', 'local')}, "
        f"{manifest.get('workers', 1)} workers, segmenter {manifest.get('segmenter')})",
        f"files: {manifest.get('files', 0)} ({manifest.get('files_processed', 0)} processed, "
        f"{manifest.get('files_reused', 0)} unchanged)   time: {manifest.get('seconds', 0):.2f} s",
        "rows:  " + "  ".join(f"{name} {counts.get(name, 0)}" for name in counts),
    ]
    errors = manifest.get("errors") or {}
    if errors:
        lines.append("errors: " + ", ".join(f"{kind} x{n}" for kind, n in errors.items()))
    stages = manifest.get("stage_seconds") or {}
    if stages:
        lines.append("stages: " + "  ".join(f"{k} {v:.2f}s" for k, v in stages.items()))
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
