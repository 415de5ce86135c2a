"""Rates in Chinese text: ``find_rates`` returns percentages with their period.

``日息0.05%`` -> 0.05 per day, ``年化24%`` -> 24 per year, ``千分之五`` -> 0.5, ``万分之五`` ->
0.05, ``百分之三十`` -> 30, ``剩余租金的30%`` -> 30 (the base phrase stays in the surface),
``3个百分点`` -> 3, ``三成`` -> 30 and ``八五折`` -> 85 (kind ``discount``). Multiples (四倍)
are not rates. Vague values (百分之二三十) are skipped, as are numbers inside URLs.

A rate's number is found from its keyword (%, 分之, 个百分点, 成, 折) and read by
:func:`pipeline.numbers.parse_number_range`; period cues and base phrases come from
``resources/fee_periods.tsv`` and ``resources/fee_rate_bases.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from pipeline.numbers import CN_NUMERAL_CHARS, ignored_spans, parse_number_range, read_tsv, tidy
from pipeline.scanner import Scanner, alternation, first_chars

__all__ = ["RateMention", "find_rates"]


@dataclass(frozen=True)
class RateMention:
    """A rate in percent: ``text[start:end] == surface``.

    ``kind`` is ``percent`` (%, ‰, 百分之...), ``points`` (个百分点), ``share`` (三成) or
    ``discount`` (八折: the share paid). ``period`` is ``day``, ``month``, ``year`` or None;
    ``base`` is what the rate is a share of (``剩余租金``) when the text says so.
    """

    start: int
    end: int
    surface: str
    rate: float
    period: str | None
    kind: str = "percent"
    base: str | None = None


_SP = "[ \t\u3000\u00a0]"
_CN = CN_NUMERAL_CHARS + "点點"
_DIGITS = "0123456789０１２３４５６７８９"
_NUM_CHARS = set(_DIGITS + _CN + ".．,，")
_UNITS_OK_AFTER_ARABIC = set("十百千万亿拾佰仟萬億")
_K = set("kKｋＫ")
_SIGN_CHARS = "-－−负負"
_DEN = "十百千万萬佰仟拾"
_NOT_BEFORE_GLUED = set(_DIGITS + CN_NUMERAL_CHARS + "今去明本上下前后当同次隔半整每按个")
_MAX_NUM = 40

_ANCHOR_RE = re.compile(
    rf"(?P<pct>[%％‰‱])"
    rf"|(?P<pts>[个個]{_SP}{{0,3}}百{_SP}{{0,3}}分{_SP}{{0,3}}[点點])"
    rf"|(?<![{CN_NUMERAL_CHARS}{_DIGITS}])(?P<den>[{_DEN}]{{1,4}}){_SP}{{0,3}}分{_SP}{{0,3}}之{_SP}{{0,3}}"
    r"|(?P<share>成)(?![员員功为為本交立绩績都熟年长長果人品型就效色语語不真像])"
    r"|(?P<disc>折)(?![扣叠疊旧舊算合腾騰磨返射服痕线線断斷纸紙])"
)
_ANCHOR_SCAN = Scanner(_ANCHOR_RE)  # tried only at % 成 折 个 and the numerals before 分之
_HINT_CHARS = "%％‰‱分成折"  # every keyword of _ANCHOR_RE holds one
_ANCHOR_HINT_RE = re.compile(f"[{_HINT_CHARS}]")
# ... and, more narrowly, one of these (分 only in 分之 and 百分点): tried after the hint
_KEYWORD_RE = re.compile(rf"[%％‰‱成折]|分{_SP}{{0,3}}[之点點]")
_CONNECTORS = (
    "为", "是", "达", "约", "在", "：", ":", "高达", "最高", "最低", "低至", "仅", "仅为",
    "不超过", "可达", "约为", "一般为", "大约", "通常为", "一般", "统一为", "上限为", "不高于",
    "最高可达", "只有", "按", "以",
)  # fmt: skip
_RANGE_GAP_RE = re.compile(rf"{_SP}{{0,2}}(?:-{{1,2}}|－|—{{1,2}}|–|~|～|〜|至|到){_SP}{{0,2}}")
_PER_MILLE = {"‰": 0.1, "‱": 0.01}


@dataclass(frozen=True)
class _Cues:
    prefix_re: re.Pattern[str]
    prefix_period: dict[str, str | None]
    glued: dict[str, str]
    after_re: re.Pattern[str]
    after_period: dict[str, str | None]
    base_re: re.Pattern[str]
    # What ``prefix_re``/``base_re`` matches end with (``$`` also matches before a final
    # newline), and what ``after_re`` matches start with (None: not known): a cheap test first.
    prefix_close: frozenset[str]
    base_close: frozenset[str]
    after_open: frozenset[str] | None


@cache
def _cues() -> _Cues:
    rows = read_tsv("fee_periods.tsv")
    prefix = {r[0]: (None if r[1] == "-" else r[1]) for r in rows if r[2] == "rate_prefix"}
    after = {r[0]: (None if r[1] == "-" else r[1]) for r in rows if r[2] == "after"}
    bases = read_tsv("fee_rate_bases.tsv")
    mods = [r[0] for r in bases if r[1] == "modifier"]
    nouns = [r[0] for r in bases if r[1] == "noun"]
    conn = alternation(list(_CONNECTORS))
    after_re = re.compile(rf"{_SP}{{0,2}}(?P<a>{alternation(list(after))})")
    ends = frozenset(" \t\u3000\u00a0\n")  # _SP, and the newline ``$`` may stand before
    return _Cues(
        prefix_re=re.compile(rf"(?P<p>{alternation(list(prefix))})(?:{conn}|{_SP}){{0,3}}$"),
        prefix_period=prefix,
        glued={r[0]: r[1] for r in rows if r[2] == "rate_glued"},
        after_re=after_re,
        after_period=after,
        base_re=re.compile(
            rf"(?P<b>{alternation(mods)}{{0,2}}{alternation(nouns)}){_SP}{{0,2}}的{_SP}{{0,2}}$"
        ),
        prefix_close=ends | {w[-1] for w in [*prefix, *_CONNECTORS]},
        base_close=ends | {"的"},
        after_open=first_chars(after_re),
    )


def _is_num(ch: str) -> bool:
    return ch in _NUM_CHARS


def _is_cn(ch: str) -> bool:
    return ch in _CN


def _walk_left(text: str, end: int, lo: int) -> int:
    """Start of the numeral that ends at ``end`` (spaces only between Chinese numerals)."""
    i = end
    if i > lo and text[i - 1] in _K and i - 1 > lo and text[i - 2] in _DIGITS + " ":
        i -= 1
        while i > lo and text[i - 1] == " " and end - i < 3:
            i -= 1
    floor = max(lo, end - _MAX_NUM)
    while i > floor:
        ch = text[i - 1]
        if _is_num(ch):
            i -= 1
            continue
        if ch.isspace():
            j = i - 1
            while j > floor and text[j - 1].isspace() and i - j < 4:
                j -= 1
            if j > floor and _is_cn(text[j - 1]) and i < end and _is_cn(text[i]):
                i = j
                continue
        break
    while i < end and (text[i] in ",，" or text[i].isspace()):
        i += 1
    return i


def _walk_right(text: str, start: int) -> int:
    """End of the numeral that starts at ``start`` (after 百分之)."""
    i, limit = start, min(len(text), start + _MAX_NUM)
    while i < limit:
        ch = text[i]
        if _is_num(ch):
            i += 1
            continue
        if ch.isspace():
            j = i
            while j < limit and text[j].isspace():
                j += 1
            if j < limit and i > start and (_is_cn(text[j]) or _is_cn(text[i - 1])):
                if _is_cn(text[j]) or text[j] in _K or text[j] in _DIGITS:
                    i = j
                    continue
            if j < limit and text[j] in _K and text[i - 1] in _DIGITS:
                i = j
                continue
        if ch in _K and i > start and text[i - 1] in _DIGITS + " ":
            i += 1
        break
    while i > start and (text[i - 1] in ",，.．点點" or text[i - 1].isspace()):
        i -= 1
    return i


def _value(num: str) -> float | None:
    """Exact value of a numeral, None when it is vague (百分之二三十) or not a numeral."""
    parsed = parse_number_range(num)
    if parsed is None or parsed[1] is not None:
        return None
    return parsed[0]


def _shrink_left(text: str, start: int, end: int) -> tuple[int, float | None]:
    """Read ``text[start:end]``; on failure drop leading characters (统一5% -> 5%)."""
    for s in range(start, end):
        if text[s].isspace():
            continue
        parsed = parse_number_range(text[s:end])
        if parsed is not None:
            return (s, parsed[0]) if parsed[1] is None else (s, None)
    return end, None


def _shrink_right(text: str, start: int, end: int) -> tuple[int, float | None]:
    """Read ``text[start:end]``; on failure drop trailing characters (七十百分位 -> 七十)."""
    for e in range(end, start, -1):
        if text[e - 1].isspace():
            continue
        parsed = parse_number_range(text[start:e])
        if parsed is not None:
            return (e, parsed[0]) if parsed[1] is None else (e, None)
    return start, None


def _sign(text: str, start: int) -> int:
    """Include a minus sign before ``start`` unless it is a range dash (5-20%)."""
    if start > 0 and text[start - 1] in _SIGN_CHARS:
        before = text[start - 2] if start > 1 else ""
        if not before or not (before.isalnum() or before in "%％‰.．)）"):
            return start - 1
    return start


@dataclass
class _Raw:
    start: int
    end: int
    rate: float
    kind: str


def _suffix_rate(text: str, m: re.Match[str], floor: int) -> _Raw | None:
    """A rate whose number comes before its keyword: 5%, 3个百分点, 三成, 八折."""
    kind = m.lastgroup or ""
    k = m.start()
    if kind == "disc" and k >= 2 and text[k - 1] in "对對" and text[k - 2] == "打":
        return _Raw(k - 1, m.end(), 50.0, "discount")
    if kind in ("share", "disc") and text[k - 1 : k] == "半":
        return _Raw(k - 1, m.end(), 5.0 if kind == "share" else 50.0, _KINDS[kind])
    gap = 6 if kind == "pts" else 2
    e = k
    while e > floor and text[e - 1].isspace() and k - e < gap:
        e -= 1
    s = _walk_left(text, e, floor)
    if s >= e:
        return None
    s, value = _shrink_left(text, s, e)
    if value is None:
        return None
    if kind in ("pct", "pts"):
        s2 = _sign(text, s)
        if s2 < s:
            s, value = s2, -value
    elif kind == "disc" and e - s == 1:
        s, value = _spaced_discount(text, s, value)
    return _finish(text, _Raw(s, m.end(), value, _KINDS[kind]), text[s:e], m.group())


_SPACED_DIGIT_RE = re.compile(rf"(?<![{_CN}{_DIGITS}])([{_DIGITS}一二三四五六七八九]){_SP}{{1,2}}$")


def _spaced_discount(text: str, start: int, value: float) -> tuple[int, float]:
    """Discount digits written apart, 7 2 折 or 七 五 折, read as 72 and 75."""
    m = _SPACED_DIGIT_RE.search(text, max(0, start - 4), start)
    first = None if m is None else parse_number_range(m.group(1))
    if m is None or first is None or not 0 < value < 10:
        return start, value
    return m.start(), first[0] * 10 + value


_KINDS = {"pct": "percent", "pts": "points", "share": "share", "disc": "discount"}


def _finish(text: str, raw: _Raw, num: str, keyword: str) -> _Raw | None:
    """Scale the number by its keyword; reject impossible shares and discounts."""
    if raw.kind == "percent":
        raw.rate *= _PER_MILLE.get(keyword, 1.0)
    elif raw.kind == "share":
        return _finish_share(text, raw)
    elif raw.kind == "discount":
        if raw.start > 0 and text[raw.start - 1] == "波":  # 一波三折
            return None
        if 0 < raw.rate < 10:
            raw.rate *= 10
        elif not (10 < raw.rate < 100 and "十" not in num and "拾" not in num):
            return None
    return raw


def _finish_share(text: str, raw: _Raw) -> _Raw | None:
    """三成 = 30; 三成半 = 35; 七成六 = 76."""
    if not 0 < raw.rate <= 10:
        return None
    raw.rate *= 10
    m = _SHARE_TAIL_RE.match(text, raw.end)
    if m:
        raw.rate += 5 if m.group(1) == "半" else float(_DIGIT_VALUE[m.group(1)])
        raw.end = m.end()
    return raw


_DIGIT_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"两": 2}
_DIGIT_VALUE.update({str(i): i for i in range(10)})
_SHARE_TAIL_RE = re.compile(
    rf"{_SP}{{0,2}}([半一二两三四五六七八九1-9])(?![{CN_NUMERAL_CHARS}{_DIGITS}点點成折%％])"
)


def _fraction_rate(text: str, m: re.Match[str]) -> _Raw | None:
    """百分之三十 (30), 千分之五 (0.5), 万分之五 (0.05)."""
    den = _value(m.group("den"))
    start = m.end()
    end = _walk_right(text, start)
    if not den or end <= start:
        return None
    end, value = _shrink_right(text, start, end)
    if value is None:
        return None
    return _Raw(m.start(), end, value / den * 100, "percent")


def _base_before(text: str, start: int, floor: int) -> re.Match[str] | None:
    """A base phrase ending just before ``start``: 剩余租金的."""
    cues = _cues()
    if start <= floor or text[start - 1] not in cues.base_close:
        return None
    return cues.base_re.search(text, max(floor, start - 14), start)


def _period_before(text: str, start: int, floor: int) -> tuple[int, str | None] | None:
    """A period prefix ending just before ``start`` (日息为, 年化, a glued 日): (start, period)."""
    cues = _cues()
    m = None
    if start > floor and text[start - 1] in cues.prefix_close:
        m = cues.prefix_re.search(text, max(floor, start - 14), start)
    if m:
        return m.start(), cues.prefix_period[m.group("p")]
    ch = text[start - 1 : start] if start > floor else ""
    if ch in cues.glued and not (start - 2 >= floor and text[start - 2] in _NOT_BEFORE_GLUED):
        return start - 1, cues.glued[ch]
    return None


def _dress(text: str, raw: _Raw, floor: int, ceiling: int) -> RateMention:
    """Add the base phrase, the period prefix and an after-cue (/天) to the surface.

    Both orders occur: 日息为未还金额的0.05% and 未还金额的日万分之五. The surface stays
    within ``[floor, ceiling)``, between the neighbouring rates.
    """
    start, end, base, period = raw.start, raw.end, None, None
    m = _base_before(text, start, floor)
    if m:
        start, base = m.start(), m.group("b")
    found = _period_before(text, start, floor)
    if found:
        start, period = found
        if base is None:
            m = _base_before(text, start, floor)
            if m:
                start, base = m.start(), m.group("b")
    after_open = _cues().after_open
    m = None
    if after_open is None or text[end : end + 1] in after_open:
        m = _cues().after_re.match(text, end, ceiling)
    if m:
        end = m.end()
        period = period or _cues().after_period[m.group("a")]
    return RateMention(start, end, text[start:end], tidy(raw.rate), period, raw.kind, base)


def _raw_rates(text: str) -> list[_Raw]:
    """Rates found from their keywords, left to right, not overlapping, outside URLs."""
    skip: list[tuple[int, int]] | None = None  # URL spans, found once a rate is read
    raws: list[_Raw] = []
    floor = 0
    for m in _ANCHOR_SCAN.finditer(text):
        if m.start() < floor:
            continue
        raw = _fraction_rate(text, m) if m.group("den") else _suffix_rate(text, m, floor)
        if raw is None:
            continue
        if skip is None:
            skip = ignored_spans(text)
        if any(a < raw.end and raw.start < b for a, b in skip):
            continue
        raws.append(raw)
        floor = raw.end
    return raws


def hint_strings() -> frozenset[str]:
    """Strings one of which a text holds when it holds a rate (its keyword's character; a
    cheap pre-check for callers)."""
    return frozenset(_HINT_CHARS)


def find_rates(text: str) -> list[RateMention]:
    """Every rate in ``text``, left to right, with exact character offsets."""
    if not isinstance(text, str) or not text or not _ANCHOR_HINT_RE.search(text):
        return []
    if not _KEYWORD_RE.search(text):  # 分 alone (分期, 部分) is no keyword
        return []
    raws = _raw_rates(text)
    mentions: list[RateMention] = []
    for i, raw in enumerate(raws):
        floor = mentions[-1].end if mentions else 0
        ceiling = raws[i + 1].start if i + 1 < len(raws) else len(text)
        mention = _dress(text, raw, floor, ceiling)
        if (
            mentions
            and mention.period is None
            and _RANGE_GAP_RE.fullmatch(text, mentions[-1].end, mention.start)
        ):  # 年化7.2%~24%: the upper end shares the period
            mention = replace(mention, period=mentions[-1].period)
        mentions.append(mention)
    return mentions
