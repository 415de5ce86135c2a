"""Stage: bytes -> str for every encoding a Chinese scraper meets.

Order: byte-order mark, binary check (stray NULs in UTF-8 text are dropped
first), strict UTF-8, the charset an HTML page declares (GB2312/GBK mapped to
their superset GB18030; ignored when it yields private-use characters and
another codec fits, as Big5 bytes read as GB18030 do), then the Chinese legacy
codecs ranked by ``charset_normalizer``. A file that decodes only with damage
keeps its readable part (the damage becomes U+FFFD, removed later as
``mojibake``) unless most of it is unreadable, then :class:`DecodeError`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "cp950",
    "x-big5": "cp950",
    "big5-hkscs": "big5hkscs",
    "utf8": "utf-8",
}
# Big5 is read as cp950 (Big5 with the ETEN extensions: ①, ㈠ …); Hong Kong's
# HKSCS maps those bytes to other characters, so it is only the fallback for
# text that cp950 cannot read.
_LEGACY = ("gb18030", "cp950")
_BIG5_FALLBACK = {"cp950": "big5hkscs"}
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,30})""", re.I)
_MAX_DAMAGE = 0.2
_CN_NAMES = {"cp950": "big5"}  # charset-normalizer's name for a codec
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")  # what GB18030 makes of Big5 bytes
_MAX_STRAY_NUL = 0.05


class DecodeError(ValueError):
    """The bytes are not readable text; the message says why."""


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the codec that produced it."""

    text: str
    encoding: str


def decode_bytes(data: bytes, html: bool = False) -> Decoded:
    """Decode ``data``; ``html`` enables the page's own charset declaration."""
    if not data.strip(b" \t\r\n\x00\x0b\x0c"):
        raise DecodeError("empty file" if not data else "file holds only whitespace")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _finish(data[len(bom) :], codec)
    data = _without_stray_nuls(data)
    _check_binary(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    damaged_utf8 = _mostly_utf8(data)
    if damaged_utf8 is not None:
        return damaged_utf8
    candidates = list(_LEGACY)
    declared = _declared_charset(data) if html else None
    if declared and declared not in candidates and declared != "utf-8":
        candidates.insert(0, declared)
    strict = [_strict_codec(data, c) for c in candidates]
    strict = [c for c in strict if c is not None]
    if declared in strict and (len(strict) == 1 or not _PRIVATE_USE.search(data.decode(declared))):
        return Decoded(data.decode(declared), declared)  # private-use chars: a wrong declaration
    if len(strict) == 1:
        return Decoded(data.decode(strict[0]), strict[0])
    if len(strict) > 1:
        return Decoded(data.decode(_rank(data, strict)), _rank(data, strict))
    return _least_damaged(data, ["utf-8", *candidates])


def _strict_codec(data: bytes, codec: str) -> str | None:
    """``codec`` if it reads ``data`` without error, else its fallback if that does."""
    for name in (codec, _BIG5_FALLBACK.get(codec)):
        if name and _decodes(data, name):
            return name
    return None


def _finish(body: bytes, codec: str) -> Decoded:
    text = body.decode(codec, errors="replace")
    if not text.strip():
        raise DecodeError("file holds only a byte-order mark")
    return Decoded(text, codec)


def _without_stray_nuls(data: bytes) -> bytes:
    """UTF-8 text with a few stray NUL bytes (a scraper artifact) loses them; binary keeps them."""
    if 0 not in data:
        return data
    stripped = data.replace(b"\x00", b"")
    if len(data) - len(stripped) > _MAX_STRAY_NUL * len(data):
        return data
    try:
        stripped.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return stripped


_CONTROL_BYTES = bytes((*range(1, 9), 14, 15, 16, 17, 18, 19))


def _check_binary(data: bytes) -> None:
    sample = data[:65536]
    nul = sample.count(0)
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if nul > max(2, len(sample) // 100) or controls > len(sample) // 20 + 2:
        raise DecodeError(f"binary content, not text ({nul} NUL and {controls} control bytes)")


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few foreign bytes (mixed encodings): keep the readable part.

    Legacy Chinese bytes rarely form valid multi-byte UTF-8 by accident, so many
    valid sequences and few broken ones mean the file is UTF-8 that was damaged.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad  # non-ASCII, not U+FFFD
    if good >= 4 * bad:
        return Decoded(text, "utf-8")
    return None


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _rank(data: bytes, codecs_: list[str]) -> str:
    """Pick among codecs that all decode ``data`` strictly.

    A reading full of private-use characters is what one legacy codec makes of
    the other's bytes, so it loses outright; otherwise charset-normalizer ranks.
    """
    import charset_normalizer

    sample = data[:200_000]
    clean = [c for c in codecs_ if not _PRIVATE_USE.search(sample.decode(c, errors="ignore"))]
    if len(clean) == 1:
        return clean[0]
    codecs_ = clean or codecs_
    known = {_CN_NAMES.get(c, c): c for c in codecs_}
    best = charset_normalizer.from_bytes(sample, cp_isolation=list(known)).best()
    if best is None:
        return codecs_[0]
    return known.get(best.encoding, _ALIASES.get(best.encoding, codecs_[0]))


def _least_damaged(data: bytes, codecs_: list[str]) -> Decoded:
    scored = []
    for codec in dict.fromkeys(codecs_):
        try:
            text = data.decode(codec, errors="replace")
        except LookupError:
            continue
        scored.append((text.count("\ufffd") / max(1, len(text)), codec, text))
    damage, codec, text = min(scored)
    if damage > _MAX_DAMAGE:
        raise DecodeError(
            f"undecodable: no encoding fits ({damage:.0%} of characters unreadable as {codec})"
        )
    return Decoded(text, codec)
