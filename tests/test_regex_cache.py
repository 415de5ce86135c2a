"""Kept regex programs: the patterns built from them are the ones ``re.compile`` builds."""

from __future__ import annotations

import re
import threading

import pytest

from pipeline import regex_cache, table_cache
from pipeline.regex_cache import programs_kept

PATTERNS = [
    (r"第(?P<n>[一二三四五六七八九十\d]+)步[:：]?", 0),
    (r"(?:微信|QQ|电话)[:：]?\s*[\w-]{5,}", re.I),
    (r"^\s*(\d{1,2})[、.．]\s*", re.M),
    (r"(?<![\d.])(\d+(?:\.\d+)?)\s*%", 0),
    (rb"\xe6\x89\x8b\xe7\xbb\xad\xe8\xb4\xb9", 0),
    (r"(a)(?:b)(?P<c>c)?(?(1)d|e)", re.S | re.X),
]


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty cache directory and a process that has read nothing from it yet."""
    monkeypatch.setenv(table_cache.ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(regex_cache, "KEPT_CALLERS", (__name__,))
    _new_process()
    yield tmp_path / "cache"
    _new_process()


def _new_process() -> None:
    regex_cache._known.clear()
    regex_cache._new.clear()
    regex_cache._used.clear()
    regex_cache._loaded = False
    re.purge()  # re's own memo would answer before the compile is reached


def _compile_all() -> list[re.Pattern]:
    re.purge()
    with programs_kept():
        return [re.compile(p, f) for p, f in PATTERNS]


def _same(a: re.Pattern, b: re.Pattern) -> bool:
    # Pattern equality compares the pattern, the flags and the compiled program
    return a == b and a.groupindex == b.groupindex and a.groups == b.groups


def test_programs_are_saved_then_give_the_same_patterns(fresh):
    reference = [re._compiler.compile(p, f) for p, f in PATTERNS]
    first = _compile_all()
    assert list(fresh.glob("regex-*.marshal")), "the programs were not saved"
    _new_process()
    calls = []
    original = re._compiler.compile

    def counting(p, flags=0):
        calls.append(p)
        return original(p, flags)

    re._compiler.compile = counting
    try:
        second = _compile_all()
    finally:
        re._compiler.compile = original
    assert all(_same(a, b) for a, b in zip(reference, first, strict=True))
    assert all(_same(a, b) for a, b in zip(reference, second, strict=True))
    assert calls == []  # every pattern came from a kept program
    assert second[0].match("第3步：").group("n") == "3"


def test_compile_is_restored_after_the_block_even_on_error(fresh):
    original = re._compiler.compile
    with pytest.raises(RuntimeError), programs_kept():
        with programs_kept():  # nested blocks restore once, at the outermost
            assert re._compiler.compile is not original
        assert re._compiler.compile is not original
        raise RuntimeError("boom")
    assert re._compiler.compile is original


def test_a_bad_kept_program_falls_back_to_compiling(fresh):
    _compile_all()
    _new_process()
    regex_cache._load()
    key = (str, PATTERNS[0][0], PATTERNS[0][1])
    flags, _code, groups, index, names = regex_cache._known[key]
    regex_cache._known[key] = (flags, [999999], groups, index, names)  # not a valid program
    regex_cache._loaded = True
    [pattern, *_] = _compile_all()
    assert _same(pattern, re._compiler.compile(*PATTERNS[0]))


def test_a_corrupt_cache_file_is_ignored(fresh):
    _compile_all()
    for path in fresh.glob("regex-*.marshal"):
        path.write_bytes(b"not marshal data")
    _new_process()
    assert all(
        _same(a, re._compiler.compile(p, f))
        for a, (p, f) in zip(_compile_all(), PATTERNS, strict=True)
    )


def test_threads_compiling_at_once_get_correct_patterns(fresh):
    results: dict[int, list[re.Pattern]] = {}
    original = re._compiler.compile

    def work(i: int) -> None:
        with programs_kept():
            results[i] = [re.compile(f"{p}|x{i}", f) for p, f in PATTERNS if isinstance(p, str)]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert re._compiler.compile is original
    for i, patterns in results.items():
        strings = [(p, f) for p, f in PATTERNS if isinstance(p, str)]
        for pattern, (p, f) in zip(patterns, strings, strict=True):
            assert _same(pattern, re._compiler.compile(f"{p}|x{i}", f))


def test_patterns_of_other_callers_are_compiled_as_usual_and_not_kept(fresh, monkeypatch):
    monkeypatch.setattr(regex_cache, "KEPT_CALLERS", ("pipeline.",))
    assert all(
        _same(a, re._compiler.compile(p, f))
        for a, (p, f) in zip(_compile_all(), PATTERNS, strict=True)
    )
    assert not regex_cache._known and not list(fresh.glob("regex-*.marshal"))


def test_the_pipeline_start_up_builds_its_patterns_from_kept_programs(fresh):
    import subprocess
    import sys

    code = (
        "from pipeline import regex_cache as rc\n"
        "from pipeline.runner import warm_up\n"
        "compiled = []\n"
        "program = rc._program\n"
        "rc._program = lambda p, f: compiled.append(p) or program(p, f)\n"
        "warm_up('rjieba')\n"
        "print(len(rc._used), len(compiled), repr(compiled))\n"
    )
    env = {**__import__("os").environ, table_cache.ENV: str(fresh)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout.split(" ", 2)
        for _ in range(3)
    ]
    (used1, compiled1, _), _second, (used3, compiled3, texts) = runs
    assert int(compiled1) > 100 and int(used1) >= int(compiled1)  # compiled, then kept
    # The second process has the other start-up tables cached, so it takes a few other
    # paths (one more pattern). From then on nothing is compiled: every pattern of the
    # package is the same text in every process (one built in a set's order, which the
    # hash seed changes, would be compiled again in each, and fail here).
    assert int(used3) > 0 and int(compiled3) == 0, texts
