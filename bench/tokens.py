"""rjieba vs jieba on the bench text: how many word boundaries they share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq


def _spans(tokens: list[str]) -> set[tuple[int, int]]:
    spans: set[tuple[int, int]] = set()
    position = 0
    for token in tokens:
        spans.add((position, position + len(token)))
        position += len(token)
    return spans


def compare(jieba_tokens: list[list[str]], rjieba_tokens: list[list[str]]) -> dict[str, Any]:
    """Boundary, token and paragraph agreement of two segmentations of the same paragraphs.

    A boundary is the end offset of a token in its paragraph; ``boundary_share`` is
    shared boundaries over all boundaries either one makes, ``token_share`` the
    share of jieba tokens rjieba cuts identically (same start and end).
    """
    shared = union = same_tokens = jieba_count = same_paragraphs = compared = 0
    for a, b in zip(jieba_tokens, rjieba_tokens, strict=True):
        if "".join(a) != "".join(b):
            continue
        compared += 1
        spans_a, spans_b = _spans(a), _spans(b)
        ends_a, ends_b = {e for _, e in spans_a}, {e for _, e in spans_b}
        shared += len(ends_a & ends_b)
        union += len(ends_a | ends_b)
        same_tokens += len(spans_a & spans_b)
        jieba_count += len(a)
        same_paragraphs += a == b
    return {
        "paragraphs": len(jieba_tokens),
        "paragraphs_compared": compared,
        "boundary_share": shared / union if union else 1.0,
        "token_share": same_tokens / jieba_count if jieba_count else 1.0,
        "paragraph_share": same_paragraphs / compared if compared else 1.0,
    }


def boundary_agreement(out: Path) -> dict[str, Any]:
    """Cut the paragraphs of a jieba run's ``articles.text`` with rjieba and compare tokens."""
    from pipeline.segment import segmenter

    table = pq.read_table(out / "tokens.parquet", columns=["doc_id", "para", "tokens"])
    articles = pq.read_table(out / "articles.parquet", columns=["doc_id", "text", "status"])
    articles = articles.filter(pc.equal(articles["status"], "ok"))
    texts = dict(zip(articles["doc_id"].to_pylist(), articles["text"].to_pylist(), strict=True))
    cut = segmenter("rjieba")
    jieba_tokens: list[list[str]] = []
    rjieba_tokens: list[list[str]] = []
    paragraphs: dict[str, list[str]] = {}
    for doc, para, tokens in zip(
        table["doc_id"].to_pylist(),
        table["para"].to_pylist(),
        table["tokens"].to_pylist(),
        strict=True,
    ):
        if doc not in paragraphs:
            paragraphs[doc] = texts[doc].split("\n")
        jieba_tokens.append(tokens)
        rjieba_tokens.append(cut(paragraphs[doc][para]))
    return compare(jieba_tokens, rjieba_tokens)
