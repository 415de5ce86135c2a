"""Character normalisation that keeps Chinese punctuation and list markers.

Unlike NFKC, this only folds full-width ASCII letters and digits (``１２３`` ->
``123``), turns exotic spaces into plain ones and drops invisible characters
(zero-width, bidi and other format characters, C0/C1 controls, lone
surrogates). ``，。：（）、①⑴`` stay.
"""

from __future__ import annotations

import re

_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_WIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})
_WIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_WIDTH.update({0x00A0: 0x20, 0x2007: 0x20, 0x202F: 0x20, 0x3000: 0x20, 0x0B: 0x20, 0x0C: 0x20})
_WIDTH.update({0xFF05: ord("%"), 0xFF0E: ord(".")})

_INVISIBLE_BMP = (
    "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff"
    # the other format characters (Unicode category Cf): Arabic/Syriac marks, tags...
    "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
)
_INVISIBLE_ASTRAL = (
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
# ``re`` tests the astral members of a class one by one for every other character:
# the BMP ones are dropped in one pass, the astral ones only from text holding one.
_INVISIBLE = re.compile(f"[{_INVISIBLE_BMP}]")
_INVISIBLE_FAR = re.compile(f"[{_INVISIBLE_ASTRAL}]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_FOLDABLE = "".join(re.escape(chr(c)) for c in sorted(_WIDTH))
_FOLDED = re.compile(f"[{_FOLDABLE}][{_FOLDABLE}]*")  # a run (a class first: scanned in C)
_ASTRAL = "\U00010000-\U0010ffff"
_ANY_ASTRAL = re.compile(f"[{_ASTRAL}]")
# What every step below needs in the text: text holding none of it is already normal.
_TOUCHED = re.compile(f"[{_INVISIBLE_BMP}{_FOLDABLE}{_ASTRAL}]")


def normalize_text(text: str) -> str:
    """Fold width, unify newlines and drop invisible characters."""
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = _NEWLINES.sub("\n", text)
    if _TOUCHED.search(text) is None:
        return text
    text = _INVISIBLE.sub("", text)
    if _ANY_ASTRAL.search(text) is not None:
        text = _INVISIBLE_FAR.sub("", text)
    return _FOLDED.sub(_fold, text)


def _fold(match: re.Match[str]) -> str:
    """``str.translate`` by ``_WIDTH`` of one run of its keys (the rest of the text is kept)."""
    return match.group().translate(_WIDTH)
