"""Stage: word segmentation with jieba (default) or rjieba, plus a finance user dictionary.

Each segmenter is built once per process and shares ``resources/userdict.txt``.
``rjieba`` (jieba-rs) uses the same dictionary and is ~15x faster; its token
differences from jieba are measured by ``make bench``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

from pipeline.resource import read_lines

SEGMENTERS = ("jieba", "rjieba")


def _user_words() -> list[tuple[str, int | None, str | None]]:
    words = []
    for line in read_lines("userdict.txt"):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 else None
        words.append((parts[0], freq, parts[2] if len(parts) > 2 else None))
    return words


@cache
def jieba_tokenizer():  # -> jieba.Tokenizer
    """The process-wide jieba tokenizer with the user dictionary loaded."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq, tag in _user_words():
        tokenizer.add_word(word, freq, tag)
    return tokenizer


@cache
def _rjieba():  # -> rjieba.Jieba
    import rjieba

    tokenizer = rjieba.Jieba()
    for word, freq, tag in _user_words():
        tokenizer.add_word(word, freq, tag)
    return tokenizer


@cache
def segmenter(name: str = "jieba") -> Callable[[str], list[str]]:
    """Return a function that cuts one paragraph into tokens (whitespace tokens dropped)."""
    if name == "jieba":
        cut = jieba_tokenizer().lcut
    elif name == "rjieba":
        cut = _rjieba().cut
    else:
        raise ValueError(f"unknown segmenter {name!r}; choose one of {', '.join(SEGMENTERS)}")

    def segment(text: str) -> list[str]:
        return [token for token in cut(text) if not token.isspace()]

    return segment


def word_freq(word: str) -> int:
    """Dictionary frequency of ``word`` in the jieba dictionary (0 when absent)."""
    return jieba_tokenizer().FREQ.get(word, 0) or 0
