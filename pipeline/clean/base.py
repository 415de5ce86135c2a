"""What every junk rule shares: a name (the ``removed.rule`` value) and its data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

try:
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

from pipeline.document import Block, Document
from pipeline.resource import read_json

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


class Scanner:
    """``search`` and ``finditer`` of a pattern that try only where a match can start.

    Python's ``re`` tries a pattern that opens with a lookbehind or an optional
    group at every position; this finds the next character that can open a match
    with one character class (scanned in C) and tries the pattern only there. Same
    matches as the pattern's own ``search``/``finditer``; patterns whose first
    characters cannot be worked out, or that can match empty, run as they are.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        chars = first_chars(pattern)
        self.starts = _char_class(chars) if chars else None

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """The leftmost match at or after ``pos``, as ``pattern.search``."""
        if self.starts is None:
            return self.pattern.search(text, pos)
        starts, match = self.starts.search, self.pattern.match
        while (start := starts(text, pos)) is not None:
            found = match(text, start.start())
            if found is not None:
                return found
            pos = start.start() + 1
        return None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Non-overlapping matches left to right, as ``pattern.finditer`` (none is empty)."""
        if self.starts is None:
            yield from self.pattern.finditer(text)
            return
        pos = 0
        while (found := self.search(text, pos)) is not None:
            yield found
            pos = found.end()


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can start with.

    ``None`` when that is not known (an unhandled construct, a negated class or
    category, a non-ASCII cased character under ``IGNORECASE``) or when the
    pattern can match the empty string. Assertions are skipped (they only narrow
    where a match starts); optional items add the characters of what follows.
    """
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
        chars, nullable = _first_of_sequence(list(parsed), pattern.flags)
    except (_Unknown, RecursionError, re.error, TypeError, ValueError):
        return None
    return None if nullable else frozenset(chars)


class _Unknown(Exception):
    """A construct :func:`first_chars` does not handle."""


# Non-ASCII characters that IGNORECASE matches to ASCII letters (İ ı ſ K).
_ASCII_FOLDS = "\u0130\u0131\u017f\u212a"
_MAX_RANGE = 0x30000


def _first_of_sequence(items: list, flags: int) -> tuple[set[str], bool]:
    """First characters of a sequence of parsed items, and whether it can match empty."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _first_of_item(op, av, flags)
        out |= chars
        if not nullable:
            return out, False
    return out, True


_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", _sre.MAX_REPEAT))


def _first_of_item(op: Any, av: Any, flags: int) -> tuple[set[str], bool]:
    """First characters of one parsed item, and whether it can match empty."""
    if op is _sre.LITERAL:
        return _with_case({chr(av)}, flags), False
    if op is _sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add(chr(value))
            elif kind is _sre.RANGE and value[1] - value[0] <= _MAX_RANGE:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            elif kind is _sre.CATEGORY and value in _CATEGORIES:
                chars.update(_category(_CATEGORIES[value], flags & re.ASCII))
            else:
                raise _Unknown(kind)
        return _with_case(chars, flags), False
    if op is _sre.SUBPATTERN:
        _, add, remove, sub = av
        return _first_of_sequence(list(sub), (flags | add) & ~remove)
    if op is _sre.BRANCH:
        out: set[str] = set()
        nullable = False
        for alternative in av[1]:
            chars, empty = _first_of_sequence(list(alternative), flags)
            out |= chars
            nullable = nullable or empty
        return out, nullable
    if op in _REPEATS:
        low, _, sub = av
        chars, empty = _first_of_sequence(list(sub), flags)
        return chars, empty or low == 0
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _first_of_sequence(list(av), flags)
    if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
        return set(), True
    raise _Unknown(op)


_CATEGORIES = {_sre.CATEGORY_SPACE: r"\s"}


@cache
def _category(escape: str, ascii_only: int) -> frozenset[str]:
    """Every character ``\\s`` matches, found by ``re`` itself.

    Only the Basic Multilingual Plane is searched: Unicode has no whitespace outside it.
    """
    every = "".join(map(chr, range(0x10000)))
    return frozenset(re.compile(escape, ascii_only).findall(every))


def _with_case(chars: set[str], flags: int) -> set[str]:
    """``chars`` plus what IGNORECASE lets match them."""
    if not flags & re.IGNORECASE:
        return chars
    out = set(chars)
    for char in chars:
        if char.isascii() and char.isalpha():
            out.update((char.lower(), char.upper(), *_ASCII_FOLDS))
        elif char.lower() != char or char.upper() != char or char.casefold() != char:
            raise _Unknown(char)
    return out


def _char_class(chars: frozenset[str]) -> re.Pattern[str]:
    """One character class matching exactly ``chars`` (written as ranges)."""
    codes = sorted(map(ord, chars))
    parts, start = [], 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[i - 1] + 1:
            low, high = codes[start], codes[i - 1]
            part = re.escape(chr(low))
            if high > low:
                part += "-" + re.escape(chr(high))
            parts.append(part)
            start = i
    return re.compile("[" + "".join(parts) + "]")


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
