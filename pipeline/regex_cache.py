"""Compiled regular expressions kept between runs: a worker compiles ~330 at start-up.

CPython compiles a pattern in two steps: a parser and code generator written in
Python (``re._parser``, ``re._compiler``: about 0.2 s of every worker's start-up
here, our rules and cn2an's) and ``_sre.compile`` of the generated program, a
list of ints, which is quick. Inside :func:`programs_kept`, ``re`` builds each
pattern from its program kept in the table cache (:mod:`pipeline.table_cache`)
when there is one; programs of new patterns are saved when the outermost block
ends. The result is the very pattern ``re.compile`` gives (``==`` compares the
programs). Programs are keyed on the pattern and flags, and the cache on the
Python version and ``_sre.MAGIC``; anything unexpected falls back to ``re``'s
own compile, so at worst start-up takes its usual time.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pipeline.table_cache import read_table, write_table

try:  # CPython 3.11+: the internals this relies on (else: a no-op)
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other interpreters
    _compiler = None

_NAME = "regex"
_VERSION = 1
MAX_PROGRAMS = 2000  # kept across runs (a worker uses ~330)
# Modules whose patterns are kept: they compile many at every start-up, and build
# the same pattern text in every process. Other libraries (and stdlib ``tokenize``)
# build some from sets, whose order changes with each process's hash seed: each
# would be a new program in every process, and the cache would be rewritten each time.
KEPT_CALLERS = ("pipeline.", "cn2an.")

Key = tuple[type, str | bytes, int]
Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_lock = threading.Lock()
_depth = 0
_original: Callable[..., re.Pattern] | None = None
_loaded = False
_known: dict[Key, Program] = {}  # read from the cache, plus what this process compiled
_new: dict[Key, Program] = {}  # compiled here and not saved yet
_used: dict[Key, Program] = {}  # built here (from the cache or compiled)


def _cache_version() -> int:
    return _VERSION * 100_000_000 + int(getattr(_sre, "MAGIC", 0))


def _sources() -> list[str]:
    return [_compiler.__file__, _parser.__file__]


def _load() -> None:
    found = read_table(_NAME, _cache_version(), _sources())
    if found is not None and isinstance(found[0], dict):
        for (kind, pattern, flags), program in found[0].items():
            _known.setdefault((str if kind == "s" else bytes, pattern, flags), program)


def _save() -> None:
    if not _new:
        return
    merged = {k: v for k, v in _known.items() if k not in _used}
    merged.update(_used)  # what this process used comes last: dropped last
    if len(merged) > MAX_PROGRAMS:
        merged = dict(list(merged.items())[-MAX_PROGRAMS:])
    table = {("s" if k[0] is str else "b", k[1], k[2]): v for k, v in merged.items()}
    write_table(_NAME, _cache_version(), _sources(), table)
    _new.clear()


def _program(pattern: str | bytes, flags: int) -> Program:
    """What CPython's ``_compiler.compile`` hands to ``_sre.compile``, as plain data."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    state = parsed.state
    indexgroup: list[str | None] = [None] * state.groups
    for name, index in state.groupdict.items():
        indexgroup[index] = name
    return (
        flags | state.flags,
        [int(op) for op in code],
        state.groups - 1,
        dict(state.groupdict),
        tuple(indexgroup),
    )


def _build(pattern: str | bytes, program: Program) -> re.Pattern:
    flags, code, groups, groupindex, indexgroup = program
    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)


def _kept_caller() -> bool:
    """Whether the code calling ``re`` is one whose patterns are kept (see ``KEPT_CALLERS``)."""
    try:  # this <- _compile <- re._compile <- re.compile (search, sub ...) <- the caller
        caller = sys._getframe(4).f_globals.get("__name__", "")
    except ValueError:
        return False
    return isinstance(caller, str) and caller.startswith(KEPT_CALLERS)


def _compile(pattern: Any, flags: int = 0) -> re.Pattern:
    """Stands in for ``re._compiler.compile`` inside :func:`programs_kept`."""
    assert _original is not None
    if not isinstance(pattern, (str, bytes)) or flags & re.DEBUG or not _kept_caller():
        return _original(pattern, flags)
    key = (type(pattern), pattern, int(flags))
    program = _known.get(key)
    try:
        if program is None:
            program = _program(pattern, int(flags))
            _new[key] = _known[key] = program
        built = _build(pattern, program)
    except Exception:  # a program from elsewhere, or internals that differ: compile anew
        _known.pop(key, None)
        _new.pop(key, None)
        return _original(pattern, flags)
    _used[key] = program
    return built


@contextmanager
def programs_kept() -> Iterator[None]:
    """Within this block, ``re`` compiles patterns from kept programs (thread-safe, nests)."""
    global _depth, _original, _loaded
    if _compiler is None:
        yield
        return
    with _lock:
        if _depth == 0:
            if not _loaded:
                _loaded = True
                _load()
            _original = _compiler.compile
            _compiler.compile = _compile
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _compiler.compile = _original
                _save()
