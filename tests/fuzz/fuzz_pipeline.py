"""Atheris fuzz target: bytes -> decode -> html -> clean -> extract (``process_record``).

Run it with ``make fuzz`` (``FUZZ_SECONDS=600 make fuzz`` for longer) or directly::

    .venv/bin/python tests/fuzz/fuzz_pipeline.py tests/fuzz/corpus -max_total_time=60

The first input byte picks the source name (``.txt``/``.html``/``.htm``/``.jsonl`` line
records), the rest are the raw bytes. Each input must give rows that satisfy the output
contract: no exception, exactly the five tables with exactly their columns, one
``articles`` row with status ``ok`` or ``error`` (an error with a reason, ok with text),
every row writable to Parquet, fee surfaces inside the text, steps numbered 1..n.
See ``tests/fuzz/README.md``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

try:
    import atheris
except ImportError:  # replaying inputs (tests/test_hostile.py) needs no atheris
    atheris = None

with atheris.instrument_imports(include=["pipeline"]) if atheris else contextlib.nullcontext():
    import importlib
    import pkgutil

    import pipeline

    # process_record imports its stages lazily: import them all here so they are instrumented
    for module in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if module.name not in ("pipeline.dask_engine", "pipeline.__main__"):
            importlib.import_module(module.name)
    from pipeline.readers import InputFile, records_from
    from pipeline.record import process_record
    from pipeline.tables import COLUMNS, doc_id
    from pipeline.writers import to_arrow

SOURCES = ("f.txt", "f.html", "f.htm", "f.jsonl")
SEEDS = Path(__file__).resolve().parent / "corpus"
DICTIONARY = Path(__file__).resolve().parent / "pipeline.dict"
DEFAULT_FLAGS = ("-timeout=30", "-max_len=16384", "-rss_limit_mb=4096", f"-dict={DICTIONARY}")
# Every reason the pipeline gives for an error row; anything else (``KeyError: 'x'``) is a
# bug that process_record's last-resort guard turned into an error row.
REASONS = re.compile(
    r"^(empty file|file holds only|binary content|undecodable|unreadable|invalid JSON|"
    r"jsonl (line|file)|record has no|empty article|no article text|timeout)"
)


def check(record: dict, rows: dict) -> None:
    """The output invariants of one record (AssertionError names the broken one)."""
    assert set(rows) == set(COLUMNS), sorted(rows)
    for name, table_rows in rows.items():
        for row in table_rows:
            assert set(row) == set(COLUMNS[name]), (name, sorted(row))
        to_arrow(name, table_rows)
    assert len(rows["articles"]) == 1
    article = rows["articles"][0]
    assert article["doc_id"] == doc_id(article["source"])
    assert article["status"] in ("ok", "error"), article["status"]
    if article["status"] == "error":
        assert isinstance(article["error"], str) and REASONS.match(article["error"]), article
        assert not any(rows[name] for name in ("removed", "tokens", "steps", "fees"))
        return
    text = article["text"]
    assert article["error"] is None and text and article["chars_out"] == len(text)
    assert [row["para"] for row in rows["tokens"]] == list(range(text.count("\n") + 1))
    for fee in rows["fees"]:
        assert fee["surface"] in text, fee
    lists: dict[int, list[int]] = {}
    for step in rows["steps"]:
        lists.setdefault(step["list_no"], []).append(step["step_no"])
    assert sorted(lists) == list(range(1, len(lists) + 1)), lists
    for numbers in lists.values():
        assert numbers == list(range(1, len(numbers) + 1)), lists


def records(data: bytes) -> list[dict]:
    """The records a file of these bytes gives (jsonl through the real line reader)."""
    if not data:
        return [{"source": "f.txt", "raw": b""}]
    source, raw = SOURCES[data[0] % len(SOURCES)], data[1:]
    if source.endswith(".jsonl"):
        file = InputFile(source, source, len(raw), 0)
        return list(records_from(file, raw, None))
    return [{"source": source, "raw": raw}]


def test_one_input(data: bytes) -> None:
    for record in records(data):
        rows = process_record(record)
        try:
            check(record, rows)
        except AssertionError:
            print(json.dumps(rows, ensure_ascii=False, default=str)[:2000], file=sys.stderr)
            raise


def main() -> None:
    if atheris is None:
        sys.exit("atheris is not installed: run `make fuzz` (it installs the fuzz extra)")
    argv = list(sys.argv)
    for flag in DEFAULT_FLAGS:
        if not any(arg.startswith(flag.split("=")[0] + "=") for arg in argv[1:]):
            argv.append(flag)
    if not any(not arg.startswith("-") for arg in argv[1:]):
        # no corpus given: grow one outside the repo, starting from the checked-in seeds
        work = Path(os.environ.get("FUZZ_CORPUS", Path(tempfile.gettempdir(), "pipeline-fuzz")))
        work.mkdir(parents=True, exist_ok=True)
        argv += [str(work), str(SEEDS)]
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
