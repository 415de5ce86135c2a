"""Repair: undo obfuscation by Latin letters inside Chinese words.

Scraped ad-farm pages dodge filters by spelling part of a word in pinyin:
``信XIN息`` and ``银行ka卡`` insert the reading of a neighbouring character
(the letters are deleted), ``电hua`` replaces a character by its reading (the
character that forms a dictionary word with its neighbours is restored:
``电话``). Real Latin words (``APP``, ``POS``, ``5G``, ``VIP``, see
``resources/latin_words.txt``) and anything not confirmed by a reading stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from pipeline.pinyin_glue import _han_reading_of, _pypinyin_readings, _readings, pypinyin_sources
from pipeline.resource import read_lines
from pipeline.segment import word_freq, word_freq_sources
from pipeline.table_cache import cached_table

_HAN_FIRST, _HAN_LAST = "\u3400", "\u9fff"
_HAN = f"{_HAN_FIRST}-{_HAN_LAST}"
# A run of 1-6 Latin letters right after a Chinese character, ending the letters
# and digits there; it opens with a class, so ``re`` skips to letters in C, and the
# lookbehind after the first letter drops the letters inside a word at once.
_RUN = re.compile(f"([A-Za-z](?<=[{_HAN}][A-Za-z])[A-Za-z]{{0,5}})(?![A-Za-z0-9])")
_MIN_WORD_FREQ = 50


@cache
def _latin_words() -> frozenset[str]:
    return frozenset(word.lower() for word in read_lines("latin_words.txt"))


def repair_obfuscation(text: str, record: Callable[[str], None]) -> str:
    """Return ``text`` with obfuscating Latin runs removed or restored."""
    if _RUN.search(text) is None:
        return text
    out: list[str] = []
    last = 0
    for match in _RUN.finditer(text):
        fix = _fix(text, match)
        if fix is None:
            continue
        record(match.group(1))
        out.append(text[last : match.start()])
        out.append(fix)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def _fix(text: str, match: re.Match[str]) -> str | None:
    """Replacement for an obfuscating run, or ``None`` to keep it."""
    run = match.group(1).lower()
    if run in _latin_words() or not (run.isupper() or run.islower() or run.istitle()):
        return None
    prev = text[match.start() - 1]
    after = text[match.end() : match.end() + 2]
    nxt = after[:1] if _HAN_FIRST <= after[:1] <= _HAN_LAST else ""
    if len(run) >= 2 and any(
        reading.startswith(run) for ch in (prev, nxt) if ch for reading in _readings(ch)
    ):
        return ""
    return _restore(run, text[max(0, match.start() - 2) : match.start()], after)


def _restore(run: str, before: str, after: str) -> str | None:
    """The character read ``run`` that best forms a word with its neighbours."""
    best, best_freq = None, _MIN_WORD_FREQ - 1
    for char in _chars_read_as().get(run, ()):
        contexts = (before[-1:] + char, before + char, char + after[:1], char + after[:2])
        freq = max(word_freq(word) for word in contexts if len(word) >= 2)
        if freq > best_freq:
            best, best_freq = char, freq
    return best


@cache
def _chars_read_as() -> dict[str, tuple[str, ...]]:
    """Reverse pinyin index: toneless reading -> common characters (CJK basic block).

    Derived from the readings and jieba's frequencies of 20,902 characters (~0.05 s),
    so kept in the table cache, keyed on those files and on this module.
    """
    sources = [Path(__file__), *pypinyin_sources(), *word_freq_sources()]
    return cached_table("chars_read_as", 1, sources, _derive_chars_read_as)


def _derive_chars_read_as() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for code in range(0x4E00, 0x9FA6):
        char = chr(code)
        if word_freq(char) < 1000:
            continue
        for reading in _han_reading_of(char) or _pypinyin_readings(char):
            index.setdefault(reading, []).append(char)
    return {reading: tuple(chars) for reading, chars in index.items()}
