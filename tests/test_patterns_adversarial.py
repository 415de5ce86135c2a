"""Every regex that runs over untrusted text stays fast on adversarial 100k-char input.

Patterns are discovered, not listed: compiled ``re.Pattern`` objects at module level of
the stage modules, the patterns returned by their zero-argument cached builders
(``_rules()``, ``_pattern()``, ``_lexicon()``...), and the patterns held by the junk
rule instances of :func:`pipeline.clean.recipe`.

How a pattern is used decides how it is attacked, read from the pipeline's source: a
pattern only ever called with ``match``/``fullmatch`` is run that way; any other (or
unknown) use is run with ``findall``, which tries every start position as ``search``,
``sub`` and ``finditer`` do. A few patterns are only applied to short strings behind a
length guard (``BOUNDED``); they are attacked at that length.

Inputs are repetitions of characters the quantifiers accept (``'a'*100000``,
``'1、'*50000``, ``'(' + 'a'*100000``, ``'http://' + 'a.'*50000``, ...). For each pattern
every input is tried at 2,000 chars and the slowest few are re-run at 100,000 chars
under a SIGALRM bound (``re`` checks signals, so a runaway match is stopped, not
waited for). ``pytest -s`` prints the slowest patterns.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import math
import pkgutil
import re
import signal
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pipeline
import pipeline.clean

N = 100_000
PROBE = 2_000
FINALISTS = 3  # inputs per pattern re-run at full size
BOUND_SECONDS = 5.0  # generous: a linear pattern takes milliseconds, a quadratic one minutes

MODULES = [
    "pipeline.mojibake",
    "pipeline.pinyin_glue",
    "pipeline.obfuscation",
    "pipeline.normalize",
    "pipeline.money",
    "pipeline.rates",
    "pipeline.fees",
    "pipeline.steps",
    "pipeline.numbers",
    "pipeline.decode",
    "pipeline.html_extract",
    "pipeline.record",
    "pipeline.readers",
    *(f"pipeline.clean.{m.name}" for m in pkgutil.iter_modules(pipeline.clean.__path__)),
]

# Patterns applied only to strings behind a length guard: name -> (guard, where).
BOUNDED = {
    "pipeline.record._HTML_SNIFF": (512, "record._looks_html: the first 512 bytes"),
    "clean.recipe:comments.counter": (30, "Comments.starts_comments: len(core) > 30 returns"),
    "clean.recipe:comments.reply": (30, "Comments.starts_comments: len(core) > 30 returns"),
    "clean.recipe:metadata.line": (100, "Metadata: len(block.text) <= 100"),
    "clean.recipe:ui_widget.line": (120, "UiWidget.is_widget: len(text) > 120 returns"),
    "pipeline.html_extract._rules().patterns.breadcrumb": (100, "_Trimmer._top_rule"),
    "pipeline.html_extract._rules().patterns.meta_line": (80, "_is_meta_line"),
    "pipeline.html_extract._rules().patterns.byline": (80, "_is_meta_line"),
}

# Building blocks: characters that the quantifiers of the stage patterns accept.
_UNITS = [
    "a", "1", "?", " ", "\t", "\n", "中", "、", ".", "-", "_", "(", "０", "①", "\ufffd", "Ã¥",
    "中?", "1、", "1.", "1-", "a.", "a-", "a1", "1,", "1，", "十", "万", "第一步", "?a)",
    "锟斤拷", "首页 > ", "2024-01-01 ", "12:00", "微信 ", "QQ ", "<", "&", "【", "%", "元",
    "1元", "~", "，", "。", "1%", "点", "shuō ", "Aa", "··", "|", ":", "1万1", "共 ",
]  # fmt: skip
_PREFIXES = ["(", "http://", "www.", "1", "中", "第", "微信", "QQ", "<", "?", "【", "百分之"]


def _inputs() -> Iterator[tuple[str, str]]:
    """(label, text) pairs, each about ``N`` characters long."""
    for unit in _UNITS:
        body = unit * (N // len(unit))
        yield f"{unit!r}*", body
        yield f"{unit!r}*+'!'", body + "!"
    for prefix in _PREFIXES:
        for unit in ("a", "1", "a.", " ", "中"):
            yield f"{prefix!r}+{unit!r}*", prefix + unit * (N // len(unit))
    yield "mixed", "中1、a.?(（" * (N // 8)
    yield "'1 '*", "1 " * (N // 2)
    yield "cn-numerals", "一二三四五六七八九十百千万亿点" * (N // 15)


INPUTS = list(_inputs())

# ----------------------------------------------------------------------------- discovery

_SCALARS = (
    str, bytes, int, float, type, types.ModuleType, types.FunctionType, types.MethodType,
    types.BuiltinFunctionType, functools._lru_cache_wrapper,
)  # fmt: skip


@dataclasses.dataclass
class Found:
    pattern: re.Pattern
    accesses: list[str]  # regexes matching how the source reaches the pattern
    direct: set[str] = dataclasses.field(default_factory=set)  # methods named outright


def _walk(value: Any, path: tuple = (), depth: int = 0) -> Iterator[tuple[tuple, re.Pattern]]:
    """``(path, pattern)`` for every compiled pattern inside ``value``."""
    if isinstance(value, re.Pattern):
        yield path, value
        return
    if depth > 3 or isinstance(value, _SCALARS):
        return
    if isinstance(value, dict):
        items = [(("key", k), v) for k, v in value.items()]
    elif isinstance(value, (list, tuple)):
        items = [(("index", i), v) for i, v in enumerate(value)]
    elif dataclasses.is_dataclass(value):
        items = [(("attr", f.name), getattr(value, f.name)) for f in dataclasses.fields(value)]
    elif hasattr(value, "__dict__"):
        items = [(("attr", k), v) for k, v in vars(value).items()]
    else:
        return
    for step, item in items:
        yield from _walk(item, (*path, step), depth + 1)


def _is_zero_arg_cache(value: Any) -> bool:
    if not isinstance(value, functools._lru_cache_wrapper):
        return False
    code = getattr(value.__wrapped__, "__code__", None)
    return code is not None and code.co_argcount == 0 and code.co_kwonlyargcount == 0


def _label(path: tuple) -> str:
    return "".join(f".{v}" if kind != "index" else f"[{v}]" for kind, v in path)


def _accesses(path: tuple, root: list[str]) -> tuple[list[str], set[str]]:
    """Source regexes that reach the pattern at ``path`` below ``root`` accesses."""
    if not path:
        return root, set()
    kind, value = path[-1]
    if kind == "attr":
        return [rf"\.{re.escape(value)}\b"], set()
    if kind == "key" and isinstance(value, str):
        key = re.escape(value)
        direct = set(re.findall(rf"\.(match|search|fullmatch)\(\s*\"{key}\"", SOURCE))
        return [rf"\[\"{key}\"\]"], direct
    return [], set()  # reached by position: usage unknown, treated as searching


def collect_patterns() -> dict[str, Found]:
    """``name -> Found`` for every pattern the stages run over article text."""
    found: dict[str, Found] = {}
    seen: set[int] = set()

    def add(name: str, pattern: re.Pattern, accesses: list[str], direct: set[str]) -> None:
        if id(pattern) not in seen:
            seen.add(id(pattern))
            found[name] = Found(pattern, accesses, direct)

    for module_name in MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for attr, value in sorted(vars(module).items()):
            if isinstance(value, re.Pattern):
                add(f"{module_name}.{attr}", value, [rf"\b{re.escape(attr)}\b"], set())
            elif _is_zero_arg_cache(value) and value.__module__ == module_name:
                call = rf"\b{re.escape(attr)}\(\)"
                names = re.findall(rf"(\w+)\s*=\s*{call}\s*$", SOURCE, re.M)
                root = [call, *(rf"\b{n}\b" for n in names)]
                for path, pattern in _walk(value()):
                    accesses, direct = _accesses(path, root)
                    add(f"{module_name}.{attr}(){_label(path)}", pattern, accesses, direct)
    for rule in pipeline.clean.recipe():
        for path, pattern in _walk(rule):
            accesses, direct = _accesses(path, [])
            add(f"clean.recipe:{rule.name}{_label(path)}", pattern, accesses, direct)
    return found


SOURCE = "\n".join(p.read_text("utf-8") for p in Path(pipeline.__file__).parent.rglob("*.py"))
PATTERNS = collect_patterns()


def usage(found: Found) -> set[str]:
    """The ``re`` methods the pipeline's source calls on this pattern."""
    methods = set(found.direct)
    for access in found.accesses:
        methods.update(re.findall(rf"{access}\s*\.\s*(\w+)\(", SOURCE))
    return methods & {"match", "fullmatch", "search", "sub", "subn", "findall", "finditer", "split"}


def anchored(found: Found) -> bool:
    methods = usage(found)
    return bool(methods) and methods <= {"match", "fullmatch"}


# ----------------------------------------------------------------------------- timing


class _Overrun(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Overrun


def _run(pattern: re.Pattern, text: str, methods: tuple[str, ...]) -> None:
    subject: str | bytes = text
    if isinstance(pattern.pattern, bytes):
        subject = text.encode("utf-8", "surrogatepass")
    for method in methods:
        getattr(pattern, method)(subject)


def _time(pattern: re.Pattern, text: str, methods: tuple[str, ...], bound: float) -> float:
    """Seconds the pattern's ``methods`` take on ``text``; ``inf`` past ``bound``."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, bound)
    start = time.perf_counter()
    try:
        _run(pattern, text, methods)
        return time.perf_counter() - start
    except _Overrun:
        return math.inf
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def worst_case(name: str) -> tuple[float, str, str]:
    """The slowest (seconds, input label, mode) of pattern ``name`` over the inputs."""
    found = PATTERNS[name]
    methods = tuple(sorted(usage(found))) if anchored(found) else ("findall",)
    mode = "/".join(methods)
    size = BOUNDED[name][0] if name in BOUNDED else N
    probes = sorted(
        (_time(found.pattern, text[: min(PROBE, size)], methods, 1.0), label, text)
        for label, text in INPUTS
    )
    worst = (0.0, "", mode)
    for _, label, text in reversed(probes[-FINALISTS:]):
        seconds = _time(found.pattern, text[:size], methods, BOUND_SECONDS)
        worst = max(worst, (seconds, label, mode))
        if math.isinf(seconds):
            break
    return worst


# ----------------------------------------------------------------------------- tests


def test_patterns_are_discovered() -> None:
    names = " ".join(PATTERNS)
    assert len(PATTERNS) >= 60
    for expected in ("mojibake", "pinyin_glue", "normalize", "html_extract", "recipe:ad_contact"):
        assert expected in names
    for optional in ("steps", "money", "fees", "rates"):
        if importlib.util.find_spec(f"pipeline.{optional}"):
            assert f"pipeline.{optional}" in names
    assert anchored(PATTERNS["pipeline.record._HTML_SNIFF"])
    contact = [n for n in PATTERNS if n.startswith("clean.recipe:ad_contact.contact")]
    assert contact and not any(anchored(PATTERNS[n]) for n in contact)


def test_bounded_patterns_exist_and_are_only_matched() -> None:
    for name, (guard, where) in BOUNDED.items():
        assert name in PATTERNS, f"stale BOUNDED entry {name} ({where})"
        assert anchored(PATTERNS[name]), f"{name} is searched, not only matched: {where}"
        assert guard <= 1000


_WORST: list[tuple[float, str, str, str]] = []


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_fast_on_adversarial_input(name: str) -> None:
    seconds, label, mode = worst_case(name)
    if name not in BOUNDED:
        _WORST.append((seconds, name, label, mode))
    assert seconds < BOUND_SECONDS, (
        f"{name} ({mode}) took over {BOUND_SECONDS:g} s on {label} of {N} chars: "
        f"{PATTERNS[name].pattern.pattern[:300]!r}"
    )


def test_report_worst_pattern() -> None:
    """Runs after the pattern tests (file order): prints the slowest for the report."""
    if not _WORST:
        pytest.skip("the pattern tests did not run")
    ranked = sorted(_WORST, reverse=True)
    print(f"\n{len(PATTERNS)} patterns, {len(INPUTS)} adversarial inputs of {N} chars; slowest:")
    for seconds, name, label, mode in ranked[:8]:
        print(f"  {seconds * 1000:9.1f} ms  {name} ({mode}) on {label}")
    assert ranked[0][0] < BOUND_SECONDS
