"""The core: one raw record in, its rows of every table out (pure, engine-agnostic).

``process_record`` runs the stages in one direction: decode -> (html -> blocks)
-> convert -> clean -> segment -> steps -> fees. It touches no file and keeps no
state that changes its answer, so any engine (processes, Dask) can map it.
Any failure becomes an ``error`` row for that article; it never raises.
``process_records`` gives the same rows for a batch, running each stage over
the whole batch before the next (the runners use it: it is faster).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from pipeline.document import Block, Document
from pipeline.tables import doc_id as make_doc_id

Rows = dict[str, list[dict[str, Any]]]

_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_HTML_SNIFF = re.compile(r"\s*(?:<!doctype\s+html|<html|<head|<meta|<body|<\?xml)", re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")
_TITLE_MAX = 60
_TITLE_PUNCT = ("。", "；", ";")
_TITLE_MAX_COMMAS = 2


def process_record(
    record: Mapping[str, Any],
    *,
    segmenter: str = "jieba",
    timings: dict[str, float] | None = None,
) -> Rows:
    """Turn one raw record into rows of every table.

    ``record`` has ``source`` and one of ``text`` (str), ``html`` (str) or
    ``raw`` (bytes); optional ``url`` and ``title``; ``error`` marks a record
    the reader could not build (it becomes an error row). ``timings``, when
    given, accumulates seconds per stage (it never changes the answer).
    """
    return process_records([record], segmenter=segmenter, timings=timings)[0]


def process_records(
    records: Sequence[Mapping[str, Any]],
    *,
    segmenter: str = "jieba",
    timings: dict[str, float] | None = None,
    guard: Callable[[int], AbstractContextManager[object]] | None = None,
) -> list[Rows]:
    """:func:`process_record` of each record, with the stages run stage by stage.

    Each stage runs over every article of the batch before the next stage starts,
    so its code, patterns and dictionaries stay in the CPU caches (about a fifth
    less time than article by article); the rows are the same. ``guard(i)``, when
    given, wraps every step of article ``i`` (the runners use it for a time
    budget): an exception it raises becomes that article's error row.
    """
    clock = _Clock(timings)
    out: list[Rows] = [{}] * len(records)  # every index is set below
    live = [(i, _Article(record, segmenter, clock)) for i, record in enumerate(records)]
    for stage in _STAGES:
        kept = []
        for item in live:
            try:
                if guard is None:
                    stage(item[1])
                else:
                    with guard(item[0]):
                        stage(item[1])
            except Exception as exc:
                out[item[0]] = error_rows(records[item[0]], exc)
            else:
                kept.append(item)
        live = kept
    for i, article in live:
        out[i] = article.rows
    return out


class _Article:
    """One article on its way through the stages (the document and its rows so far).

    Each method is one step of :data:`_STAGES`, in order.
    """

    __slots__ = (
        "body",
        "clock",
        "doc",
        "doc_id",
        "paragraphs",
        "record",
        "rows",
        "segmenter",
        "source",
    )

    def __init__(self, record: Mapping[str, Any], segmenter: str, clock: _Clock) -> None:
        self.record = record
        self.source = _source(record)
        self.segmenter = segmenter
        self.clock = clock
        self.doc: Document
        self.doc_id = ""
        self.body = ""
        self.rows: Rows = {}
        self.paragraphs: list[str] = []

    def read(self) -> None:
        if self.record.get("error"):
            raise InputError(str(self.record["error"]))
        self.doc, self.body = _read(self.record, self.source, self.clock)

    def convert(self) -> None:
        _convert(self.doc, self.body, self.clock)

    def clean(self) -> None:
        _clean(self.doc, self.clock)
        self.paragraphs = [block.text for block in self.doc.blocks]
        self.doc_id = make_doc_id(self.source)
        self.rows = _base_rows(self.doc, self.doc_id, self.paragraphs)

    def segment(self) -> None:
        self.rows["tokens"] = _tokens(self.doc_id, self.paragraphs, self.segmenter, self.clock)

    def steps(self) -> None:
        self.rows["steps"] = _steps(self.doc_id, self.paragraphs, self.doc.title, self.clock)

    def fees(self) -> None:
        self.rows["fees"] = _fees(self.doc_id, self.paragraphs, self.clock)


_STAGES: tuple[Callable[[_Article], None], ...] = (
    _Article.read,
    _Article.convert,
    _Article.clean,
    _Article.segment,
    _Article.steps,
    _Article.fees,
)


def error_rows(record: Mapping[str, Any], exc: BaseException | str) -> Rows:
    """The rows of an article that failed: one ``error`` row in ``articles``."""
    source = _source(record)
    rows: Rows = {name: [] for name in ("articles", "removed", "tokens", "steps", "fees")}
    rows["articles"].append(_error_row(make_doc_id(source), source, record, exc))
    return rows


class _Clock:
    """Adds the seconds spent in each stage to a dict, when one is given."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self._stages: dict[str, AbstractContextManager[object]] = {}

    def stage(self, name: str) -> AbstractContextManager[object]:
        """A context adding its seconds to stage ``name`` (stages never nest)."""
        if self.timings is None:
            return _NO_TIMING
        timer = self._stages.get(name)
        if timer is None:
            timer = self._stages[name] = _StageTimer(self.timings, name)
        return timer


class _StageTimer:
    """Adds the seconds of each ``with`` block to ``timings[name]`` (reused, not reentrant)."""

    __slots__ = ("name", "start", "timings")

    def __init__(self, timings: dict[str, float], name: str) -> None:
        self.timings = timings
        self.name = name
        self.start = 0.0

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        seconds = time.perf_counter() - self.start
        self.timings[self.name] = self.timings.get(self.name, 0.0) + seconds


_NO_TIMING = nullcontext()


class InputError(ValueError):
    """The record itself is unusable (reported as the article's error)."""


def _read(record: Mapping[str, Any], source: str, clock: _Clock) -> tuple[Document, str]:
    """Build the document from whichever body the record carries; return it and the raw body."""
    from pipeline.decode import decode_bytes

    html = record.get("html")
    text = record.get("text")
    raw = record.get("raw")
    if not isinstance(html, str) and not isinstance(text, str):
        if not isinstance(raw, (bytes, bytearray, memoryview)):
            raise InputError("record has no text, html or raw body")
        raw = bytes(raw)
        is_html = _looks_html(source, raw)
        with clock.stage("decode"):
            body = decode_bytes(raw, html=is_html).text
        if is_html:
            html = body
        else:
            text = body
    if isinstance(html, str):
        with clock.stage("html"):
            return _from_html(html, record, source), html
    with clock.stage("decode"):
        return _from_text(text, record, source), text


def _looks_html(source: str, raw: bytes) -> bool:
    if source.lower().endswith(_HTML_SUFFIXES):
        return True
    head = raw[:512].decode("ascii", errors="ignore")
    return bool(_HTML_SNIFF.match(head))


def _from_html(html: str, record: Mapping[str, Any], source: str) -> Document:
    from pipeline.html_extract import extract_html

    page = extract_html(html)
    doc = Document(source=source, blocks=page.blocks, chars_in=len(html))
    doc.removed.extend(page.removed)
    doc.title = _str_or_none(record.get("title")) or page.title
    doc.url = _str_or_none(record.get("url")) or page.url
    return doc


def _from_text(text: str, record: Mapping[str, Any], source: str) -> Document:
    blocks = [Block(line) for line in map(str.strip, text.splitlines()) if line]
    doc = Document(source=source, blocks=blocks, chars_in=len(text))
    doc.url = _str_or_none(record.get("url"))
    doc.title = _str_or_none(record.get("title"))
    if blocks and (doc.title is None or blocks[0].text == doc.title):
        if _is_title(blocks[0].text):
            doc.title = blocks.pop(0).text
    return doc


def _is_title(line: str) -> bool:
    """The first line of a text file is its title when it reads like one."""
    commas = line.count("，") + line.count(",")
    return (
        len(line) <= _TITLE_MAX
        and commas <= _TITLE_MAX_COMMAS
        and not any(p in line for p in _TITLE_PUNCT)
    )


def _convert(doc: Document, body: str, clock: _Clock) -> None:
    from pipeline.convert import convert_document

    if not body or body.isspace():  # as ``not body.strip()``, without copying the body
        raise InputError("empty article")
    if not doc.blocks:
        raise InputError("no article text found")
    with clock.stage("convert"):
        convert_document(doc, "\n".join([b.text for b in doc.blocks]))


def _clean(doc: Document, clock: _Clock) -> None:
    from pipeline.clean import clean_document
    from pipeline.convert import to_simplified

    with clock.stage("clean"):
        clean_document(doc)
        if not doc.blocks:
            raise InputError("no article text left after cleaning")
        for block in doc.blocks:
            if block.edited:  # an inline removal can join text into a convertible phrase
                block.text = to_simplified(block.text)


def _base_rows(doc: Document, doc_id: str, paragraphs: list[str]) -> Rows:
    """The article's ``articles`` row and its ``removed`` rows."""
    text = "\n".join(paragraphs)
    article = {
        "doc_id": doc_id,
        "source": doc.source,
        "url": doc.url,
        "title": doc.title,
        "variant": doc.variant,
        "text": text,
        "chars_in": doc.chars_in,
        "chars_out": len(text),
        "status": "ok",
        "error": None,
    }
    removed = [{"doc_id": doc_id, "rule": r.rule, "text": r.text} for r in doc.removed]
    return {"articles": [article], "removed": removed}


def _tokens(doc_id: str, paragraphs: list[str], segmenter_name: str, clock: _Clock) -> list[dict]:
    from pipeline.segment import segmenter

    with clock.stage("segment"):
        cut = segmenter(segmenter_name)
        return [{"doc_id": doc_id, "para": i, "tokens": cut(p)} for i, p in enumerate(paragraphs)]


def _steps(doc_id: str, paragraphs: list[str], title: str | None, clock: _Clock) -> list[dict]:
    from pipeline.steps import extract_steps

    with clock.stage("steps"):
        return [{"doc_id": doc_id, **step} for step in extract_steps(paragraphs, title)]


def _fees(doc_id: str, paragraphs: list[str], clock: _Clock) -> list[dict]:
    from pipeline.fees import extract_fees

    with clock.stage("fees"):
        return [{"doc_id": doc_id, **fee} for fee in extract_fees(paragraphs)]


def _error_row(
    doc_id: str, source: str, record: Mapping[str, Any], exc: BaseException | str
) -> dict:
    if isinstance(exc, str):
        reason = exc
    elif isinstance(exc, (InputError, ValueError, TimeoutError)):
        reason = str(exc) or type(exc).__name__
    else:
        reason = f"{type(exc).__name__}: {exc}"
    return {
        "doc_id": doc_id,
        "source": source,
        "url": _str_or_none(record.get("url")),
        "title": _str_or_none(record.get("title")),
        "variant": "simplified",
        "text": "",
        "chars_in": 0,
        "chars_out": 0,
        "status": "error",
        "error": _SURROGATE.sub("\ufffd", reason[:500]),
    }


def _source(record: Mapping[str, Any]) -> str:
    """The record's source as writable text (lone surrogates escaped, as readers escape bytes)."""
    source = str(record.get("source", ""))
    if _SURROGATE.search(source):
        source = source.encode("utf-8", "backslashreplace").decode("utf-8")
    return source


def _str_or_none(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = _SURROGATE.sub("\ufffd", value)  # lone surrogates cannot be written as UTF-8
    return value.strip() or None
