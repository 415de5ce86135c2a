"""Rule ``ui_widget``: page widget and navigation text (To Top, 微信复制成功, 上一篇…)."""

from __future__ import annotations

import re

from pipeline.clean.base import Rule, any_of, rule_config
from pipeline.document import Block, Document


class UiWidget(Rule):
    """Drops blocks that are widget text only, and unmistakable widget phrases inline."""

    name = "ui_widget"

    def __init__(self) -> None:
        config = rule_config(self.name)
        self.line = any_of(config["line"], whole=True)
        self.inline = any_of(config["inline"])
        self.tokens = frozenset(config["tokens"])
        self.splitter = re.compile(r"[\s|｜·/、]+")
        self.segments = re.compile(r"\s{2,}|[|｜]")

    def is_widget(self, text: str) -> bool:
        """Whole-block widget text: known lines or widget words, alone or side by side."""
        if len(text) > 120:
            return False
        if self.line.fullmatch(text):
            return True
        parts = [p for p in self.segments.split(text) if p.strip()]
        if len(parts) > 1 and all(self.line.fullmatch(p) or self._words(p) for p in parts):
            return True
        return self._words(text)

    def _words(self, text: str) -> bool:
        """Only widget words (点赞 收藏 分享…), optionally after a 分享到 label."""
        words = [w for w in self.splitter.split(text.strip().strip("：:")) if w]
        return (
            len(words) >= 2
            and all(w in self.tokens for w in words[1:])
            and (words[0] in self.tokens or words[0].rstrip("：:") in ("分享到", "分享", "分享至"))
        )

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        kept = []
        for block in blocks:
            if self.is_widget(block.text):
                self.drop(doc, block)
                continue
            if self.inline.search(block.text):
                for match in self.inline.finditer(block.text):
                    doc.remove(self.name, match.group(0))
                block.text = self.inline.sub("", block.text).strip()
                block.edited = True
                if not block.text:
                    continue
            kept.append(block)
        return kept
