"""Main-text extraction scored against the peer HTML pages (``shared/peer/html``).

Measure: character-bigram F1 of ``"\\n".join(block texts)`` against the gold text, after
both are converted to Simplified (OpenCC t2s) and stripped of whitespace, punctuation and
symbols (Unicode categories P*, S*, Z*). Pages are decoded with their ``html_encoding``
from ``index.jsonl`` first, as the pipeline's decoding stage would.

* ``human``: 25 hand-copied pages (the accuracy figure; goal mean F1 >= 0.95);
* ``agreement``: 4 pages whose "gold" is GeneralNewsExtractor's output (silver);
* ``markdown``: 1 WebMainBench page with Markdown gold.

Baselines printed alongside: trafilatura (when importable) and BeautifulSoup ``get_text``.
At the time of writing: ours 0.957 human / 0.996 agreement / 0.952 markdown; trafilatura
0.932 / 0.967 / 0.973; BeautifulSoup get_text 0.765 / 0.518 / 0.639.

Run: ``python -m evals.peer_html`` (set ``PEER_DIR`` to use another copy of the folder);
``python -m evals.peer_html --speed`` times lxml, BeautifulSoup and ``extract_html``.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

from pipeline.html_extract import extract_html

GROUPS = {"human": "human", "tool_output_gne": "agreement", "human_markdown": "markdown"}


def peer_dir() -> Path:
    """The peer HTML folder: ``$PEER_DIR`` or ``<repo>/../shared/peer``, plus ``html``."""
    base = os.environ.get("PEER_DIR") or Path(__file__).resolve().parents[2] / "shared" / "peer"
    base = Path(base)
    return base / "html" if (base / "html").is_dir() else base


@cache
def _t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert


def normalise(text: str) -> str:
    """Simplified text without whitespace, punctuation and symbols."""
    text = _t2s()(text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c)[0] not in "PSZ")


def bigram_f1(pred: str, gold: str) -> float:
    """Character-bigram F1 of two normalised strings (1.0 when both are empty)."""
    p = Counter(pred[i : i + 2] for i in range(len(pred) - 1))
    g = Counter(gold[i : i + 2] for i in range(len(gold) - 1))
    if not p and not g:
        return 1.0
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def _ours(html: str) -> str:
    return "\n".join(b.text for b in extract_html(html).blocks)


def _trafilatura() -> Callable[[str], str] | None:
    try:
        import trafilatura
    except ImportError:
        return None
    return lambda html: trafilatura.extract(html) or ""


def _bs4_get_text() -> Callable[[str], str]:
    from bs4 import BeautifulSoup

    return lambda html: BeautifulSoup(html, "lxml").get_text("\n")


def load_pages(folder: Path) -> list[dict]:
    """Index rows with the decoded ``html_text`` and ``gold_text`` added."""
    rows = []
    for line in (folder / "index.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        raw = (folder / row["html"]).read_bytes()
        row["html_raw"] = raw
        row["html_text"] = raw.decode(row["html_encoding"], errors="replace")
        row["gold_text"] = (folder / row["gold"]).read_text(encoding="utf-8-sig")
        rows.append(row)
    return rows


def score_pages(rows: list[dict], extract: Callable[[str], str]) -> dict[str, float]:
    """F1 per page name; ``extract`` gets the decoded page (``_pipeline`` the raw bytes)."""
    scores = {}
    for r in rows:
        page = r["html_raw"] if extract is _pipeline else r["html_text"]
        scores[r["name"]] = bigram_f1(normalise(extract(page)), normalise(r["gold_text"]))
    return scores


def _pipeline(raw: bytes) -> str:
    """The whole pipeline from the page's bytes: our decoding, extraction and cleaning."""
    from pipeline.record import process_record

    return process_record({"source": "page.html", "raw": raw})["articles"][0]["text"]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def run() -> dict[str, float]:
    """Score the extractor (and trafilatura, when importable); print a table, return measures.

    Keys: ``peer_html_{human,agreement,markdown}_f1`` (ours), the same with
    ``peer_html_trafilatura_`` for trafilatura, and ``peer_html_worst:<page>`` for our five
    weakest human pages.
    """
    folder = peer_dir()
    print("\n== Peer HTML main text (bigram F1 vs gold, t2s, no space/punct)")
    if not (folder / "index.jsonl").is_file():
        print(f"  no peer pages at {folder} (set PEER_DIR); skipped")
        return {}
    rows = load_pages(folder)
    systems: dict[str, Callable] = {"ours": _ours, "pipeline": _pipeline}
    if (traf := _trafilatura()) is not None:
        systems["trafilatura"] = traf
    systems["bs4_get_text"] = _bs4_get_text()
    scores = {name: score_pages(rows, fn) for name, fn in systems.items()}
    print(f"  {'page':<22}{'kind':<11}" + "".join(f"{s:>13}" for s in systems))
    for r in rows:
        kind = GROUPS.get(r["gold_kind"], r["gold_kind"])
        cells = "".join(f"{scores[s][r['name']]:>13.3f}" for s in systems)
        print(f"  {r['name']:<22}{kind:<11}{cells}")
    measures: dict[str, float] = {}
    for system, per_page in scores.items():
        prefix = "peer_html_" if system == "ours" else f"peer_html_{system}_"
        for kind, group in GROUPS.items():
            names = [r["name"] for r in rows if r["gold_kind"] == kind]
            if names:
                measures[f"{prefix}{group}_f1"] = _mean([per_page[n] for n in names])
    human = sorted(
        (scores["ours"][r["name"]], r["name"]) for r in rows if r["gold_kind"] == "human"
    )
    print("  means: " + ", ".join(f"{k}={v:.3f}" for k, v in measures.items()))
    print("  worst human pages: " + ", ".join(f"{n} {f:.3f}" for f, n in human[:5]))
    for f, n in human[:5]:
        measures[f"peer_html_worst:{n}"] = f
    return measures


def parse_speed(repeat: int = 3) -> dict[str, float]:
    """MB/s (decoded text, UTF-8 bytes) of lxml, BeautifulSoup and extract_html on the pages."""
    import time

    import lxml.html
    from bs4 import BeautifulSoup

    folder = peer_dir()
    if not (folder / "index.jsonl").is_file():
        print(f"peer_html: no peer pages at {folder} (set PEER_DIR); skipped")
        return {}
    pages = [r["html_text"] for r in load_pages(folder)]
    size = sum(len(p.encode("utf-8")) for p in pages) / 1e6
    contenders: dict[str, Callable[[str], object]] = {
        "lxml.html": lxml.html.document_fromstring,
        "bs4(lxml)": lambda p: BeautifulSoup(p, "lxml"),
        "bs4(html.parser)": lambda p: BeautifulSoup(p, "html.parser"),
        "extract_html": extract_html,
    }
    speeds: dict[str, float] = {}
    for name, fn in contenders.items():
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            for page in pages:
                fn(page)
            best = min(best, time.perf_counter() - start)
        speeds[f"speed_mb_s:{name}"] = size / best
        print(f"{name:<18} {size / best:7.1f} MB/s  ({size:.1f} MB in {best:.3f} s)")
    return speeds


if __name__ == "__main__":
    import sys

    parse_speed() if "--speed" in sys.argv else run()
