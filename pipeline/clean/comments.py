"""Rule ``comments``: reader comments and forum replies after the article.

A comment-section header (精选留言, 网友评论, 共12条评论…) or the first forum
reply marker (沙发 | 发表于…, 2楼, #3) starts the comment area; it and every
block after it go. Comment areas close a page, so nothing after them is body.
"""

from __future__ import annotations

import re

from pipeline.clean.base import Needles, Rule, needles, rule_config
from pipeline.document import Block, Document

_DECORATION = " :：【】[]<>《》-—=*#|·▶▸●"
_MIN_BODY_BEFORE = 2
_MAX_CHARS = 30  # longest comment header or reply marker line


class Comments(Rule):
    """Drops the comment area: from its header or first reply marker to the end."""

    name = "comments"

    def __init__(self) -> None:
        config = rule_config(self.name)
        self.headers = tuple(config["headers"])
        self.counter = re.compile(config["header_counter"])
        self.reply = re.compile(config["reply_marker"])
        self.needles = self._needles()

    def _needles(self) -> Needles:
        """In every text that starts comments: a header or a needle of the markers."""
        counter, reply = needles(self.counter), needles(self.reply)
        if counter is None or reply is None:
            return Needles(None)
        return Needles({*self.headers, *counter, *reply})

    def starts_comments(self, text: str) -> bool:
        core = text.strip(_DECORATION).strip()
        if len(core) > _MAX_CHARS or not self.needles.found_in(core):
            return False
        if core.startswith(self.headers):  # a header, alone or with a tail
            return True
        if self.counter.match(core):
            return True
        return self.reply.match(core) is not None and ("发表于" in core or "楼" in core[:6])

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        for i, block in enumerate(blocks):
            if i >= _MIN_BODY_BEFORE and self.starts_comments(block.text):
                for dropped in blocks[i:]:
                    self.drop(doc, dropped)
                return blocks[:i]
        return blocks
