"""Fee mentions: ``extract_fees(paragraphs)`` -> rows of the ``fees`` table (without doc_id).

Each paragraph is split into sentences (on 。！？!?； and newlines). Fee terms come from
``resources/fee_terms.tsv`` (Aho-Corasick, longest match wins); money comes from
:func:`pipeline.money.find_money` and rates from :func:`pipeline.rates.find_rates`, so a
number is read only with a currency or percent keyword: dates, phone numbers, step numbers,
versions, 5G or 24小时 never become fees, and a number without a fee term makes no row.

Every occurrence of a fee term is a row. Each term takes the nearest amount or rate of its
sentence: after it (违约金为100元, 违约金，一般为剩余本金的3%), or just before it in the same
clause (缴纳500元押金, 剩余租金的30%作为违约金). Closer pairs, pairs in the same clause and
strong terms are served first; each amount serves one term, and a term inside a rate's base
phrase (手续费的10%) does not take that rate. A strong term with no number is still a row; a
weak one (扣) is not. ``period`` comes from the rate (日息), the term (月费, 年费), a 日/月/年
glued to the term (月手续费率) or a cue near it (每月扣59元, 25元/月, 按月收取的服务费;
``resources/fee_periods.tsv``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import ahocorasick

from pipeline.money import find_amounts
from pipeline.money import hint_strings as money_hints
from pipeline.numbers import read_tsv
from pipeline.rates import RateMention, find_rates
from pipeline.rates import hint_strings as rate_hints
from pipeline.scanner import alternation, first_chars, literals

__all__ = ["FEE_COLUMNS", "extract_fees", "split_sentences"]

FEE_COLUMNS = ("fee_type", "amount", "amount_max", "rate", "period", "surface", "sentence")

_SENTENCE_RE = re.compile(r"[^。！？!?；\n]+[。！？!?；]*")
_SENTENCE_BREAK_RE = re.compile(r"[。！？!?；\n]")
_CLAUSE_BREAKS = "，,、;；"
_CLAUSE_BREAK_RE = re.compile(f"[{_CLAUSE_BREAKS}]")
_CLAUSE_TAIL_RE = re.compile(f"[^{_CLAUSE_BREAKS}]*\\Z")  # searched with an endpos
_NOT_BEFORE_GLUED = set("0123456789０１２３４５６７８９零一二两三四五六七八九十") | set(
    "今去明本上下前后当同次隔半整每按个"
)
_LINK_RE = re.compile(  # words that carry a fee's value into the next clause
    r"[为是约达按在]|收取|需要|要交|金额|标准|算法|比例|一般|通常|大概|大约|高达|不超过"
)
_GLUED_PERIOD = {"日": "day", "月": "month", "年": "year"}
_MAX_AFTER = 25  # characters between a term and an amount after it
_MAX_BEFORE = 5  # characters between an amount and a term after it (1500元左右的GPS服务费)
_MAX_CUE = 8  # how far before the amount (or term) a period cue may stand (每个月要交72元)
_MAX_BARE_CUE = 5  # the same for a term with no amount (按月收取的服务费)
_BEFORE_COST = 6
_CLAUSE_COST = 15
_WEAK_COST = 30


class _Term(NamedTuple):
    start: int
    end: int
    fee_type: str
    period: str | None
    weak: bool


class _Number(NamedTuple):
    start: int
    end: int
    amount: float | None  # money (amount, amount_max), or None for a rate
    amount_max: float | None
    rate: RateMention | None
    base_end: int  # end of a rate's base phrase (剩余租金的), else ``start``


_new = tuple.__new__  # builds a _Term or _Number from a tuple, without their Python __new__


@dataclass(frozen=True)
class _PeriodCues:
    before_re: re.Pattern[str]
    bare_re: re.Pattern[str]
    after_re: re.Pattern[str]
    period: dict[tuple[str, str], str | None]
    before_open: frozenset[str]  # first characters of the cues: a window without one has none
    bare_open: frozenset[str]  # ... and of the billing bases, with the glued 日/月/年
    after_open: frozenset[str] | None  # None: not known


@cache
def _automaton() -> ahocorasick.Automaton:
    """Aho-Corasick automaton over fee_terms.tsv: surface -> (size, fee_type, period, weak),
    or None for an ``ignore`` term (it only keeps shorter terms inside it from matching).

    No term holds sentence punctuation or starts or ends with a space, so a term found in
    a paragraph lies inside one sentence and the paragraph is scanned once.
    """
    automaton = ahocorasick.Automaton()
    for surface, fee_type, period, strength in read_tsv("fee_terms.tsv"):
        if _SENTENCE_BREAK_RE.search(surface) or surface != surface.strip():
            raise ValueError(f"fee term {surface!r} may cross a sentence boundary")
        kind = (len(surface), fee_type, None if period == "-" else period, strength == "weak")
        automaton.add_word(surface, None if strength == "ignore" else kind)
    automaton.make_automaton()
    return automaton


@cache
def _term_hint() -> re.Pattern[str]:
    """Finds a fee term that is not ``ignore``: a paragraph without one has no term hit."""
    return literals(frozenset(r[0] for r in read_tsv("fee_terms.tsv") if r[3] != "ignore"))


@cache
def _number_hint() -> re.Pattern[str]:
    """Finds what every money mention or rate holds: a sentence without one has neither."""
    return literals(money_hints() | rate_hints())


@cache
def _period_cues() -> _PeriodCues:
    rows = [r for r in read_tsv("fee_periods.tsv") if r[2] in ("before", "after", "bare")]
    before = [r[0] for r in rows if r[2] == "before"]
    after = [r[0] for r in rows if r[2] == "after"]
    bare = [r[0] for r in rows if r[2] == "bare"]
    after_re = re.compile(r"[ \u3000]{0,2}" + alternation(after))
    return _PeriodCues(
        before_re=re.compile(alternation(before)),
        bare_re=re.compile(alternation(bare)),
        after_re=after_re,
        period={(r[0], r[2]): (None if r[1] == "-" else r[1]) for r in rows},
        before_open=frozenset(w[0] for w in before),
        bare_open=frozenset(w[0] for w in bare) | frozenset(_GLUED_PERIOD),
        after_open=first_chars(after_re),
    )


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, ending punctuation kept, outer whitespace trimmed."""
    spans = (_trim(paragraph, *m.span()) for m in _SENTENCE_RE.finditer(paragraph))
    return [(start, end) for start, end in spans if end > start]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` without its outer whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _term_sentences(paragraph: str) -> list[tuple[int, int, list[_Term]]]:
    """(start, end, terms) of each sentence with a fee term, terms placed in the sentence.

    The paragraph is scanned once (longest match wins, ``ignore`` terms are dropped); a
    term lies inside one sentence, so each sentence gets the terms its own scan would find,
    and only the sentences up to the last term are split off.
    """
    out: list[tuple[int, int, list[_Term]]] = []
    sentences = None
    terms: list[_Term] = []
    start = end = 0
    for last, kind in _automaton().iter_long(paragraph):
        if kind is None:
            continue
        stop = last + 1
        if stop > end:  # the term is in a later sentence
            if sentences is None:
                sentences = _SENTENCE_RE.finditer(paragraph)
            m = next(sentences)
            while m.end() < stop:
                m = next(sentences)
            start, end = m.span()
            if paragraph[start].isspace() or paragraph[end - 1].isspace():
                start, end = _trim(paragraph, start, end)
            terms = []
            out.append((start, end, terms))
        size, fee_type, period, weak = kind
        terms.append(_new(_Term, (stop - start - size, stop - start, fee_type, period, weak)))
    return out


def _numbers(sentence: str) -> list[_Number]:
    """Money and rate mentions (discounts left out), in order, without overlaps."""
    if not _number_hint().search(sentence):
        return []
    found = [
        _new(_Number, (a, b, low, high, None, a)) for a, b, low, high in find_amounts(sentence)
    ]
    rates = [r for r in find_rates(sentence) if r.kind != "discount"]
    if not rates:
        return found  # money mentions come in order, without overlaps
    money = bool(found)
    for r in rates:
        base_end = r.start + r.surface.find(r.base) + len(r.base) if r.base else r.start
        found.append(_new(_Number, (r.start, r.end, None, None, r, base_end)))
    if not money:
        return found  # so do rates
    found.sort(key=lambda n: (n.start, -n.end))
    kept: list[_Number] = []
    for n in found:
        if not kept or n.start >= kept[-1].end:
            kept.append(n)
    return kept


def _cost(sentence: str, terms: list[_Term], i: int, num: _Number) -> float | None:
    """How far ``num`` is from ``terms[i]`` (None when it cannot be the term's amount)."""
    term = terms[i]
    weak = _WEAK_COST if term.weak else 0.0
    if num.start <= term.start and term.end <= num.base_end:
        return None  # 违约金为手续费的10%: 手续费 is the base, not the fee of this rate
    if num.start < term.end and term.start < num.end:
        return weak
    after = num.start >= term.end
    lo, hi = (term.end, num.start) if after else (num.end, term.start)
    if after and i + 1 < len(terms) and terms[i + 1].end <= hi:
        return None  # another fee term stands between them
    if not after and i > 0 and terms[i - 1].start >= lo:
        return None
    gap = hi - lo
    if not after:  # close, and in the same clause
        if gap > _MAX_BEFORE or (gap and _CLAUSE_BREAK_RE.search(sentence, lo, hi)):
            return None
        return gap + _BEFORE_COST + weak
    if gap > _MAX_AFTER:
        return None
    breaks = len(_CLAUSE_BREAK_RE.findall(sentence, lo, hi)) if gap else 0
    if breaks > 1 or (breaks and not _LINK_RE.search(sentence, lo, hi)):
        return None  # 押金，通常是100-200元; not 保证金，普通类目几千元
    return gap + breaks * _CLAUSE_COST + weak


def _pair(sentence: str, terms: list[_Term], numbers: list[_Number]) -> dict[int, _Number]:
    """Greedy one-to-one assignment of numbers to terms, cheapest pairs first."""
    starts = [n.start for n in numbers]
    ends = [n.end for n in numbers]
    options = []
    for i, term in enumerate(terms):
        first = bisect_left(ends, term.start - _MAX_BEFORE)
        last = bisect_right(starts, term.end + _MAX_AFTER)
        for j in range(first, last):
            cost = _cost(sentence, terms, i, numbers[j])
            if cost is not None:
                options.append((cost, i, j))
    pairs: dict[int, _Number] = {}
    used: set[int] = set()
    for _, i, j in sorted(options):
        if i not in pairs and j not in used:
            pairs[i] = numbers[j]
            used.add(j)
    return pairs


def _period(sentence: str, term: _Term, num: _Number | None) -> str | None:
    """Period from the rate, the term, or a cue (每月 before, /月 after the amount)."""
    if num is not None and num.rate is not None and num.rate.period:
        return num.rate.period
    if term.period:
        return term.period
    if num is None:
        return _bare_period(sentence, term.start)
    cues = _period_cues()
    if cues.after_open is None or sentence[num.end : num.end + 1] in cues.after_open:
        m = cues.after_re.match(sentence, num.end)
        if m:
            return cues.period[(m.group().strip(" \u3000"), "after")]
    glued = _glued_period(sentence, term.start)
    if glued:
        return glued
    # A cue lies in the window searched, so a window without a cue's first character has none.
    start = min(term.start, num.start)
    stop = max(term.end, num.start)
    if cues.before_open.isdisjoint(sentence[max(0, start - _MAX_CUE) : stop]):
        return None
    begin = _clause_start(sentence, start, _MAX_CUE)
    hits = list(cues.before_re.finditer(sentence, begin, stop))
    return cues.period[(hits[-1].group(), "before")] if hits else None


def _bare_period(sentence: str, start: int) -> str | None:
    """Period of a term at ``start`` with no number: glued to it, or a billing basis just
    before it (按月收取的服务费)."""
    cues = _period_cues()
    if cues.bare_open.isdisjoint(sentence[max(0, start - _MAX_BARE_CUE) : start]):
        return None  # the glued character or a cue would lie in this window
    glued = _glued_period(sentence, start)
    if glued:
        return glued
    begin = _clause_start(sentence, start, _MAX_BARE_CUE)
    hits = list(cues.bare_re.finditer(sentence, begin, start))
    return cues.period[(hits[-1].group(), "bare")] if hits else None


def _glued_period(sentence: str, start: int) -> str | None:
    """日/月/年 written onto the term (月手续费率, 日罚息), not a date (5月) or 今年."""
    ch = sentence[start - 1 : start]
    if ch not in _GLUED_PERIOD or (start >= 2 and sentence[start - 2] in _NOT_BEFORE_GLUED):
        return None
    return _GLUED_PERIOD[ch]


def _clause_start(sentence: str, start: int, reach: int) -> int:
    """Up to ``reach`` characters back from ``start``, not across a clause break."""
    tail = _CLAUSE_TAIL_RE.search(sentence, max(0, start - reach), start)
    return tail.start() if tail else start


def _row(sentence: str, term: _Term, num: _Number | None) -> dict:
    if num is None:
        return _bare_row(sentence, term)
    return {
        "fee_type": term.fee_type,
        "amount": num.amount,
        "amount_max": num.amount_max,
        "rate": None if num.rate is None else num.rate.rate,
        "period": _period(sentence, term, num),
        "surface": sentence[min(term.start, num.start) : max(term.end, num.end)],
        "sentence": sentence,
    }


def _bare_row(sentence: str, term: _Term) -> dict:
    """The row of a term with no number."""
    return {
        "fee_type": term.fee_type,
        "amount": None,
        "amount_max": None,
        "rate": None,
        "period": term.period or _bare_period(sentence, term.start),
        "surface": sentence[term.start : term.end],
        "sentence": sentence,
    }


def _sentence_rows(sentence: str, terms: list[_Term]) -> list[dict]:
    """One row per fee term of the sentence (weak ones need a number)."""
    numbers = _numbers(sentence)
    if not numbers:
        return [_bare_row(sentence, term) for term in terms if not term.weak]
    if len(terms) == 1 and len(numbers) == 1:  # half of them: pairing is one cost
        (term,), (num,) = terms, numbers
        if _cost(sentence, terms, 0, num) is not None:  # None outside _pair's window too
            return [_row(sentence, term, num)]
        return [] if term.weak else [_bare_row(sentence, term)]
    pairs = _pair(sentence, terms, numbers)
    return [
        _row(sentence, term, pairs.get(i))
        for i, term in enumerate(terms)
        if i in pairs or not term.weak
    ]


def extract_fees(paragraphs: list[str]) -> list[dict]:
    """Fee rows (keys ``FEE_COLUMNS``) for the paragraphs of one article, in text order."""
    rows: list[dict] = []
    holds_term = _term_hint().search  # cheaper than the automaton's scan, and most paragraphs
    for paragraph in paragraphs:  # hold no term (nor does an empty one)
        if not isinstance(paragraph, str) or not holds_term(paragraph):
            continue
        for start, end, terms in _term_sentences(paragraph):
            rows.extend(_sentence_rows(paragraph[start:end], terms))
    return rows
