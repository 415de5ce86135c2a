"""Repair: remove runs of decoding damage (``?;▎h``, ``锟斤拷``, U+FFFD, ``Ã¥Â…``).

Patterns live in ``resources/mojibake.json``; every run needs evidence of damage
(replacement characters, box-drawing or Cyrillic glyphs between Chinese
characters, stray pinyin fragments closed by ``)``), so real text and real
question marks are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from pipeline.resource import read_json
from pipeline.scanner import Scanner


@cache
def _pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in read_json("mojibake.json")["runs"]))


@cache
def _scanner() -> Scanner:
    """:func:`_pattern`, tried only where a damaged run can start."""
    return Scanner(_pattern())


def remove_mojibake(text: str, record: Callable[[str], None]) -> str:
    """Return ``text`` without damaged runs; ``record`` receives each removed run."""

    def replace(match: re.Match[str]) -> str:
        record(match.group(0))
        return ""

    return _scanner().sub(replace, text)
