"""Rule ``ui_widget``: page widget and navigation text (To Top, 微信复制成功, 上一篇…)."""

from __future__ import annotations

import re
import unicodedata

from pipeline.clean.base import Needles, Rule, Scanner, any_of, needles, rule_config
from pipeline.document import Block, Document

_PROSE = re.compile(r"[，。；,;]")
_SHARE_LABELS = ("分享到", "分享", "分享至")  # a share label leads a list of share targets
_WIDGET_MAX = 120  # longest widget text


def _is_pictograph(char: str) -> bool:
    """Emoji and pictographic bullets that separate widget items (👍 赞 36 💬 留言 8)."""
    return unicodedata.category(char) in ("So", "Co") or char in "▲▼△▽▶▷◀◁►▸▹◆◇■□●○★☆※•"


class _PictographSpaces(dict):
    """``str.translate`` table: pictographs to two spaces, filled in as characters come."""

    def __missing__(self, code: int) -> str | int:
        value: str | int = "  " if _is_pictograph(chr(code)) else code
        self[code] = value
        return value


def _is_decoration(char: str, symbols: str) -> bool:
    """Punctuation-like decoration: listed symbols, emoji and other pictographs."""
    return char in symbols or unicodedata.category(char) in ("So", "Sk", "Cn", "Co", "Mn")


class _Decoration(dict):
    """``char -> _is_decoration(char)``, filled in as characters come."""

    def __init__(self, symbols: str) -> None:
        super().__init__()
        self.symbols = symbols

    def __missing__(self, char: str) -> bool:
        value = self[char] = _is_decoration(char, self.symbols)
        return value


class UiWidget(Rule):
    """Drops blocks that are widget text only, and unmistakable widget phrases inline."""

    name = "ui_widget"

    def __init__(self) -> None:
        config = rule_config(self.name)
        self.line = any_of(config["line"], whole=True)
        self.inline = any_of(config["inline"])
        self.inline_scan = Scanner(self.inline)
        self.spaces = _PictographSpaces()
        self.tokens = frozenset(config["tokens"])
        self.symbols = config["symbols"]
        self.decoration = _Decoration(self.symbols)
        self.splitter = re.compile(r"[\s|｜·/、【】\[\]▸▶►•●]+")
        self.segments = re.compile(r"\s{2,}|[|｜]|(?<=】)\s*(?=【)")
        self.counter = re.compile(r"[(（]?\d(?:[\d,.]*\d)?[万千wWkK+]?[)）]?")
        self.mixed_share = float(config["mixed_min_widget_share"])
        self.mixed_part_max = int(config["mixed_part_max_chars"])
        self.inline_needles = Needles.of(self.inline)
        self.widget_needles = Needles(self._widget_needles())

    def _widget_needles(self) -> set[str] | None:
        """Strings one of which every widget text holds (``None``: unknown).

        Each way :meth:`is_widget` says yes needs a piece of the text that is a
        known line (holding one of its needles) or widget words (holding a token
        that can be a word, or a share label). A piece of the pictographs-as-spaces
        copy holds a needle's space-free parts, and those are in the text too.
        """
        line = needles(self.line)
        if line is None or self.mixed_share <= 0:
            return None
        words = {t for t in self.tokens if self.core(t) == t and not self.splitter.search(t)}
        found = {max(s.split(" "), key=len) for s in line | words | set(_SHARE_LABELS)}
        return None if "" in found else found

    def is_widget(self, text: str) -> bool:
        """Whole-block widget text: known lines or widget words, alone or side by side.

        Decoration around a widget (``▲ 回顶端``, ``👍 有用(86)``, ``【打印本页】``) is
        ignored: symbols and emoji at either end are stripped first.
        """
        if len(text) > _WIDGET_MAX:
            return False
        core = self.core(text)
        if not core:
            return False
        if self.line.fullmatch(core):
            return True
        spaced = text.translate(self.spaces)
        if self.segments.search(spaced) is not None:  # else it is one part
            parts = [self.core(p) for p in self.segments.split(spaced) if p.strip()]
            parts = [p for p in parts if p]
            widgets = sum(1 for p in parts if self.line.fullmatch(p) or self._words(p))
            if len(parts) > 1 and widgets == len(parts):
                return True
            if (
                len(parts) > 1
                and widgets >= self.mixed_share * len(parts)
                and all(len(p) <= self.mixed_part_max and not _PROSE.search(p) for p in parts)
            ):
                return True  # a toolbar: widgets side by side with short labels
        return self._words(core)

    def core(self, text: str) -> str:
        """``text`` without decoration (symbols, emoji, brackets) at either end."""
        decoration = self.decoration
        start, end = 0, len(text)
        while start < end and decoration[text[start]]:
            start += 1
        while end > start and decoration[text[end - 1]]:
            end -= 1
        return text[start:end]

    def _words(self, text: str) -> bool:
        """Only widget words (点赞 收藏 分享…) and counters, optionally after a 分享到 label."""
        words = [self.core(w) for w in self.splitter.split(text.strip().strip("：:"))]
        words = [w for w in words if w]
        if len(words) < 2:
            return False
        if words[0].rstrip("：:") in _SHARE_LABELS:
            return all(self._known(w) for w in words[1:])
        return all(self._known(w) for w in words) and any(w in self.tokens for w in words)

    def _known(self, word: str) -> bool:
        return word in self.tokens or self.counter.fullmatch(word) is not None

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        is_widget, widget_needles = self.is_widget, self.widget_needles.found_in
        kept = []
        for block in blocks:
            text = block.text
            if len(text) <= _WIDGET_MAX and widget_needles(text) and is_widget(text):
                self.drop(doc, block)
                continue
            if self.inline_needles.found_in(text) and self.inline_scan.search(text):
                for match in self.inline.finditer(block.text):
                    doc.remove(self.name, match.group(0))
                block.text = self.inline.sub("", block.text).strip()
                block.edited = True
                if not block.text:
                    continue
            kept.append(block)
        return kept
