"""A reproducible bench corpus: the sample articles recombined into many distinct ones.

Lines and sentences of ``raw/*.txt`` and ``tests/data/dev/raw`` (decoded with
:mod:`pipeline.decode`) are shuffled into new articles with a seeded RNG, digits
perturbed so no two are alike, then written in every format and encoding the
contract lists, under ``DIR/txt``, ``DIR/html`` and ``DIR/jsonl`` (so each kind
can be run alone): txt as UTF-8 (some with BOM), GBK and Big5 (Traditional);
html pages wrapping the paragraphs with nav, sidebar, scripts and footer, in
UTF-8 or GBK; jsonl files of text and html records with extra keys.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.decode import DecodeError, decode_bytes

REPO = Path(__file__).resolve().parents[1]
SOURCES = (REPO / "raw", REPO / "tests" / "data" / "dev" / "raw")
VERSION = "1"  # bump when the generator changes: cached corpora are rebuilt
SEED = 20240601
KINDS = ("txt", "html", "jsonl")
SHARE = {"txt": 0.4, "html": 0.4, "jsonl": 0.2}  # of the corpus bytes
PER_DIR = 500
JSONL_LINES = 100

_SENTENCE = re.compile(r"[^。！？!?；]*[。！？!?；]?")
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
_BLOCK_TAGS = re.compile(r"</?(?:p|div|li|h[1-6]|br|tr|section|article)\b[^>]*>", re.I)
_SITES = ("理财网", "消费维权网", "财经头条", "贷款之家", "信用卡论坛", "商户帮", "生活百科")
_NAV = ("首页", "贷款", "信用卡", "理财", "保险", "维权", "社区", "APP下载")


@dataclass
class Pool:
    """What articles are made of: titles, short lines kept whole, and sentences."""

    titles: list[str]
    lines: list[str]
    sentences: list[str]


def _source_texts() -> list[str]:
    texts: list[str] = []
    for root in SOURCES:
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.parent.name == "bad":
                continue
            try:
                data = path.read_bytes()
                if path.suffix == ".jsonl":
                    lines = decode_bytes(data).text.splitlines()
                    texts.extend(_jsonl_body(line) for line in lines if line.strip())
                elif path.suffix in (".html", ".htm"):
                    texts.append(_html_text(decode_bytes(data, html=True).text))
                elif path.suffix == ".txt":
                    texts.append(decode_bytes(data).text)
            except (DecodeError, OSError):
                continue
    return [t for t in texts if t.strip()]


def _jsonl_body(line: str) -> str:
    try:
        obj = json.loads(line)
    except ValueError:
        return ""
    if not isinstance(obj, dict):
        return ""
    title = obj.get("title") if isinstance(obj.get("title"), str) else ""
    if isinstance(obj.get("html"), str):
        return title + "\n" + _html_text(obj["html"])
    return title + "\n" + obj["text"] if isinstance(obj.get("text"), str) else ""


def _html_text(page: str) -> str:
    body = _BLOCK_TAGS.sub("\n", page)
    return html.unescape(_TAGS.sub("", body))


def build_pool() -> Pool:
    """Titles, short lines and sentences of every sample article, deduplicated, in order."""
    titles: dict[str, None] = {}
    lines: dict[str, None] = {}
    sentences: dict[str, None] = {}
    for text in _source_texts():
        rows = [r.strip() for r in text.splitlines() if r.strip()]
        if not rows:
            continue
        if len(rows[0]) <= 40:
            titles[rows[0]] = None
        for row in rows[1:]:
            if len(row) <= 30:
                lines[row] = None
                continue
            for sentence in _SENTENCE.findall(row):
                if len(sentence.strip()) >= 6:
                    sentences[sentence.strip()] = None
    return Pool(list(titles), list(lines), list(sentences))


def _perturb(text: str, rng: random.Random) -> str:
    """Change the digits of ``text`` so recombined articles stay distinct."""
    return re.sub(r"\d", lambda _: str(rng.randrange(10)), text)


def make_article(pool: Pool, rng: random.Random) -> tuple[str, list[str]]:
    """A title and 6-30 paragraphs: sentences in twos to fives, some short lines between."""
    title = (
        _perturb(rng.choice(pool.titles), rng) if rng.random() < 0.5 else rng.choice(pool.titles)
    )
    paragraphs: list[str] = []
    for _ in range(rng.randint(6, 30)):
        if rng.random() < 0.3:
            paragraphs.append(rng.choice(pool.lines))
        else:
            chosen = rng.sample(pool.sentences, rng.randint(2, 5))
            paragraphs.append(
                "".join(_perturb(s, rng) if rng.random() < 0.5 else s for s in chosen)
            )
    return title, paragraphs


# ------------------------------------------------------------------ formats


def _opencc_s2t():  # -> opencc.OpenCC
    import opencc

    return opencc.OpenCC("s2t")


def _encode(text: str, codec: str) -> bytes:
    """``text`` in ``codec``; what it cannot hold falls back to a codec that can."""
    for name in (codec, *(("gb18030",) if codec == "gbk" else ("big5hkscs",))):
        try:
            return text.encode(name)
        except UnicodeEncodeError:
            continue
    return text.encode("utf-8")


def txt_bytes(title: str, paragraphs: list[str], rng: random.Random, s2t) -> bytes:
    """A plain-text article: UTF-8 (1 in 10 with BOM), GBK, or Big5 in Traditional."""
    text = title + "\n" + "\n".join(paragraphs) + "\n"
    roll = rng.random()
    if roll < 0.55:
        return text.encode("utf-8")
    if roll < 0.62:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if roll < 0.85:
        return _encode(text, "gbk")
    return _encode(s2t.convert(text), "big5")


def _date(rng: random.Random) -> str:
    return f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"


def html_page(
    title: str, paragraphs: list[str], rng: random.Random, pool: Pool, charset: str
) -> str:
    """A full page: head, nav, the article (some lists as ``<ol>``), sidebar, footer."""
    site = rng.choice(_SITES)
    esc = html.escape
    nav = "".join(f'<li><a href="/{i}/">{esc(n)}</a></li>' for i, n in enumerate(_NAV))
    related = "".join(
        f'<li><a href="/a/{rng.randrange(10**6)}.html">{esc(t)}</a></li>'
        for t in rng.sample(pool.titles, min(6, len(pool.titles)))
    )
    body: list[str] = []
    i = 0
    while i < len(paragraphs):
        if rng.random() < 0.1 and i + 3 <= len(paragraphs):
            items = "".join(f"<li>{esc(p)}</li>" for p in paragraphs[i : i + 3])
            body.append(f"<ol>{items}</ol>")
            i += 3
        else:
            body.append(f"<p>{esc(paragraphs[i])}</p>")
            i += 1
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="{charset}">'
        f"<title>{esc(title)}_{site}</title>"
        f'<link rel="canonical" href="https://www.example.cn/a/{rng.randrange(10**7)}.html">'
        '<script>var _hmt=_hmt||[];(function(){var hm=document.createElement("script");'
        'hm.src="https://hm.baidu.com/hm.js?8a7c2e";})();</script></head><body>'
        f'<div class="topbar"><ul class="nav">{nav}</ul></div>'
        f'<div class="crumbs"><a href="/">首页</a> &gt; <a href="/loan/">贷款</a></div>'
        f'<div class="main"><div class="article-content"><h1>{esc(title)}</h1>'
        f'<div class="info">来源：{site}　发布时间：{_date(rng)}</div>'
        f"{''.join(body)}"
        '<div class="share">分享到：微信 微博 QQ空间</div></div>'
        f'<div class="sidebar"><h3>相关文章</h3><ul>{related}</ul>'
        '<div class="ad">扫码下载APP，领取新人专享免息券</div></div></div>'
        f'<div class="footer">Copyright © 2024 {site} 版权所有 '
        f"京ICP备{rng.randrange(10**7, 10**8)}号 联系我们 | 免责声明</div></body></html>\n"
    )


def html_bytes(title: str, paragraphs: list[str], rng: random.Random, pool: Pool) -> bytes:
    """A page in UTF-8 (7 in 10) or GBK, its charset declared in the page."""
    if rng.random() < 0.7:
        return html_page(title, paragraphs, rng, pool, "utf-8").encode("utf-8")
    return _encode(html_page(title, paragraphs, rng, pool, "gbk"), "gbk")


def jsonl_line(title: str, paragraphs: list[str], rng: random.Random, pool: Pool, n: int) -> str:
    """One record: text or html body, url, title and extra keys (kept as ``meta``)."""
    record: dict[str, object] = {"url": f"https://www.example.cn/j/{n}.html", "title": title}
    if rng.random() < 0.5:
        record["text"] = "\n".join(paragraphs)
    else:
        record["html"] = html_page(title, paragraphs, rng, pool, "utf-8")
    record["crawl_time"] = f"2024-07-{rng.randint(10, 28)}T0{rng.randint(0, 9)}:00:00+08:00"
    record["site"] = rng.choice(_SITES)
    return json.dumps(record, ensure_ascii=False)


# ------------------------------------------------------------------ the corpus


def _stamp(size_bytes: int, pool: Pool) -> str:
    digest = hashlib.sha256(f"{VERSION}:{SEED}:{size_bytes}".encode())
    for part in (pool.titles, pool.lines, pool.sentences):
        digest.update("\x1e".join(part).encode("utf-8"))
    return digest.hexdigest()[:16]


def build(directory: Path, size_mb: float, pool: Pool | None = None) -> dict[str, int]:
    """Write a corpus of about ``size_mb`` MB under ``directory`` (kept when already built).

    Returns the bytes written per kind.
    """
    pool = pool or build_pool()
    size_bytes = int(size_mb * 1_000_000)
    stamp_file = directory / ".stamp.json"
    stamp = _stamp(size_bytes, pool)
    if stamp_file.exists():
        saved = json.loads(stamp_file.read_text(encoding="utf-8"))
        if saved.get("stamp") == stamp:
            return saved["bytes"]
    shutil.rmtree(directory, ignore_errors=True)
    rng = random.Random(f"{SEED}:{size_bytes}")
    s2t = _opencc_s2t()
    written = dict.fromkeys(KINDS, 0)
    counts = dict.fromkeys(KINDS, 0)
    for kind in KINDS:
        goal = size_bytes * SHARE[kind]
        lines: list[str] = []
        while written[kind] < goal:
            title, paragraphs = make_article(pool, rng)
            n = counts[kind]
            counts[kind] += 1
            if kind == "jsonl":
                lines.append(jsonl_line(title, paragraphs, rng, pool, n))
                written[kind] += len(lines[-1].encode("utf-8")) + 1
                if len(lines) < JSONL_LINES and written[kind] < goal:
                    continue
                data = ("\n".join(lines) + "\n").encode("utf-8")
                lines = []
                name = f"crawl_{n // JSONL_LINES:05d}.jsonl"
            elif kind == "txt":
                data = txt_bytes(title, paragraphs, rng, s2t)
                written[kind] += len(data)
                name = f"a{n:06d}.txt"
            else:
                data = html_bytes(title, paragraphs, rng, pool)
                written[kind] += len(data)
                name = f"p{n:06d}.html"
            folder = (
                directory / kind / f"{n // (PER_DIR * (JSONL_LINES if kind == 'jsonl' else 1)):04d}"
            )
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    stamp_file.write_text(json.dumps({"stamp": stamp, "bytes": written}), encoding="utf-8")
    return written


def corpus_bytes(directory: Path, kinds: tuple[str, ...] = KINDS) -> int:
    """Bytes of the input files of ``kinds`` under ``directory``."""
    return sum(
        p.stat().st_size for kind in kinds for p in (directory / kind).rglob("*") if p.is_file()
    )
