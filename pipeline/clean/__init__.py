"""Stage: junk removal. The rules run in the order of ``recipe`` in ``junk_rules.json``."""

from __future__ import annotations

from functools import cache

from pipeline.clean.ads import AdContact
from pipeline.clean.base import Rule
from pipeline.clean.comments import Comments
from pipeline.clean.disclaimers import Disclaimer
from pipeline.clean.metadata import Metadata
from pipeline.clean.related_links import RelatedLinks
from pipeline.clean.repeated import Repeated
from pipeline.clean.residue import Residue
from pipeline.clean.toc import Toc
from pipeline.clean.widgets import UiWidget
from pipeline.document import Document
from pipeline.resource import read_json

RULES: dict[str, type[Rule]] = {
    rule.name: rule
    for rule in (
        UiWidget,
        Metadata,
        Disclaimer,
        AdContact,
        Comments,
        Toc,
        RelatedLinks,
        Repeated,
        Residue,
    )
}


@cache
def recipe() -> tuple[Rule, ...]:
    """The rule instances in recipe order (built once per process)."""
    return tuple(RULES[name]() for name in read_json("junk_rules.json")["recipe"])


def clean_document(doc: Document) -> Document:
    """Run every junk rule over ``doc``'s blocks; removals land in ``doc.removed``."""
    blocks = []
    for block in doc.blocks:
        text = block.text.strip()
        if text:
            block.text = text
            blocks.append(block)
    for rule in recipe():
        blocks = rule(blocks, doc)
    doc.blocks = blocks
    return doc
