"""Rule ``disclaimer``: source, copyright, ICP and takedown notices.

Two tests: a short block holding a disclaimer phrase (如有侵权, 版权所有, ICP备…),
or a short block that opens like a notice about the text itself (本文…, 以上回答…,
（本文…) and speaks of reference, reposting, sources or opinions.
"""

from __future__ import annotations

import re

from pipeline.clean.base import Rule, literals, rule_config
from pipeline.document import Block, Document


def _any_phrase(phrases: list[str]) -> re.Pattern[str]:
    """One pattern that finds any of ``phrases`` (as plain text) inside a string."""
    return literals(set(phrases))


class Disclaimer(Rule):
    """Drops short blocks that carry a disclaimer or copyright phrase."""

    name = "disclaimer"

    def __init__(self) -> None:
        config = rule_config(self.name)
        self.phrases = _any_phrase(config["phrases"])
        self.max_chars = int(config["max_chars"])
        self.lead = re.compile(config["lead"])
        self.lead_phrases = _any_phrase(config["lead_phrases"])
        self.lead_max = int(config["lead_max_chars"])

    def is_disclaimer(self, text: str) -> bool:
        if len(text) <= self.max_chars and self.phrases.search(text):
            return True
        return (  # the lead is anchored: matching it costs less than a needle search
            len(text) <= self.lead_max
            and self.lead.match(text) is not None
            and self.lead_phrases.search(text) is not None
        )

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        is_disclaimer = self.is_disclaimer
        kept = []
        for block in blocks:
            if is_disclaimer(block.text):
                self.drop(doc, block)
            else:
                kept.append(block)
        return kept
