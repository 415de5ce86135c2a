"""Regex search that tries a pattern only where a match can start.

Python's ``re`` tries a pattern that opens with a lookbehind, a lookahead or an
optional group at every position of the text. :class:`Scanner` works out, from
the parsed pattern, which characters a match can start at, finds the next such
character with one character class (scanned in C) and tries the pattern only
there: the same matches, found faster when those characters are rare. A
one-character negative lookbehind at the start of a branch (``(?<![0-9])``) is
tested in that search too, so a digit inside a number is no start for a branch
that needs a non-digit before it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

try:
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = [
    "Scanner",
    "alternation",
    "char_class",
    "consumed_chars",
    "first_chars",
    "literals",
    "needles",
    "presence",
]

T = TypeVar("T")


class Scanner:
    """``search`` and ``finditer`` of ``pattern``, tried only where a match can start.

    Same results as the pattern's own methods. A pattern whose first characters
    cannot be worked out runs as it is; ``finditer`` also runs as it is for a
    pattern that can match the empty string.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        start = _analyse(pattern)
        self.starts = None if start is None else char_class(start.chars)
        self.never_empty = start is not None and not start.empty
        self.at_start = start is not None and start.at_start
        if start is not None and not start.at_start:
            self.starts = _after_lookbehinds(pattern) or self.starts

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The leftmost match in ``text[pos:endpos]``, as ``pattern.search``."""
        end = len(text) if endpos is None else endpos
        if self.starts is None:
            return self.pattern.search(text, pos, end)
        starts, match = self.starts.search, self.pattern.match
        if self.at_start and pos == 0:  # a branch anchored at the start of the string
            found = match(text, 0, end)
            if found is not None:
                return found
            pos = 1
        while (start := starts(text, pos, end)) is not None:
            found = match(text, start.start(), end)
            if found is not None:
                return found
            pos = start.start() + 1
        return None

    def sub(self, repl: Callable[[re.Match[str]], str], text: str) -> str:
        """``pattern.sub(repl, text)`` for a function ``repl``."""
        if not self.never_empty:
            return self.pattern.sub(repl, text)
        parts: list[str] = []
        last = 0
        for found in self.finditer(text):
            parts.append(text[last : found.start()])
            parts.append(repl(found))
            last = found.end()
        if not parts:
            return text
        parts.append(text[last:])
        return "".join(parts)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Non-overlapping matches left to right, as ``pattern.finditer``."""
        if not self.never_empty:
            yield from self.pattern.finditer(text)
            return
        pos = 0
        while (found := self.search(text, pos)) is not None:
            yield found
            pos = found.end()


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters one of which stands at the start of every match of ``pattern``.

    ``None`` when that is not known: an unhandled construct (a negated class, most
    categories, a non-ASCII cased character under ``IGNORECASE``), or a match that
    can start anywhere (an optional or empty pattern). A zero-width match counts
    when a lookahead fixes the character after it.
    """
    start = _analyse(pattern)
    return None if start is None else start.chars


def _after_lookbehinds(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A start-finding pattern that also tests leading one-character negative lookbehinds.

    It consumes the character a match can start at: one class (so ``re`` skips
    other characters in C), then a branch per set of characters that may not
    precede it. ``None`` when no branch opens with such a lookbehind, or the
    pattern is not understood (the plain class of :func:`first_chars` serves).
    """
    text = _kept("behind", _pattern_key(pattern), lambda: _derive_after_lookbehinds(pattern))
    return None if text is None else re.compile(text)


def _derive_after_lookbehinds(pattern: re.Pattern[str]) -> str | None:
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
        starts, empty = _starts_sequence(list(parsed), pattern.flags, frozenset())
    except (_Unknown, RecursionError, re.error, TypeError, ValueError):
        return None
    if empty or not any(before for _, before in starts):
        return None
    by_before: dict[frozenset[str], frozenset[str]] = {}
    for chars, before in starts:
        by_before[before] = by_before.get(before, frozenset()) | chars
    branches = []
    for before, chars in by_before.items():
        branch = f"(?<={char_class(chars).pattern})"
        if before:
            branch += f"(?s:(?<!{char_class(before).pattern}.))"
        branches.append(branch)
    every = frozenset().union(*by_before.values())
    return f"{char_class(every).pattern}(?:{'|'.join(branches)})"


_Starts = list[tuple[frozenset[str], frozenset[str]]]  # (first chars, chars not before them)


def _starts_sequence(items: list, flags: int, before: frozenset[str]) -> tuple[_Starts, bool]:
    """How matches of items in a row start, and whether they can match empty.

    ``before``: characters that may not precede the match (lookbehinds met so far).
    """
    starts: _Starts = []
    for op, av in items:
        if op is _sre.ASSERT_NOT and av[0] < 0:
            before = before | _one_char(list(av[1]), flags)
            continue
        if op is _sre.AT and av in (
            _sre.AT_BEGINNING,
            _sre.AT_BEGINNING_STRING,
            _sre.AT_BEGINNING_LINE,
        ):
            raise _Unknown(op)  # matches at the start of a string or line: left to first_chars
        if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
            continue  # demands nothing (ignoring a demand only adds starts)
        more, empty = _starts_item(op, av, flags, before)
        starts += more
        if not empty:
            return starts, False
    return starts, True


def _one_char(items: list, flags: int) -> frozenset[str]:
    """Characters a one-character lookbehind surely matches (none when unsure)."""
    if len(items) != 1 or items[0][0] not in (_sre.LITERAL, _sre.IN):
        return frozenset()
    op, av = items[0]
    try:
        return frozenset({chr(av)} if op is _sre.LITERAL else _class(av, flags))
    except _Unknown:
        return frozenset()


def _starts_item(op: Any, av: Any, flags: int, before: frozenset[str]) -> tuple[_Starts, bool]:
    if op is _sre.LITERAL:
        return [(frozenset(_case_variants({chr(av)}, flags)), before)], False
    if op is _sre.IN:
        return [(frozenset(_case_variants(_class(av, flags), flags)), before)], False
    if op is _sre.SUBPATTERN:
        _, add, remove, sub = av
        return _starts_sequence(list(sub), (flags | add) & ~remove, before)
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _starts_sequence(list(av), flags, before)
    if op is _sre.BRANCH:
        starts: _Starts = []
        empty = False
        for alternative in av[1]:
            more, can_be_empty = _starts_sequence(list(alternative), flags, before)
            starts += more
            empty = empty or can_be_empty
        return starts, empty
    if op in _REPEATS:
        low, _, sub = av
        starts, empty = _starts_sequence(list(sub), flags, before)
        return starts, empty or low == 0
    raise _Unknown(op)


@dataclass(frozen=True)
class _Start:
    """How matches of a pattern start."""

    chars: frozenset[str]  # one of these is the character at the start of every match...
    empty: bool  # some match is the empty string
    at_start: bool  # ...or the match starts at the start of the string


@cache
def _analyse(pattern: re.Pattern[str]) -> _Start | None:
    found = _kept("start", _pattern_key(pattern), lambda: _derive_start(pattern))
    return None if found is None else _Start(*found)


def _derive_start(pattern: re.Pattern[str]) -> tuple[frozenset[str], bool, bool] | None:
    """``_Start``'s fields for ``pattern`` (plain data, kept across processes)."""
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
        first = _sequence(list(parsed), pattern.flags)
    except (_Unknown, RecursionError, re.error, TypeError, ValueError):
        return None
    if not first.fixes:
        return None
    return frozenset(first.chars), first.empty, first.at_start


class _Unknown(Exception):
    """A construct the analysis does not handle."""


@dataclass(frozen=True)
class _First:
    """What a piece of pattern says about the character where its match starts.

    When ``fixes``, every match of the piece has one of ``chars`` there (it consumes
    it, or a lookahead demands it), or starts at the start of the string when
    ``at_start`` (``^``, ``\\A``). Otherwise the piece can also match empty without
    any demand, and ``chars`` are those it can consume first.
    """

    chars: frozenset[str]
    empty: bool  # the piece can match the empty string
    fixes: bool
    at_start: bool = False


_NOTHING = _First(frozenset(), True, False)  # a lookbehind, an anchor: no demand here
_STRING_START = _First(frozenset(), True, True, True)  # ^ (not MULTILINE), \A
# Non-ASCII characters that IGNORECASE matches to ASCII letters (İ ı ſ K).
_ASCII_FOLDS = "\u0130\u0131\u017f\u212a"
_MAX_RANGE = 0x30000
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", _sre.MAX_REPEAT))
_CATEGORIES = {_sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_DIGIT: r"\d"}


def _sequence(items: list, flags: int) -> _First:
    """Items in a row: the characters of each up to the first that fixes the start."""
    chars: set[str] = set()
    fixes = False
    empty = True
    at_start = False
    for op, av in items:
        if fixes:  # only whether the rest can match empty still matters
            try:
                empty = empty and _item(op, av, flags).empty
            except _Unknown:
                pass  # it may: empty stays as it is
            continue
        first = _item(op, av, flags)
        chars |= first.chars
        fixes = first.fixes
        at_start = at_start or first.at_start
        empty = empty and first.empty
    return _First(frozenset(chars), empty, fixes, at_start)


def _group(op: Any, av: Any, flags: int) -> tuple[list, int] | None:
    """The items of a group (capturing or not, atomic) and the flags inside it."""
    if op is _sre.SUBPATTERN:
        _, add, remove, sub = av
        return list(sub), (flags | add) & ~remove
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return list(av), flags
    return None


def _item(op: Any, av: Any, flags: int) -> _First:
    """One parsed item (unknown constructs raise :class:`_Unknown`)."""
    if op is _sre.LITERAL:
        return _First(frozenset(_case_variants({chr(av)}, flags)), False, True)
    if op is _sre.IN:
        return _First(frozenset(_case_variants(_class(av, flags), flags)), False, True)
    if (group := _group(op, av, flags)) is not None:
        return _sequence(*group)
    if op is _sre.BRANCH:
        alternatives = [_sequence(list(alternative), flags) for alternative in av[1]]
        return _First(
            frozenset().union(*(a.chars for a in alternatives)),
            any(a.empty for a in alternatives),
            all(a.fixes for a in alternatives),
            any(a.at_start for a in alternatives),
        )
    if op in _REPEATS:
        low, _, sub = av
        first = _sequence(list(sub), flags)
        if low == 0:
            return _First(first.chars, True, False, first.at_start)
        return first
    if op is _sre.ASSERT:
        direction, sub = av
        if direction < 0:
            return _NOTHING  # a lookbehind demands nothing of what follows
        first = _sequence(list(sub), flags)
        return _First(first.chars, True, True, first.at_start) if first.fixes else _NOTHING
    if op is _sre.AT and (
        av is _sre.AT_BEGINNING_STRING or (av is _sre.AT_BEGINNING and not flags & re.MULTILINE)
    ):
        return _STRING_START
    if op is _sre.ASSERT_NOT or op is _sre.AT:
        return _NOTHING
    raise _Unknown(op)


def consumed_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can consume.

    ``None`` when that is not worked out: lookarounds, any-character, an unhandled
    class or a non-ASCII cased character under ``IGNORECASE``.
    """
    return _kept("consumed", _pattern_key(pattern), lambda: _derive_consumed(pattern))


def _derive_consumed(pattern: re.Pattern[str]) -> frozenset[str] | None:
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
        return frozenset(_consumed(list(parsed), pattern.flags))
    except (_Unknown, RecursionError, re.error, TypeError, ValueError):
        return None


def _consumed(items: list, flags: int) -> set[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL or op is _sre.IN:
            found = {chr(av)} if op is _sre.LITERAL else _class(av, flags)
            chars |= _case_variants(found, flags)
        elif op is _sre.BRANCH:
            for alternative in av[1]:
                chars |= _consumed(list(alternative), flags)
        elif (group := _group(op, av, flags)) is not None:
            chars |= _consumed(*group)
        elif op in _REPEATS:
            chars |= _consumed(list(av[2]), flags)
        elif op is not _sre.AT:
            raise _Unknown(op)
    return chars


def _class(items: list, flags: int) -> set[str]:
    chars: set[str] = set()
    for kind, value in items:
        if kind is _sre.LITERAL:
            chars.add(chr(value))
        elif kind is _sre.RANGE and value[1] - value[0] <= _MAX_RANGE:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        elif kind is _sre.CATEGORY and value in _CATEGORIES:
            chars.update(_category(_CATEGORIES[value], flags & re.ASCII))
        else:
            raise _Unknown(kind)
    return chars


@cache
def _category(escape: str, ascii_only: int) -> frozenset[str]:
    """Every character ``\\s`` or ``\\d`` matches, found by ``re`` itself.

    Only the first two planes are searched: Unicode has no whitespace or decimal
    digit beyond them. Kept across processes (the search takes ~12 ms).
    """
    key = (escape, int(ascii_only))  # plain data: re.RegexFlag cannot be marshalled
    return _kept("category", key, lambda: _derive_category(escape, ascii_only))


def _derive_category(escape: str, ascii_only: int) -> frozenset[str]:
    every = "".join(map(chr, range(0x20000)))
    return frozenset(re.compile(escape, ascii_only).findall(every))


def char_class(chars: frozenset[str] | set[str]) -> re.Pattern[str]:
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
    return re.compile("[" + "".join(parts) + "]" if parts else "(?!)")


# ------------------------------------------------------------------ needles
#
# A pre-check for patterns that rarely match: strings one of which every match
# contains. A text holding none of them cannot match, which one search of
# :func:`literals` (in C) tells.


def literals(strings: set[str] | frozenset[str]) -> re.Pattern[str]:
    """A pattern that finds one of ``strings`` wherever a text holds one.

    Written as a trie whose every branch opens with a literal, so ``re`` skips,
    in C, the characters no string starts with and tries few branches elsewhere.
    Only whether (and where first) a match is found is promised, not which string.
    No strings: a pattern that never matches; the empty string: one that always does.
    """
    return re.compile(_kept("literals", (_digest(strings),), lambda: _literals_text(strings)))


def presence(strings: set[str] | frozenset[str]) -> re.Pattern[str]:
    """A pattern that finds one of ``strings`` in a text when the text holds one.

    Only whether a match is found is promised (not where): the strings that hold
    another of them are left out (a text holding one holds that one too), so the
    search tries fewer branches and first characters.
    """
    key = (_digest(strings),)
    return re.compile(_kept("presence", key, lambda: _literals_text(minimal(strings))))


_MINIMAL_LIMIT = 3000  # larger sets are searched as they are (start-up time)


def minimal(strings: set[str] | frozenset[str]) -> frozenset[str]:
    """``strings`` without those that hold another of them (a text holding one holds that).

    Sets of over ``_MINIMAL_LIMIT`` strings are returned as they are.
    """
    strings = frozenset(strings)
    if len(strings) > _MINIMAL_LIMIT:
        return strings
    return frozenset(
        s
        for s in strings
        if not any(
            s[i:j] in strings
            for i in range(len(s))
            for j in range(i + 1, len(s) + 1)
            if j - i < len(s)
        )
    )


def _literals_text(strings: set[str] | frozenset[str]) -> str:
    if not strings:
        return "(?!)"
    if "" in strings:
        return ""
    trie: dict[str, dict] = {}
    for string in sorted(strings, key=len):
        node = trie
        for char in string:
            if "" in node:
                break  # a shorter string already ends here: enough to find
            node = node.setdefault(char, {})
        else:
            node.clear()
            node[""] = {}
    return _trie_pattern(trie)


def alternation(words: Iterable[str]) -> str:
    """``(?:w1|w2|...)`` of ``words`` escaped, longest first (so the longest one matches).

    Ties are ordered by text, so the pattern is the same in every process (set order
    is not: compiled programs are kept by pattern, see :mod:`pipeline.regex_cache`).
    """
    return (
        "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"
    )


def _trie_pattern(node: dict[str, dict], *, top: bool = True) -> str:
    """The alternatives below ``node``; ``""`` when a string ends at it.

    Below the top, the characters that end a string form one class.
    """
    if "" in node:
        return ""
    ends = {char for char, child in node.items() if "" in child and not top}
    branches = [
        re.escape(char) + _trie_pattern(child, top=False)
        for char, child in sorted(node.items())
        if char not in ends
    ]
    if ends:
        branches.append(re.escape(next(iter(ends))) if len(ends) == 1 else char_class(ends).pattern)
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


_NEEDLE_LIMIT = 4096  # the most strings a product of sets may hold
_NEEDLE_UNION_LIMIT = 65536  # ...and a union of alternatives' sets
_NEEDLE_CLASS_LIMIT = 1024  # a larger class is left unknown (``\\d`` holds 680 digits)
_NEEDLE_FIRST_LIMIT = 256  # sets opening with more characters are not used (slow to search)


@dataclass(frozen=True)
class _Lits:
    """What every match of a piece of pattern consumes, as sets of strings (``None``: unknown).

    ``exact``: the match is one of these; ``need``: it contains one of these;
    ``head``/``tail``: it starts/ends with one of these.
    """

    exact: frozenset[str] | None
    need: frozenset[str] | None
    head: frozenset[str] | None
    tail: frozenset[str] | None


_ANY = _Lits(None, None, None, None)  # consumes something unknown
_EMPTY = _Lits(frozenset({""}), None, frozenset({""}), frozenset({""}))  # zero-width


def needles(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Non-empty strings one of which occurs in every match of ``pattern``.

    ``None`` when no such set is known (a match may be empty or made of
    unknown pieces). Case-insensitive pieces contribute every case variant.
    The answers are kept across processes (see :func:`save_needles`): working
    them out for every rule takes ~0.15 s of a worker's start-up.
    """
    return _kept("needles", _pattern_key(pattern), lambda: _derive_needles(pattern))


def save_needles() -> None:
    """Keep what this process worked out (needles, starts, literal patterns ...) in the
    table cache for the next process (never raises)."""
    from pipeline.table_cache import write_table

    if _needles_state["changed"]:
        write_table(_NEEDLES_TABLE, _KEPT_VERSION, [__file__], dict(_needles_state["used"]))
        _needles_state["changed"] = False


_NEEDLES_TABLE = "scanner_needles"
_KEPT_VERSION = 2  # keys are (kind, ...) tuples
_needles_state: dict[str, Any] = {"changed": False, "used": {}}


@cache
def _needles_memo() -> dict[Hashable, Any]:
    from pipeline.table_cache import read_table

    found = read_table(_NEEDLES_TABLE, _KEPT_VERSION, [__file__])
    return dict(found[0]) if found and isinstance(found[0], dict) else {}


def _kept(kind: str, key: tuple, derive: Callable[[], T]) -> T:
    """``derive()``, worked out once for all processes (see :func:`save_needles`).

    ``key`` names the input (a pattern's text and flags, a digest of a lexicon's
    strings: never article text); the table is keyed on this module's file and
    the Python version, so a change to either derives everything again.
    """
    full = (kind, *key)
    known = _needles_memo()
    if full in known:
        found = known[full]
    else:
        found = known[full] = derive()
        _needles_state["changed"] = True
    _needles_state["used"][full] = found
    return found


def _pattern_key(pattern: re.Pattern[str]) -> tuple[int, str]:
    return int(pattern.flags), pattern.pattern


def _digest(strings: Iterable[str]) -> str:
    """A digest naming a set of strings (their lengths, then the strings, sorted: unambiguous)."""
    ordered = sorted(set(strings))
    text = ",".join(map(str, map(len, ordered))) + ":" + "".join(ordered)
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _derive_needles(pattern: re.Pattern[str]) -> frozenset[str] | None:
    if pattern.flags & re.LOCALE:
        return None
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
        return _lits_sequence(list(parsed), pattern.flags).need
    except (RecursionError, re.error, TypeError, ValueError):
        return None


def _product(left: frozenset[str] | None, right: frozenset[str] | None) -> frozenset[str] | None:
    if left is None or right is None or len(left) * len(right) > _NEEDLE_LIMIT:
        return None
    return frozenset(a + b for a in left for b in right)


def _union(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    if any(s is None for s in sets):
        return None
    out = frozenset().union(*sets)
    return out if len(out) <= _NEEDLE_UNION_LIMIT else None


def _best(candidates: list[frozenset[str] | None]) -> frozenset[str] | None:
    """The most selective usable set: longest shortest string, then fewest strings.

    Usable: no empty string, and few first characters (``re`` skips the others).
    """
    usable = [
        c for c in candidates if c and "" not in c and len({s[0] for s in c}) <= _NEEDLE_FIRST_LIMIT
    ]
    return max(usable, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _lits_sequence(items: list, flags: int) -> _Lits:
    infos = [_lits_item(op, av, flags) for op, av in items]
    exact: frozenset[str] | None = frozenset({""})
    for info in infos:
        exact = _product(exact, info.exact)
    return _Lits(
        exact,
        _best([exact, *(info.need for info in infos), *_windows(infos)]),
        _edge(infos, head=True),
        _edge(infos, head=False),
    )


def _edge(infos: list[_Lits], *, head: bool) -> frozenset[str] | None:
    """What every match starts (``head``) or ends with: exact pieces from that end joined."""
    edge = frozenset({""})
    for info in infos if head else reversed(infos):
        if info.exact is None:
            part = info.head if head else info.tail
            joined = (_product(edge, part) if head else _product(part, edge)) if part else None
            return joined or edge
        joined = _product(edge, info.exact) if head else _product(info.exact, edge)
        if joined is None:
            return edge
        edge = joined
    return edge


def _windows(infos: list[_Lits]) -> list[frozenset[str]]:
    """Strings of consecutive exact pieces (with the tail before and head after them)."""
    out = []
    i = 0
    while i < len(infos):
        if infos[i].exact is None:
            i += 1
            continue
        j = i
        while j < len(infos) and infos[j].exact is not None:
            j += 1
        run = [info.exact for info in infos[i:j]]
        before = _trim(infos[i - 1].tail, head=False) if i > 0 else None
        after = _trim(infos[j].head, head=True) if j < len(infos) else None
        run = [before] * (before is not None) + run + [after] * (after is not None)
        for start in range(len(run)):
            joined: frozenset[str] | None = frozenset({""})
            for part in run[start:]:
                joined = _product(joined, part)
                if joined is None:
                    break
                out.append(joined)
        i = j
    return out


def _trim(edge: frozenset[str] | None, *, head: bool) -> frozenset[str] | None:
    """``edge`` cut to its shortest length (from the start when ``head``): fewer strings."""
    if not edge:
        return None
    size = min(map(len, edge))
    if size == 0:
        return None
    return frozenset(s[:size] if head else s[len(s) - size :] for s in edge)


def _lits_item(op: Any, av: Any, flags: int) -> _Lits:
    try:
        return _lits_known(op, av, flags)
    except _Unknown:
        return _ANY


def _lits_known(op: Any, av: Any, flags: int) -> _Lits:
    if op is _sre.LITERAL or op is _sre.IN:
        chars = {chr(av)} if op is _sre.LITERAL else _class(av, flags)
        if len(chars) > _NEEDLE_CLASS_LIMIT:
            return _ANY
        one = frozenset(_case_variants(chars, flags))
        return _Lits(one, one, one, one)
    if (group := _group(op, av, flags)) is not None:
        return _lits_sequence(*group)
    if op is _sre.BRANCH:
        alternatives = [_lits_sequence(list(alternative), flags) for alternative in av[1]]
        return _Lits(
            *(
                _union([getattr(a, f) for a in alternatives])
                for f in ("exact", "need", "head", "tail")
            )
        )
    if op in _REPEATS:
        return _lits_repeat(*av, flags)
    if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
        return _EMPTY
    raise _Unknown(op)


def _lits_repeat(low: int, high: int, sub: Any, flags: int) -> _Lits:
    first = _lits_sequence(list(sub), flags)
    exact: frozenset[str] | None = None
    if first.exact is not None and high != _sre.MAXREPEAT and high <= _NEEDLE_LIMIT:
        power: frozenset[str] | None = frozenset({""})
        counts = []
        for count in range(high + 1):
            if count >= low:
                counts.append(power)
            power = _product(power, first.exact)
        exact = _union(counts)
    if low == 0:
        empty = frozenset({""})
        return _Lits(
            exact,
            None,
            _union([first.head, empty]),
            _union([first.tail, empty]),
        )
    least: frozenset[str] | None = frozenset({""})
    for _ in range(low):
        least = _product(least, first.exact)
    return _Lits(exact, _best([first.need, least, exact]), first.head, first.tail)


@cache
def _ascii_folds(letter: str) -> frozenset[str]:
    """Every character IGNORECASE matches to the ASCII ``letter``, found by ``re`` itself."""
    candidates = (letter.lower(), letter.upper(), *_ASCII_FOLDS)
    return frozenset(c for c in candidates if re.fullmatch(re.escape(letter), c, re.I))


def _case_variants(chars: set[str], flags: int) -> set[str]:
    """``chars`` plus what IGNORECASE lets match them (unknown for non-ASCII cased ones)."""
    if not flags & re.IGNORECASE:
        return chars
    out = set(chars)
    for char in chars:
        if char.isascii() and char.isalpha():
            out |= _ascii_folds(char)
        elif char.lower() != char or char.upper() != char or char.casefold() != char:
            raise _Unknown(char)
    return out
