"""Data carried between stages: a document is a list of blocks plus an audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Block:
    """One paragraph-level unit of an article.

    ``kind`` is ``"p"`` (paragraph), ``"h"`` (heading) or ``"li"`` (list item).
    For items of an HTML ``<ol>``, the extractor writes the displayed number
    into ``text`` itself (``"1. 登录账号"``) so numbering survives every later
    stage; ``list_id`` groups the items of one HTML list and ``link_ratio`` is
    the share of the block's characters that sit inside ``<a>`` links;
    ``edited`` marks a block a cleaning rule cut text out of.
    """

    text: str
    kind: str = "p"
    list_id: int | None = None
    link_ratio: float = 0.0
    edited: bool = False


@dataclass(slots=True)
class Removal:
    """An audit row: ``rule`` took ``text`` out of the body."""

    rule: str
    text: str


@dataclass
class Document:
    """The working state of one article as it flows through the stages."""

    source: str
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    url: str | None = None
    variant: str = "simplified"
    chars_in: int = 0
    meta: dict = field(default_factory=dict)
    removed: list[Removal] = field(default_factory=list)

    def remove(self, rule: str, text: str) -> None:
        """Record that ``rule`` removed ``text`` (empty strings are ignored)."""
        if text and text.strip():
            self.removed.append(Removal(rule, text))
