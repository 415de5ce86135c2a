"""Rule ``metadata``: byline, date, source, view-count and breadcrumb lines."""

from __future__ import annotations

from pipeline.clean.base import Rule, any_of, rule_config
from pipeline.document import Block, Document

_MAX_CHARS = 100


class Metadata(Rule):
    """Drops short blocks that are only publication metadata or breadcrumbs."""

    name = "metadata"

    def __init__(self) -> None:
        self.line = any_of(rule_config(self.name)["line"], whole=True)

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        kept = []
        for block in blocks:
            if len(block.text) <= _MAX_CHARS and self.line.fullmatch(block.text):
                self.drop(doc, block)
            else:
                kept.append(block)
        return kept
