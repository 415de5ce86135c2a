"""Rule ``residue``: blocks left with no letter, digit or Han character (``?``, ``——``)."""

from __future__ import annotations

from pipeline.clean.base import Rule, has_content
from pipeline.document import Block, Document


class Residue(Rule):
    """Drops blocks made only of punctuation or symbols."""

    name = "residue"

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        kept = []
        for block in blocks:
            if has_content(block.text):
                kept.append(block)
            else:
                self.drop(doc, block)
        return kept
