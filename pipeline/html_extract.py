"""Main-text extraction from a decoded HTML page: title, canonical url and body blocks.

``extract_html(html) -> HtmlPage`` never raises. Pages are parsed with lxml's HTML parser
(libxml2); BeautifulSoup's ``html.parser`` is only the fallback for documents libxml2
gives up on (nesting beyond its 2048-level limit, or no tree at all), converted to an lxml
tree so the rest of the code sees one kind of tree.

Parse speed on the 30 peer pages (1.7 MB of decoded text counted as UTF-8, best of 3, one
core; reproduce with ``python -m evals.peer_html --speed``):

=============================  =========
lxml.html.document_fromstring  ~90 MB/s
BeautifulSoup, lxml builder     ~7 MB/s
BeautifulSoup, html.parser      ~5 MB/s
extract_html (whole stage)     ~30 MB/s
=============================  =========

Steps (all iterative, so 10,000-level nesting cannot hit the recursion limit):

1. clean the string (NUL and other C0 controls, XML declarations) and parse it;
2. walk the tree once on ``etree.iterwalk`` (libxml2 order, in C), skipping dropped and
   hidden subtrees, and emit one raw block per block-level text run: ``<br>`` splits
   lines, a table row of inline cells is one block, ``<pre>`` gives one block per line,
   ``<ol>`` numbers are written into the item text;
3. score block-level elements readability-style (sentence punctuation, length, link
   density, class/id hints), then take the best container and its relevant siblings;
4. trim inside the container: comment/related/share boxes without prose, title repeats and
   byline/date lines before the body, labelled related-link lists, UI lines, disclaimers,
   trailing link and copyright lines. What is trimmed is reported in ``HtmlPage.removed``.

Rule data (tag sets, class/id hints, line patterns) lives in ``resources/html_rules.json``.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import accumulate
from typing import Any

from lxml import etree

from pipeline.document import Block, Removal

__all__ = ["HtmlPage", "extract_html", "normalise_space", "strip_site_name"]

Element = etree._Element


@dataclass
class HtmlPage:
    """What the HTML stage hands on: title, canonical url, body blocks, trimmed lines."""

    title: str | None
    url: str | None
    blocks: list[Block] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)


# ----------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class _Rules:
    drop: frozenset[str]
    soft_drop: frozenset[str]
    block: frozenset[str]
    paragraph: frozenset[str]
    heading: frozenset[str]
    lists: frozenset[str]
    pre: frozenset[str]
    widget: frozenset[str]
    tag_base: dict[str, float]
    class_hints: dict[str, tuple[tuple[str, ...], frozenset[str]]]
    punctuation: frozenset[str]
    sentence_end: frozenset[str]
    patterns: dict[str, re.Pattern[str]]
    special: frozenset[str]  # block tags the walker opens and closes with more than a span
    punctuation_re: re.Pattern[str]  # one character of ``punctuation``
    hint_res: dict[str, re.Pattern[str]]  # any substring hint of a class_hints group
    hint_memo: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)


@cache
def _rules() -> _Rules:
    """Load ``resources/html_rules.json`` once."""
    text = resources.files("pipeline.resources").joinpath("html_rules.json").read_text("utf-8")
    raw: dict[str, Any] = json.loads(text)
    if "li" in raw["pre_tags"] or "li" in raw["list_tags"]:
        raise ValueError("html_rules.json: li is an item, not a pre or list tag")  # _Walker
    patterns = {key[:-3]: re.compile(value) for key, value in raw.items() if key.endswith("_re")}
    return _Rules(
        drop=frozenset(raw["drop_tags"]),
        soft_drop=frozenset(raw["soft_drop_tags"]),
        block=frozenset(raw["block_tags"]),
        paragraph=frozenset(raw["paragraph_tags"]),
        heading=frozenset(raw["heading_tags"]),
        lists=frozenset(raw["list_tags"]),
        pre=frozenset(raw["pre_tags"]),
        widget=frozenset(raw["widget_tags"]),
        tag_base=dict(raw["tag_base_scores"]),
        class_hints={
            name: (tuple(hints["substrings"]), frozenset(hints["tokens"]))
            for name, hints in raw["class_hints"].items()
        },
        punctuation=frozenset(raw["punctuation"]),
        sentence_end=frozenset(raw["sentence_end"]),
        patterns=patterns,
        special=frozenset([*raw["pre_tags"], *raw["list_tags"], "li", "tr"]),
        punctuation_re=_one_of(c for c in frozenset(raw["punctuation"]) if len(c) == 1),
        hint_res={name: _one_of(hints["substrings"]) for name, hints in raw["class_hints"].items()},
    )


def _one_of(strings: Any) -> re.Pattern[str]:
    """A pattern finding any of ``strings`` (as plain text), longest first.

    Ties are ordered by text: the pattern is then the same in every process
    (set order changes with the hash seed), so its compiled program can be kept.
    """
    alternatives = sorted(map(re.escape, strings), key=lambda s: (-len(s), s))
    return re.compile("|".join(alternatives) or "(?!)")


# ----------------------------------------------------------------------------- text helpers

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")
_XML_DECL = re.compile(r"<\?xml[^>]*\?>", re.IGNORECASE)
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201f"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[^\S\n\u3000\xa0]*\n\s*(?=[{_CJK}])")
# display:none only: WeChat articles ship their body as visibility:hidden until a script runs
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_NON_WORD = re.compile(r"[\W_]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")


def normalise_space(text: str) -> str:
    """Join source line breaks between CJK characters, collapse other whitespace, strip.

    ``str.split()`` splits on exactly the characters ``\\s`` matches (``str.isspace``), so
    the join is ``re.sub(r"\\s+", " ", text).strip()`` without the regex.
    """
    if "\n" in text:  # every line break to join holds one
        text = _CJK_BREAK.sub("", text)
    return " ".join(text.split())


def _visible_len(text: str) -> int:
    return len(text) - text.count(" ")


def _solid_len(text: str) -> int:
    """Non-whitespace characters: ``_visible_len(normalise_space(text))`` without the regexes.

    ``normalise_space`` only drops or collapses whitespace (``\\s``, the same set as
    ``str.split``), so what it leaves besides single spaces is exactly this.
    """
    return len("".join(text.split()))


def _key(text: str) -> str:
    """Comparison key: letters and digits only, lowercase."""
    return _NON_WORD.sub("", text).lower()


_CONTROL_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F])  # _CONTROL's ASCII part
_BOM = "\ufeff".encode()
_DECL_WINDOW = 4096  # characters at the head of the page searched for XML declarations
# a page that _prepare would turn into nothing or whitespace: leading controls and BOMs,
# then whitespace and controls (possessive: linear on any run of controls)
_BLANK = re.compile(
    r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff\ufeff]*+[\s\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]*+\Z"
)


def _prepare(html: str) -> bytes | None:
    """Remove what libxml2 refuses (control characters, XML declarations); UTF-8 out.

    ``None`` for a page left blank. The string is cleaned as UTF-8 bytes, in C: lone
    surrogates are the only characters UTF-8 cannot encode ("ignore" drops them) and the
    ASCII controls are single bytes no other character's encoding holds. Only a page with
    ``<?`` near its head goes through the string for its declarations.
    """
    if _BLANK.match(html):  # stops at the first visible character
        return None
    data = html.encode("utf-8", "ignore").translate(None, _CONTROL_BYTES)
    while data.startswith(_BOM):
        data = data[len(_BOM) :]
    if data.find(b"<?", 0, 4 * _DECL_WINDOW + 2) < 0:  # 4096 characters take at most 16 KB
        return data
    text = data.decode("utf-8")
    if text.find("<?", 0, _DECL_WINDOW) < 0:
        return data
    text = _XML_DECL.sub("", text[:_DECL_WINDOW]) + text[_DECL_WINDOW:]
    return None if not text or text.isspace() else text.encode("utf-8")


# ----------------------------------------------------------------------------- parsing


def _parse(data: bytes | None) -> Element | None:
    """Parse UTF-8 with lxml; fall back to BeautifulSoup when libxml2 stops short or fails.

    The plain ``etree.HTMLParser`` builds the same tree as ``lxml.html``'s but without
    its per-element Python class lookup, which made every element visit dearer. The
    encoding is given, so a page's own charset declaration is not followed (the text was
    decoded already).
    """
    if data is None:
        return None
    parser = etree.HTMLParser(  # collect_ids=False: no id hash table, nothing looks ids up
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
        no_network=True,
        collect_ids=False,
        encoding="utf-8",
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is not None and not any(e.level_name == "FATAL" for e in parser.error_log):
        return root
    fallback = _parse_bs4(data.decode("utf-8"))
    return fallback if fallback is not None else root


def _parse_bs4(html: str) -> Element | None:
    """Build an lxml tree from BeautifulSoup's ``html.parser`` (no depth limit), iteratively."""
    try:
        from bs4 import BeautifulSoup, Comment, NavigableString, Tag

        soup = BeautifulSoup(html, "html.parser")
    except Exception:
        return None
    root = etree.Element("html")
    stack: list[tuple[Any, Element]] = [(soup, root)]
    while stack:
        node, target = stack.pop()
        last: Element | None = None
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                _append_text(target, last, str(child))
            elif isinstance(child, Tag):
                last = etree.SubElement(target, _xml_name(child.name) or "span")
                for key, value in child.attrs.items():
                    if _xml_name(key):
                        last.set(key, " ".join(value) if isinstance(value, list) else str(value))
                stack.append((child, last))
    return root


_XML_NAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def _xml_name(name: str | None) -> str | None:
    return name.lower() if name and _XML_NAME.match(name) else None


def _append_text(parent: Element, last: Element | None, text: str) -> None:
    text = _CONTROL.sub("", text)
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


# ----------------------------------------------------------------------------- walking


class _Raw:
    """A block before selection: text plus the block-level element it came from.

    ``punct`` is -1 until ``_marks`` counts it: blocks that are never scored and never
    inside a span tested for prose are not searched for punctuation.
    """

    __slots__ = ("chars", "kind", "link_chars", "link_ratio", "list_id", "owner", "punct", "text")

    def __init__(
        self,
        text: str,
        link_chars: int,
        owner: Element,
        kind: str,
        list_id: int | None,
        chars: int = 0,
        punct: int = 0,
    ) -> None:
        self.text = text
        self.link_chars = link_chars
        self.owner = owner
        self.kind = kind
        self.list_id = list_id
        self.chars = chars
        self.punct = punct
        # min(1.0, link_chars / chars): the share of the visible characters inside links
        self.link_ratio = (link_chars / chars if link_chars < chars else 1.0) if chars else 0.0


@dataclass(slots=True)
class _ListFrame:
    list_id: int
    ordered: bool
    next_number: int
    step: int


@dataclass(slots=True)
class _ItemFrame:
    frame: _ListFrame
    number: int
    marker: str | None = None  # a number drawn by the page itself: <li><span>1</span>...
    started: bool = False


_INNER_BLOCKS = frozenset({
    "p", "div", "table", "ul", "ol", "dl", "pre", "blockquote", "section", "article", "li",
    "h1", "h2", "h3", "h4", "h5", "h6",
})  # fmt: skip
_CELLS = ("td", "th")


_EVENTS = ("start", "end", "comment", "pi")  # a comment or PI is skipped, its tail kept


class _Walker:
    """One pass over the tree turning text runs into raw blocks.

    ``spans`` maps every block-level element to the half-open range of block indices it
    holds, so an element's totals are a difference of prefix sums.
    """

    def __init__(self, rules: _Rules) -> None:
        self.rules = rules
        self.blocks: list[_Raw] = []
        self.spans: dict[Element, tuple[int, int]] = {}
        self._pieces: list[str] = []  # text run since the last block boundary
        self._linked: list[int] = []  # indices of the pieces inside an <a>
        self._owners: list[Element] = []  # entered block-level elements, innermost last
        self._owner_tags: list[str] = []  # their tags
        self._starts: list[int] = []  # first block index of each owner
        self._lists: list[_ListFrame | _ItemFrame] = []
        self._list_count = 0
        self._pre = 0
        self._heading = rules.heading

    def walk(self, root: Element) -> None:
        """Visit ``root`` depth-first on libxml2's iterator; skipped subtrees are not entered.

        A skipped element still contributes its tail (the text after it belongs to its
        parent); the root's tail is outside every block and never emitted.
        """
        rules = self.rules
        drop, soft_drop, block, special = rules.drop, rules.soft_drop, rules.block, rules.special
        pieces, linked, owners, starts = self._pieces, self._linked, self._owners, self._starts
        owner_tags = self._owner_tags
        blocks, spans = self.blocks, self.spans
        links = 0
        row: Element | None = None
        skipped: Element | None = None
        events = etree.iterwalk(root, events=_EVENTS)
        for event, el in events:
            if event == "start":
                tag = el.tag
                if (
                    tag in drop
                    or (  # a hidden attribute or a display:none style
                        (names := el.keys())
                        and (
                            "hidden" in names
                            or ("style" in names and _HIDDEN_STYLE.search(el.get("style")))
                        )
                    )
                    or (tag in soft_drop and not _has_prose(el))
                ):
                    events.skip_subtree()
                    skipped = el
                    continue
                if tag == "a":
                    links += 1
                elif tag == "br" or (row is not None and tag in _CELLS):
                    if row is not None:
                        pieces.append(" ")
                    elif self._pre:
                        pieces.append("\n")
                    elif pieces:
                        self._flush()
                elif row is None and tag in block:
                    if pieces:
                        self._flush()
                    starts.append(len(blocks))
                    owners.append(el)
                    owner_tags.append(tag)
                    if tag == "li":
                        text = el.text
                        self._open_item(el, text, el.get("value") if "value" in names else None)
                        if text:
                            if links:
                                linked.append(len(pieces))
                            pieces.append(text)
                        continue
                    if tag in special and self._open(el, tag):
                        row = el
                text = el.text
                if text:
                    if links:
                        linked.append(len(pieces))
                    pieces.append(text)
                continue
            if el is skipped:
                skipped = None
            elif event != "end":
                pass  # a comment or processing instruction: only its tail counts
            else:
                if links and el.tag == "a":
                    links -= 1
                if owners and owners[-1] is el:
                    if pieces:
                        self._flush()
                    if el is row:
                        row = None
                    spans[el] = (starts.pop(), len(blocks))
                    owners.pop()
                    tag = owner_tags.pop()
                    if tag == "li":
                        if self._lists:
                            self._lists.pop()
                    elif tag in special:
                        self._close(tag)
            tail = el.tail
            if tail:
                if links:
                    linked.append(len(pieces))
                pieces.append(tail)
        self._flush()

    def _open(self, el: Element, tag: str) -> bool:
        """Open a pre, list or row; True when ``el`` is a table row of inline cells."""
        if tag in self.rules.pre:
            self._pre += 1
        if tag in self.rules.lists:
            self._open_list(el, tag == "ol")
        elif tag == "tr":
            return _is_flat_row(el)
        return False

    def _close(self, tag: str) -> None:
        """Close what ``_open`` opened (the element's text is already flushed; ``<li>``
        is closed inline: its item frame is popped)."""
        if tag in self.rules.pre:
            self._pre -= 1
        if (tag in self.rules.lists or tag == "li") and self._lists:
            self._lists.pop()

    def _open_list(self, el: Element, ordered: bool) -> None:
        self._list_count += 1
        reverse = el.get("reversed") is not None
        start = _int_attr(el.get("start"))
        if start is None:
            start = sum(1 for _ in el.iterchildren("li")) if reverse else 1
        self._lists.append(_ListFrame(self._list_count, ordered, start, -1 if reverse else 1))

    def _open_item(self, el: Element, text: str | None, value: str | None) -> None:
        """Open an item: ``text`` is its own text, ``value`` its value attribute."""
        top = self._lists[-1] if self._lists else None
        frame = top.frame if isinstance(top, _ItemFrame) else top
        if frame is None:
            self._list_count += 1
            frame = _ListFrame(self._list_count, False, 1, 1)
        number = _int_attr(value) if value else None
        if number is None:
            number = frame.next_number
        frame.next_number = number + frame.step
        marker = None if text and not text.isspace() else _drawn_number(el)
        self._lists.append(_ItemFrame(frame, number, marker))

    def _flush(self) -> None:
        """Emit the pending text run as one block (one per line inside ``<pre>``)."""
        pieces, linked = self._pieces, self._linked
        joined = pieces[0] if len(pieces) == 1 else "".join(pieces)
        if joined and not joined.isspace() and self._owners:  # (blank runs emit nothing)
            if self._pre:
                flags = [False] * len(pieces)
                for i in linked:
                    flags[i] = True
                for line in _split_lines(list(zip(pieces, flags, strict=True))):
                    text = normalise_space("".join(t for t, _ in line))
                    if text:
                        links = sum(_solid_len(t) for t, in_link in line if in_link)
                        self._emit(text, links, len(text) - text.count(" "))
            else:
                if "\n" in joined:  # normalise_space, inline (one call less per block)
                    joined = _CJK_BREAK.sub("", joined)
                text = " ".join(joined.split())  # not empty: the run is not blank
                chars = len(text) - text.count(" ")
                if not linked:
                    links = 0
                elif len(linked) == len(pieces):
                    links = chars  # all of it is link text
                else:
                    links = sum([_solid_len(pieces[i]) for i in linked])
                if self._lists:
                    self._emit(text, links, chars)
                else:  # _emit's case outside lists, inline
                    kind = "h" if self._owner_tags[-1] in self._heading else "p"
                    self.blocks.append(_Raw(text, links, self._owners[-1], kind, None, chars, -1))
        pieces.clear()
        linked.clear()

    def _emit(self, text: str, links: int, chars: int) -> None:
        """Append a block of normalised ``text`` (``chars`` non-space, ``links`` in links)."""
        owner = self._owners[-1]
        kind, list_id = "p", None
        if self._lists:
            top = self._lists[-1]
            if isinstance(top, _ItemFrame):
                list_id = top.frame.list_id
                if not top.started:
                    if top.marker is not None and text == top.marker:
                        return  # the page's own number box: it prefixes the item's next line
                    kind = "li"
                    if top.marker is not None or top.frame.ordered:
                        text = self._number_item(top, text)
                    top.started = True
            else:
                kind, list_id = "li", top.list_id
        elif self._owner_tags[-1] in self._heading:
            kind = "h"
        self.blocks.append(_Raw(text, links, owner, kind, list_id, chars, -1))

    def _number_item(self, item: _ItemFrame, text: str) -> str:
        """Prefix an item with its displayed number unless it carries its own marker."""
        if item.marker is not None:
            rest = text[len(item.marker) :] if text.startswith(item.marker) else text
            return f"{item.marker.rstrip('.、．:：')}. {rest.lstrip()}"
        if item.frame.ordered and not self.rules.patterns["own_marker"].match(text):
            return f"{item.number}. {text}"
        return text


_LIST_LIKE = frozenset({"ul", "ol", "dl", "li", "table"})
_DRAWN_NUMBER = re.compile(r"\d{1,3}[.、．:：]?")


def _drawn_number(li: Element) -> str | None:
    """The text of an item's first child when it is only a number (``<span>1</span>``)."""
    if not len(li) or (li.text or "").strip():
        return None
    first = li[0]
    tag = first.tag
    if tag in _LIST_LIKE:
        return None
    if isinstance(tag, str) and not len(first):  # its text is all that itertext() gives
        text = first.text or ""
        if len(text) > 12:
            return None
        text = text.strip()
        return text if _DRAWN_NUMBER.fullmatch(text) else None
    pieces: list[str] = []
    for piece in first.itertext():
        pieces.append(piece)
        if len(pieces) > 3 or sum(map(len, pieces)) > 12:
            return None  # more than a number: stop early, the item may be huge
    text = "".join(pieces).strip()
    return text if _DRAWN_NUMBER.fullmatch(text) else None


def _split_lines(pieces: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    lines: list[list[tuple[str, bool]]] = [[]]
    for text, in_link in pieces:
        parts = text.split("\n")
        lines[-1].append((parts[0], in_link))
        lines.extend([(part, in_link)] for part in parts[1:])
    return lines


def _int_attr(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value else None
    except ValueError:
        return None


def _is_flat_row(tr: Element) -> bool:
    """A table row whose cells hold only inline content and little text becomes one block.

    One pass over the descendants (an ``iterdescendants`` with 17 tag names costs more to
    set up than a row has elements): any inner block, a third ``<br>`` or a ``<br>``
    directly followed by another makes it a layout row.
    """
    breaks = 0
    for el in tr.iterdescendants():
        tag = el.tag
        if tag in _INNER_BLOCKS:
            return False
        if tag == "br":
            breaks += 1
            after = el.getnext()
            if breaks >= 3 or (
                after is not None and after.tag == "br" and not (el.tail or "").strip()
            ):
                return False  # line breaks that make paragraphs: a layout cell, not a data row
    length = 0
    for text in tr.itertext():  # len(_text_of(tr)) <= 300, without reading a long row whole
        length += len(text)
        if length > 300:
            return False
    return True


def _text_of(el: Element) -> str:
    """All text under ``el`` (itertext yields only strings: texts and tails)."""
    return "".join(el.itertext())


def _has_prose(el: Element) -> bool:
    """Whether a soft-drop element (say a page-wide ASP.NET ``<form>``) holds article text:
    100 characters and 4 Chinese commas or full stops (read only until both are reached)."""
    length = marks = 0
    for text in el.itertext():
        length += len(text)
        marks += text.count("，") + text.count("。")
        if length >= 100 and marks >= 4:
            return True
    return False


# ----------------------------------------------------------------------------- scoring


def _marks(b: _Raw, findall: Any) -> int:
    """The block's punctuation count (``findall`` finds one mark), counted once."""
    if b.punct < 0:
        b.punct = len(findall(b.text))
    return b.punct


class _Stats:
    """Prefix sums over raw blocks: any element's totals in O(1) from its span."""

    def __init__(self, blocks: list[_Raw], findall: Any) -> None:
        self.blocks = blocks
        self.findall = findall
        self.chars = list(accumulate([b.chars for b in blocks], initial=0))
        self.links = list(accumulate([min(b.link_chars, b.chars) for b in blocks], initial=0))
        self._punct: list[int] | None = None  # prefix sums of punctuation, when first asked

    @property
    def punct(self) -> list[int]:
        if self._punct is None:
            findall = self.findall
            marks = [_marks(b, findall) for b in self.blocks]
            self._punct = list(accumulate(marks, initial=0))
        return self._punct

    def text(self, span: tuple[int, int]) -> int:
        return self.chars[span[1]] - self.chars[span[0]]

    def link_density(self, span: tuple[int, int]) -> float:
        total = self.text(span)
        return (self.links[span[1]] - self.links[span[0]]) / total if total else 0.0

    def is_prose(self, span: tuple[int, int]) -> bool:
        """Enough punctuated, unlinked text to be article rather than widget."""
        if self.text(span) < 100 or self.link_density(span) >= 0.3:
            return False
        punct = self.punct
        return punct[span[1]] - punct[span[0]] >= 4


def _class_hints(el: Element, rules: _Rules) -> tuple[float, bool]:
    """Readability-style class/id weight (+25 per positive, -25 per negative attribute) and
    whether class/id says comment, related, share... while nothing says content."""
    positive = negative = widget = 0
    for attr in ("class", "id"):
        value = el.get(attr)
        if value:
            hints = _value_hints(value, rules)
            positive += "positive" in hints
            negative += "negative" in hints
            widget += "widget" in hints
    return 25.0 * (positive - negative), bool(widget and not positive)


_HINT_MEMO_MAX = 20_000  # class/id values remembered; pages of one site share most of them


def _value_hints(value: str, rules: _Rules) -> frozenset[str]:
    """The ``class_hints`` groups one class or id value carries (memoised in ``rules``)."""
    memo = rules.hint_memo
    hints = memo.get(value)
    if hints is None:
        if len(memo) >= _HINT_MEMO_MAX:
            memo.clear()
        low = value.lower()
        words = _TOKEN_SPLIT.split(_CAMEL.sub(r"\1 \2", value).lower())
        hints = memo[value] = frozenset(
            group
            for group, (_, tokens) in rules.class_hints.items()
            if rules.hint_res[group].search(low) or not tokens.isdisjoint(words)
        )
    return hints


def _is_meta_line(b: _Raw, rules: _Rules) -> bool:
    """A byline, source, date or view-count line (short, no real sentence)."""
    if b.chars > 80:
        return False
    text = b.text
    if rules.patterns["meta_line"].match(text) or rules.patterns["byline"].match(text):
        return True
    if rules.patterns["datetime"].search(text) and "，" not in text and "。" not in text:
        return b.chars <= 40 or rules.patterns["meta_words"].search(text) is not None
    return len(rules.patterns["meta_words"].findall(text)) >= 3


def _paragraph_score(b: _Raw, findall: Any) -> float:
    """Readability's paragraph score, Chinese-aware: punctuation plus length."""
    return 1 + _marks(b, findall) + min(b.chars / 50, 3)


_WIDGET_FACTOR = 0.3  # score kept by a candidate whose class/id says comment, related, share...


class _Scorer:
    """Scores block-level elements and chooses the content container(s)."""

    def __init__(self, walker: _Walker) -> None:
        self.rules = walker.rules
        self.blocks = walker.blocks
        self.spans = walker.spans
        self.stats = _Stats(walker.blocks, walker.rules.punctuation_re.findall)
        self.hints: dict[Element, tuple[float, bool]] = {}  # _class_hints per element
        self.scores = self._score()

    def _score(self) -> dict[Element, float]:
        raw: dict[Element, float] = {}
        chains: dict[Element, list[tuple[Element, int, bool, float]]] = {}
        paragraph = self.rules.paragraph
        findall = self.rules.punctuation_re.findall
        rules = self.rules
        for b in self.blocks:
            chars = b.chars
            if chars < 10 or b.link_ratio > 0.5 or (chars <= 80 and _is_meta_line(b, rules)):
                continue
            start = b.owner
            if start.tag in paragraph and (parent := start.getparent()) is not None:
                start = parent
            chain = chains.get(start)
            if chain is None:
                chain = chains[start] = self._chain(start)
            punct = b.punct
            if punct < 0:
                punct = b.punct = len(findall(b.text))
            value = 1 + punct + min(chars / 50, 3)  # _paragraph_score, inline
            for anc, divisor, widget, base in chain:
                raw[anc] = raw.get(anc, base) + value / divisor
                if widget:
                    value *= _WIDGET_FACTOR  # text of a comment box barely counts further up
        return {el: s * self._factor(el) for el, s in raw.items()}

    def _chain(self, start: Element) -> list[tuple[Element, int, bool, float]]:
        """The candidates fed from ``start`` up: (element, divisor, is widget, base score).

        They are the first 5 block-level elements among ``start`` and its ancestors (at
        most 64 steps up); the n-th (from 0) gets its paragraph scores divided by
        1, 2, 6, 9, 12.
        """
        block, spans, tag_base, hints = (
            self.rules.block,
            self.spans,
            self.rules.tag_base,
            self.hints,
        )
        out: list[tuple[Element, int, bool, float]] = []
        level = steps = 0
        node: Element | None = start
        while node is not None and level < 5 and steps < 64:
            tag = node.tag
            if tag in block:
                if node in spans:
                    weight, widget = hints.get(node) or self._hints(node)
                    divisor = 1 if level == 0 else 2 if level == 1 else level * 3
                    out.append((node, divisor, widget, tag_base.get(tag, 0) + weight))
                level += 1
            node = node.getparent()
            steps += 1
        return out

    def _factor(self, el: Element) -> float:
        """Link density discount, and a heavy one for comment/related/share-like boxes."""
        factor = 1 - self.stats.link_density(self.spans[el])
        return factor * _WIDGET_FACTOR if self.is_widget(el) else factor

    def is_widget(self, el: Element) -> bool:
        """Class/id says comment, related, share... and nothing says content."""
        return self._hints(el)[1]

    def weight(self, el: Element) -> float:
        return self._hints(el)[0]

    def _hints(self, el: Element) -> tuple[float, bool]:
        hints = self.hints.get(el)
        if hints is None:
            hints = self.hints[el] = _class_hints(el, self.rules)
        return hints

    def select(self) -> list[Element]:
        """The chosen container and its relevant siblings, in document order."""
        if not self.scores:
            return []
        top = self._climb(max(self.scores, key=self.scores.__getitem__))
        parent = top.getparent()
        if parent is None or top.tag in ("body", "html"):
            return [top]
        threshold = max(10.0, self.scores.get(top, 0.0) * 0.2)
        return [
            s
            for s in parent
            if s is top or (s in self.spans and self._sibling_ok(s, top, threshold))
        ]

    def _climb(self, top: Element) -> Element:
        """Move to an ancestor whose score is not much lower (readability's parent walk)."""
        last = self.scores[top]
        threshold = last / 3
        node = top.getparent()
        while node is not None and node.tag not in ("body", "html"):
            if node in self.scores:
                if self.scores[node] < threshold:
                    break
                if self.scores[node] > last:
                    top = node
                    break
                last = self.scores[node]
            node = node.getparent()
        while (parent := top.getparent()) is not None and parent.tag not in ("body", "html"):
            if self.spans.get(parent) != self.spans[top]:
                break
            top = parent
        return top

    def _sibling_ok(self, sib: Element, top: Element, threshold: float) -> bool:
        span = self.spans[sib]
        if span[0] == span[1]:
            return False
        bonus = 0.0
        if sib.get("class") and sib.get("class") == top.get("class"):
            bonus = self.scores.get(top, 0.0) * 0.2
        if self.scores.get(sib, -1e9) + bonus >= threshold:
            return True
        if sib.tag != "p":
            return False
        length, density = self.stats.text(span), self.stats.link_density(span)
        last = self.blocks[span[1] - 1].text
        return (length > 80 and density < 0.25) or (
            length <= 80 and density == 0 and last[-1:] in self.rules.sentence_end
        )

    def widget_blocks(self, roots: list[Element]) -> set[int]:
        """Indices of blocks inside widget-hinted, non-prose elements under ``roots``."""
        ranges = [self.spans[r] for r in roots]
        if not ranges:
            return set()
        first, last = ranges[0][0], ranges[-1][1]  # roots are siblings in document order
        widget_tags = self.rules.widget
        out: set[int] = set()
        for el, span in self.spans.items():
            lo, hi = span
            if lo == hi or lo < first or hi > last or lo in out:
                continue
            if el in roots or (len(ranges) > 1 and not any(a <= lo and hi <= b for a, b in ranges)):
                continue
            if el.tag not in widget_tags or self.stats.is_prose(span):
                continue
            if self.is_widget(el):
                out.update(range(lo, hi))
        return out


# ----------------------------------------------------------------------------- trimming


_TOP_WINDOW = 15  # blocks at the head of the container checked for titles and bylines


class _Trimmer:
    """Drops non-body lines from the container's blocks, keeping an audit trail."""

    def __init__(self, rules: _Rules, title: str | None) -> None:
        self.rules = rules
        self.title_key = _key(title) if title else ""
        self.removed: list[Removal] = []

    def drop(self, rule: str, block: _Raw) -> None:
        self.removed.append(Removal(rule, block.text))

    def run(self, blocks: list[_Raw]) -> list[_Raw]:
        blocks = _merge_vertical(blocks)
        blocks = self._top(blocks)
        blocks = self._related(blocks)
        blocks = self._notices(blocks)
        blocks = self._ui(blocks)
        prose_lists = {b.list_id for b in blocks if b.list_id is not None and b.link_ratio < 0.5}
        while blocks and self._tail_junk(blocks[-1], prose_lists):
            self.drop("html_footer", blocks.pop())
        return blocks

    def _ui(self, blocks: list[_Raw]) -> list[_Raw]:
        """Short UI lines anywhere (展开全文, 查看更多...)."""
        ui = self.rules.patterns["ui_anywhere"].match
        out: list[_Raw] = []
        for b in blocks:
            if b.chars <= 12 and ui(b.text):
                self.drop("ui_widget", b)
            else:
                out.append(b)
        return out

    def _top(self, blocks: list[_Raw]) -> list[_Raw]:
        """Before the first body paragraph: title repeats, bylines, breadcrumbs, labels."""
        out: list[_Raw] = []
        started = False
        for i, b in enumerate(blocks):
            if not started and i < _TOP_WINDOW:
                rule = self._top_rule(b)
                if rule:
                    self.drop(rule, b)
                    continue
                started = b.chars >= 40 and b.link_ratio < 0.5
            out.append(b)
        return out

    def _top_rule(self, b: _Raw) -> str | None:
        if self.title_key and self._repeats_title(b.text):
            return "html_title"
        if b.chars > 100:
            return None
        if _is_meta_line(b, self.rules):
            return "html_byline"
        if b.link_ratio >= 0.5 and self.rules.patterns["breadcrumb"].match(b.text):
            return "html_breadcrumb"
        if b.link_ratio >= 0.8 and b.chars <= 40:
            return "html_nav"
        if self.rules.patterns["label_line"].match(b.text):
            return "html_label"
        if self.rules.patterns["ui_line"].match(b.text):
            return "ui_widget"
        return None

    def _repeats_title(self, text: str) -> bool:
        """The line's key is the title's key, or a good part (2/5) of it."""
        title_key = self.title_key
        # A key longer than the title's cannot be in it. Keys are built character by
        # character, so a prefix's key is no longer than the whole key: for a long line
        # the key of a short prefix usually settles it without reading the rest.
        head = 2 * len(title_key) + 16
        if len(text) > head and len(_key(text[:head])) > len(title_key):
            return False
        key = _key(text)
        return len(key) >= 4 and (
            key == title_key or (key in title_key and len(key) * 5 >= len(title_key) * 2)
        )

    def _related(self, blocks: list[_Raw]) -> list[_Raw]:
        """A short 相关推荐-style label and the link-heavy lines that follow it."""
        label = self.rules.patterns["related_label"].match
        out: list[_Raw] = []
        i = 0
        while i < len(blocks):
            b = blocks[i]
            if b.chars <= 20 and label(b.text):
                j = i + 1
                while j < len(blocks) and (blocks[j].link_ratio >= 0.5 or blocks[j].chars <= 1):
                    j += 1
                if j > i + 1 or j == len(blocks):
                    for dropped in blocks[i:j]:
                        self.drop("related_links", dropped)
                    i = j
                    continue
            out.append(b)
            i += 1
        return out

    def _notices(self, blocks: list[_Raw]) -> list[_Raw]:
        """A 免责声明/版权声明 notice in the last third and everything after it."""
        for i in range(len(blocks) - 1, (2 * len(blocks)) // 3 - 1, -1):
            if i > 0 and self.rules.patterns["notice_label"].match(blocks[i].text):
                for dropped in blocks[i:]:
                    self.drop("disclaimer", dropped)
                return blocks[:i]
        return blocks

    def _tail_junk(self, b: _Raw, prose_lists: set[int | None]) -> bool:
        if b.link_ratio >= 0.5 and b.chars <= 60:
            # an item of a list that is not a link list (a last step "登录<a>官网</a>") stays
            return b.list_id not in prose_lists
        return b.chars <= 120 and bool(
            self.rules.patterns["ui_line"].match(b.text)
            or self.rules.patterns["footer_line"].search(b.text)
        )


def _merge_vertical(blocks: list[_Raw]) -> list[_Raw]:
    """Join runs of one-character lines of one element (vertical ``今<br>日<br>推<br>荐``)."""
    if not any(b.chars == 1 for b in blocks):
        return blocks
    out: list[_Raw] = []
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and blocks[j].chars == 1 and blocks[j].owner is blocks[i].owner:
            j += 1
        if j - i >= 2:
            run = blocks[i:j]
            text = "".join(b.text for b in run)
            links = sum(b.link_chars for b in run)
            out.append(_Raw(text, links, run[0].owner, run[0].kind, run[0].list_id, len(run)))
            i = j
        else:
            out.append(blocks[i])
            i += 1
    return out


# ----------------------------------------------------------------------------- title and url


@dataclass
class _Landmarks:
    """The elements title and url extraction read, gathered in one pass in document order."""

    titles: list[Element]
    metas: list[Element]
    links: list[Element]
    h1s: list[Element]
    h2s: list[Element]
    h1_before: Element | None  # the last <h1> before the content container


_LANDMARK_TAGS = ("title", "meta", "link", "h1", "h2")


def _landmarks(root: Element, container: Element | None) -> _Landmarks:
    """Collect ``_LANDMARK_TAGS`` elements with one ``iter`` (one C pass, not one per tag)."""
    found: dict[str, list[Element]] = {tag: [] for tag in _LANDMARK_TAGS}
    h1_before: Element | None = None
    seen = container is None
    tags = _LANDMARK_TAGS if container is None else (*_LANDMARK_TAGS, container.tag)
    for el in root.iter(*tags):
        if el is container:
            seen = True
        bucket = found.get(el.tag)
        if bucket is None:
            continue  # another element of the container's tag
        bucket.append(el)
        if not seen and el.tag == "h1":
            h1_before = el
    return _Landmarks(
        found["title"], found["meta"], found["link"], found["h1"], found["h2"], h1_before
    )


def _meta_content(metas: list[Element], key: str) -> str | None:
    for el in metas:
        if key in ((el.get("property") or "").lower(), (el.get("name") or "").lower()):
            value = normalise_space(html_lib.unescape(el.get("content") or ""))
            if value:
                return value
    return None


def _find_url(page: _Landmarks) -> str | None:
    """``<link rel="canonical">`` href, else ``og:url``, else None."""
    for el in page.links:
        href = normalise_space(el.get("href") or "")
        if href and "canonical" in (el.get("rel") or "").lower().split():
            return href
    return _meta_content(page.metas, "og:url")


def _texts(elements: list[Element]) -> list[str]:
    out = []
    for el in elements:
        text = normalise_space(html_lib.unescape(_text_of(el)))
        if 2 <= len(text) <= 200:
            out.append(text)
    return out


def _heading_near(page: _Landmarks, container: Element | None) -> str | None:
    """The last ``<h1>`` before the content container, else the first one inside it."""
    if container is None:
        return None
    last = page.h1_before
    if last is None:
        last = next(container.iter("h1"), None)
    text = normalise_space(html_lib.unescape(_text_of(last))) if last is not None else ""
    return text if 2 <= len(text) <= 200 else None


def _find_title(page: _Landmarks, rules: _Rules, near: str | None = None) -> str | None:
    """The title: the longest ``og:title``/``<h1>``/``<h2>`` that opens ``<title>``, else
    ``<title>`` minus its site name (unless that leaves only a site name and the ``<h1>``
    near the content says more), else ``og:title``, else the ``<h1>``."""
    raw = next(iter(_texts(page.titles)), None)
    og = _meta_content(page.metas, "og:title")
    headings = _texts(page.h1s) + _texts(page.h2s)
    near = near or (headings[0] if headings else None)
    if not raw:
        return (strip_site_name(og, rules) or og) if og else near
    stripped = strip_site_name(raw, rules) or raw
    raw_key, stripped_key = _key(raw), _key(stripped)
    best: str | None = None
    for candidate in [og, *headings]:
        key = _key(candidate) if candidate else ""
        if len(key) < 4 or not raw_key.startswith(key) or (key == raw_key != stripped_key):
            continue
        if best is None or len(key) > len(_key(best)):
            best = candidate
    title = best if best and len(_key(best)) * 2 >= len(stripped_key) else stripped
    if best and _opens_before_separator(normalise_space(raw), normalise_space(best)):
        title = best
    if _site_like(title, rules):
        for fallback in (near, strip_site_name(og, rules) if og else None):
            if fallback and not _site_like(fallback, rules):
                return fallback
    return title


def _opens_before_separator(raw: str, heading: str) -> bool:
    """``<title>`` is ``heading`` followed by separated site parts (``… - 论坛 - Powered by``)."""
    return (
        raw.startswith(heading)
        and re.match(r"\s*[-_|｜–—·]\s", raw[len(heading) :] + " ") is not None
    )


def _site_like(text: str, rules: _Rules) -> bool:
    return len(text) <= 12 and rules.patterns["site_suffix"].search(text) is not None


_SITE_TITLE_MAX = 500


def strip_site_name(title: str, rules: _Rules | None = None) -> str:
    """Remove a site-name suffix or prefix.

    ``"如何退POS机押金_某某财经网"`` -> ``"如何退POS机押金"``; a ``：`` or ``-`` only splits off
    a site-like tail, so ``"分期乐：提前还款的三个步骤"`` stays whole.
    """
    rules = rules or _rules()
    title = normalise_space(title)
    if len(title) > _SITE_TITLE_MAX:  # no real title; each cut below rescans it (quadratic)
        return title
    while parts := list(rules.patterns["title_strong_separators"].finditer(title)):
        head, tail = title[: parts[-1].start()].strip(), title[parts[-1].end() :].strip()
        if len(head) < 4 or (len(tail) > 16 and not rules.patterns["site_suffix"].search(tail)):
            break
        title = head
    while parts := list(rules.patterns["title_weak_separators"].finditer(title)):
        head, tail = title[: parts[-1].start()].strip(), title[parts[-1].end() :].strip()
        dash = parts[-1].group() in "-—–" and len(tail) <= 6 and len(head) >= 8
        if (
            len(head) < 4
            or len(tail) > 12
            or not (dash or rules.patterns["site_suffix"].search(tail))
        ):
            break
        title = head
    head, _, tail = title.rpartition(" ")
    if len(head) >= 4 and 2 <= len(tail) <= 12 and rules.patterns["site_suffix"].search(tail):
        title = head.strip()
    patterns = rules.patterns
    first = patterns["title_weak_separators"].search(title) or patterns[
        "title_strong_separators"
    ].search(title)
    if first:
        head, tail = title[: first.start()].strip(), title[first.end() :].strip()
        if len(head) <= 10 and len(tail) >= 4 and rules.patterns["site_suffix"].search(head):
            title = tail
    return title


# ----------------------------------------------------------------------------- entry point


def extract_html(html: str) -> HtmlPage:
    """Title, canonical url and main-content blocks of a decoded HTML page; never raises."""
    try:
        return _extract(html if isinstance(html, str) else "")
    except Exception:
        return HtmlPage(None, None, [])


def _extract(html: str) -> HtmlPage:
    rules = _rules()
    root = _parse(_prepare(html))
    if root is None:
        return HtmlPage(None, None, [])
    walker = _Walker(rules)
    walker.walk(root)
    scorer = _Scorer(walker)
    roots = scorer.select()
    widgets = scorer.widget_blocks(roots)
    container = roots[0] if roots else None
    page = _landmarks(root, container)
    title = _find_title(page, rules, _heading_near(page, container))
    url = _find_url(page)
    trimmer = _Trimmer(rules, title)
    if not roots:
        chosen = list(walker.blocks)
    else:
        indices = [i for el in roots for i in range(*walker.spans[el])]
        for i in indices:
            if i in widgets:
                trimmer.drop("html_widget", walker.blocks[i])
        chosen = [walker.blocks[i] for i in indices if i not in widgets]
    kept = trimmer.run(chosen)
    blocks = [Block(b.text, b.kind, b.list_id, round(b.link_ratio, 3)) for b in kept]
    return HtmlPage(title, url, blocks, trimmer.removed)
