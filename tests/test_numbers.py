"""Chinese, Arabic and mixed numerals (pipeline.numbers)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.numbers import (
    _URL_RE,
    cn2an_value,
    ignored_spans,
    manual_value,
    normalize_numeral,
    parse_number,
    parse_number_range,
)

EXACT = [
    ("4万", 40000),
    ("1.5万", 15000),
    ("两千五", 2500),
    ("兩千六", 2600),
    ("一百二", 120),
    ("三百", 300),
    ("三万五", 35000),
    ("十三万五", 135000),
    ("一百二十万三", 1203000),
    ("一千零五", 1005),
    ("十万零一", 100001),
    ("一千零一万零一", 10010001),
    ("壹万二千三百四十五", 12345),
    ("肆佰叁拾萬", 4300000),
    ("貳佰零參", 203),
    ("１２００", 1200),
    ("1,200", 1200),
    ("１，２００", 1200),
    ("233,333,333,434", 233333333434),
    ("0.050", 0.05),
    (".77", 0.77),
    ("零点五", 0.5),
    ("零點77", 0.77),
    ("一七二零", 1720),
    ("廿二", 22),
    ("卅三", 33),
    ("一萬零卌", 10040),
    ("万九", 19000),
    ("千一", 1100),
    ("百二萬", 1200000),
    ("1万600", 10600),
    ("100万三千", 1003000),
    ("3千万亿", 3e15),
    ("两个亿", 2e8),
    ("100k", 100000),
    ("30w", 300000),
    ("1.2M", 1200000),
    ("负十一", -11),
    ("- 1,200,000", -1200000),
    ("一个半", 1.5),
    ("一半", 0.5),
    ("二分之一", 0.5),
    ("十份十一", 1.1),
    ("五打", 60),
    ("壹拾壹元壹角壹分", 11.11),
    ("零点零零零零零零零零零零零零零零一", 1e-15),
    ("一千一百一十一万一千一百一十一亿一千一百一十一万一千一百一十一", 1111111111111111),
]


@pytest.mark.parametrize(("text", "value"), EXACT)
def test_exact_numerals(text: str, value: float) -> None:
    assert parse_number_range(text) == (pytest.approx(value, rel=1e-12), None)
    assert parse_number(text) == pytest.approx(value, rel=1e-12)


VAGUE = [
    ("十几", (10, 20)),
    ("二十几万", (200000, 300000)),
    ("一两千", (1000, 2000)),
    ("三五百", (300, 500)),
    ("四五千", (4000, 5000)),
    ("八九亿", (8e8, 9e8)),
    ("二三十", (20, 30)),
    ("十七八", (17, 18)),
    ("三万四五千", (34000, 35000)),
    ("3000多", (3000, 4000)),
    ("3500多", (3500, 3600)),
    ("十多万", (100000, 200000)),
    ("百余", (100, 200)),
    ("几十万", (100000, 1000000)),
    ("数十亿", (1e9, 1e10)),
]


@pytest.mark.parametrize(("text", "bounds"), VAGUE)
def test_vague_numerals_are_ranges(text: str, bounds: tuple[float, float]) -> None:
    assert parse_number_range(text) == bounds
    assert parse_number(text) == bounds[0]  # the low end


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "abc",
        "元整",
        "圆",
        "负",
        "零点",
        "点零",
        "零点点",
        "一点",
        "十一十二",
        "十七十八",
        "一100",
        "3.3.3",
        "10..1万",
        "第三",
        "5GB",
        "一二百三",
        "二〇二四年",
    ],
)
def test_not_numerals(text: str) -> None:
    assert parse_number(text) is None


def test_digit_sequences_read_digit_by_digit() -> None:
    assert parse_number("一二三") == 123
    assert parse_number("九九") == 99


@pytest.mark.parametrize(
    "text",
    [
        "一千零一十一",
        "一万零一百一十一",
        "一亿五千万零六千三百五十五",
        "两千六",
        "十三万五",
        "壹佰捌拾壹圆柒角",
        "零点零一",
        "一百二十万三",
        "十万零一千",
        "九九",
    ],
)
def test_fallback_agrees_with_cn2an(text: str) -> None:
    assert manual_value(normalize_numeral(text)) == cn2an_value(normalize_numeral(text))


def test_normalize_numeral() -> None:
    assert normalize_numeral("兩個億") == "两亿"
    assert normalize_numeral("１，２００．５") == "1200.5"
    assert normalize_numeral("參 萬") == "叁万"


NUMERAL_SOUP = "0123456789.,-一二两三四五六七八九十百千万亿零点几多余半个分之又负kw "


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=NUMERAL_SOUP, max_size=30))
def test_never_raises_on_numeral_soup(text: str) -> None:
    result = parse_number_range(text)
    assert result is None or isinstance(result[0], float)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=50))
def test_never_raises_on_any_text(text: str) -> None:
    assert parse_number(text) is None or isinstance(parse_number(text), float)


URL_SOUP = st.lists(
    st.sampled_from(
        ["http", "HTTPS", "ftp", "://", "www", "WwW", ".", "a", "/", "?", "元", " ", "ſ"]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(URL_SOUP)
def test_ignored_spans_are_the_url_matches(text: str) -> None:
    assert ignored_spans(text) == [m.span() for m in _URL_RE.finditer(text)]
