import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.convert import convert_text, detect_variant, to_simplified
from pipeline.mojibake import remove_mojibake
from pipeline.normalize import normalize_text
from pipeline.obfuscation import repair_obfuscation
from pipeline.pinyin_glue import remove_pinyin_glue


def _collect(fn, text: str) -> tuple[str, list[str]]:
    removed: list[str] = []
    return fn(text, removed.append), removed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("花唄951說(shuō)協商", "花唄951說協商"),
        ("問（tí）題", "問題"),
        ("说(shuo)明", "说明"),
        ("題(ti2)目", "題目"),
        ("說明(shuō míng)書", "說明書"),
    ],
)
def test_pinyin_glue_removed(text: str, expected: str) -> None:
    out, removed = _collect(remove_pinyin_glue, text)
    assert out == expected
    assert removed


@pytest.mark.parametrize(
    "text", ["步骤(1)登录", "打开(APP)", "(如图)所示", "支付(zhi)宝", "下载(PDF)"]
)
def test_brackets_that_are_not_glue_stay(text: str) -> None:
    assert _collect(remove_pinyin_glue, text) == (text, [])


@pytest.mark.parametrize(
    ("text", "expected", "run"),
    [
        ("進行消費?;▎h不僅方便", "進行消費不僅方便", "?;▎h"),
        ("還能夠?yàn)閷?lái)申請", "還能夠申請", "?yàn)閷?lái)"),
        ("数据锟斤拷锟斤拷丢失", "数据丢失", "锟斤拷锟斤拷"),
        ("花呗èŠ±å‘—还款", "花呗还款", "èŠ±å‘—"),
        ("中文\ufffd字", "中文字", "\ufffd"),
    ],
)
def test_mojibake_runs_removed(text: str, expected: str, run: str) -> None:
    assert _collect(remove_mojibake, text) == (expected, [run])


@pytest.mark.parametrize("text", ["电话多少??pos机", "怎么办?需要", "what? yes", "café au lait"])
def test_real_question_marks_and_accents_stay(text: str) -> None:
    assert _collect(remove_mojibake, text) == (text, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("个人信XIN息", "个人信息"),
        ("身份信XI息", "身份信息"),
        ("银行ka卡余额", "银行卡余额"),
        ("拨打电hua咨询", "拨打电话咨询"),
        ("加微xin好友", "加微信好友"),
    ],
)
def test_obfuscation_repaired(text: str, expected: str) -> None:
    out, removed = _collect(repair_obfuscation, text)
    assert out == expected
    assert removed


@pytest.mark.parametrize(
    "text",
    ["打开APP登录", "拉卡拉POS机", "5G套餐", "开通VIP会员", "用QQ登录", "iPhone手机", "ETC卡"],
)
def test_real_latin_words_stay(text: str) -> None:
    assert _collect(repair_obfuscation, text) == (text, [])


def test_normalize_keeps_chinese_punctuation_and_markers() -> None:
    text = "１、登录ＡＰＰ：（1）①⑴，。\u200b\u202e完成\u3000"
    assert normalize_text(text) == "1、登录APP：（1）①⑴，。完成 "


@pytest.mark.parametrize(
    ("text", "variant"),
    [
        ("花唄協商不了怎麼辦，用戶可以撥打客服電話進行諮詢。", "traditional"),
        ("花呗协商不了怎么办，用户可以拨打客服电话进行咨询。", "simplified"),
        ("花唄協商不了怎麼辦。用户可以拨打客服电话进行咨询，说明还款困难。", "mixed"),
        ("POS 123", "simplified"),
    ],
)
def test_detect_variant(text: str, variant: str) -> None:
    assert detect_variant(text) == variant


def test_convert_text_audits_each_repair() -> None:
    removed: list[tuple[str, str]] = []
    out = convert_text("說(shuō)明：請提供信XIN息?;▎h", lambda rule, t: removed.append((rule, t)))
    assert out == "说明：请提供信息"
    assert to_simplified(out) == out
    assert [rule for rule, _ in removed] == ["pinyin_glue", "mojibake", "obfuscation"]


# --- the per-character bounds behind detect_variant -------------------------------

_MIX = "這是一個測試發髮干後后里裡著着台臺吗嗎银行銀行手续费手續費了么麼㐀䶵\U00020000\ud800a1，。 "


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_MIX, max_size=60))
def test_class_counts_equal_counting_each_class(text: str) -> None:
    from pipeline import convert

    counts = convert._class_counts(text)
    sets = convert._class_sets()
    for name in convert._CLASSES:
        members = set(convert._in_range(set(sets[name])))
        assert counts[name] == sum(char in members for char in text), name


def _variant_by_zip(sample: str) -> str:
    """The exact variant, counted character by character (the plain definition)."""
    from pipeline import convert

    simplified = convert._opencc("t2s").convert(sample)
    traditional = convert._opencc("s2t").convert(sample)
    traditional_only = sum(a != b for a, b in zip(sample, simplified, strict=False))
    if traditional_only == 0:
        return "simplified"
    simplified_only = sum(
        a != b and a == c for a, b, c in zip(sample, traditional, simplified, strict=False)
    )
    return convert._variant(traditional_only, simplified_only)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_MIX, min_size=1, max_size=60))
def test_bounds_decide_as_the_exact_conversion(text: str) -> None:
    from pipeline import convert

    sample = convert._NOT_HAN.sub("", text)
    exact = _variant_by_zip(sample) if sample else "simplified"
    if sample:
        assert convert._variant_by_conversion(sample) == exact
    decided = convert._decide_from_bounds(text)
    if sample and decided is not None:
        assert decided == exact
    assert detect_variant(text) == exact


# --- to_simplified converts only the lines holding a key t2s changes ---------------

_LINES = _MIX.replace("\ud800", "") + "\n\n乾隆打坏沈默覆盖甦醒\U0002f800\uf900"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LINES, max_size=80))
def test_to_simplified_equals_converting_the_whole_text_twice(text: str) -> None:
    from pipeline import convert

    t2s = convert._opencc("t2s").convert
    once = t2s(text)
    assert to_simplified(text) == (text if once == text else t2s(once))
    keys = convert._t2s_keys()
    for line in text.split("\n"):
        if not keys.found_in(line):
            assert t2s(line) == line  # a line without a changing key is its own conversion


def test_changing_keys_cover_every_entry_that_changes() -> None:
    """Each dictionary key and value t2s changes holds a kept changing key."""
    from pipeline import convert

    t2s = convert._opencc("t2s").convert
    keys = convert._t2s_keys()
    entries = [
        e for name in ("t2s", "s2t") for part in convert._dictionary_entries(name) for e in part
    ]
    for text in {piece for key, values in entries for piece in (key, *values)}:
        if t2s(text) != text:
            assert keys.found_in(text), text


# --- normalize: the gated, split passes equal the plain definition -----------------

_NORMALIZE_ALPHABET = (
    "这是ａＢ１２％．\u3000\u00a0\u200b\u202e\ufeff\x00\x0b\x1f\x85\r\n\u2028"
    "\u0600\u08e2\ud800\U000110bd\U000e0020\U0001f600\U00020000，。①"
)
_ALL_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_NORMALIZE_ALPHABET, max_size=40))
def test_normalize_equals_one_pass_per_step(text: str) -> None:
    from pipeline import normalize

    expected = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text)
    expected = _ALL_INVISIBLE.sub("", expected).translate(normalize._WIDTH)
    assert normalize_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "span"),
    [
        ("說明 (shuō míng)書", "說明書", " (shuō míng)"),
        ("說\u3000（shuō）", "說", "\u3000（shuō）"),
    ],
)
def test_pinyin_glue_after_a_space_takes_the_space(text: str, expected: str, span: str) -> None:
    assert _collect(remove_pinyin_glue, text) == (expected, [span])


@pytest.mark.parametrize("text", ["說，(shuō)", "說  (shuō)", "a (shuō)", " (shuō)", "(shuō)說"])
def test_pinyin_glue_needs_a_chinese_character_right_before(text: str) -> None:
    assert _collect(remove_pinyin_glue, text)[0] == text
