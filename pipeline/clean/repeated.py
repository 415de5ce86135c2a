"""Rule ``repeated``: a paragraph (or the title) appearing again inside one article.

Only prose repeats: a block needs Chinese text to count, so a code line or a
number printed twice (``print(arr)``) is content, not a pasted duplicate.
"""

from __future__ import annotations

import re

from pipeline.clean.base import Rule, rule_config
from pipeline.document import Block, Document

_WORDS = re.compile(r"\w+")  # what is left of a text without whitespace, punctuation, "_"
_HAN = re.compile(r"[\u3400-\u9fff]")
_MIN_HAN = 4


def _key(text: str) -> str:
    """``text`` without whitespace, punctuation and ``_``, lower-cased."""
    return "".join(_WORDS.findall(text)).replace("_", "").lower()


def _has_prose(key: str) -> bool:
    return len(_HAN.findall(key, 0, 64)) >= _MIN_HAN


class Repeated(Rule):
    """Keeps the first copy of each paragraph; later copies are audited as ``repeated``."""

    name = "repeated"

    def __init__(self) -> None:
        self.min_chars = int(rule_config(self.name)["min_chars"])

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        seen = {_key(doc.title)} if doc.title else set()
        kept = []
        for block in blocks:
            key = _key(block.text)
            if len(key) >= self.min_chars and key in seen and _has_prose(key):
                self.drop(doc, block)
                continue
            seen.add(key)
            kept.append(block)
        return kept
