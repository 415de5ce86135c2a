"""Chinese, Arabic and mixed numerals to numbers.

``parse_number("两千五") == 2500.0``; ``parse_number_range("一两千") == (1000.0, 2000.0)``.

The numeral core is cn2an (normal mode for Chinese numerals, smart mode for mixed
``1.5万``). Forms cn2an rejects go to a small hand-written reader (:func:`manual_value`)
whose agreement with cn2an is measured by ``evals/peer_numbers.py``. Vague quantities
(``十几``, ``3000多``, ``几十万``, ``一两千``) follow JioNLP's conventions and come back
as ``(low, high)``.

Everything here is pure; results are cached by input string only.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

import cn2an

from pipeline.scanner import Scanner, literals, needles

__all__ = [
    "CN_NUMERAL_CHARS",
    "cn2an_value",
    "ignored_spans",
    "manual_value",
    "normalize_numeral",
    "parse_number",
    "parse_number_range",
    "read_tsv",
    "tidy",
]

#: Characters that can appear inside a Chinese numeral (Simplified, Traditional, financial).
CN_NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩貳參叄陸廿卅卌"

_DIGIT = {
    "零": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4,
    "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = (("亿", 10**8), ("万", 10**4))
_SI = {"k": 1e3, "K": 1e3, "w": 1e4, "W": 1e4, "M": 1e6, "G": 1e9}

_FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_CHAR_MAP = str.maketrans(
    {
        **_FULLWIDTH,
        "．": ".", "，": ",", "－": "-", "−": "-", "＋": "+", "ｋ": "k", "Ｋ": "K",
        "萬": "万", "億": "亿", "兩": "两", "參": "叁", "叄": "叁", "貳": "贰", "陸": "陆",
        "點": "点", "〇": "零", "○": "零", "幺": "一", "負": "负", "個": "个", "對": "对",
        "雙": "双",
    }
)  # fmt: skip
_SPACE_RE = re.compile(r"\s+")
_COUNTER_BEFORE_BIG_RE = re.compile(r"(?<=[^\W\d_])个(?=[万亿])|(?<=\d)个(?=[万亿])")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ARABIC_RE = re.compile(r"\d{1,40}(?:\.\d{1,20})?|\.\d{1,20}")
_SI_RE = re.compile(r"(\d{0,30}\.?\d{1,20})([kKwWMG])")
_CN_DIGIT_NEXT_TO_ARABIC_RE = re.compile(
    r"[一二两三四五六七八九壹贰叁肆伍陆柒捌玖]\d|\d[一二两三四五六七八九壹贰叁肆伍陆柒捌玖]"
)
_LEADING_UNIT_RE = re.compile(r"^[百佰千仟万亿]")
_DIGITS_THEN_UNIT_RE = re.compile(  # 一二百三: a digit sequence cannot take units (cn2an reads 330)
    r"[一二两三四五六七八九壹贰叁肆伍陆柒捌玖]{2}.{0,40}[十拾百佰千仟万亿]"
)
_BAD_POINT_RE = re.compile(r"^点|点(?![0-9零一二两三四五六七八九壹贰叁肆伍陆柒捌玖])|点.*点")
_HAS_ARABIC_RE = re.compile(r"\d")
_VALID_CHARS_RE = re.compile(r"^[0-9.零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点]+$")

_UNITS_CLASS = "十拾百佰千仟万亿"
_D1 = "一二两三四五六七八九"
_VAGUE_TAIL_RE = re.compile(
    rf"^(?P<base>.{{1,40}}?)(?P<q>[多余几])(?P<mult>[{_UNITS_CLASS}]{{0,4}})$"
)
_VAGUE_HEAD_RE = re.compile(rf"^[几数](?P<mult>[{_UNITS_CLASS}]{{1,4}})$")
_PAIR_RE = re.compile(
    rf"^(?P<pre>.{{0,30}}[{_UNITS_CLASS}])?(?P<a>[{_D1}])(?P<b>[{_D1}])(?P<mult>[{_UNITS_CLASS}]{{0,4}})$"
)
_FRACTION_RE = re.compile(r"^(?P<den>[^分份之]{1,20})(?:分之|份|分)(?P<num>[^分份之]{1,20})$")
_HALF_RE = re.compile(r"^(?P<n>[^半个]{1,20})?(?P<ge>个)?半$")
_CNY_FORM_RE = re.compile(
    r"(?P<int>[^元圆]{1,40})[元圆](?:(?P<j>[零一二两三四五六七八九壹贰叁肆伍陆柒捌玖])角)?"
    r"(?:(?P<f>[零一二两三四五六七八九壹贰叁肆伍陆柒捌玖])分)?[整正]?"
)
_URL_RE = re.compile(r"(?:https?|ftp)://[!-~]{1,4000}|www\.[!-~]{1,4000}", re.IGNORECASE)
_URL_SCAN = Scanner(_URL_RE)  # tried only at h, f, w
_URL_NEEDLES = needles(_URL_RE)  # every URL holds one (://, www. in any case)
_URL_HINT_RE = literals(_URL_NEEDLES) if _URL_NEEDLES else re.compile("")


@cache
def read_tsv(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of the tab-separated resource ``name`` (``#`` comments and blank lines skipped)."""
    text = resources.files("pipeline.resources").joinpath(name).read_text(encoding="utf-8")
    rows = (tuple(line.rstrip("\r\n").split("\t")) for line in text.splitlines())
    return tuple(row for row in rows if row and row[0] and not row[0].startswith("#"))


def ignored_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` (URLs) inside which no number should be read."""
    if not _URL_HINT_RE.search(text):
        return []
    return [m.span() for m in _URL_SCAN.finditer(text)]


def normalize_numeral(text: str) -> str:
    """Map full-width digits, Traditional and variant numeral characters to one form.

    Removes whitespace, thousands separators and a counter 个 before 万/亿 (两个亿).
    """
    s = _SPACE_RE.sub("", text.translate(_CHAR_MAP))
    s = s.replace("廿", "二十").replace("卅", "三十").replace("卌", "四十")
    s = _COUNTER_BEFORE_BIG_RE.sub("", s)
    return _THOUSANDS_RE.sub("", s)


def cn2an_value(text: str) -> float | None:
    """The value cn2an gives ``text`` (normal mode, smart when it has Arabic digits)."""
    mode = "smart" if _HAS_ARABIC_RE.search(text) else "normal"
    try:
        value = cn2an.cn2an(text, mode)
    except Exception:  # cn2an raises ValueError, sometimes other errors, on bad input
        return None
    return float(value)


def _section(s: str) -> float | None:
    """Value of a numeral below 万 (no 万/亿 inside); None when malformed."""
    total = 0.0
    num: float | None = None
    last_unit: int | None = None
    prev = ""  # kind of the previous token: digit, arabic, unit, zero
    digits_in_num = 0
    i = 0
    while i < len(s):
        ch = s[i]
        m = _ARABIC_RE.match(s, i)
        if m:
            if prev in ("digit", "arabic"):
                return None
            num, digits_in_num, prev = float(m.group()), len(m.group().replace(".", "")), "arabic"
            if "." in m.group():
                digits_in_num = 99
            i = m.end()
            continue
        if ch in _UNIT:
            unit = _UNIT[ch]
            if (last_unit is not None and unit >= last_unit) or digits_in_num > 1:
                return None
            total += (1 if num is None else num) * unit
            num, last_unit, prev, digits_in_num = None, unit, "unit", 0
        elif ch == "零" and prev not in ("digit",):
            prev = "zero"
        elif ch in _DIGIT:
            if prev == "digit":  # digit sequence: 一二三 = 123 (never after a unit)
                if last_unit is not None:
                    return None
                num, digits_in_num = (num or 0) * 10 + _DIGIT[ch], digits_in_num + 1
            else:
                num, digits_in_num = float(_DIGIT[ch]), 1
            prev = "digit"
        else:
            return None
        i += 1
    if num is not None:
        elided = last_unit is not None and last_unit >= 100 and digits_in_num == 1
        if elided and _prev_token_is_unit(s):
            return total + num * last_unit / 10
        total += num
    return total


def _prev_token_is_unit(s: str) -> bool:
    """True when the last digit of ``s`` directly follows a unit (两千五, not 两千零五)."""
    return len(s) >= 2 and s[-2] in _UNIT


def _integer_part(s: str) -> float | None:
    """Value of an integer numeral that may hold 万 and 亿 (split at the last one)."""
    for char, mul in _BIG:
        i = s.rfind(char)
        if i < 0:
            continue
        head, tail = s[:i], s[i + 1 :]
        high = 1.0 if head == "" else _integer_part(head)
        if high is None or (head and head[-1] == "零"):
            return None
        low = _tail_value(tail, mul)
        if low is None:
            return None
        return high * mul + low
    return _section(s)


def _tail_value(tail: str, mul: int) -> float | None:
    """Value after 万/亿: 三万五 elides 千, 十万零一 does not."""
    if tail == "":
        return 0.0
    if tail[0] == "零":
        low = _integer_part(tail.lstrip("零")) if tail.lstrip("零") else 0.0
    elif len(tail) == 1 and (tail in _DIGIT or tail.isdigit()):
        digit = _DIGIT[tail] if tail in _DIGIT else int(tail)
        low = float(digit) * mul / 10
    else:
        low = _integer_part(tail)
    if low is None or low >= mul:
        return None
    return low


def _cny_form(m: re.Match[str]) -> float | None:
    """壹拾壹元壹角壹分 (cn2an reads such amounts as numerals): 11.11."""
    whole = manual_value(m.group("int"))
    if whole is None:
        return None
    jiao, fen = m.group("j"), m.group("f")
    return whole + (_DIGIT[jiao] / 10 if jiao else 0) + (_DIGIT[fen] / 100 if fen else 0)


def manual_value(text: str) -> float | None:
    """Hand-written reader for a normalised, unsigned numeral (the cn2an fallback)."""
    s = text
    cny = _CNY_FORM_RE.fullmatch(s)
    if cny:
        return _cny_form(cny)
    if not s or not _VALID_CHARS_RE.match(s):
        return None
    if "点" in s:
        head, _, frac = s.partition("点")
        if not head or not frac or not all(c in _DIGIT or c.isdigit() for c in frac):
            return None
        whole = _integer_part(head)
        if whole is None:
            return None
        digits = "".join(str(_DIGIT[c]) if c in _DIGIT else c for c in frac)
        return whole + float("0." + digits)
    if _LEADING_UNIT_RE.match(s):
        s = "一" + s
    return _integer_part(s)


def _exact(s: str) -> float | None:
    """Exact value of a normalised, unsigned numeral (no vague forms)."""
    if not s:
        return None
    if _ARABIC_RE.fullmatch(s):
        return float(s)
    m = _SI_RE.fullmatch(s)
    if m:
        return float(m.group(1)) * _SI[m.group(2)]
    if _CNY_FORM_RE.fullmatch(s):  # cn2an reads 壹拾壹元整 too
        value = cn2an_value(s)
        return value if value is not None else manual_value(s)
    if not _VALID_CHARS_RE.match(s) or _CN_DIGIT_NEXT_TO_ARABIC_RE.search(s):
        return None
    if _BAD_POINT_RE.search(s) or _DIGITS_THEN_UNIT_RE.search(s.partition("点")[0]):
        return None
    if _LEADING_UNIT_RE.match(s):
        s = "一" + s
    value = cn2an_value(s)
    return value if value is not None else manual_value(s)


def _step(value: float) -> float | None:
    """Largest power of ten dividing ``value``: 3000 -> 1000, 3500 -> 100 (JioNLP's 多)."""
    if value <= 0 or value != int(value):
        return None
    step = 1
    n = int(value)
    while n % (step * 10) == 0:
        step *= 10
    return float(step)


def _multiplier(mult: str) -> float | None:
    return 1.0 if not mult else _exact("一" + mult)


def _vague(s: str) -> tuple[float, float] | None:
    """Ranges for vague numerals: 十几, 3000多, 百余, 几十万, 数十亿, 一两千, 十七八."""
    if s == "几":
        return 1.0, 10.0
    m = _VAGUE_HEAD_RE.match(s)
    if m:
        low = _multiplier(m.group("mult"))
        return None if low is None else (low, low * 10)
    m = _VAGUE_TAIL_RE.match(s)
    if m:
        base, mul = _exact(m.group("base")), _multiplier(m.group("mult"))
        step = None if base is None else _step(base)
        if base is None or mul is None or step is None:
            return None
        return base * mul, (base + step) * mul
    m = _PAIR_RE.match(s)
    if m and (m.group("pre") or m.group("mult")):
        a, b = _DIGIT[m.group("a")], _DIGIT[m.group("b")]
        if 1 <= b - a <= 2:
            pre, mult = m.group("pre") or "", m.group("mult")
            low, high = _exact(pre + m.group("a") + mult), _exact(pre + m.group("b") + mult)
            if low is not None and high is not None and low < high:
                return low, high
    return None


def _special(s: str) -> float | None:
    """Fractions (二分之一, 十份十一), halves (半, 三个半), 又 (一又十分一), 对/双/打."""
    if "又" in s:
        whole, _, rest = s.partition("又")
        a, b = _exact(whole), _special(rest)
        return None if a is None or b is None else a + b
    if s and s[-1] in "对双打" and len(s) > 1:
        base = _exact(s[:-1])
        return None if base is None else base * (12 if s[-1] == "打" else 2)
    m = _HALF_RE.match(s)
    if m:
        n = m.group("n")
        if not m.group("ge") and (not n or n in ("一", "1")):
            return 0.5  # 一半 = half; 一个半 = 1.5
        base = _exact(n) if n else 1.0
        return None if base is None else base + 0.5
    m = _FRACTION_RE.match(s)
    if m:
        den = _exact(m.group("den"))
        num = _exact(m.group("num"))
        if den and num is not None:
            return num / den
    return None


def tidy(value: float) -> float:
    """Drop binary float noise (0.30000000000000004 -> 0.3) and negative zero."""
    if value.is_integer():
        return value + 0.0
    return float(f"{value:.15g}") + 0.0


def _split_sign(s: str) -> tuple[float, str]:
    if s[:1] in ("-", "负"):
        return -1.0, s[1:]
    if s[:1] == "+":
        return 1.0, s[1:]
    return 1.0, s


@lru_cache(maxsize=8192)
def parse_number_range(text: str) -> tuple[float, float | None] | None:
    """Parse a numeral to ``(value, None)`` or, for vague quantities, ``(low, high)``.

    Returns None when ``text`` is not a numeral. Never raises.
    """
    if not isinstance(text, str) or not text or len(text) > 200:
        return None
    s = normalize_numeral(text)
    sign, s = _split_sign(s)
    if s.endswith("个") and len(s) > 1:
        s = s[:-1]
    if not s:
        return None
    vague = _vague(s)  # first: cn2an reads 八九亿 as 89亿
    if vague is not None:
        return None if sign < 0 else vague
    value = _exact(s)
    if value is not None:
        return tidy(sign * value), None
    special = _special(s)
    if special is not None:
        return tidy(sign * special), None
    return None


def parse_number(text: str) -> float | None:
    """Parse a numeral (Chinese, Arabic, mixed, full-width, ``1,200``) to a float.

    Vague quantities give their low end (``十几`` -> 10). None when not a numeral.
    """
    parsed = parse_number_range(text)
    return None if parsed is None else parsed[0]
