"""Rule ``repeated``: a paragraph (or the title) appearing again inside one article.

Only prose repeats: a block needs Chinese text to count, so a code line or a
number printed twice (``print(arr)``) is content, not a pasted duplicate.
"""

from __future__ import annotations

import re

from pipeline.clean.base import Rule, rule_config
from pipeline.document import Block, Document

_SEP = "\x00"  # joins the texts whose keys are worked out at once (not a word character)
_WORDS = re.compile(r"\w+")  # what is left of a text without whitespace, punctuation, "_"
_WORDS_AND_SEP = re.compile(f"[\\w{_SEP}]+")  # ...and the separators of joined texts
_HAN = re.compile(r"[\u3400-\u9fff]")
_MIN_HAN = 4


def _key(text: str) -> str:
    """``text`` without whitespace, punctuation and ``_``, lower-cased."""
    return "".join(_WORDS.findall(text)).replace("_", "").lower()


def keys(texts: list[str]) -> list[str]:
    """The :func:`_key` of each text, worked out over the joined texts at once.

    The separator is kept and, not being a cased letter nor case-ignorable, ends
    a key for ``lower`` as the end of a string does (a final sigma stays final).
    """
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:  # a text holds the separator itself
        return [_key(text) for text in texts]
    return "".join(_WORDS_AND_SEP.findall(joined)).replace("_", "").lower().split(_SEP)


def _has_prose(key: str) -> bool:
    return len(_HAN.findall(key, 0, 64)) >= _MIN_HAN


class Repeated(Rule):
    """Keeps the first copy of each paragraph; later copies are audited as ``repeated``."""

    name = "repeated"

    def __init__(self) -> None:
        self.min_chars = int(rule_config(self.name)["min_chars"])

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        found = keys([block.text for block in blocks])
        title = _key(doc.title) if doc.title else None
        distinct = set(found)
        if len(distinct) == len(found) and title not in distinct:
            return blocks  # no key comes twice: nothing repeats
        seen = set() if title is None else {title}
        kept = []
        for block, key in zip(blocks, found, strict=True):
            if len(key) >= self.min_chars and key in seen and _has_prose(key):
                self.drop(doc, block)
                continue
            seen.add(key)
            kept.append(block)
        return kept
