"""Rule ``metadata``: byline, date, source, view-count and breadcrumb lines.

Forum and Q&A bylines count too (楼主：…, 回答者：…, 本帖最后由…编辑), also when
the whole line is wrapped in brackets (（来源：… 原标题：…）).
"""

from __future__ import annotations

import re

from pipeline.clean.base import Needles, Rule, any_of, rule_config
from pipeline.document import Block, Document

_MAX_CHARS = 100
_FIELD_CHARS = 40
_PROSE = re.compile(r"[，。；！？;!?]|,(?!\d)")


class Metadata(Rule):
    """Drops short blocks that are only publication metadata or breadcrumbs."""

    name = "metadata"

    def __init__(self) -> None:
        config = rule_config(self.name)
        self.line = any_of(config["line"], whole=True)
        self.strip = config["strip"]
        self.date = re.compile(config["date"])
        self.separator = re.compile(config["separator"])
        self.needles = Needles.of(self.line, self.date)

    def is_metadata(self, text: str) -> bool:
        """A byline: one metadata line, or short fields side by side with a date among them."""
        core = text.strip(self.strip)
        if len(core) > _MAX_CHARS or not self.needles.found_in(core):
            return False  # a line or a field with a date holds a needle
        if self.line.fullmatch(core):
            return True
        fields = [f for f in self.separator.split(core) if f]
        return (
            len(fields) >= 2
            and all(len(f) <= _FIELD_CHARS and not _PROSE.search(f) for f in fields)
            and any(self.date.search(f) or self.line.fullmatch(f) for f in fields)
        )

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        kept = []
        for block in blocks:
            if self.is_metadata(block.text):
                self.drop(doc, block)
            else:
                kept.append(block)
        return kept
