"""Rule ``related_links``: lists of other articles' titles (相关内容, 猜你喜欢, link lists).

Recognised by structure, three ways: a related-list header followed by a run of
title-like lines; a run of blocks that are mostly link text (HTML); and, with
no header, a long run of title-like lines that reads as a list of article
titles (unnumbered, at the edge of the article or full of title cues).
"""

from __future__ import annotations

import re

from pipeline.clean.base import Rule, rule_config
from pipeline.clean.titles import _MARKER, is_title_like, title_runs
from pipeline.document import Block, Document

_LOOSE_HEADER_MAX = 16
_DECORATION = " :：【】[]<>《》-—=*#|>»·"


class RelatedLinks(Rule):
    """Drops related-article lists, with or without a header."""

    name = "related_links"

    def __init__(self) -> None:
        config = rule_config(self.name)
        self.headers = tuple(sorted(config["headers"], key=len, reverse=True))
        self.header_max = int(config["header_max_chars"])
        self.headerless_min = int(config["headerless_min_run"])
        self.edge_min = int(config["edge_min_run"])
        self.link_min = int(config["link_min_run"])
        self.link_ratio = float(config["link_ratio"])
        self.cues = tuple(config["title_cues"])
        self.header_pattern = re.compile(config["header_pattern"])
        self.header_starts = frozenset(h[0] for h in self.headers)

    def is_header(self, text: str) -> bool:
        """A related-list header line such as ``相关文章：`` or ``【猜你喜欢】``."""
        core = text.strip(_DECORATION).strip()
        if len(core) > self.header_max:
            return False
        if core.startswith(self.headers) and any(
            core.startswith(h) and _is_header_tail(core[len(h) :]) for h in self.headers
        ):
            return True
        return len(core) <= _LOOSE_HEADER_MAX and self.header_pattern.match(core) is not None

    def is_inline_list(self, text: str) -> bool:
        """A header and its titles on one line: ``延伸阅读：▸ 标题一 ▸ 标题二``."""
        core = text.strip(_DECORATION).strip()
        if not core.startswith(self.headers):
            return False
        for header in self.headers:
            if core.startswith(header):
                rest = core[len(header) :]
                if rest[:1] in (":", "：", " ", "▸", "·", "|") and len(core) <= 160:
                    parts = re.split(r"[▸·|｜•/／]|\s{2,}", rest.strip(_DECORATION))
                    items = [i.strip() for i in parts if i.strip()]
                    return bool(items) and all(is_title_like(i) for i in items)
        return False

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        drop = [False] * len(blocks)
        self._mark_headed(blocks, drop)
        self._mark_links(blocks, drop)
        self._mark_headerless(blocks, drop)
        if True not in drop:
            return blocks
        kept = []
        for block, dropped in zip(blocks, drop, strict=True):
            if dropped:
                self.drop(doc, block)
            else:
                kept.append(block)
        return kept

    def _may_head(self, text: str) -> bool:
        """False when ``text`` is neither a header nor an inline list (one cheap test)."""
        core = text.strip(_DECORATION).strip()
        return (core[:1] in self.header_starts and core.startswith(self.headers)) or (
            len(core) <= _LOOSE_HEADER_MAX and self.header_pattern.match(core) is not None
        )

    def _mark_headed(self, blocks: list[Block], drop: list[bool]) -> None:
        for i, block in enumerate(blocks):
            if drop[i] or not self._may_head(block.text):
                continue
            if self.is_inline_list(block.text):
                drop[i] = True
            if not self.is_header(block.text) and not drop[i]:
                continue
            drop[i] = True
            j = i + 1
            while j < len(blocks) and (is_title_like(blocks[j].text) or _is_link(blocks[j])):
                drop[j] = True
                j += 1

    def _mark_links(self, blocks: list[Block], drop: list[bool]) -> None:
        ratios = [b.link_ratio for b in blocks]
        if not ratios or max(ratios) < self.link_ratio:  # plain text: no links at all
            return
        for start, end in _runs([r >= self.link_ratio for r in ratios]):
            if end - start >= self.link_min:
                drop[start:end] = [True] * (end - start)

    def _mark_headerless(self, blocks: list[Block], drop: list[bool]) -> None:
        shortest = min(self.headerless_min, self.edge_min)
        for start, end in title_runs([b.text for b in blocks], shortest):
            run = blocks[start:end]
            numbered = sum(1 for b in run if _MARKER.match(b.text) and b.link_ratio < 0.5)
            if numbered * 2 > len(run):
                continue
            cued = sum(1 for b in run if any(c in b.text for c in self.cues))
            at_edge = end == len(blocks) or start == 0 or _only_short_after(blocks, end)
            if len(run) >= self.headerless_min and (at_edge or cued * 2 >= len(run)):
                drop[start:end] = [True] * (end - start)
            elif len(run) >= self.edge_min and end == len(blocks) and cued * 2 >= len(run):
                drop[start:end] = [True] * (end - start)


def _is_header_tail(tail: str) -> bool:
    tail = tail.strip(_DECORATION).strip()
    return not tail or tail in ("推荐", "列表", "文章", "内容", "阅读", "链接", "更多", "更多>>")


def _is_link(block: Block) -> bool:
    return block.link_ratio >= 0.6 and len(block.text) <= 80


def _only_short_after(blocks: list[Block], end: int) -> bool:
    """Nothing but short lines (widgets, a closing remark) follows position ``end``."""
    rest = blocks[end:]
    return len(rest) <= 3 and all(len(b.text) <= 30 for b in rest)


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """Maximal ``[start, end)`` runs of consecutive true ``flags``."""
    runs, start = [], None
    for i, flag in enumerate(flags):
        if flag:
            start = i if start is None else start
        elif start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(flags)))
    return runs
