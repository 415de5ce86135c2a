"""Rule ``toc``: a table-of-contents block (目录 / 目录导读 and its entry lines)."""

from __future__ import annotations

import re

from pipeline.clean.base import Needles, Rule, Scanner, needles, rule_config
from pipeline.clean.titles import is_title_like, marker_family
from pipeline.document import Block, Document

_PROSE = re.compile(r"[，。；,;！？]")
_TOGGLE = re.compile(r"[\[【(（]?(?:隐藏|显示|展开|收起|hide|show)[\]】)）]?", re.I)
_TOGGLE_SCAN = Scanner(_TOGGLE)  # most blocks hold no toggle: no substitution


class Toc(Rule):
    """Drops a TOC header and the run of short entry lines (one marker style) after it.

    A header standing alone (its entries were links the HTML stage already dropped)
    goes too.
    """

    name = "toc"

    def __init__(self) -> None:
        config = rule_config(self.name)
        self.headers = frozenset(config["headers"])
        self.max_line_chars = int(config["max_line_chars"])
        self.inline_max = int(config["inline_max_chars"])
        self.needles = self._needles()

    def _needles(self) -> Needles:
        """In every header (inline TOC too): a header's own text, unless a toggle was cut out."""
        toggle = needles(_TOGGLE)
        return Needles(None if toggle is None else {*self.headers, *toggle})

    def is_header(self, text: str) -> bool:
        if _TOGGLE_SCAN.search(text) is not None:
            text = _TOGGLE.sub("", text)
        core = text.strip(" :：【】[]<>《》-—=*#").strip()
        return core in self.headers

    def is_inline_toc(self, text: str) -> bool:
        """A header and its entries on one line: ``文章目录：① 费用 ② 流程``."""
        head, sep, rest = text.partition("：") if "：" in text else text.partition(":")
        return (
            bool(sep)
            and bool(rest.strip())
            and len(text) <= self.inline_max
            and self.is_header(head)
            and not _PROSE.search(rest)
        )

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        kept: list[Block] = []
        i = 0
        while i < len(blocks):
            if not self.needles.found_in(blocks[i].text):  # no header, inline or alone
                kept.append(blocks[i])
                i += 1
                continue
            if self.is_inline_toc(blocks[i].text):
                self.drop(doc, blocks[i])
                i += 1
                continue
            if self.is_header(blocks[i].text):
                j = i + 1
                family = marker_family(blocks[j].text) if j < len(blocks) else "none"
                while (
                    j < len(blocks)
                    and is_title_like(blocks[j].text, self.max_line_chars)
                    and marker_family(blocks[j].text) == family
                ):
                    j += 1
                j = j if j - i >= 3 else i + 1  # too few entries: only the header goes
                for block in blocks[i:j]:
                    self.drop(doc, block)
                i = j
                continue
            kept.append(blocks[i])
            i += 1
        return kept
