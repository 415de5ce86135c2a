"""Rule ``ui_widget``: page widget and navigation text (To Top, 微信复制成功, 上一篇…)."""

from __future__ import annotations

import re
import unicodedata

from pipeline.clean.base import Rule, Scanner, any_of, rule_config
from pipeline.document import Block, Document

_PROSE = re.compile(r"[，。；,;]")


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
        self.splitter = re.compile(r"[\s|｜·/、【】\[\]▸▶►•●]+")
        self.segments = re.compile(r"\s{2,}|[|｜]|(?<=】)\s*(?=【)")
        self.counter = re.compile(r"[(（]?\d(?:[\d,.]*\d)?[万千wWkK+]?[)）]?")
        self.mixed_share = float(config["mixed_min_widget_share"])
        self.mixed_part_max = int(config["mixed_part_max_chars"])

    def is_widget(self, text: str) -> bool:
        """Whole-block widget text: known lines or widget words, alone or side by side.

        Decoration around a widget (``▲ 回顶端``, ``👍 有用(86)``, ``【打印本页】``) is
        ignored: symbols and emoji at either end are stripped first.
        """
        if len(text) > 120:
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
        start, end = 0, len(text)
        while start < end and _is_decoration(text[start], self.symbols):
            start += 1
        while end > start and _is_decoration(text[end - 1], self.symbols):
            end -= 1
        return text[start:end]

    def _words(self, text: str) -> bool:
        """Only widget words (点赞 收藏 分享…) and counters, optionally after a 分享到 label."""
        words = [self.core(w) for w in self.splitter.split(text.strip().strip("：:"))]
        words = [w for w in words if w]
        if len(words) < 2:
            return False
        if words[0].rstrip("：:") in ("分享到", "分享", "分享至"):
            return all(self._known(w) for w in words[1:])
        return all(self._known(w) for w in words) and any(w in self.tokens for w in words)

    def _known(self, word: str) -> bool:
        return word in self.tokens or self.counter.fullmatch(word) is not None

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        kept = []
        for block in blocks:
            if self.is_widget(block.text):
                self.drop(doc, block)
                continue
            if self.inline_scan.search(block.text):
                for match in self.inline.finditer(block.text):
                    doc.remove(self.name, match.group(0))
                block.text = self.inline.sub("", block.text).strip()
                block.edited = True
                if not block.text:
                    continue
            kept.append(block)
        return kept
