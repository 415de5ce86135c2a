"""Stage: word segmentation with jieba (default) or rjieba, plus a finance user dictionary.

Each segmenter is built once per process and shares ``resources/userdict.txt``.
``rjieba`` (jieba-rs) uses the same dictionary and is ~15x faster; its token
differences from jieba are measured by ``make bench``.
"""

from __future__ import annotations

import importlib.util
import logging
import marshal
import re
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from itertools import filterfalse
from pathlib import Path

from pipeline.resource import read_lines, resource_path
from pipeline.table_cache import cached_table

SEGMENTERS = ("jieba", "rjieba")
_SPACE = re.compile(r"\s")  # the characters str.isspace() accepts


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
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    _load_jieba_cache(tokenizer)
    tokenizer.initialize()  # builds (and caches) the dictionary when it was not cached
    for word, freq, tag in _user_words():
        tokenizer.add_word(word, freq, tag)
    return tokenizer


def _import_jieba():  # -> the jieba module
    """``import jieba`` without ``pkg_resources`` (0.09 s of a worker's start-up).

    jieba imports ``pkg_resources`` only to open its own data files, and opens them
    directly when that import fails; it is made to fail for this import alone.
    """
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


def _load_jieba_cache(tokenizer) -> None:  # tokenizer: jieba.Tokenizer
    """Load jieba's own cache of its default dictionary, as ``initialize`` would.

    ``initialize`` reads it with ``marshal.load`` on the open file, which reads
    in small pieces: 0.5 s against 0.17 s for reading the bytes first. Any
    problem leaves the tokenizer as it was, for ``initialize`` to do its usual work.
    """
    import jieba

    if tokenizer.dictionary != jieba.DEFAULT_DICT or tokenizer.cache_file:
        return
    path = Path(tokenizer.tmp_dir or tempfile.gettempdir()) / "jieba.cache"
    try:
        freq, total = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return
    if isinstance(freq, dict) and isinstance(total, int):
        tokenizer.FREQ, tokenizer.total = freq, total
        tokenizer.initialized = True


@cache
def _rjieba():  # -> rjieba.Jieba
    import rjieba

    # Importing rjieba builds a default tokenizer (0.1 s): add the user words to that
    # one rather than building a second (this process is its only user).
    tokenizer = getattr(rjieba, "_DEFAULT_JIEBA", None)
    if not isinstance(tokenizer, rjieba.Jieba):
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
        if _SPACE.search(text) is None:  # no whitespace, so no whitespace token
            return cut(text)
        return list(filterfalse(str.isspace, cut(text)))

    return segment


def word_freq(word: str) -> int:
    """Dictionary frequency of ``word`` in the jieba dictionary (0 when absent).

    Words of up to three characters are looked up in a light table read straight
    from jieba's dictionary file, unless the full jieba tokenizer is loaded anyway
    (it takes ~1 s and ~100 MB, which an rjieba run would otherwise pay for this).
    """
    if len(word) <= _SHORT and not jieba_tokenizer.cache_info().currsize:
        short = _short_freqs_from(word[:1])
        if short is not None:
            return short.get(word, 0)
    return jieba_tokenizer().FREQ.get(word, 0) or 0


_SHORT = 3
_ENTRY = re.compile(f"^([^ \n]{{1,{_SHORT}}}) ([0-9]+)(?=[ \n]|$)", re.M)


@cache
def _short_freqs_from(first: str) -> dict[str, int] | None:
    """The short words starting with the character ``first`` and their frequencies.

    Read from their group of :func:`_short_word_freqs` on first use (a few hundred
    words at most); ``None`` when there is no short table.
    """
    groups = _short_word_freqs()
    if groups is None:
        return None
    lines = groups.get(first, b"").decode("utf-8").split("\n")
    return {word: int(freq) for word, freq in (line.split(" ") for line in lines if line)}


@cache
def _short_word_freqs() -> dict[str, bytes] | None:
    """``FREQ`` of the jieba tokenizer restricted to words of up to three characters.

    The same entries jieba reads (its dictionary file, the last line of a word
    winning), then the user words as ``add_word`` sets them; ``None`` when a user
    word has no frequency (jieba would compute one). Kept in the table cache,
    grouped by first character as UTF-8 ``word freq`` lines (no word holds a space
    or a newline): reading them back is a copy of bytes (~1 ms), where a dictionary
    of 257k words took ~70 ms to unmarshal in every rjieba worker.
    """
    sources = word_freq_sources()
    if len(sources) < 2:
        return None
    dictionary = sources[0]
    return cached_table("short_word_freqs", 2, sources, lambda: _derive_short_groups(dictionary))


def word_freq_sources() -> list[Path]:
    """The files :func:`word_freq` reads: jieba's default dictionary (when jieba is
    installed) and the user dictionary, to key tables derived from it."""
    spec = importlib.util.find_spec("jieba")  # not imported: that alone takes 0.15 s
    user = resource_path("userdict.txt")
    if not spec or not spec.origin:
        return [user]
    return [Path(spec.origin).parent / "dict.txt", user]  # jieba's default


def _derive_short_groups(dictionary: Path) -> dict[str, bytes] | None:
    freqs = _derive_short_freqs(dictionary)
    return None if freqs is None else _short_word_groups(freqs)


def _short_word_groups(freqs: dict[str, int]) -> dict[str, bytes]:
    """``freqs`` as ``word freq`` lines grouped by first character (sorted)."""
    groups: dict[str, list[str]] = {}
    for word, freq in freqs.items():
        groups.setdefault(word[0], []).append(f"{word} {freq}")
    return {first: "\n".join(lines).encode("utf-8") for first, lines in sorted(groups.items())}


def _derive_short_freqs(dictionary: Path) -> dict[str, int] | None:
    words = _user_words()
    if any(freq is None for _, freq, _ in words):
        return None
    text = dictionary.read_text(encoding="utf-8")
    freqs = {word: int(freq) for word, freq in _ENTRY.findall(text)}
    for word, freq, _ in words:
        if freq is not None and len(word) <= _SHORT:
            freqs[word] = freq
    return freqs
