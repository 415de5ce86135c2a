"""Money amounts in Chinese text: ``parse_money`` and ``find_money``.

``parse_money("4万元")`` -> ``Money(40000.0, None, "CNY")``; ``parse_money("100-200元")`` ->
``Money(100.0, 200.0, "CNY")``; ``parse_money("九块九")`` -> ``Money(9.9, None, "CNY")``.

Amounts are in the currency's main unit (元, dollar, ...). Handled: Arabic, Chinese and mixed
numerals (see :mod:`pipeline.numbers`), 元/块/圆 with 角/毛 and 分 (一百三十五块六角七分钱,
九块九, 三块零四), currency words and signs before or after the number (lexicon
``resources/money_currencies.tsv``), ranges (100-200元, 两到三万港元, 一两千元), and qualifiers
(约, 左右, 以上, 不到; ``resources/money_qualifiers.tsv``) which keep the value. Vague amounts
follow JioNLP: ``3000多`` -> 3000 to 4000, ``十几块`` -> 10 to 20.

In running text (``find_money``) a number is money only with a currency unit, word or sign;
角/毛/分 alone need 钱 (五角大楼 and 十分重要 are not money).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.numbers import CN_NUMERAL_CHARS, ignored_spans, parse_number_range, read_tsv, tidy
from pipeline.scanner import Scanner, char_class, first_chars, literals

__all__ = ["Money", "MoneyMention", "find_amounts", "find_money", "parse_money"]


@dataclass(frozen=True)
class Money:
    """An amount (or range ``amount``..``amount_max``) in a currency's main unit."""

    amount: float
    amount_max: float | None
    currency: str


@dataclass(frozen=True)
class MoneyMention:
    """One money expression found in a text: ``text[start:end] == surface``.

    ``approx`` is true for approximate or vague amounts (约, 左右, 多, 一两千) and for
    bounds; ``bound`` is ``"upper"`` (不到, 以下) or ``"lower"`` (至少, 以上) when the
    amount is a limit rather than a value.
    """

    start: int
    end: int
    surface: str
    money: Money
    approx: bool
    bound: str | None = None


_CN = CN_NUMERAL_CHARS
_DIGIT_CLASS = "0-9０-９"
_SP = "[ \u3000\u00a0]"
_ARABIC = (
    rf"(?:[{_DIGIT_CLASS}]{{1,30}}(?:[,，][{_DIGIT_CLASS}]{{3}}(?![{_DIGIT_CLASS}])){{0,8}}"
    rf"(?:[.．][{_DIGIT_CLASS}]{{1,12}})?|[.．][{_DIGIT_CLASS}]{{1,12}})"
    r"(?:[kKwWｋＫ](?![A-Za-z]))?"
)
_CN_DIGITS = "零一二两三四五六七八九壹贰叁肆伍陆柒捌玖兩貳參叄陸〇"
_RUN_TOKEN = (
    rf"(?:{_ARABIC}|[{_CN}几]|数(?=[十百千万亿萬億])|[点點](?=[{_DIGIT_CLASS}{_CN_DIGITS}])"
    rf"|(?<=[^\W_])[多余]|[个個](?=[万亿萬億])|{_SP}(?=[万亿萬億千百]))"
)
_RUN_RE = re.compile(rf"(?:{_ARABIC}|[{_CN}几]|数(?=[十百千万亿萬億])){_RUN_TOKEN}{{0,24}}")
_NUMERAL_START_RE = re.compile(rf"[{_DIGIT_CLASS}{_CN}几数]")  # every numeral run holds one
_RUN_CHARS = rf"{_DIGIT_CLASS}{_CN}几数点點多余个個.．,，kKwW"
_RUN_CHAR_SET = first_chars(re.compile(rf"[{_RUN_CHARS}]")) or frozenset()  # a class: known
# After a failed start: in the run of numeral characters there, the first Arabic digit that
# follows a Chinese numeral (the lookbehind may see the character before the run), else the
# run's end; one lazy match.
_RESTART_RE = re.compile(
    rf"[{_RUN_CHARS}]*?(?:(?<=[{_CN}])(?=[{_DIGIT_CLASS}])|(?![{_RUN_CHARS}]))"
)
_NOT_BEFORE_NUMERAL = rf"[{_DIGIT_CLASS}.．A-Za-z]"  # a numeral does not start after these
# Where a numeral may start (the numeral branch of _trigger_re); the first character is
# consumed and the lookbehind tested after it, so ``re`` skips other characters in C.
_NUMERAL_TRIGGER_RE = re.compile(
    rf"(?:[{_DIGIT_CLASS}{_CN}几]|数(?=[十百千万亿])|[.．](?=[0-9]))(?<!{_NOT_BEFORE_NUMERAL}.)"
)
_POINT_OR_COMMA_RE = re.compile(r"[.．,]")
_MULT_TAIL_RE = re.compile(r"[十百千万亿拾佰仟萬億kKwWｋＫ]{1,4}$")

_D = f"[{_DIGIT_CLASS}一二两三四五六七八九壹贰叁肆伍陆柒捌玖兩貳參陸]"
_D_CN = "[一二两三四五六七八九壹贰叁肆伍陆柒捌玖兩貳參陸]"
_JIAO = r"(?:角|毛|毫(?![米升克秒安瓦伏无不]))"
_FEN = r"(?:分(?![钟鐘期之享类類别別析配数數成红紅行店公区區])|仙)"
_NOT_AFTER_BARE = (
    rf"(?![{_DIGIT_CLASS}{_CN}点點.．%％个個次件天日月年期位名条條张張份只台部套斤克人号號折成倍"
    r"A-Za-z角毛毫分仙])"
)
_CENTS_RE = re.compile(
    rf"(?P<j>{_D}){_JIAO}(?:(?P<jf>{_D}){_FEN}|(?P<jb>{_D}){_NOT_AFTER_BARE})?"
    rf"|零?(?P<f>{_D}){_FEN}"
    rf"|零(?P<zb>{_D}){_NOT_AFTER_BARE}"
    r"|(?P<half>半)"
    rf"|(?P<b>{_D_CN}){_NOT_AFTER_BARE}"
    rf"|(?P<ab>[{_DIGIT_CLASS}]){_NOT_AFTER_BARE}"
)
_MINOR_RE = re.compile(rf"{_SP}{{0,2}}(?:(?P<jiao>{_JIAO})|(?P<fen>{_FEN}))")
_AFTER_MINOR_RE = re.compile(rf"(?P<f>{_D}){_FEN}|(?P<b>{_D}){_NOT_AFTER_BARE}")
_QIAN_RE = re.compile(r"钱|錢")
_ZHENG_RE = re.compile(r"[整正](?![在常式规規确確当當版品面好义義])")
_INCL_RE = re.compile(rf"{_SP}{{0,2}}[(（]含[)）]")
_RANGE_SEP_RE = re.compile(
    rf"{_SP}{{0,2}}(?:-{{1,2}}|－{{1,2}}|—{{1,2}}|–|~|～|〜|至|到){_SP}{{0,2}}"
)
_UNIT_GUARDS = {
    "元": r"(?![化素旦宵])",
    "块": r"(?![儿兒去来來玩吃做学學住聊走地石板砖磚肉糖屏蛋布田])",
    "塊": r"(?![兒去來玩吃做學住聊走地石板磚肉糖屏蛋布田])",
    "蚊": r"(?![子虫蟲香帐帳])",
}
_SPOKEN_UNITS = ("块", "塊", "蚊")
_COUNTED_RE = re.compile(
    rf"{_SP}{{0,2}}[年月日天号號个個次期位名条條张張份只台部套斤克人倍%％折成岁歲周週A-Za-z]"
)


class _AnyChar:
    """An unknown opening: every character may open a match."""

    def __contains__(self, item: object) -> bool:
        return True


def _opening(pattern: re.Pattern[str]) -> frozenset[str] | _AnyChar:
    """The characters a match of ``pattern`` can start at: ``text[pos:pos + 1] in`` it is a
    cheap test that ``pattern.match(text, pos)`` can succeed (every pattern here consumes)."""
    chars = first_chars(pattern)
    return _AnyChar() if chars is None else chars


def _union(*opens: frozenset[str] | _AnyChar) -> frozenset[str] | _AnyChar:
    if any(isinstance(chars, _AnyChar) for chars in opens):
        return _AnyChar()
    return frozenset().union(*opens)  # type: ignore[arg-type]


_CENTS_OPEN = _opening(_CENTS_RE)
_MINOR_OPEN = _opening(_MINOR_RE)
_AFTER_MINOR_OPEN = _opening(_AFTER_MINOR_RE)
_QIAN_OPEN = _opening(_QIAN_RE)
_ZHENG_OPEN = _opening(_ZHENG_RE)
_INCL_OPEN = _opening(_INCL_RE)
_RANGE_SEP_OPEN = _opening(_RANGE_SEP_RE)
_NUM_VALUE = {c: float(i) for i, c in enumerate("零一二三四五六七八九")} | {
    c: float(i) for i, c in enumerate("〇壹贰叁肆伍陆柒捌玖")
}
_NUM_VALUE.update({"两": 2.0, "兩": 2.0, "貳": 2.0, "參": 3.0, "陸": 6.0})
_NUM_VALUE.update({chr(0x30 + i): float(i) for i in range(10)})
_NUM_VALUE.update({chr(0xFF10 + i): float(i) for i in range(10)})


@dataclass(frozen=True)
class _Lexicon:
    """Compiled currency and qualifier lexicons."""

    codes: dict[str, tuple[str, str]]  # surface -> (ISO code, kind)
    after_re: re.Pattern[str]  # a unit or currency word after the number
    before_re: re.Pattern[str]  # a currency word or sign before the number
    word_re: re.Pattern[str]  # a currency word after a unit (元人民币)
    quals: dict[str, tuple[str, str]]  # surface -> (position, meaning)
    pre_re: re.Pattern[str]
    post_re: re.Pattern[str]
    after_open: frozenset[str] | _AnyChar  # characters the patterns above can start at
    before_open: frozenset[str] | _AnyChar
    word_open: frozenset[str] | _AnyChar
    post_open: frozenset[str] | _AnyChar
    major_tail_open: frozenset[str] | _AnyChar  # cents, 钱, 整 or a currency word after 元
    amount_tail_open: frozenset[str] | _AnyChar  # (含), a range dash or a post qualifier
    pre_close: frozenset[str]  # what ends a ``pre_re`` match: a qualifier's last char, a space
    hints: frozenset[str]  # every currency word, unit and sign, and 角/毛/毫/分/仙
    hint_re: re.Pattern[str]  # finds one of them


def _alternation(words: list[str]) -> str:
    """Regex alternation, longest first, ASCII words bounded by non-letters."""
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        part = re.escape(word)
        if word.isascii() and word[-1].isalpha():
            part = rf"(?<![A-Za-z]){part}(?![A-Za-z])"
        parts.append(part + _UNIT_GUARDS.get(word, ""))
    return "(?:" + "|".join(parts) + ")"


@cache
def _lexicon() -> _Lexicon:
    codes = {row[0]: (row[1], row[2]) for row in read_tsv("money_currencies.tsv")}
    words = [w for w, (_, kind) in codes.items() if kind == "word"]
    units = [w for w, (_, kind) in codes.items() if kind == "unit"]
    signs = [w for w, (_, kind) in codes.items() if kind == "symbol"]
    quals = {row[0]: (row[1], row[2]) for row in read_tsv("money_qualifiers.tsv")}
    pre = [w for w, (pos, _) in quals.items() if pos == "pre"]
    post = [w for w, (pos, _) in quals.items() if pos == "post"]
    after_re = re.compile(rf"{_SP}{{0,2}}(?P<cur>{_alternation(words + units)})")
    before_re = re.compile(rf"(?P<cur>{_alternation(words + signs)}){_SP}{{0,3}}")
    word_re = re.compile(rf"{_SP}{{0,2}}(?P<cur>{_alternation(words)})")
    post_re = re.compile(rf"{_SP}{{0,2}}(?P<q>{_alternation(post)})")
    return _Lexicon(
        codes=codes,
        after_re=after_re,
        before_re=before_re,
        word_re=word_re,
        quals=quals,
        pre_re=re.compile(rf"(?P<q>{_alternation(pre)}){_SP}{{0,2}}$"),
        post_re=post_re,
        after_open=_opening(after_re),
        before_open=_opening(before_re),
        word_open=_opening(word_re),
        post_open=_opening(post_re),
        major_tail_open=_union(_CENTS_OPEN, _QIAN_OPEN, _ZHENG_OPEN, _opening(word_re)),
        amount_tail_open=_union(_INCL_OPEN, _RANGE_SEP_OPEN, _opening(post_re)),
        pre_close=frozenset(w[-1] for w in pre) | frozenset(" \u3000\u00a0\n"),  # $ before \n
        hints=frozenset(codes) | frozenset("角毛毫分仙"),
        hint_re=literals(frozenset(codes) | frozenset("角毛毫分仙")),
    )


_SIGN_AHEAD = rf"(?=[{_DIGIT_CLASS}.．{_CN}几数])"


@cache
def _trigger_re() -> re.Pattern[str]:
    """Where a money expression may start: a currency word/sign or a numeral."""
    before = _lexicon().before_re.pattern
    return re.compile(
        rf"{before}{_SIGN_AHEAD}"
        rf"|(?<!{_NOT_BEFORE_NUMERAL})(?=[{_DIGIT_CLASS}{_CN}几]|数[十百千万亿]|[.．][0-9])"
    )


@cache
def _live_numerals() -> re.Pattern[str]:
    """:data:`_NUMERAL_TRIGGER_RE` without the starts that surely fail and restart past every
    start they skip: a numeral start whose run of numeral characters makes nothing money
    (no unit, currency word, 角/分, (含), dash or sign can start in it) and is followed by
    what can neither go on a numeral nor make it money, or by the end (一般, 几天, 2023年,
    0.6%, 两个月): the numeral read there stays in that run, so nothing can follow it, and
    the restart stays in it too, where every start is dropped for the same reason (property
    test). Runs longer than 40 characters are left to the loop (no quadratic look-ahead).
    """
    lex, go_on = _lexicon(), _go_on()
    starts = first_chars(_NUMERAL_TRIGGER_RE)
    if isinstance(go_on, _AnyChar) or isinstance(lex.before_open, _AnyChar) or starts is None:
        return _NUMERAL_TRIGGER_RE  # not known
    inert = _RUN_CHAR_SET - go_on - lex.before_open
    if not starts <= inert:
        return _NUMERAL_TRIGGER_RE
    keep = char_class(_RUN_CHAR_SET | go_on | frozenset("ｋＫ \u3000\u00a0")).pattern[1:-1]
    return re.compile(
        rf"(?:{_NUMERAL_TRIGGER_RE.pattern})(?!{char_class(inert).pattern}{{0,40}}(?:[^{keep}]|\Z))"
    )


@cache
def _sign_trigger() -> Scanner:
    """The currency-sign branch of :func:`_trigger_re`, tried only where a sign can start.

    No character opens both branches (checked here), so the leftmost trigger is the leftmost
    of this and :data:`_NUMERAL_TRIGGER_RE`, and a numeral trigger has no sign to read.
    """
    lex = _lexicon()
    numeral = first_chars(_NUMERAL_TRIGGER_RE)
    if isinstance(lex.before_open, _AnyChar) or numeral is None or lex.before_open & numeral:
        raise ValueError("a currency word or sign may start like a numeral")
    return Scanner(re.compile(rf"{lex.before_re.pattern}{_SIGN_AHEAD}"))


@dataclass(slots=True)
class _Amount:
    """One side of a money expression while it is being read."""

    end: int
    low: float
    high: float | None
    run: str
    kind: str | None  # "unit" (元/块), "word" (美元), "minor" (角/分), or None (bare number)
    currency: str | None  # explicit currency (a word, not a generic unit)
    vague: bool
    qian: bool = False  # ended in 钱


def _digit(ch: str | None) -> float:
    return _NUM_VALUE.get(ch or "", 0.0)


def _read_cents(text: str, pos: int, colloquial: bool) -> tuple[float, int]:
    """角/分 after 元/块: (value in 元, end). 五元六角七分, 一块半; after 块 also the spoken
    九块九 and 三块零四 (not after 元: 5元一小时 is no 5.1)."""
    m = _CENTS_RE.match(text, pos) if text[pos : pos + 1] in _CENTS_OPEN else None
    if not m or (not colloquial and (m.group("ab") or m.group("b") or m.group("zb"))):
        return 0.0, pos
    g = m.group
    if g("j"):
        value = _digit(g("j")) / 10 + _digit(g("jf") or g("jb")) / 100
    elif g("f") or g("zb"):
        value = _digit(g("f") or g("zb")) / 100
    elif g("half"):
        value = 0.5
    else:
        value = _digit(g("b") or g("ab")) / 10
    return value, m.end()


def _numeral_run(text: str, pos: int) -> re.Match[str] | None:
    """The numeral starting at ``pos`` (100，200元 is a list: the run stops at 100)."""
    run = _RUN_RE.match(text, pos)
    if not run:
        return None
    comma = run.group().find("，")
    if comma > 0 and not _POINT_OR_COMMA_RE.search(run.group()):
        return _RUN_RE.match(text, pos, pos + comma)
    return run


@cache
def _go_on() -> frozenset[str] | _AnyChar:
    """First characters of what can follow a numeral and make it money: a unit or currency
    word, 角/分, (含) or a range dash. A bare numeral followed by none of them is no money."""
    return _union(_lexicon().after_open, _MINOR_OPEN, _INCL_OPEN, _RANGE_SEP_OPEN)


def _read_amount(
    text: str, pos: int, whole: bool, run: re.Match[str] | None = None
) -> _Amount | None:
    """Read a numeral and its unit (元, 美元, 角 ...) starting at ``pos`` (``run``: its
    numeral, when already read)."""
    if run is None:
        run = _numeral_run(text, pos)
        if not run:
            return None
    numeral, end = run.group(), run.end()
    parsed = parse_number_range(numeral)
    if parsed is None:
        return None
    low, high = parsed
    amount = _Amount(end, low, high, numeral, None, None, high is not None)
    lex = _lexicon()
    unit = lex.after_re.match(text, end) if text[end : end + 1] in lex.after_open else None
    if not unit and whole and text.startswith("個", end):
        amount.kind, amount.currency, amount.end = "unit", "HKD", end + 1
        _read_major_tail(text, amount, colloquial=True)
    elif unit:
        code, kind = lex.codes[unit.group("cur")]
        amount.end = unit.end()
        if kind == "unit":
            amount.kind = "unit"
            amount.currency = None if code == "CNY" else code
            _read_major_tail(text, amount, colloquial=unit.group("cur") in _SPOKEN_UNITS)
        else:
            amount.kind, amount.currency = "word", code
    else:
        _read_minor(text, amount)
    return amount


def _read_major_tail(text: str, amount: _Amount, colloquial: bool) -> None:
    """After 元/块: cents, 钱, 整, and a currency word (三万元欧元)."""
    lex = _lexicon()
    if text[amount.end : amount.end + 1] not in lex.major_tail_open:
        return  # none of them starts here
    cents, end = _read_cents(text, amount.end, colloquial)
    if end > amount.end and amount.high is None:
        amount.low += cents
        amount.end = end
    _read_qian(text, amount)
    if text[amount.end : amount.end + 1] in _ZHENG_OPEN:
        zheng = _ZHENG_RE.match(text, amount.end)
        if zheng:
            amount.end = zheng.end()
    if text[amount.end : amount.end + 1] in lex.word_open:
        word = lex.word_re.match(text, amount.end)
        if word:
            amount.currency = lex.codes[word.group("cur")][0]
            amount.end = word.end()


def _read_qian(text: str, amount: _Amount) -> None:
    """钱 after the amount (五分钱, 九千块钱)."""
    if text[amount.end : amount.end + 1] in _QIAN_OPEN:
        qian = _QIAN_RE.match(text, amount.end)
        if qian:
            amount.end, amount.qian = qian.end(), True


def _read_minor(text: str, amount: _Amount) -> None:
    """角/毛/毫 (0.1) or 分/仙 (0.01) straight after the numeral: 两毛五, 五分钱."""
    if text[amount.end : amount.end + 1] not in _MINOR_OPEN:
        return
    m = _MINOR_RE.match(text, amount.end)
    if not m:
        return
    scale = 0.1 if m.group("jiao") else 0.01
    amount.low *= scale
    amount.high = None if amount.high is None else amount.high * scale
    amount.kind, amount.end = "minor", m.end()
    if m.group("jiao") and text[amount.end : amount.end + 1] in _AFTER_MINOR_OPEN:
        rest = _AFTER_MINOR_RE.match(text, amount.end)
        if rest and amount.high is None:
            amount.low += _digit(rest.group("f") or rest.group("b")) / 100
            amount.end = rest.end()
    _read_qian(text, amount)


def _with_suffix(first: str, suffix: str, limit: float) -> float | None:
    """Value of ``first`` + the multiplier tail of the range's upper side, if below ``limit``."""
    for size in range(len(suffix), 0, -1):
        parsed = parse_number_range(first + suffix[-size:])
        if parsed is not None and parsed[1] is None and parsed[0] < limit:
            return parsed[0]
    return None


def _range_low(first: _Amount, second: _Amount) -> float | None:
    """Lower bound of a range; 两到三万 reads as 2万 to 3万, 8500到3万 as 8500 to 30000."""
    top = second.low
    if first.kind is None and first.high is None:
        tail = _MULT_TAIL_RE.search(second.run)
        if tail:
            scaled = _with_suffix(first.run, tail.group(), top)
            if scaled is not None:
                return scaled
    low = first.low
    return low if low < top else None


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    low: float
    high: float | None
    currency: str
    approx: bool
    bound: str | None


def _read_range(text: str, first: _Amount, whole: bool) -> tuple[_Amount, float] | None:
    """``first`` - ``second``: the upper side and the range's lower bound."""
    pos = _after_incl(text, first.end)
    sep = _RANGE_SEP_RE.match(text, pos) if text[pos : pos + 1] in _RANGE_SEP_OPEN else None
    if not sep:
        return None
    pos = sep.end()
    lex = _lexicon()
    sign = lex.before_re.match(text, pos) if text[pos : pos + 1] in lex.before_open else None
    if sign:
        pos = sign.end()
    second = _read_amount(text, pos, whole)
    if second is None or (second.kind is None and first.kind is None and not whole):
        return None
    if second.kind == "minor" and first.kind is None:
        return None
    low = _range_low(first, second)
    if low is None:
        return None
    if sign and second.currency is None:
        second.currency = _lexicon().codes[sign.group("cur")][0]
    return second, low


def _after_incl(text: str, pos: int) -> int:
    """``pos``, or the end of a (含) standing there."""
    if text[pos : pos + 1] in _INCL_OPEN:
        incl = _INCL_RE.match(text, pos)
        if incl:
            return incl.end()
    return pos


def _qualifier_before(text: str, start: int) -> tuple[int, str | None]:
    """A qualifier (约, 不到, 至少 ...) just before ``start``: (new start, meaning)."""
    if start == 0 or text[start - 1] not in _lexicon().pre_close:
        return start, None
    window_start = max(0, start - 5)
    m = _lexicon().pre_re.search(text[window_start:start])
    if not m:
        return start, None
    return window_start + m.start(), _lexicon().quals[m.group("q")][1]


_MAJOR_KINDS = ("unit", "word")


def _accept(text: str, first: _Amount, last: _Amount, prefix: str | None, whole: bool) -> bool:
    """Is this really money? A unit, a currency word, or a sign; 角/分 alone need 钱."""
    if whole or first.kind in _MAJOR_KINDS or last.kind in _MAJOR_KINDS:
        return True
    if first.kind == "minor" or last.kind == "minor":
        return last.qian or prefix is not None
    if prefix is None:
        return False
    return not _COUNTED_RE.match(text, last.end)  # ￥199的押金, not 人民币3年


def _scan(text: str, start: int, whole: bool) -> _Found | None:
    """Read a money expression whose currency sign or numeral starts at ``start``."""
    lex = _lexicon()
    sign = lex.before_re.match(text, start) if text[start : start + 1] in lex.before_open else None
    if sign:
        return _read(text, start, sign.end(), lex.codes[sign.group("cur")][0], None, whole)
    run = None
    if not whole:
        run = _money_run(text, start)
        if run is None:
            return None
    return _read(text, start, start, None, run, whole)


def _money_run(text: str, pos: int) -> re.Match[str] | None:
    """The numeral at ``pos`` if something that can make it money follows (cheap test first:
    without a sign, the numeral needs a unit after it)."""
    run = _numeral_run(text, pos)
    if run is None or text[run.end() : run.end() + 1] not in _go_on():
        return None
    return run


def _read(
    text: str, start: int, pos: int, prefix: str | None, run: re.Match[str] | None, whole: bool
) -> _Found | None:
    """The money expression at ``start`` whose numeral (``run``, when read) is at ``pos``,
    after the currency sign ``prefix``, if any."""
    lex = _lexicon()
    first = _read_amount(text, pos, whole, run)
    if first is None:
        return None
    last, low, high = first, first.low, first.high
    tail = text[first.end : first.end + 1] in lex.amount_tail_open  # else none of them follows
    ranged = _read_range(text, first, whole) if tail else None
    if ranged is not None:
        last, low = ranged
        high = last.high if last.high is not None else last.low
    if not _accept(text, first, last, prefix, whole):
        return None
    end, meanings = last.end, []
    if tail or ranged is not None:
        end = _after_incl(text, end)
        post = lex.post_re.match(text, end) if text[end : end + 1] in lex.post_open else None
        if post:
            end = post.end()
            meanings.append(lex.quals[post.group("q")][1])
    begin, pre = start, None
    if start and text[start - 1] in lex.pre_close:
        begin, pre = _qualifier_before(text, start)
    if pre == "from" and ranged is None:
        begin, pre = start, None
    currency = last.currency or first.currency or prefix or "CNY"
    if pre:
        meanings.append(pre)
    if not meanings:
        return _Found(begin, end, low, high, currency, first.vague or last.vague, None)
    bound = next((m for m in meanings if m in ("upper", "lower")), None)
    approx = bool(first.vague or last.vague or {"approx", "upper", "lower"} & set(meanings))
    return _Found(begin, end, low, high, currency, approx, bound)


def _to_mention(text: str, found: _Found) -> MoneyMention:
    high = None if found.high is None else tidy(found.high)
    money = Money(tidy(found.low), high, found.currency)
    surface = text[found.start : found.end]
    return MoneyMention(found.start, found.end, surface, money, found.approx, found.bound)


def _restart(text: str, start: int) -> int:
    """Where to look next after a failed start: past the numeral run, or at its digits."""
    end = _RESTART_RE.match(text, start).end()  # type: ignore[union-attr]  # always matches
    if end > start or text[start : start + 1] in _RUN_CHAR_SET:
        return end
    return start + 1  # no run at all


def _find_all(text: str) -> list[_Found]:
    """Every money expression in ``text``, left to right, not overlapping."""
    if not isinstance(text, str) or not text:
        return []
    if not _NUMERAL_START_RE.search(text) or not _lexicon().hint_re.search(text):
        return []  # no numeral, or nothing that makes one money
    skip: list[tuple[int, int]] | None = None  # URL spans, found once something is read
    signs = _sign_trigger()
    numeral = _live_numerals().search
    sign = signs.search(text)  # the next sign trigger
    founds: list[_Found] = []
    pos = 0
    while pos < len(text):
        if sign is not None and sign.start() < pos:
            sign = signs.search(text, pos)
        m = numeral(text, pos)
        if sign is not None and (m is None or sign.start() < m.start()):
            start, after = sign.start(), sign.end()
            found = _scan(text, start, whole=False)
        elif m is None:
            break
        else:  # a numeral trigger is zero-width: it ends where it starts
            start = after = m.start()
            run = _money_run(text, start)
            found = None if run is None else _read(text, start, start, None, run, False)
        if found is not None and skip is None:
            skip = ignored_spans(text)
        if found is None or any(a < found.end and found.start < b for a, b in skip or ()):
            pos = max(_restart(text, after), start + 1)
            continue
        if founds and found.start < founds[-1].end:  # a qualifier overlapping the last one
            found.start = founds[-1].end
        founds.append(found)
        pos = found.end
    return founds


def hint_strings() -> frozenset[str]:
    """Strings one of which every money mention holds: :func:`_accept` needs a unit, a
    currency word, a sign or 角/毛/毫/分/仙 (a cheap pre-check for callers)."""
    return _lexicon().hints


def find_money(text: str) -> list[MoneyMention]:
    """Every money mention in ``text``, left to right, with exact character offsets."""
    return [_to_mention(text, found) for found in _find_all(text)]


def find_amounts(text: str) -> list[tuple[int, int, float, float | None]]:
    """``(start, end, amount, amount_max)`` of each mention :func:`find_money` finds, without
    building the mention objects."""
    return [
        (f.start, f.end, tidy(f.low), None if f.high is None else tidy(f.high))
        for f in _find_all(text)
    ]


def _parse_whole(text: str) -> Money | None:
    """``text`` read as one money expression (a bare number counts as yuan)."""
    if text.startswith("個"):  # Cantonese 個半 = 1.5 dollars
        text = "一" + text
    trigger = _trigger_re()
    for m in trigger.finditer(text, 0, min(len(text), 8)):
        found = _scan(text, m.start(), whole=True)
        if found is not None and found.start == 0 and found.end == len(text):
            return _to_mention(text, found).money
    return None


def parse_money(text: str) -> Money | None:
    """Parse a money expression; None when ``text`` holds no amount. Never raises.

    The whole (stripped) string is read first, where a bare numeral counts as yuan
    (``三百万`` -> 3000000 CNY, JioNLP's convention); otherwise the first money mention
    found in the text is returned (``月费59元`` -> 59).
    """
    if not isinstance(text, str):
        return None
    stripped = text.strip().rstrip("。.，,；;！!")
    if not stripped or len(stripped) > 10_000_000:
        return None
    if len(stripped) <= 200:
        whole = _parse_whole(stripped)
        if whole is not None:
            return whole
    mentions = find_money(text)
    return mentions[0].money if mentions else None
