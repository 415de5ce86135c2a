"""Repair: remove pinyin glued after characters (``說(shuō)`` -> ``說``).

A bracketed Latin syllable right after a Chinese character is glue when it
carries a tone mark or tone digit and has the shape of a pinyin syllable, or,
without tone, when ``pypinyin`` confirms it is a reading of that character.
Half- and full-width brackets, and several syllables (``(shuō míng)``) after
a run of characters, are handled. ``(1)``, ``(APP)`` and ``(如图)`` stay.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

from pipeline.table_cache import cached_table

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_LETTERS = f"a-zA-Zü{_TONED}"
_SYLLABLE = f"[{_LETTERS}]{{1,6}}[1-5]?"
_HAN = "\u3400-\u9fff"
_SPACES = " \u3000"
# Glue from its opening bracket (a class first: ``re`` skips to brackets in C),
# right after a Chinese character or after one and a space (the space goes too).
_GLUE = re.compile(
    f"[(（](?:(?<=[{_HAN}].)|(?<=[{_HAN}][{_SPACES}].))"
    f"\\s?({_SYLLABLE}(?:[ '’]{_SYLLABLE}){{0,3}})\\s?[)）]"
)
_SHAPE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:[aeiouv]|ü)[a-z]{0,4}\Z|(?:ng|n|m|er)\Z"
)
_STRIP_TONE = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ēéěè", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ūúǔù", "u"),
        **dict.fromkeys("ǖǘǚǜü", "v"),
        **dict.fromkeys("ńňǹ", "n"),
        "ḿ": "m",
    }
)


def remove_pinyin_glue(text: str, record: Callable[[str], None]) -> str:
    """Return ``text`` without pinyin glue; ``record`` receives each removed span."""
    parts: list[str] = []
    last = 0
    for match in _GLUE.finditer(text):
        start = match.start()
        if text[start - 1] in _SPACES:  # glue follows a Chinese character: this is a space
            start -= 1
        if _is_glue(text, start, match.group(1)):
            record(text[start : match.end()])
            parts.append(text[last:start])
            last = match.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _is_glue(text: str, start: int, group: str) -> bool:
    """Whether the bracketed syllables ``group`` of glue from ``start`` are glue."""
    plain, verdict = _syllables(group)
    if verdict is not None:
        return verdict
    before = text[max(0, start - len(plain)) : start].strip()
    return len(before) == len(plain) and all(
        p in _readings(ch) for p, ch in zip(plain, before, strict=True)
    )


@lru_cache(maxsize=4096)
def _syllables(group: str) -> tuple[tuple[str, ...], bool | None]:
    """Toneless syllables of a bracketed group, and the verdict its shape alone gives.

    ``False``: not pinyin-shaped; ``True``: toned (lower case, or one syllable);
    ``None``: it depends on the characters before the bracket. Cached: the same
    readings come back again and again.
    """
    syllables = re.split(r"[ '’]", group)
    plain = tuple(s.lower().rstrip("12345").translate(_STRIP_TONE) for s in syllables)
    if not all(_SHAPE.match(p) for p in plain):
        return plain, False
    toned = any(ch in _TONED for ch in group) or group[-1].isdigit()
    if (toned and group.islower()) or (toned and len(syllables) == 1):
        return plain, True
    return plain, None


@cache
def _readings(char: str) -> frozenset[str]:
    """Toneless pinyin readings of ``char`` (``v`` for ``ü``), as ``pypinyin`` gives them."""
    readings = _han_reading_of(char)
    return frozenset(readings if readings is not None else _pypinyin_readings(char))


def _pypinyin_readings(char: str) -> tuple[str, ...]:
    """Readings from ``pypinyin`` itself (loaded on first use: it takes ~0.2 s)."""
    from pypinyin import Style, pinyin

    return tuple(r.replace("ü", "v") for r in pinyin(char, style=Style.NORMAL, heteronym=True)[0])


_HAN_CODES = (0x3400, 0xA000)


def _han_reading_of(char: str) -> tuple[str, ...] | None:
    """:func:`_pypinyin_readings` of ``char`` from the kept table (``None``: not in it)."""
    table = _han_readings()
    code = ord(char) - _HAN_CODES[0] if len(char) == 1 else -1
    return tuple(table[code].split(" ")) if 0 <= code < len(table) else None


@cache
def _han_readings() -> tuple[str, ...]:
    """:func:`_pypinyin_readings` of every character of U+3400..U+9FFF, in ``pypinyin``'s
    order, space-separated, indexed by code point from U+3400.

    Derived once (~0.4 s) and kept in the table cache keyed on ``pypinyin``'s files,
    so a process needs neither the derivation nor the import of ``pypinyin``. A tuple
    of strings unmarshals in ~1 ms (a dict of tuples took ~7 ms).
    """
    sources = pypinyin_sources()
    if not sources:
        return ()
    return cached_table("pinyin_readings", 2, sources, _derive_han_readings)


def pypinyin_sources() -> list[Path]:
    """``pypinyin``'s modules (its data lives in them), to key tables derived from it."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return []
    return sorted(Path(spec.origin).parent.glob("*.py"))


def _derive_han_readings() -> tuple[str, ...]:
    """The table of :func:`_han_readings`; empty (every lookup asks ``pypinyin``) if some
    readings would not read back (none is empty or holds a space)."""
    readings = [_pypinyin_readings(chr(code)) for code in range(*_HAN_CODES)]
    table = tuple(" ".join(each) for each in readings)
    if any(tuple(text.split(" ")) != each for text, each in zip(table, readings, strict=True)):
        return ()
    return table
