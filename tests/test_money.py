"""Money amounts: parse_money and find_money (pipeline.money)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import Money, money
from pipeline import parse_money as lazy_parse_money
from pipeline.money import MoneyMention, find_amounts, find_money, parse_money


def test_contract_examples() -> None:
    assert lazy_parse_money("4万元") == Money(amount=40000.0, amount_max=None, currency="CNY")
    assert parse_money("100-200元") == Money(amount=100.0, amount_max=200.0, currency="CNY")
    assert parse_money("九块九") == Money(amount=9.9, amount_max=None, currency="CNY")
    assert parse_money("50美元") == Money(amount=50.0, amount_max=None, currency="USD")
    assert parse_money("没有金额") is None


PARSE = [
    # (text, amount, amount_max, currency)
    ("1.5万元", 15000, None, "CNY"),
    ("两千五百元", 2500, None, "CNY"),
    ("￥199", 199, None, "CNY"),
    ("¥ 1,200.50", 1200.5, None, "CNY"),
    ("RMB100", 100, None, "CNY"),
    ("人民币3.14", 3.14, None, "CNY"),
    ("3.14人民币", 3.14, None, "CNY"),
    ("一百三十五块六角七分钱", 135.67, None, "CNY"),
    ("123元1角1分", 123.11, None, "CNY"),
    ("十块三毛", 10.3, None, "CNY"),
    ("三块零四", 3.04, None, "CNY"),
    ("两块半", 2.5, None, "CNY"),
    ("两毛五", 0.25, None, "CNY"),
    ("五分钱", 0.05, None, "CNY"),
    ("肆佰叁拾萬圆整", 4300000, None, "CNY"),
    ("港币两千九百六十元", 2960, None, "HKD"),
    ("25481港元", 25481, None, "HKD"),
    ("三万元欧元", 30000, None, "EUR"),
    ("9000元日币", 9000, None, "JPY"),
    ("新台币 177.1 亿元", 17710000000, None, "TWD"),
    ("两个亿卢布", 2e8, None, "RUB"),
    ("100 USD", 100, None, "USD"),
    ("约4.287亿美元", 428700000, None, "USD"),
    ("不到1.9万台币", 19000, None, "TWD"),
    ("至少九千块钱以上", 9000, None, "CNY"),
    ("50万元（含）以上", 500000, None, "CNY"),
    ("15k左右", 15000, None, "CNY"),
    ("三百万", 3000000, None, "CNY"),  # a bare numeral is read as yuan
    # ranges
    ("100至200元", 100, 200, "CNY"),
    ("100到200元", 100, 200, "CNY"),
    ("100元至200元", 100, 200, "CNY"),
    ("5.6到5.78元", 5.6, 5.78, "CNY"),
    ("五元六角-五元七毛八分", 5.6, 5.78, "CNY"),
    ("1万(含)-5万元", 10000, 50000, "CNY"),
    ("1万元--5万元", 10000, 50000, "CNY"),
    ("10~15k元", 10000, 15000, "CNY"),
    ("两到三万港元", 20000, 30000, "HKD"),
    ("十八至三十万日元", 180000, 300000, "JPY"),
    ("一千到两千万元人民币", 1e7, 2e7, "CNY"),
    ("从8500到3万港元", 8500, 30000, "HKD"),
    # vague amounts (JioNLP's conventions)
    ("一两千元", 1000, 2000, "CNY"),
    ("三五百块", 300, 500, "CNY"),
    ("3000多欧元", 3000, 4000, "EUR"),
    ("2000余元", 2000, 3000, "CNY"),
    ("十几块钱", 10, 20, "CNY"),
    ("几十万块", 1e5, 1e6, "CNY"),
    ("人民币数十亿元", 1e9, 1e10, "CNY"),
]


@pytest.mark.parametrize(("text", "amount", "amount_max", "currency"), PARSE)
def test_parse_money(text: str, amount: float, amount_max: float | None, currency: str) -> None:
    got = parse_money(text)
    assert got is not None
    assert got.amount == pytest.approx(amount)
    assert got.amount_max == (None if amount_max is None else pytest.approx(amount_max))
    assert got.currency == currency


def test_parse_money_reads_the_first_mention_of_a_sentence() -> None:
    assert parse_money("会员月费59元，年费499元") == Money(59.0, None, "CNY")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "没有金额",
        "第3步",
        "2024年5月20日",
        "400-123-4567",
        "十分重要",
        "五角大楼",
        "24小时",
        "5G套餐",
        "iPhone 15",
        "v2.0",
        "一块儿去",
        "。",
        "元",
        "人民币",
    ],
)
def test_parse_money_none(text: str) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize("value", [None, 42, b"100\xe5\x85\x83", ["100元"]])
def test_parse_money_rejects_non_strings(value: object) -> None:
    assert parse_money(value) is None  # type: ignore[arg-type]


FIND = [
    (
        "张三赔偿人民币车费601,293.11元，工厂费一万二千三百四十五元,利息9佰日元，打印费十块钱。",
        [
            ("601,293.11元", 601293.11, None, "CNY"),
            ("一万二千三百四十五元", 12345, None, "CNY"),
            ("9佰日元", 900, None, "JPY"),
            ("十块钱", 10, None, "CNY"),
        ],
    ),
    ("这个手机壳花费你五美元和花费我三块", [("五美元", 5, None, "USD"), ("三块", 3, None, "CNY")]),
    (
        "选一个，$20，300美圆, ￥300, ok?",
        [("$20", 20, None, "USD"), ("300美圆", 300, None, "USD"), ("￥300", 300, None, "CNY")],
    ),
    (
        "每月扣59元，押金在199元到299元之间",
        [("59元", 59, None, "CNY"), ("199元到299元", 199, 299, "CNY")],
    ),
    ("计算4万元日息0.050%", [("4万元", 40000, None, "CNY")]),
    ("统一100元", [("100元", 100, None, "CNY")]),
    ("停车费5元一小时", [("5元", 5, None, "CNY")]),
    ("先交￥199的押金", [("￥199", 199, None, "CNY")]),
    ("限时会员费九块九", [("九块九", 9.9, None, "CNY")]),
    ("大约1500元左右的服务费", [("大约1500元左右", 1500, None, "CNY")]),
]


@pytest.mark.parametrize(("text", "expected"), FIND)
def test_find_money(text: str, expected: list[tuple]) -> None:
    mentions = find_money(text)
    got = [(m.surface, m.money.amount, m.money.amount_max, m.money.currency) for m in mentions]
    assert got == [(s, pytest.approx(a), a2, c) for s, a, a2, c in expected]
    for m in mentions:
        assert text[m.start : m.end] == m.surface


@pytest.mark.parametrize(
    "text",
    [
        "2024年5月20日23:29:21发布，第3步：点击确认。",
        "客服电话400-123-4567，或拨打95188转人工。",
        "1. 登录APP  2. 进入设置  3. 提交申请",
        "版本v2.3.1支持5G网络，24小时内到账。",
        "十分重要，五分钟就能搞定，五角大楼，一块儿去吃饭。",
        "基站总数是10000，其中有9000台是华为建的。",
        "订单号 A202107211321363588510367 可用作凭证",
        "访问 http://example.com/pay?amount=100&fee=30%25 查看",
        "分期12期，每期还款，第3期开始，3个月后",
    ],
)
def test_find_money_negatives(text: str) -> None:
    assert find_money(text) == []


def test_find_money_flags_approximations_and_bounds() -> None:
    approx, upper, lower, exact, vague = find_money(
        "约100元；不超过200元；300元以上；400元；500多元"
    )
    assert (approx.approx, approx.bound) == (True, None)
    assert (upper.approx, upper.bound) == (True, "upper")
    assert (lower.approx, lower.bound) == (True, "lower")
    assert (exact.approx, exact.bound) == (False, None)
    assert vague.approx and vague.money == Money(500.0, 600.0, "CNY")
    assert isinstance(exact, MoneyMention)


ODD = [
    "1" * 5000 + "元",
    "一" * 5000 + "元",
    "1元" * 5000,
    "1-" * 5000 + "元",
    "￥" * 5000 + "1",
    "约" * 5000 + "1元",
    "九块九" * 3000,
    "1,000" * 2000 + "元",
    "(含)" * 3000,
    "\x00\ud800元",
    "１２３，４５６．７８９元",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_and_long_inputs_do_not_raise(text: str) -> None:
    for m in find_money(text):
        assert text[m.start : m.end] == m.surface
    parse_money(text)


MONEY_SOUP = (
    "0123456789.,-~至到一二两三四五六七八九十百千"
    "万亿零点几多余半块元角毛分钱￥$美港币约左右以上（含）个 "
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MONEY_SOUP, max_size=40))
def test_never_raises_on_money_soup(text: str) -> None:
    got = parse_money(text)
    assert got is None or isinstance(got.amount, float)
    for m in find_money(text):
        assert text[m.start : m.end] == m.surface


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_never_raises_on_any_text(text: str) -> None:
    parse_money(text)
    find_money(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MONEY_SOUP + "\n：abcUSD日元人民币", max_size=60))
def test_find_amounts_is_find_money_without_objects(text: str) -> None:
    mentions = find_money(text)
    assert find_amounts(text) == [
        (m.start, m.end, m.money.amount, m.money.amount_max) for m in mentions
    ]


TRIGGER_SOUP = "0１9.．,A-z一十百万數数几多个 元$US￥人民币HK"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=TRIGGER_SOUP, max_size=30))
def test_split_triggers_match_where_the_trigger_pattern_does(text: str) -> None:
    for i in range(len(text) + 1):
        whole = money._trigger_re().match(text, i)
        numeral = money._NUMERAL_TRIGGER_RE.match(text, i)  # zero-width in the whole pattern
        sign = money._sign_trigger().pattern.match(text, i)
        assert not (numeral and sign)
        split = (i, i) if numeral else sign.span() if sign else None
        assert (whole.span() if whole else None) == split


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=TRIGGER_SOUP + "年月个点，日 ", max_size=30))
def test_dropped_numeral_starts_fail_and_restart_past_every_start(text: str) -> None:
    starts = [i for i in range(len(text) + 1) if money._NUMERAL_TRIGGER_RE.match(text, i)]
    live = {i for i in starts if money._live_numerals().match(text, i)}
    assert {i for i in range(len(text) + 1) if money._live_numerals().match(text, i)} == live
    for i in set(starts) - live:
        assert money._money_run(text, i) is None
        after = max(money._restart(text, i), i + 1)
        assert not [j for j in live if i < j < after]  # it skips only dropped starts


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0１9.，,kK一十百万几多个点元a ", max_size=30), st.integers(0, 30))
def test_restart_skips_the_numeral_run_or_stops_at_its_digits(text: str, start: int) -> None:
    start = min(start, len(text))
    run = re.compile(rf"[{money._RUN_CHARS}]+").match(text, start)
    if not run:
        expected = start + 1
    else:
        inner = re.compile(rf"(?<=[{money._CN}])[{money._DIGIT_CLASS}]").search(
            text, start, run.end()
        )
        expected = inner.start() if inner else run.end()
    assert money._restart(text, start) == expected
