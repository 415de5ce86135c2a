"""Rule ``disclaimer``: source, copyright, ICP and takedown notices."""

from __future__ import annotations

from pipeline.clean.base import Rule, rule_config
from pipeline.document import Block, Document


class Disclaimer(Rule):
    """Drops short blocks that carry a disclaimer or copyright phrase."""

    name = "disclaimer"

    def __init__(self) -> None:
        config = rule_config(self.name)
        self.phrases = tuple(config["phrases"])
        self.max_chars = int(config["max_chars"])

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        kept = []
        for block in blocks:
            text = block.text
            if len(text) <= self.max_chars and any(p in text for p in self.phrases):
                self.drop(doc, block)
            else:
                kept.append(block)
        return kept
