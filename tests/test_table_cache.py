"""The disk cache of start-up tables: reused while sources stand, rebuilt otherwise."""

from __future__ import annotations

import os

import pytest

from pipeline import table_cache
from pipeline.table_cache import cached_table


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv(table_cache.ENV, str(directory))
    return directory


class Builder:
    def __init__(self, value):
        self.value = value
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_built_once_then_read_from_disk(cache, tmp_path):
    source = tmp_path / "dict.txt"
    source.write_text("a 1\n")
    build = Builder({"a": 1, "b": ("x", "y")})
    assert cached_table("words", 1, [source], build) == {"a": 1, "b": ("x", "y")}
    assert cached_table("words", 1, [source], build) == {"a": 1, "b": ("x", "y")}
    assert build.calls == 1
    assert len(list(cache.glob("words-*.marshal"))) == 1


def test_changed_source_or_version_rebuilds_and_keeps_only_the_newest_files(cache, tmp_path):
    source = tmp_path / "dict.txt"
    source.write_text("a 1\n")
    cached_table("words", 1, [source], Builder({"a": 1}))
    source.write_text("a 2\nb 3\n")
    assert cached_table("words", 1, [source], Builder({"a": 2})) == {"a": 2}
    assert cached_table("words", 2, [source], Builder({"a": 3})) == {"a": 3}
    for version in range(3, 3 + table_cache.KEEP):
        cached_table("words", version, [source], Builder({"a": version}))
    assert len(list(cache.glob("words-*.marshal"))) == table_cache.KEEP


def test_two_checkouts_do_not_evict_each_other(cache, tmp_path):
    """Each checkout (or venv) keys the table on its own files: both stay cached."""
    first, second = tmp_path / "one.txt", tmp_path / "two.txt"
    first.write_text("x")
    second.write_text("x")
    build_first, build_second = Builder(1), Builder(2)
    for _ in range(3):
        assert cached_table("words", 1, [first], build_first) == 1
        assert cached_table("words", 1, [second], build_second) == 2
    assert build_first.calls == 1 and build_second.calls == 1


def test_corrupt_file_is_rebuilt(cache, tmp_path):
    build = Builder(["x"] * 3)
    cached_table("t", 1, [], build)
    (path,) = cache.glob("t-*.marshal")
    path.write_bytes(b"\x00garbage")
    assert cached_table("t", 1, [], build) == ["x"] * 3
    assert build.calls == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_cache_still_returns_the_table(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv(table_cache.ENV, str(locked / "cache"))
    assert cached_table("t", 1, [], Builder(7)) == 7


def test_cache_under_a_file_still_returns_the_table(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(table_cache.ENV, str(blocker / "cache"))
    build = Builder(7)
    assert cached_table("t", 1, [], build) == 7
    assert cached_table("t", 1, [], build) == 7
    assert build.calls == 2


def test_off_disables_the_cache(monkeypatch):
    monkeypatch.setenv(table_cache.ENV, "off")
    assert table_cache.cache_dir() is None
    build = Builder(1)
    cached_table("t", 1, [], build)
    cached_table("t", 1, [], build)
    assert build.calls == 2


def test_pipeline_tables_equal_their_derivation(cache):
    """The cached start-up tables are exactly what their derivations return."""
    from pipeline import convert, obfuscation, pinyin_glue, segment

    derived = convert._derive_class_sets()
    assert derived is not None and len(derived["t_may"]) > 2000
    assert convert._class_sets.__wrapped__() == derived  # first call: builds and stores
    assert convert._class_sets.__wrapped__() == derived  # second: read back
    tables = convert._derive_tables()
    assert tables is not None
    assert tables["t2s_pattern"] == convert._ChangingKeys.pattern_of(
        convert._changing_keys_of(derived)
    )
    assert tables["class_table"] == convert._class_table_of(derived).tobytes()
    assert convert._derived_tables.__wrapped__() == tables
    assert convert._derived_tables.__wrapped__() == tables
    readings = pinyin_glue._derive_han_readings()
    assert len(readings) == 0xA000 - 0x3400
    for code in range(0x3400, 0xA000):  # each reads back as pypinyin gives it
        char = chr(code)
        assert tuple(readings[code - 0x3400].split(" ")) == pinyin_glue._pypinyin_readings(char)
    assert set(readings[ord("行") - 0x3400].split(" ")) >= {"xing", "hang"}
    assert pinyin_glue._han_readings.__wrapped__() == readings
    assert pinyin_glue._han_readings.__wrapped__() == readings
    pinyin_glue._han_readings.cache_clear()
    assert pinyin_glue._han_reading_of("说") == pinyin_glue._pypinyin_readings("说")
    assert pinyin_glue._han_reading_of("a") is None and pinyin_glue._han_reading_of("说说") is None
    pinyin_glue._han_readings.cache_clear()
    groups = segment._short_word_freqs.__wrapped__()
    assert groups is not None and len(groups) > 5000
    assert segment._short_word_freqs.__wrapped__() == groups
    chars = obfuscation._derive_chars_read_as()
    assert "话" in chars["hua"]
    assert obfuscation._chars_read_as.__wrapped__() == chars
    assert obfuscation._chars_read_as.__wrapped__() == chars


def test_short_word_groups_give_every_word_its_frequency():
    """Each word of up to three characters reads back from its group as derived."""
    import importlib.util
    from pathlib import Path

    from pipeline import segment

    spec = importlib.util.find_spec("jieba")
    freqs = segment._derive_short_freqs(Path(spec.origin).parent / "dict.txt")
    assert freqs is not None and freqs["电话"] > 1000
    groups = segment._short_word_groups(freqs)
    assert list(groups) == sorted(groups)  # deterministic: the same bytes in every process
    read = {}
    for first, lines in groups.items():
        for line in lines.decode("utf-8").split("\n"):
            word, freq = line.split(" ")
            assert word[0] == first and word not in read
            read[word] = int(freq)
    assert read == freqs
    assert segment._short_freqs_from("电")["电话"] == freqs["电话"]
    assert segment._short_freqs_from("") == {}


def test_a_none_table_is_cached_too(cache):
    build = Builder(None)
    assert cached_table("nothing", 1, [], build) is None
    assert cached_table("nothing", 1, [], build) is None
    assert build.calls == 1


def test_needles_are_kept_for_the_next_process(cache):
    import re

    from pipeline import scanner

    patterns = [re.compile(p) for p in (r"微信[:：]?\w+", r"(?:客服|热线)电话", r"\d+")]
    fresh = [scanner._derive_needles(p) for p in patterns]
    scanner._needles_memo.cache_clear()
    scanner._needles_state.update(changed=False, used={})
    assert [scanner.needles(p) for p in patterns] == fresh
    scanner.save_needles()
    scanner._needles_memo.cache_clear()  # a new process: the memo comes from disk
    assert set(scanner._needles_memo()) == {("needles", p.flags, p.pattern) for p in patterns}
    assert [scanner.needles(p) for p in patterns] == fresh
    assert scanner._needles_state["changed"] is False
    scanner._needles_memo.cache_clear()


def test_jieba_cache_loads_what_initialize_loads():
    import jieba

    from pipeline.segment import _load_jieba_cache

    reference = jieba.Tokenizer()
    reference.initialize()  # writes jieba's cache when there is none yet
    fast = jieba.Tokenizer()
    _load_jieba_cache(fast)
    assert fast.initialized
    assert fast.total == reference.total and fast.FREQ == reference.FREQ
    other = jieba.Tokenizer()
    other.cache_file = "elsewhere.cache"  # not jieba's default cache: left to initialize
    _load_jieba_cache(other)
    assert not other.initialized


def test_scanner_answers_are_kept_for_the_next_process(cache):
    """Starts, lookbehind scans, consumed characters and literal patterns read back
    from the table cache equal their derivations."""
    import re

    from pipeline import scanner

    patterns = [
        re.compile(p)
        for p in (r"(?<![0-9])(?:微信|QQ)[:：]?\w+", r"(?i)(?:客服|app)\s?电话", r"\d+[%％]")
    ]
    words = {"申请", "办理申请", "分期", "手续费", "年费"}
    scanner._needles_memo.cache_clear()
    scanner._analyse.cache_clear()
    scanner._category.cache_clear()
    scanner._needles_state.update(changed=False, used={})

    def answers():
        behind = [scanner._after_lookbehinds(p) for p in patterns]
        return (
            [scanner._analyse(p) for p in patterns],
            [None if b is None else b.pattern for b in behind],
            [scanner.consumed_chars(p) for p in patterns],
            scanner.literals(words).pattern,
            scanner.presence(words).pattern,
            scanner._category(r"\s", 0),
        )

    fresh = answers()
    assert fresh[1][0] is not None and fresh[2][1] is not None
    assert fresh[4] != fresh[3]  # 办理申请 holds 申请: left out
    assert fresh[5] == scanner._derive_category(r"\s", 0) and "\u3000" in fresh[5]
    scanner.save_needles()
    scanner._needles_memo.cache_clear()  # a new process: the answers come from disk
    scanner._analyse.cache_clear()
    scanner._category.cache_clear()
    assert answers() == fresh
    assert scanner._needles_state["changed"] is False
    scanner._needles_memo.cache_clear()
    scanner._analyse.cache_clear()
    scanner._category.cache_clear()
