"""What every junk rule shares: a name (the ``removed.rule`` value) and its data."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from pipeline.document import Block, Document
from pipeline.resource import read_json
from pipeline.scanner import Scanner, literals, needles, presence
from pipeline.scanner import minimal as _minimal  # noqa: F401 (tests)

__all__ = [
    "SENTENCE_PUNCT",
    "Needles",
    "Rule",
    "Scanner",
    "any_of",
    "has_content",
    "literals",
    "needles",
    "rule_config",
]

# Sentence punctuation: a line holding one of these reads as prose, not as a title.
SENTENCE_PUNCT = "。，,；！!;"
_CONTENT = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


@cache
def rule_config(name: str) -> dict[str, Any]:
    """The settings of rule ``name`` from ``resources/junk_rules.json``."""
    return read_json("junk_rules.json")[name]


def any_of(patterns: list[str] | tuple[str, ...], *, whole: bool = False) -> re.Pattern[str]:
    """Compile regex alternatives into one pattern (anchored to the whole string if asked)."""
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(f"\\s*(?:{body})\\s*" if whole else body)


class Needles:
    """A cheap pre-check: strings one of which every text a test can pass holds.

    ``found_in(text)`` is false when ``text`` holds none of them, so the test
    cannot pass: one search, in C. Unknown strings (``None``) are found in every text.
    """

    def __init__(self, strings: Iterable[str] | None) -> None:
        self.pattern = None if strings is None else presence(frozenset(strings))
        self.found_in: Callable[[str], object] = (
            _every_text if self.pattern is None else self.pattern.search
        )

    @classmethod
    def of(cls, *patterns: re.Pattern[str], extra: Iterable[str] = ()) -> Needles:
        """The :func:`needles` of every pattern, plus ``extra`` strings."""
        found = [needles(pattern) for pattern in patterns]
        if any(strings is None for strings in found):
            return cls(None)
        return cls(set(extra).union(*found))  # type: ignore[arg-type]


def _every_text(text: str) -> bool:
    return True


def has_content(text: str) -> bool:
    """True when ``text`` holds at least one letter, digit or Han character."""
    return _CONTENT.search(text) is not None


class Rule:
    """A junk rule: maps a document's blocks to the blocks it keeps, auditing the rest."""

    name: str = ""

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        raise NotImplementedError

    def drop(self, doc: Document, block: Block) -> None:
        """Record that this rule removed the whole ``block``."""
        doc.remove(self.name, block.text)
