"""Pipeline for scraped Chinese finance and consumer-service articles.

Public API (see CONTRACT.md)::

    from pipeline import process_record, parse_money, load_tables

Heavy modules (OpenCC, jieba, pandas) are imported lazily on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Money", "load_tables", "parse_money", "process_record", "process_records"]

_LAZY = {
    "process_record": ("pipeline.record", "process_record"),
    "process_records": ("pipeline.record", "process_records"),
    "parse_money": ("pipeline.money", "parse_money"),
    "Money": ("pipeline.money", "Money"),
    "load_tables": ("pipeline.tables", "load_tables"),
}

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.money import Money, parse_money
    from pipeline.record import process_record, process_records
    from pipeline.tables import load_tables


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
