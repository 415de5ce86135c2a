"""Shared test for title-like lines (related links, TOC entries)."""

from __future__ import annotations

import re
from functools import cache

from pipeline.clean.base import SENTENCE_PUNCT, rule_config

_MARKER = re.compile(
    r"\s*(?:\d{1,2}(?:\.\d{1,2})*[.、．)）]?|[(（]\d{1,2}[)）]|[①-⑳]|[一二三四五六七八九十]{1,3}、|[•·●◆■▪►\-*]"
    # step markers: a run of 第N步 lines is a procedure, never a related-links list
    r"|(?:第\s*[一二三四五六七八九十\d]{1,3}\s*步|步骤\s*[一二三四五六七八九十\d]{1,3})[：:、.．]?)\s*"
)


def strip_marker(text: str) -> str:
    """``text`` without a leading list marker or bullet."""
    match = _MARKER.match(text)
    return text[match.end() :] if match else text


_SENTENCE = re.compile(f"[{re.escape(SENTENCE_PUNCT)}]")


@cache
def _title_chars() -> tuple[int, int]:
    """The shortest and longest title (``related_links`` settings)."""
    config = rule_config("related_links")
    return int(config["title_min_chars"]), int(config["title_max_chars"])


def is_title_like(text: str, max_chars: int | None = None) -> bool:
    """A short line without sentence punctuation: a link title or a TOC entry."""
    shortest, longest = _title_chars()
    if len(text) < shortest:  # the body is part of the text
        return False
    body = strip_marker(text).strip()
    if not shortest <= len(body) <= (max_chars or longest):
        return False
    if body.endswith(("：", ":")):
        return False
    inner = body[:-1] if body.endswith(("？", "?", "！", "!", "。")) else body
    return _SENTENCE.search(inner) is None


def title_flags(texts: list[str]) -> list[bool]:
    """``is_title_like`` of each text, with a cheap test first.

    A title holds sentence punctuation at most as its last character (markers and
    whitespace hold none), so a text with some before that is prose: one C search.
    """
    shortest, _ = _title_chars()
    prose = _SENTENCE.search
    return [
        len(text) >= shortest
        and prose(text, 0, len(text.rstrip()) - 1) is None
        and is_title_like(text)
        for text in texts
    ]


def title_runs(texts: list[str], shortest: int) -> list[tuple[int, int]]:
    """Maximal ``[start, end)`` runs of title-like texts (``title_flags``), ``shortest`` or longer.

    The cheap test of :func:`title_flags` first: ``is_title_like`` only runs on
    texts inside a long enough run of texts that pass it.
    """
    least, _ = _title_chars()
    prose = _SENTENCE.search
    cheap = [
        len(text) >= least and prose(text, 0, len(text.rstrip()) - 1) is None for text in texts
    ]
    runs = []
    for start, end in _runs(cheap, shortest):
        flags = [is_title_like(text) for text in texts[start:end]]
        runs += [(start + a, start + b) for a, b in _runs(flags, shortest)]
    return runs


def _runs(flags: list[bool], shortest: int) -> list[tuple[int, int]]:
    """Maximal ``[start, end)`` runs of true ``flags``, ``shortest`` or longer."""
    runs, start = [], None
    for i, flag in enumerate([*flags, False]):
        if flag:
            start = i if start is None else start
        elif start is not None:
            if i - start >= shortest:
                runs.append((start, i))
            start = None
    return runs


_FAMILIES = (
    ("dotted", re.compile(r"\s*\d{1,2}(?:\.\d{1,2})*[.．]")),
    ("comma", re.compile(r"\s*\d{1,2}、")),
    ("paren", re.compile(r"\s*[(（]\d{1,2}[)）]|\s*\d{1,2}[)）]")),
    ("circled", re.compile(r"\s*[①-⑳]")),
    ("han", re.compile(r"\s*[一二三四五六七八九十]{1,3}、")),
    ("step", re.compile(r"\s*(?:第[一二三四五六七八九十\d]{1,3}[步章节部分]|步骤)")),
)


def marker_family(text: str) -> str:
    """Which kind of list marker ``text`` starts with (``none`` when it has none)."""
    for name, pattern in _FAMILIES:
        if pattern.match(text):
            return name
    return "none"
