"""The output tables of CONTRACT.md: explicit Arrow schemas and ``load_tables``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa

SCHEMA_VERSION = 1

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("doc_id", pa.string()),
            ("source", pa.string()),
            ("url", pa.string()),
            ("title", pa.string()),
            ("variant", pa.string()),
            ("text", pa.string()),
            ("chars_in", pa.int64()),
            ("chars_out", pa.int64()),
            ("status", pa.string()),
            ("error", pa.string()),
        ]
    ),
    "removed": pa.schema([("doc_id", pa.string()), ("rule", pa.string()), ("text", pa.string())]),
    "tokens": pa.schema(
        [("doc_id", pa.string()), ("para", pa.int64()), ("tokens", pa.list_(pa.string()))]
    ),
    "steps": pa.schema(
        [
            ("doc_id", pa.string()),
            ("list_no", pa.int64()),
            ("heading", pa.string()),
            ("step_no", pa.int64()),
            ("marker", pa.string()),
            ("title", pa.string()),
            ("text", pa.string()),
        ]
    ),
    "fees": pa.schema(
        [
            ("doc_id", pa.string()),
            ("fee_type", pa.string()),
            ("amount", pa.float64()),
            ("amount_max", pa.float64()),
            ("rate", pa.float64()),
            ("period", pa.string()),
            ("surface", pa.string()),
            ("sentence", pa.string()),
        ]
    ),
}
# Not in the contract's five: the extra jsonl keys of each article, as JSON text.
EXTRA_SCHEMAS: dict[str, pa.Schema] = {
    "meta": pa.schema([("doc_id", pa.string()), ("meta", pa.string())]),
}
TABLES = tuple(SCHEMAS)
COLUMNS = {name: tuple(schema.names) for name, schema in SCHEMAS.items()}


def doc_id(source: str) -> str:
    """Stable id of an article: the same ``source`` gives the same id everywhere."""
    return hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def load_tables(out: str | Path = "processed") -> dict:
    """Read every table under ``out`` into pandas DataFrames, keyed by table name."""
    import pandas as pd

    out = Path(out)
    if not out.is_dir():
        raise FileNotFoundError(f"no output directory {out} (run `make process` first)")
    tables = {}
    for name in (*SCHEMAS, *EXTRA_SCHEMAS):
        path = out / f"{name}.parquet"
        if path.exists():
            tables[name] = pd.read_parquet(path)
    return tables
