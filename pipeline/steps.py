"""Extract step-by-step procedures (第一步…, 1. / 1、 / (1) / ①, 首先…最后) from article paragraphs.

Entry point: :func:`extract_steps`. The input is the cleaned, Simplified body of one
article as a list of paragraphs; the output has one dict per step with the columns of
the ``steps`` table in CONTRACT.md (minus ``doc_id``).

How it works, in linear passes (patterns and word lists live in
``resources/steps_rules.json``):

1. *Segment*: every paragraph is scanned once for step markers. A marker inside a
   paragraph only counts when it continues or starts a consecutive sequence, so decimals,
   dates, ``1.1`` section numbers and phone numbers never split text; run-together items
   are cut from a heading that follows them. Paragraphs become a flat sequence of *units*
   (a marker and its text) and *plain* segments; runs of paragraphs (or clauses after
   。；：，) opened by 首先 … 然后 … 最后 become units too, also when the first one follows a
   lead-in inside its paragraph (具体操作：首先…).
2. *Build*: units are chained into lists (same marker family, numbers consecutive from 1);
   a list that starts right under an open item of another family is its sub-list; one that
   does not nest leaves the open lists open, so a later item can still continue them. A
   heading line closes the open lists. A list whose items hold sub-lists is a set of
   sections (a *container*), and its sub-lists are judged as top-level lists.
3. *Bodies*: a short step heading line (``第一步：登录账号``) takes the plain paragraphs
   after it as its body; the last step takes no more than the others did.
4. *Classify*: a list is a procedure when its introducing sentence, its heading or (for
   the first list) the article title reads as procedural rather than as 注意事项, 常见问题,
   原因 …; a sub-list is judged by its intro and the clause of its parent step that leads
   into it (…，顺序是：). Lists of charges (哪些费用, items 违约金 / 服务费), tables of
   contents, section outlines and pasted duplicates are dropped.
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from importlib import resources
from itertools import accumulate, islice
from typing import Any, NamedTuple

from pipeline.scanner import Scanner, char_class, first_chars

try:
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["extract_steps"]

RULES_FILE = "steps_rules.json"
MAX_MARKS_PER_PARA = 2000  # markers examined per paragraph (hostile input guard)
MAX_CHUNKS = 400  # whitespace chunks examined per text
MAX_GAP = 8  # plain segments allowed between two items of one list
SEQ_GAP = 2  # plain paragraphs allowed between two 首先 … 最后 steps
CONTEXT_PLAINS = 3  # plain segments looked at above a list for its heading
TAIL = 600  # characters of a plain segment read for its introducing sentence
HEADING_MAX = 40  # longest line that can be a heading or a step title line
LEADIN_MAX = 60  # longest line ending in a colon that still leads in a sub-list
TITLE_MAX = 30  # longest step title taken from a first clause
OUTLINE_TITLE_MAX = 16  # longest item title checked for section words
SIBLING_VERB_SHARE = 0.3  # verb share that lets a list follow an earlier procedure's style
COLON_PREFIX_MAX = 6  # a heading may hold a colon only after a short label (第一部分：)

SEQ_FAMILY = "sequence"  # 首先 … 最后 opening paragraphs
SEQ_INLINE = "sequence_inline"  # 首先 … 最后 opening sentences of one paragraph
_SENT_END = "。！？!?；;"
_ASTRAL_FIRST = "\U00010000"  # the first character outside the Basic Multilingual Plane
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_WS_RE = re.compile(r"\S+")
# a run of non-space, and more runs after single spaces between ASCII letters or digits
_SENT_SPACE_RE = re.compile(f"[{re.escape(_SENT_END)}]\\s")  # a full sentence ends a chunk
_CHUNK_RE = re.compile(r"\S+(?:(?<=[A-Za-z0-9])\s(?=[A-Za-z0-9])\S+)*")
_LEAD_SEPS = ":：,，.．、-—"  # with whitespace: what _LEAD_SEP_RE removes
_LEAD_SEP_RE = re.compile(f"^[\\s{re.escape(_LEAD_SEPS)}]+")
# the lookbehind starts a match only where a run starts: linear on long runs of spaces
_TRAIL_SEP_RE = re.compile(r"(?<![\s；;，,、])[\s；;，,、]+$")
_TRAIL_SEPS = "；;，,、"  # with whitespace: what _TRAIL_SEP_RE removes
# sentence punctuation or a date (\d{4}\s*[-/.年]\s*\d{1,2}): no heading; one class opens
# the pattern (re skips to those characters in C), the lookbehind tells the two apart
_NOT_HEADING_RE = re.compile(r"[。；;！!，,\d](?<=[。；;！!，,]|\d(?=\d{3}\s*[-/.年]\s*\d{1,2}))")
_TWO_CJK_RE = re.compile(r"[\u4e00-\u9fff][^\u4e00-\u9fff]*[\u4e00-\u9fff]")
_SENT_SPLIT_RE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*|[。！？!?；;]+")
# clause punctuation, or a space not between ASCII letters or digits; one class opens the
# pattern (re skips to those characters in C), the lookbehind tells the cases apart
_CLAUSE_END_RE = re.compile(
    r"[:：，,。；;！!？?\s](?<=[:：，,。；;！!？?]|(?<![A-Za-z0-9])\s|\s(?![A-Za-z0-9]))"
)
_CLAUSE_PUNCT_RE = re.compile(r"[:：，,。；;！!？?]")
_KEY_STRIP_RE = re.compile(r"[\s\W_]+")
_REPEATS = tuple(
    getattr(_sre, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_sre, name)
)


# ---------------------------------------------------------------- resources


@cache
def _rules() -> dict[str, Any]:
    """The parsed rule file (cached)."""
    path = resources.files("pipeline").joinpath("resources", RULES_FILE)
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _words(key: str) -> tuple[str, ...]:
    """A word list from the rule file."""
    return tuple(_rules()[key])


@cache
def _strong_families() -> frozenset[str]:
    """Marker families that say "step" by themselves (第一步, 步骤一)."""
    return frozenset(f["name"] for f in _rules()["marker_families"] if f["strong"])


@cache
def _section_families() -> frozenset[str]:
    """Marker families that usually number article sections (一、, （一）)."""
    return frozenset(f["name"] for f in _rules()["marker_families"] if f["section"])


@cache
def _strong_branches() -> frozenset[int]:
    """Indexes of the strong families' branches in :func:`_marker_re`."""
    return frozenset(i for i, f in enumerate(_rules()["marker_families"]) if f["strong"])


def _marker_alternation(lines: bool = False) -> tuple[str, str, tuple[str, ...]]:
    """Regex alternation over all marker families, its first-character class, branch names.

    ``lines``: for text of lines joined by newlines, where a line start is a boundary.
    """
    rules = _rules()
    parts, names = [], []
    for i, fam in enumerate(rules["marker_families"]):
        body = fam["pattern"].replace("(?P<n>", f"(?P<n{i}>")
        parts.append(f"(?P<f{i}>{_boundary_prefix(fam['boundary'], lines)}{body})")
        names.append(fam["name"])
    return "(?:" + "|".join(parts) + ")", f"[{rules['marker_first_chars']}]", tuple(names)


def _boundary_class(lines: bool = False) -> str:
    """The boundary characters as the inside of a class (with the newline for ``lines``)."""
    cls = "".join(re.escape(ch) for ch in _rules()["boundary_chars"])
    return cls + "\\n" if lines else cls


def _boundary_prefix(kind: str, lines: bool = False) -> str:
    """What must stand before a marker: ``hard`` a boundary character or the start."""
    cls = _boundary_class(lines)
    # not after a character outside the class: after one inside it, or at the start
    return {"hard": rf"(?<![^{cls}])", "soft": r"(?<![A-Za-z0-9])", "none": ""}[kind]


@cache
def _family_starts() -> tuple[frozenset[str], ...] | None:
    """The characters each marker family's match starts with (``None``: not known)."""
    out = []
    for fam in _rules()["marker_families"]:
        body = re.compile(fam["pattern"])
        start = Scanner(body)
        if start.starts is None or start.at_start or not start.never_empty:
            return None
        out.append(first_chars(body) or frozenset())
    return tuple(out)


def _marker_gate(lines: bool = False) -> str:
    """A cheap test that must hold where any marker starts ('' when unknown).

    A family with a hard boundary needs a boundary character before it or the start of
    the text (or of a line, for ``lines``); any other family needs one of its first
    characters there.
    """
    starts = _family_starts()
    if starts is None:
        return ""
    families = _rules()["marker_families"]
    pairs = zip(starts, families, strict=True)
    soft = frozenset().union(*(s for s, f in pairs if f["boundary"] != "hard"))
    cls = _boundary_class(lines)
    return f"(?:(?<![^{cls}])|(?={char_class(soft).pattern}))"


def _marker_first(first: str) -> str:
    """A class as good as ``first`` for the marker scan, and quicker for ``re`` to test.

    When every family starts within ``first``, its characters outside the BMP (the
    astral digits of ``\\d``) become one range of all of them: ``re`` tests a class of
    many ranges (or a category) slowly, and the alternation rejects the others.
    """
    chars, starts = first_chars(re.compile(first)), _family_starts()
    if chars is None or starts is None or not all(s <= chars for s in starts):
        return first
    bmp = {ch for ch in chars if ch < _ASTRAL_FIRST}
    if len(bmp) == len(chars):
        return char_class(chars).pattern
    inner = char_class(bmp).pattern[1:-1] if bmp else ""
    return f"[{inner}{_ASTRAL_FIRST}-{chr(sys.maxunicode)}]"


@cache
def _marker_re() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One alternation over all marker families, and the family name of each branch."""
    alternation, first, names = _marker_alternation()
    # fail fast where no marker can start
    return re.compile(f"(?={first}){alternation}"), names


@cache
def _marker_scan(lines: bool = False) -> tuple[re.Pattern[str], dict[int, tuple[str, int]]]:
    """Markers found in one C scan, and each branch group's (family name, number group).

    The pattern opens with the first-character class, so ``re`` skips to those characters
    in C, and tries the alternation there in a lookbehind (after :func:`_marker_gate`): a
    match is that one character, the marker is the span of its branch group. It reports
    every position where a marker starts, overlapping ones too (:func:`_find_marks` skips
    those, as ``finditer`` would). ``lines``: the scan of lines joined by newlines.
    """
    alternation, first, names = _marker_alternation(lines)
    gate = _marker_gate(lines)
    regex = re.compile(f"{_marker_first(first)}(?<={gate}(?={alternation}).)")
    groups = {
        regex.groupindex[f"f{i}"]: (n, regex.groupindex[f"n{i}"]) for i, n in enumerate(names)
    }
    return regex, groups


def _seq_alternation() -> str:
    """Regex alternation of all sequence words, longest first."""
    seq = _rules()["sequence_words"]
    words = sorted({*seq["first"], *seq["middle"], *seq["last"]}, key=len, reverse=True)
    return "|".join(map(re.escape, words))


@cache
def _seq_words() -> tuple[str, ...]:
    """All sequence words (what a paragraph opening with one starts with)."""
    seq = _rules()["sequence_words"]
    return tuple(sorted({*seq["first"], *seq["middle"], *seq["last"]}))


@cache
def _seq_re() -> re.Pattern[str]:
    """Paragraph-start pattern for 首先 / 然后 / 最后 style markers."""
    return re.compile(r"^(" + _seq_alternation() + r")[\s,，:：、]*")


@cache
def _seq_inline_re() -> re.Pattern[str]:
    """Clause-start pattern for 首先 / 然后 / 最后 inside a paragraph (after 。；：， or start)."""
    start = r"(?:^|(?<=[。！？!?；;：:，,]))\s*"
    return re.compile(start + "(" + _seq_alternation() + r")[\s,，:：、]*")


@cache
def _strong_re() -> re.Pattern[str]:
    """Phrases that say "in this order" (按下面的顺序), bounded."""
    return re.compile("|".join(_words("procedure_strong_patterns")))


@cache
def _colon_first_re() -> re.Pattern[str]:
    """A first sequence word after a lead-in colon or sentence (具体操作：首先…, …呢？首先…)."""
    first = "|".join(map(re.escape, _rules()["sequence_words"]["first"]))
    return re.compile(r"[:：。！？!?；;][ \t\u3000]{0,3}(" + first + r")[\s,，:：、]*")


@cache
def _first_word_re() -> re.Pattern[str]:
    """Any first sequence word (首先)."""
    return _any_re(_rules()["sequence_words"]["first"])


def _has_first_word(text: str) -> bool:
    """Whether ``text`` holds a first sequence word (首先)."""
    return _first_word_re().search(text) is not None


def _any_re(words: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """One alternation that finds any of ``words`` (a substring test scanned in C)."""
    return re.compile(_alternation(words))


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    """Regex alternation of literal ``words`` (one that never matches for none)."""
    return "|".join(map(re.escape, words)) if words else "(?!)"


@cache
def _words_re(key: str) -> re.Pattern[str]:
    """Any word of list ``key``."""
    return _any_re(_words(key))


def _has(text: str | None, key: str) -> bool:
    """Whether ``text`` contains any word of list ``key``."""
    if not text:
        return False
    return _words_re(key).search(text) is not None


# ---------------------------------------------------------------- data


class _Mark(NamedTuple):
    """A step marker found in a paragraph: its family, number, text and span."""

    family: str
    number: int
    marker: str
    start: int
    end: int


_UNSET = object()  # a value not worked out yet


# a _Mark from a tuple of its fields, made in C (no Python frame per marker)
_new_mark = partial(tuple.__new__, _Mark)


@dataclass(eq=False, slots=True)
class _Plain:
    """Text without a marker: a paragraph, or the part of one around run-together steps.

    ``brk`` and ``heading`` are worked out when first read (most plain paragraphs lie
    where nothing reads them), unless given.
    """

    idx: int
    para: int
    pos: int
    text: str
    known_brk: bool | None = None  # ``brk``, once known
    known_heading: bool | None = None  # ``heading``, once known
    consumed: bool = False

    @property
    def heading(self) -> bool:
        """Reads as a section heading itself (:func:`_is_heading`)."""
        heading = self.known_heading
        if heading is None:
            heading = self.known_heading = _is_heading(self.text)
        return heading

    @property
    def brk(self) -> bool:
        """Reads as (or holds) a section heading (:func:`_holds_heading`)."""
        brk = self.known_brk
        if brk is None:
            brk = self.known_brk = self.heading or _holds_heading(self.text)
        return brk


@dataclass(eq=False, slots=True)
class _Unit:
    """A marker and the text it opens (plus body paragraphs once attached)."""

    idx: int
    para: int
    pos: int
    family: str
    number: int
    marker: str
    content: str
    inline: bool
    heading: bool  # the content reads as a heading (:func:`_is_heading`)
    bodies: list[str] = field(default_factory=list)
    owner: _List | None = None
    head: object = _UNSET  # :func:`_title` of the content, once worked out (:func:`_head`)


@dataclass(eq=False, slots=True)
class _List:
    """Units of one family numbered 1, 2, 3 …; a sub-list records its parent step."""

    family: str
    units: list[_Unit]
    parent: _Unit | None = None
    parent_list: _List | None = None
    procedure: bool = False
    container: bool = False
    bodies_seen: bool = False  # plain paragraphs came between its items
    heading: str | None = None


_Item = _Plain | _Unit


# ---------------------------------------------------------------- text predicates


def _cn_int(s: str) -> int:
    """Value of a Chinese numeral up to 99 (一, 十二, 二十三); 0 if malformed."""
    if "十" not in s:
        return _CN_DIGITS.get(s, 0) if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    t = _CN_DIGITS.get(tens, 0) if tens else 1
    o = _CN_DIGITS.get(ones, 0) if ones else 0
    return 0 if (tens and not t) or (ones and not o) else t * 10 + o


@lru_cache(maxsize=1024)
def _to_int(s: str) -> int:
    """Numeric value of a captured step number (arabic, Chinese, ① or ⑴)."""
    ch = s[0]
    if "①" <= ch <= "⑳":
        return ord(ch) - ord("①") + 1
    if "⑴" <= ch <= "⒇":
        return ord(ch) - ord("⑴") + 1
    try:
        return int(s)
    except ValueError:
        return _cn_int(s)


def _is_heading(text: str) -> bool:
    """A short line without sentence punctuation: reads as a section heading."""
    t = text.strip()
    if not 2 <= len(t) <= HEADING_MAX or t[-1] in "。！!；;，,、：:…":
        return False
    if _NOT_HEADING_RE.search(t):
        return False
    if (":" in t or "：" in t) and max(t.find(":"), t.find("：")) > COLON_PREFIX_MAX:
        return False
    return _TWO_CJK_RE.search(t) is not None


def _is_title_line(content: str, heading: bool | None = None) -> bool:
    """A step's own line is just its title (body follows) or a lead-in ending in a colon.

    ``heading``: :func:`_is_heading` of ``content``, when known.
    """
    t = content.strip()
    if not t:
        return True
    if t[-1] in ":：":
        return len(t) <= LEADIN_MAX
    return _is_heading(t) if heading is None else heading


def _unit_title_line(u: _Unit) -> bool:
    """:func:`_is_title_line` of the unit's content, from its heading verdict."""
    t = u.content.strip()
    if not t:
        return True
    if t[-1] in ":：":
        return len(t) <= LEADIN_MAX
    return u.heading


def _is_sentence(text: str) -> bool:
    """A chunk long enough and punctuated like running text."""
    return len(text) >= 8 and any(ch in text for ch in "，,。：:；;")


def _chunks(text: str) -> list[tuple[int, str]]:
    """Whitespace-separated chunks (offset, text); a space between ASCII words does not split."""
    return [(m.start(), m.group()) for m in _CHUNK_RE.finditer(text, 0, _chunks_end(text))]


def _chunk_texts(text: str) -> list[str]:
    """The texts of :func:`_chunks`."""
    return _CHUNK_RE.findall(text, 0, _chunks_end(text))


def _chunks_end(text: str) -> int:
    """Where the examined chunks end: after the first ``MAX_CHUNKS`` runs of non-space."""
    if len(text) < 2 * MAX_CHUNKS - 1:  # too short to hold that many runs
        return len(text)
    last = next(islice(_WS_RE.finditer(text), MAX_CHUNKS - 1, None), None)
    return len(text) if last is None else last.end()


def _heading_chunk(chunks: list[str], first: int) -> int | None:
    """Index of the first chunk (from ``first``) that is a heading embedded in running text."""
    for c in range(first, len(chunks)):
        w = chunks[c]
        if c > 0 and chunks[c - 1][-1] not in _SENT_END:
            continue
        if len(w) < 4 or not _is_heading(w):
            continue
        if c + 1 < len(chunks):
            if _is_sentence(chunks[c + 1]):
                return c
        elif c > 0:
            return c
    return None


def _key(text: str) -> str:
    """Comparison key for headings: no spaces or punctuation."""
    return _KEY_STRIP_RE.sub("", text[:80])


def _clean_content(text: str) -> str:
    """Step text without the separator after the marker or trailing list punctuation."""
    first, last = text[:1], text[-1:]
    if first and not (first in _LEAD_SEPS or first.isspace()):  # no separator after the marker
        if not (last in _TRAIL_SEPS or last.isspace()):  # nor at the end: nothing to remove
            return text
    if (lead := _LEAD_SEP_RE.match(text)) is not None:
        text = text[lead.end() :]
    return _rstrip_seps(text)


def _rstrip_seps(text: str) -> str:
    """``text`` without its trailing run of spaces and list punctuation (``_TRAIL_SEP_RE``).

    Stripping spaces, punctuation, spaces in C finds the run unless it alternates more.
    """
    stripped = text.rstrip().rstrip(_TRAIL_SEPS).rstrip()
    if stripped and stripped[-1] in _TRAIL_SEPS:
        return _TRAIL_SEP_RE.sub("", text)
    return stripped


def _title(content: str, heading: bool | None = None) -> str | None:
    """The step's short head: its whole title line, or the text before a colon / first clause.

    ``heading``: :func:`_is_heading` of ``content``, when known.
    """
    t = content[:200].strip()
    inner = _marker_re()[0].match(t)
    if inner and inner.lastgroup and int(inner.lastgroup[1:]) in _strong_branches():
        t = _LEAD_SEP_RE.sub("", t[inner.end() :], count=1)  # "1. 第一步：登录" -> 登录
    if not t:
        return None
    if len(t) != len(content):  # no longer the content (characters only go)
        heading = None
    if (
        len(t) <= HEADING_MAX + 1
        and _is_title_line(t, heading)
        and not _CLAUSE_PUNCT_RE.search(t[:-1])
    ):
        return t.rstrip(":：").strip() or None
    m = _CLAUSE_END_RE.search(t)
    head = (t[: m.start()] if m else t).strip()
    return head if 1 <= len(head) <= TITLE_MAX else None


def _head(u: _Unit) -> str | None:
    """:func:`_title` of the unit's content, worked out once per unit."""
    head = u.head
    if head is _UNSET:
        head = u.head = _title(u.content, u.heading)
    return head  # type: ignore[return-value]


# ---------------------------------------------------------------- segmentation


def _find_marks(para: str) -> list[_Mark]:
    """All marker candidates in a paragraph (bounded), as ``finditer`` of the alternation."""
    regex, groups = _marker_scan()
    out: list[_Mark] = []
    end = seen = 0
    for m in regex.finditer(para):
        family, n = groups[m.lastindex]  # type: ignore[index]
        start, stop = m.span(m.lastindex)  # type: ignore[arg-type]
        if start < end:  # inside the previous marker
            continue
        if seen == MAX_MARKS_PER_PARA:
            break
        end, seen = stop, seen + 1
        number = _to_int(m.group(n))
        if number > 0:
            out.append(_Mark(family, number, para[start:stop], start, stop))
    return out


def _line_starts(lines: list[str]) -> list[int]:
    """Where each line starts in the lines joined by newlines, and where one more would."""
    return list(accumulate(map((1).__add__, map(len, lines)), initial=0))


def _marks_by_line(
    lines: list[str], text: str, starts: list[int] | None = None
) -> dict[int, list[_Mark]]:
    """:func:`_find_marks` of every line that has markers, from one scan of ``text``.

    ``text`` is ``lines`` joined by newlines (``starts``: their :func:`_line_starts`); a
    match never spans or sees a newline (:func:`_joined_scan_exact`), and a line start
    counts as the start of the text.
    """
    if not _joined_scan_exact():
        return {i: found for i, line in enumerate(lines) if (found := _find_marks(line))}
    regex, groups = _marker_scan(True)
    if starts is None:
        starts = _line_starts(lines)
    out: dict[int, list[_Mark]] = {}
    pos, line_end, found = 0, -1, []
    while pos < len(text):
        for m in regex.finditer(text, pos):
            family, n = groups[m.lastindex]  # type: ignore[index]
            start, stop = m.span(m.lastindex)  # type: ignore[arg-type]
            if start > line_end:  # the first marker of a line
                i = bisect_right(starts, start) - 1
                base, line_end = starts[i], starts[i + 1] - 1
                found, end, seen = [], 0, 0
            elif start < end:  # inside the previous marker
                continue
            if seen == MAX_MARKS_PER_PARA:
                pos = line_end + 1  # the rest of this line is not examined
                break
            end, seen = stop, seen + 1
            number = _to_int(m.group(n))
            if number > 0:
                if not found:
                    out[i] = found
                found.append(
                    _new_mark((family, number, text[start:stop], start - base, stop - base))
                )
        else:
            break
    return out


@cache
def _joined_scan_exact() -> bool:
    """No marker pattern can match or look at a newline (so lines can be scanned joined)."""
    try:
        return not any(
            _sees_newline(list(_sre_parse.parse(fam["pattern"])), 0)
            for fam in _rules()["marker_families"]
        )
    except (re.error, RecursionError):  # pragma: no cover - the rules compile
        return False


_NEWLINE_FREE_CATEGORIES = frozenset(
    getattr(_sre, name, None) for name in ("CATEGORY_DIGIT", "CATEGORY_WORD", "CATEGORY_NOT_SPACE")
)
_BOUNDARIES = frozenset(getattr(_sre, name, None) for name in ("AT_BOUNDARY", "AT_NON_BOUNDARY"))


def _sees_newline(items: list, flags: int) -> bool:
    """Whether a parsed pattern may test a newline as anything but a non-word non-match.

    True also for anything not understood (anchors other than ``\\b``, back-references).
    """
    for op, av in items:
        if op is _sre.LITERAL or op is _sre.NOT_LITERAL:
            if (av == 10) == (op is _sre.LITERAL):
                return True
        elif op is _sre.ANY:
            if flags & re.DOTALL:
                return True
        elif op is _sre.IN:
            if _class_has_newline(av):
                return True
        elif op is _sre.BRANCH:
            if any(_sees_newline(list(alt), flags) for alt in av[1]):
                return True
        elif op is _sre.SUBPATTERN:
            if _sees_newline(list(av[3]), (flags | av[1]) & ~av[2]):
                return True
        elif op is _sre.ASSERT or op is _sre.ASSERT_NOT:
            if _sees_newline(list(av[1]), flags):
                return True
        elif op in _REPEATS:
            if _sees_newline(list(av[2]), flags):
                return True
        elif not (op is _sre.AT and av in _BOUNDARIES):
            return True
    return False


def _class_has_newline(items: list) -> bool:
    """Whether a parsed character class may match a newline (``True`` when unsure)."""
    has, negate = False, False
    for kind, value in items:
        if kind is _sre.NEGATE:
            negate = True
        elif kind is _sre.LITERAL:
            has = has or value == 10
        elif kind is _sre.RANGE:
            has = has or value[0] <= 10 <= value[1]
        elif kind is _sre.CATEGORY:
            has = has or value not in _NEWLINE_FREE_CATEGORIES
        else:
            return True
    return has != negate


def _first_word_lines(text: str, starts: list[int]) -> set[int]:
    """The lines holding a first sequence word (首先), from one search of the joined lines."""
    if any("\n" in w for w in _rules()["sequence_words"]["first"]):  # pragma: no cover
        return set(range(len(starts) - 1))  # a match could take a line's word: every line
    return {bisect_right(starts, m.start()) - 1 for m in _first_word_re().finditer(text)}


def _seq_marks(para: str) -> list[_Mark]:
    """One run of clauses opened by 首先 … 其次/然后 … 最后 (three or more) in a paragraph."""
    seq = _rules()["sequence_words"]
    out: list[_Mark] = []
    if not _has_first_word(para):  # a run opens with a first word
        return out
    for m in islice(_seq_inline_re().finditer(para), MAX_MARKS_PER_PARA):
        word = m.group(1)
        if word in seq["first"]:
            if len(out) >= 3:
                break
            out = []
        elif not out:
            continue
        out.append(_Mark(SEQ_INLINE, len(out) + 1, word, m.start(1), m.end()))
        if word in seq["last"]:
            break
    return out if len(out) >= 3 else []


def _accept(marks: list[_Mark], carried: dict[str, int]) -> list[_Mark]:
    """Keep markers that open a paragraph or chain consecutively with another marker."""
    if len(marks) == 1:  # the usual paragraph opened by its marker, or a lone one inside
        mk = marks[0]
        if mk.start == 0 or (mk.number != 1 and carried.get(mk.family) == mk.number - 1):
            return marks
        return []
    last_two = {mk.family: mk.start for mk in marks if mk.number == 2}
    accepted: list[_Mark] = []
    prev: dict[str, int] = {}
    for mk in marks:
        if mk.start == 0:
            ok = True
        elif mk.number == 1:
            ok = last_two.get(mk.family, -1) > mk.start
        elif mk.family in prev:
            ok = prev[mk.family] == mk.number - 1
        else:
            ok = carried.get(mk.family) == mk.number - 1
        if ok:
            accepted.append(mk)
            prev[mk.family] = mk.number
    return accepted


def _cut_tail(content: str, allow_intro: bool) -> tuple[str, str]:
    """Split the last run-together item from a heading / intro that follows it in the paragraph."""
    chunks = _chunks(content)
    c = _heading_chunk([w for _, w in chunks], 1)
    if c is not None:
        s = chunks[c][0]
        return content[:s], content[s:]
    t = content.rstrip()
    if allow_intro and t.endswith((":", "：")):
        window = max(0, len(t) - TAIL)
        cut = max(t.rfind(ch, window, len(t) - 1) for ch in _SENT_END + " ")
        if cut > 0:
            return content[: cut + 1], content[cut + 1 :]
    return content, ""


def _plain(items: list[_Item], para: int, pos: int, text: str) -> None:
    """Append a plain segment."""
    items.append(_Plain(len(items), para, pos, text))


def _holds_heading(text: str) -> bool:
    """A heading chunk embedded in running text (text without whitespace is one chunk)."""
    if " " not in text and text.isprintable():  # no whitespace: one chunk
        return False
    end = _chunks_end(text)
    first = _CHUNK_RE.search(text, 0, end)
    if _SENT_SPACE_RE.search(text, 0, end) is None and not (
        first is not None and len(first.group()) >= 4 and _is_heading(first.group())
    ):  # only a first chunk or one after a full sentence can be the heading
        return False
    chunks = _chunk_texts(text)
    return len(chunks) > 1 and _heading_chunk(chunks, 0) is not None


def _segment(
    paragraphs: list[str],
    seq_lines: set[int] | None = None,
    found: dict[int, list[_Mark]] | None = None,
) -> list[_Item]:
    """Turn paragraphs into a flat sequence of marked units and plain segments.

    ``seq_lines`` are the paragraphs holding a first sequence word (首先 … runs start
    there) and ``found`` the :func:`_marks_by_line` of the paragraphs, when known.
    """
    if seq_lines is None or found is None:
        text, starts = "\n".join(paragraphs), _line_starts(paragraphs)
        seq_lines = _first_word_lines(text, starts) if seq_lines is None else seq_lines
        found = _marks_by_line(paragraphs, text, starts) if found is None else found
    items: list[_Item] = []
    carried: dict[str, int] = {}
    pending: list[_Plain] = []  # plain paragraphs since ``carried`` was last read or set
    for pi, para in enumerate(paragraphs):
        marks = found.get(pi)
        if (marks or pi in seq_lines) and pending:
            if any(p.heading for p in pending):  # a heading line ends the numbering carried
                carried.clear()
            pending.clear()
        if marks:
            marks = _accept(marks, carried)
        if not marks and pi in seq_lines:
            marks = _seq_marks(para)
        if not marks:
            plain = _Plain(len(items), pi, 0, para)
            items.append(plain)
            if carried:
                pending.append(plain)
            continue
        if len(marks) == 1 and marks[0].start == 0:  # the usual step paragraph
            mk = marks[0]
            text = _clean_content(para[mk.end :])
            unit = _Unit(
                len(items), pi, 0, mk.family, mk.number, mk.marker, text, False, _is_heading(text)
            )
            items.append(unit)
            carried[mk.family] = mk.number
            continue
        if preamble := para[: marks[0].start].strip():
            _plain(items, pi, 0, preamble)
        inline = len(marks) > 1 or marks[0].start > 0
        for k, mk in enumerate(marks):
            nxt = marks[k + 1] if k + 1 < len(marks) else None
            content = para[mk.end : nxt.start if nxt else len(para)]
            tail = ""
            if inline and (nxt is None or nxt.number == 1):
                content, tail = _cut_tail(content, nxt is not None and nxt.family == mk.family)
            text = _clean_content(content)
            unit = _Unit(
                len(items),
                pi,
                mk.start,
                mk.family,
                mk.number,
                mk.marker,
                text,
                inline,
                _is_heading(text),
            )
            items.append(unit)
            if tail := tail.strip():
                _plain(items, pi, mk.end + len(content), tail)
            carried[mk.family] = mk.number
    return items


# ---------------------------------------------------------------- 首先 … 最后


def _mark_sequences(items: list[_Item], seq_lines: set[int] | None = None) -> list[_Item]:
    """Turn runs of paragraphs opened by 首先 … 其次/然后 … 最后 (three or more) into units.

    The run may start after a lead-in colon or sentence inside its first paragraph
    (具体操作：首先…); that paragraph is then split into the lead-in and the first step.
    ``seq_lines``: the paragraphs holding a first word (``None``: any may). Returns the
    new items.
    """
    seq = _rules()["sequence_words"]
    regex, colon_first, words = _seq_re(), _colon_first_re(), _seq_words()
    run: list[tuple[_Plain, str, int, int]] = []  # plain, word, end of marker, start of step
    new: dict[int, list[_Item]] = {}

    def close() -> None:
        if len(run) >= 3:
            for n, (p, word, end, start) in enumerate(run, 1):
                content = _clean_content(p.text[end:])
                unit = _Unit(
                    p.idx,
                    p.para,
                    p.pos + start,
                    SEQ_FAMILY,
                    n,
                    word,
                    content,
                    False,
                    _is_heading(content),
                )
                lead = p.text[:start].strip()
                plain = _Plain(p.idx, p.para, p.pos, lead, False)
                new[p.idx] = [plain, unit] if lead else [unit]
        run.clear()

    for it in items:
        opens = isinstance(it, _Plain) and it.pos == 0  # a paragraph's start
        m = regex.match(it.text) if opens and it.text.startswith(words) else None
        word = m.group(1) if m else ""
        if m and word in seq["first"]:
            close()
            run.append((it, word, m.end(), 0))  # type: ignore[arg-type]
        elif m and run and (word in seq["middle"] or word in seq["last"]):
            run.append((it, word, m.end(), 0))  # type: ignore[arg-type]
            if word in seq["last"]:
                close()
        elif run and (isinstance(it, _Unit) or it.brk or it.idx - run[-1][0].idx > SEQ_GAP):
            close()
        if not m and opens and not run and (seq_lines is None or it.para in seq_lines):
            if c := colon_first.search(it.text):  # it needs a first word
                run.append((it, c.group(1), c.end(), c.start(1)))
    close()
    if not new:
        return items
    out = [x for it in items for x in new.get(it.idx, (it,))]
    for k, it in enumerate(out):
        it.idx = k
    return out


# ---------------------------------------------------------------- list building


def _reappears(u: _Unit, keys: dict[str, int]) -> bool:
    """The unit is a short heading that shows up again further down (a contents entry)."""
    return u.heading and keys.get(_key(u.content), -1) > u.idx


def _continue(u: _Unit, stack: list[_List]) -> bool:
    """Append ``u`` to the list in ``stack`` whose numbering it continues (closing deeper ones)."""
    for k in range(len(stack) - 1, -1, -1):
        lst = stack[k]
        if lst.family == u.family and lst.units[-1].number == u.number - 1:
            del stack[k + 1 :]
            lst.units.append(u)
            u.owner = lst
            return True
    return False


def _place(
    u: _Unit, stack: list[_List], lists: list[_List], gap: int, keys: dict[str, int]
) -> None:
    """Append ``u`` to the open list it continues, or open a new (sub-)list with it."""
    if _continue(u, stack) or u.number != 1:
        return
    for k, lst in enumerate(stack):
        if lst.family == u.family:
            del stack[k:]
            break
    parent = None
    if stack:
        p = stack[-1].units[-1]
        nests = gap == 0 or (gap <= 2 and _unit_title_line(p))
        if nests and not _reappears(p, keys):
            parent = p
    new = _List(u.family, [u], parent, stack[-1] if parent else None)
    u.owner = new
    lists.append(new)
    stack.append(new)


def _build(items: list[_Item], keys: dict[str, int]) -> list[_List]:
    """Chain units into lists; headings and long gaps close the open lists."""
    lists: list[_List] = []
    stack: list[_List] = []
    closed: list[_List] = []  # lists a heading line closed; the next number may resume them
    gap = 0
    prev: _Item | None = None
    for it in items:
        if isinstance(it, _Plain):
            gap += 1
            if gap > MAX_GAP:
                stack.clear()
                closed = []
            elif stack and it.brk and not _takes_body_line(prev):
                closed = stack[:]
                stack.clear()
            if stack:
                stack[-1].bodies_seen = True
            prev = it
            continue
        if not stack and closed and _continue(it, closed):
            stack = closed
        else:
            _place(it, stack, lists, gap, keys)
        closed = []
        gap = 0
        prev = it
    return lists


def _takes_body_line(prev: _Item | None) -> bool:
    """A short line right after a step title line is its body, not a new heading.

    That holds for a list's first step, or when earlier steps had bodies too.
    """
    if not isinstance(prev, _Unit) or prev.inline or not _unit_title_line(prev):
        return False
    return prev.number == 1 or (prev.owner is not None and prev.owner.bodies_seen)


def _mark_containers(lists: list[_List]) -> None:
    """A list whose items hold their own sub-lists is a set of sections, not steps.

    That takes most of the items for ordinary markers, one item for section markers (一、).
    """
    parents = {id(x.parent) for x in lists if x.parent is not None and len(x.units) > 1}
    for lst in lists:
        if lst.family in _strong_families():
            continue
        nested = sum(id(u) in parents for u in lst.units)
        if lst.family in _section_families():
            lst.container = nested >= 1
        else:
            lst.container = nested >= 2 and nested * 2 >= len(lst.units)


def _starts_conclusion(text: str) -> bool:
    """A closing paragraph (总之, 综上 …) that is not part of the last step."""
    return text.startswith(_words("conclusion_starts"))


def _body_plains(
    items: list[_Item], u: _Unit, last: bool, limit: int, short_first: bool
) -> list[_Plain]:
    """Plain paragraphs after a step title line that belong to the step.

    A heading-like line ends the body, except as its first line when ``short_first``.
    """
    out: list[_Plain] = []
    k = u.idx + 1
    while k < len(items) and len(out) < limit:
        p = items[k]
        if not isinstance(p, _Plain) or (p.brk and (out or not short_first)):
            break
        if last and _starts_conclusion(p.text):
            break
        nxt = items[k + 1] if k + 1 < len(items) else None
        leads_other = isinstance(nxt, _Unit) and (nxt.owner is None or nxt.owner.parent is not u)
        if last and p.text.rstrip().endswith((":", "：")) and leads_other:
            break
        out.append(p)
        k += 1
    return out


def _attach_bodies(lists: list[_List], items: list[_Item]) -> None:
    """Give step title lines their body paragraphs (the last step no more than the others)."""
    for lst in lists:
        counts = [0]
        short_bodies = False  # an earlier step's body was a short heading-like line
        for j, u in enumerate(lst.units):
            if u.inline or not _unit_title_line(u):
                continue
            last = j == len(lst.units) - 1
            limit = max(counts) if last and len(lst.units) > 1 else MAX_GAP
            plains = _body_plains(items, u, last, limit, not last or short_bodies)
            counts.append(len(plains))
            short_bodies = short_bodies or any(p.brk for p in plains)
            u.bodies = [p.text for p in plains]
            for p in plains:
                p.consumed = True


# ---------------------------------------------------------------- classification


def _verdict(text: str | None, heading: bool) -> str:
    """``neg`` / ``pos`` / ``mixed`` / ``weak`` / ``none``: how procedural a heading reads.

    ``heading`` says ``text`` is a heading line or title rather than running text, which
    lets the broader non-procedure words count too. A soft non-procedure word (建议) only
    counts when no strong procedure word (顺序, 步骤 …) is there: 建议按下面的顺序处理.
    """
    if not text:
        return "none"
    neg = _has(text, "non_procedure") or (heading and _has(text, "non_procedure_heading"))
    masked = text[:TAIL]
    for w in _words("procedure_strong_masked"):
        masked = masked.replace(w, "")
    strong = _has(masked, "procedure_strong") or bool(_strong_re().search(masked))
    neg = neg or (not strong and _has(text, "non_procedure_soft"))
    if neg:
        return "mixed" if strong else "neg"
    if strong:
        return "pos"
    return "weak" if _has(text, "procedure_weak") else "none"


def _context(items: list[_Item], start: int, bodies: bool) -> tuple[str | None, str | None]:
    """Nearest heading line and introducing sentence above item ``start``.

    ``bodies`` lets the walk read paragraphs already taken as a step's body.
    """
    intro = None
    k, seen = start - 1, 0
    while k >= 0 and seen < CONTEXT_PLAINS:
        it = items[k]
        if not isinstance(it, _Plain) or (it.consumed and not bodies):
            break
        seen += 1
        if it.heading:
            return it.text.strip(), intro
        chunks = _chunk_texts(it.text[-TAIL:])
        if chunks and intro is None:
            sentences = [x for x in _SENT_SPLIT_RE.findall(chunks[-1]) if x.strip()]
            intro = sentences[-1].strip() if sentences else None
        if (embedded := _last_heading_chunk(chunks)) is not None:
            return embedded, intro
        k -= 1
    return None, intro


def _last_heading_chunk(chunks: list[str]) -> str | None:
    """A heading among the last few chunks of a paragraph, right after a full sentence."""
    if len(chunks) < 2:
        return None
    for c in range(len(chunks) - 1, max(-1, len(chunks) - 4), -1):
        w = chunks[c]
        if len(w) >= 4 and _is_heading(w) and (c == 0 or chunks[c - 1][-1] in _SENT_END):
            return w
    return None


def _starts_with_verb(text: str, key: str = "action_verbs") -> bool:
    """The text opens with a verb of list ``key`` (登录, 点击 …), maybe after 先 / 再 / 请."""
    return _verb_re(key).match(text.lstrip()[:12]) is not None


@cache
def _verb_re(key: str) -> re.Pattern[str]:
    """A verb of list ``key`` at the start, maybe after a verb prefix."""
    prefixes = _alternation(("", *_words("verb_prefixes")))
    return re.compile(f"(?:{prefixes})(?:{_alternation(_words(key))})")


def _verb_share(units: list[_Unit]) -> float:
    """Share of items that open with an action verb."""
    return sum(_starts_with_verb(u.content) for u in units) / max(1, len(units))


def _is_outline(units: list[_Unit]) -> bool:
    """Items that name article sections (…注意事项, …条件, 哪些…) make an outline, not steps.

    A title that opens with a verb and is no ``…的…`` noun phrase is an action (准备材料).
    """
    for u in units:
        t = (_head(u) or "").rstrip("?？")
        if not 0 < len(t) <= OUTLINE_TITLE_MAX:
            continue
        if _has(t, "question_words"):
            return True
        if t.endswith(_words("outline_words")) and ("的" in t or not _starts_with_verb(t)):
            return True
    return False


def _is_noun_list(units: list[_Unit]) -> bool:
    """Most item titles name a charge (违约金, GPS服务费, 解押手续) rather than an action.

    A title that opens with a verb (缴纳违约金, 退押金) is an action.
    """
    nouns = 0
    for u in units:
        t = (_head(u) or "").strip()
        if 0 < len(t) <= OUTLINE_TITLE_MAX and t.endswith(_words("item_noun_endings")):
            nouns += not (_starts_with_verb(t) or _starts_with_verb(t, "fee_verbs"))
    return nouns * 2 > len(units)


def _toc_keys(items: list[_Item]) -> dict[str, int]:
    """Heading-like texts and step titles by key, with the last place each occurs.

    Only heading units are looked up (:func:`_reappears`): with none, no key is needed.
    """
    keys: dict[str, int] = {}
    if not any(it.heading for it in items if isinstance(it, _Unit)):
        return keys
    for it in items:
        if it.heading and (k := _key(it.text if isinstance(it, _Plain) else it.content)):
            keys[k] = it.idx
    return keys


def _is_toc(lst: _List, keys: dict[str, int]) -> bool:
    """A list whose items reappear later as headings is a table of contents."""
    return sum(_reappears(u, keys) for u in lst.units) * 2 >= len(lst.units)


def _ordered_verdicts(heading: str | None, intro: str | None) -> list[str]:
    """Verdicts of a list's context, most telling first.

    An introducing sentence (ends in a colon or says 以下 / 如下 …) speaks for the list right
    below it and outranks the section heading. Any other last sentence only leans one way:
    its ``neg`` / ``mixed`` becomes ``doubt`` and its ``pos`` becomes ``weak``.
    """
    cue = bool(intro) and (intro.rstrip().endswith((":", "：")) or _has(intro, "intro_cues"))
    v_intro = _verdict(intro, False)
    if cue:
        return [v_intro, _verdict(heading, True)]
    leaning = {"neg": "doubt", "mixed": "doubt", "pos": "weak"}.get(v_intro, v_intro)
    return [_verdict(heading, True), leaning]


def _decisive(verdicts: list[str]) -> bool | None:
    """The first clear verdict (``pos`` / ``neg``), if any."""
    for v in verdicts:
        if v in ("pos", "neg"):
            return v == "pos"
    return None


@dataclass
class _Context:
    """What the surroundings of one list say."""

    verdicts: list[str]  # heading line and introducing sentence, most telling first
    title: str | None  # verdict of the article title, when it counts for this list
    sibling: bool  # an earlier procedure used the same marker family


def _judge(c: _Context, lst: _List) -> bool:
    """Decide whether a top-level list is a procedure."""
    strong = lst.family in _strong_families() or lst.family == SEQ_FAMILY
    if not strong and _is_noun_list(lst.units):
        return False
    decided = _decisive(c.verdicts)
    if decided is not None:
        return decided
    if c.title == "neg":
        return False
    if strong:
        return True
    if _is_outline(lst.units):
        return False
    share = _verb_share(lst.units)
    if "mixed" in c.verdicts or "doubt" in c.verdicts:
        return share >= 0.5
    if c.title == "pos" or (c.sibling and share >= SIBLING_VERB_SHARE):
        return True
    needed = 0.5 if "weak" in c.verdicts or c.title in ("weak", "mixed") else 0.6
    return share >= needed


def _parent_title(u: _Unit) -> str | None:
    """A parent step's title, which heads its sub-list."""
    return _head(u) or u.content[:HEADING_MAX] or None


def _lead_in(content: str) -> str | None:
    """The clause that ends a parent step's text with a colon (…，具体操作是：), if any."""
    t = content[-LEADIN_MAX:].rstrip()
    if not t.endswith((":", "：")):
        return None
    cut = max(t.rfind(ch, 0, len(t) - 1) for ch in _SENT_END + "，,")
    return t[cut + 1 :]


def _judge_child(lst: _List, intro: str | None) -> bool:
    """A sub-list follows its intro and parent step, else the parent list's verdict.

    The clause leading in from the parent step (…，顺序是：) speaks for the sub-list; the rest
    of the parent's text only counts when that clause says nothing.
    """
    assert lst.parent is not None and lst.parent_list is not None
    verdicts = _ordered_verdicts(None, intro)
    parent = lst.parent.content
    lead = _verdict(_lead_in(parent), False)
    verdicts.insert(1, lead if lead != "none" else _verdict(parent[:LEADIN_MAX], False))
    decided = _decisive(verdicts)
    if decided is not None:
        return decided
    if "mixed" in verdicts or "doubt" in verdicts:
        return not _is_outline(lst.units) and _verb_share(lst.units) >= 0.5
    return lst.parent_list.procedure


def _tidy(heading: str | None) -> str | None:
    """A heading without the separators it trailed in running text."""
    if not heading:
        return None
    return _TRAIL_SEP_RE.sub("", heading) or None


def _classify(
    lists: list[_List], items: list[_Item], keys: dict[str, int], title: str | None
) -> None:
    """Set ``procedure`` and ``heading`` of every list that can be output, in reading order.

    Sub-lists of a step are judged with their parent; sub-lists of a container (a set of
    sections) are judged like top-level lists under the section's title.
    """
    first = True  # the article title still counts for the next top-level list
    families: set[str] = set()  # marker families of the procedures found so far
    parents = {id(x.parent_list) for x in lists}
    for lst in sorted(lists, key=lambda x: x.units[0].idx):
        if lst.container or (len(lst.units) < 2 and id(lst) not in parents):
            continue  # a single step that heads no sub-list is never output, nor changes state
        parent, parent_list = lst.parent, lst.parent_list
        heading, intro = _context(items, lst.units[0].idx, parent is not None)
        if parent is not None and parent_list is not None:
            lst.heading = heading = _parent_title(parent)
            if not parent_list.container:
                lst.procedure = _judge_child(lst, intro)
                continue
        elif lst.family != SEQ_FAMILY and _is_toc(lst, keys):
            continue
        use_title = first and len(lst.units) > 1 and bool(title)
        context = _Context(
            _ordered_verdicts(heading, intro),
            _verdict(title, True) if use_title else None,
            lst.family in families,
        )
        lst.procedure = _judge(context, lst)
        if lst.heading is None:
            lst.heading = _tidy(heading or intro or (title if use_title else None))
        first = first and len(lst.units) < 2
        if lst.procedure and len(lst.units) > 1:
            families.add(lst.family)


# ---------------------------------------------------------------- output


def _drop_repeats(lists: list[_List]) -> list[_List]:
    """Procedures with two or more steps, minus any the page pasted twice."""
    out: list[_List] = []
    seen: set[tuple[str, ...]] = set()
    for lst in lists:
        texts = tuple(u.content for u in lst.units)
        if lst.procedure and len(lst.units) >= 2 and texts not in seen:
            out.append(lst)
            seen.add(texts)
    return out


def _rows(lists: list[_List]) -> list[dict[str, Any]]:
    """Flatten procedures into ``steps`` rows, numbered in reading order."""
    rows: list[dict[str, Any]] = []
    kept = _drop_repeats(sorted(lists, key=lambda x: x.units[0].idx))
    for list_no, lst in enumerate(kept, 1):
        for step_no, u in enumerate(lst.units, 1):
            text = "\n".join(filter(None, (u.content, *u.bodies)))
            rows.append(
                {
                    "list_no": list_no,
                    "heading": lst.heading,
                    "step_no": step_no,
                    "marker": u.marker,
                    "title": _head(u) or (_title(u.bodies[0]) if u.bodies else None),
                    "text": text,
                }
            )
    return rows


def _paragraphs(paragraphs: Any) -> list[str]:
    """Non-empty stripped lines of the input, robust to odd types."""
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    try:  # the usual list of texts, joined in one call
        text = "\n".join(paragraphs) if isinstance(paragraphs, list) else None
    except TypeError:  # it holds something else
        text = None
    if text is None:
        text = "\n".join([p for p in paragraphs or () if isinstance(p, str)])
    # joined by newlines: the same lines, plus empty ones (a text ending in a line break)
    return list(filter(None, map(str.strip, text.splitlines())))


def extract_steps(paragraphs: list[str], title: str | None = None) -> list[dict[str, Any]]:
    """Return one dict per step of every procedure found in ``paragraphs``.

    Keys: ``list_no``, ``heading``, ``step_no``, ``marker``, ``title``, ``text``
    (see the ``steps`` table in CONTRACT.md). ``title`` is the article title, used as
    context for the first list. Never raises; returns ``[]`` when nothing is found.
    """
    try:
        lines = _paragraphs(paragraphs)
        text = "\n".join(lines)
        starts = _line_starts(lines)
        found = _marks_by_line(lines, text, starts)
        seq_lines = _first_word_lines(text, starts)  # 首先 … runs need a first word
        if not found and not seq_lines:
            return []  # no marker and no 首先: no step
        items = _segment(lines, seq_lines, found)
        if seq_lines:
            items = _mark_sequences(items, seq_lines)
        if not any(isinstance(it, _Unit) for it in items):
            return []
        keys = _toc_keys(items)
        lists = _build(items, keys)
        _mark_containers(lists)
        _attach_bodies(lists, items)
        _classify(lists, items, keys, title if isinstance(title, str) else None)
        return _rows(lists)
    except Exception:  # pragma: no cover - last-resort guard: a bad article yields no steps
        return []
