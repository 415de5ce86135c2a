"""Stage: Traditional -> Simplified with OpenCC, plus the text repairs around it.

Per article: detect the script ``variant`` of the raw body, then on the whole
body at once (blocks joined by newlines, which no step touches): normalise
characters, remove pinyin glue and mojibake, convert with OpenCC ``t2s``, undo
Latin obfuscation (it needs Simplified words to restore characters).
"""

from __future__ import annotations

from functools import cache

from pipeline.document import Block, Document
from pipeline.mojibake import remove_mojibake
from pipeline.normalize import normalize_text
from pipeline.obfuscation import repair_obfuscation
from pipeline.pinyin_glue import remove_pinyin_glue

_HAN_RANGE = ("\u3400", "\u9fff")
_MIXED_MIN = 3  # fewer foreign-script characters than this never make an article mixed
_MIXED_SHARE = 0.05


@cache
def _opencc(config: str):  # -> opencc.OpenCC
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """OpenCC ``t2s``, repeated once where a phrase rule leaves convertible text."""
    once = _opencc("t2s").convert(text)
    if once == text:
        return text
    twice = _opencc("t2s").convert(once)
    return twice


def detect_variant(text: str) -> str:
    """``traditional``, ``simplified`` or ``mixed``: which script the Han characters use."""
    han = [ch for ch in text if _HAN_RANGE[0] <= ch <= _HAN_RANGE[1]]
    if not han:
        return "simplified"
    sample = "".join(han[:20000])
    simplified = _opencc("t2s").convert(sample)
    traditional_only = sum(a != b for a, b in zip(sample, simplified, strict=False))
    if traditional_only == 0:
        return "simplified"
    traditional = _opencc("s2t").convert(sample)
    simplified_only = sum(
        a != b and a == c for a, b, c in zip(sample, traditional, simplified, strict=False)
    )
    minority = min(traditional_only, simplified_only)
    if minority >= _MIXED_MIN and minority >= _MIXED_SHARE * (traditional_only + simplified_only):
        return "mixed"
    return "traditional" if traditional_only > simplified_only else "simplified"


def convert_document(doc: Document, raw_body: str) -> Document:
    """Detect the variant of ``raw_body``, then repair and convert every block and the title."""
    doc.variant = detect_variant(raw_body)
    texts = [block.text for block in doc.blocks]
    joined = convert_text("\n".join(texts), doc.remove)
    parts = joined.split("\n")
    if len(parts) != len(texts):  # pragma: no cover - repairs never add or drop newlines
        parts = [convert_text(text, doc.remove) for text in texts]
    doc.blocks = [_with_text(block, text) for block, text in zip(doc.blocks, parts, strict=True)]
    if doc.title:
        doc.title = convert_text(doc.title, lambda _rule, _text: None).strip() or None
    return doc


def convert_text(text: str, remove) -> str:
    """Normalise, repair and convert one string; ``remove(rule, text)`` audits each repair."""
    text = normalize_text(text)
    text = remove_pinyin_glue(text, lambda span: remove("pinyin_glue", span))
    text = remove_mojibake(text, lambda span: remove("mojibake", span))
    text = to_simplified(text)
    return repair_obfuscation(text, lambda span: remove("obfuscation", span))


def _with_text(block: Block, text: str) -> Block:
    block.text = text
    return block
