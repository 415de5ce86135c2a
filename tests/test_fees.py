"""Rates (pipeline.rates) and fee rows (pipeline.fees)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import fees
from pipeline.fees import FEE_COLUMNS, extract_fees, split_sentences
from pipeline.money import find_money
from pipeline.money import hint_strings as money_hints
from pipeline.rates import find_rates
from pipeline.rates import hint_strings as rate_hints

RATES = [
    # (text, [(surface, rate, period, kind)])
    ("日息0.05%", [("日息0.05%", 0.05, "day", "percent")]),
    ("月息1.5%", [("月息1.5%", 1.5, "month", "percent")]),
    ("年化24%", [("年化24%", 24, "year", "percent")]),
    ("年利率3.65%", [("年利率3.65%", 3.65, "year", "percent")]),
    ("年化利率约18.25%", [("年化利率约18.25%", 18.25, "year", "percent")]),
    ("千分之五", [("千分之五", 0.5, None, "percent")]),
    ("万分之五/天", [("万分之五/天", 0.05, "day", "percent")]),
    ("每日千分之五", [("每日千分之五", 0.5, "day", "percent")]),
    ("百分之三十", [("百分之三十", 30, None, "percent")]),
    ("百分之百", [("百分之百", 100, None, "percent")]),
    ("百分之一百二十点五", [("百分之一百二十点五", 120.5, None, "percent")]),
    ("剩余租金的30%", [("剩余租金的30%", 30, None, "percent")]),
    ("罚息按未还金额的日万分之五", [("未还金额的日万分之五", 0.05, "day", "percent")]),
    ("２２％", [("２２％", 22, None, "percent")]),
    ("负3.9%", [("负3.9%", -3.9, None, "percent")]),
    ("5‰", [("5‰", 0.5, None, "percent")]),
    ("上升2.4个百分点", [("2.4个百分点", 2.4, None, "points")]),
    ("首付三成", [("三成", 30, None, "share")]),
    ("三成半", [("三成半", 35, None, "share")]),
    ("打八折", [("八折", 80, None, "discount")]),
    ("打对折", [("对折", 50, None, "discount")]),
    ("折打0", []),  # a keyword at the very start reads no 打对 wrapped from the end
    ("六五折", [("六五折", 65, None, "discount")]),
    ("9.5折", [("9.5折", 95, None, "discount")]),
    (
        "年化利率7.2%~24%",
        [("年化利率7.2%", 7.2, "year", "percent"), ("24%", 24, "year", "percent")],
    ),
    ("找出酒精量在5-20%之间的产品", [("20%", 20, None, "percent")]),
    ("百分之七十百分位", [("百分之七十", 70, None, "percent")]),
]


@pytest.mark.parametrize(("text", "expected"), RATES)
def test_find_rates(text: str, expected: list[tuple]) -> None:
    rates = find_rates(text)
    assert [(r.surface, r.rate, r.period, r.kind) for r in rates] == [
        (s, pytest.approx(v), p, k) for s, v, p, k in expected
    ]
    for r in rates:
        assert text[r.start : r.end] == r.surface


def test_rate_base_phrase() -> None:
    (rate,) = find_rates("需支付剩余租金的30%作为违约金")
    assert rate.base == "剩余租金"


@pytest.mark.parametrize(
    "text",
    [
        "四倍利息",
        "LPR的4倍",
        "百分之二三十",
        "二三十个百分点",
        "五百分之2.2",
        "对折",
        "一波三折",
        "一成不变",
        "完成了",
        "2024年5月20日",
        "https://x.com/s?q=30%25%2020%",
        "十折",
    ],
)
def test_not_rates(text: str) -> None:
    assert find_rates(text) == []


def test_split_sentences_keeps_exact_text() -> None:
    paragraph = " 第一句。第二句！第三句？\n第四句；第五句 "
    spans = split_sentences(paragraph)
    assert [paragraph[a:b] for a, b in spans] == [
        "第一句。",
        "第二句！",
        "第三句？",
        "第四句；",
        "第五句",
    ]


def _rows(paragraph: str) -> list[tuple]:
    rows = extract_fees([paragraph])
    for row in rows:
        assert tuple(row) == FEE_COLUMNS
        assert row["surface"] in paragraph
        assert row["surface"] in row["sentence"]
        assert row["sentence"] in paragraph
    return [(r["fee_type"], r["amount"], r["amount_max"], r["rate"], r["period"]) for r in rows]


FEES = [
    ("提前解约需要支付违约金。", [("违约金", None, None, None, None)]),
    ("违约金为100元至200元。", [("违约金", 100, 200, None, None)]),
    ("违约金一般为100-200元", [("违约金", 100, 200, None, None)]),
    ("计算4万元日息0.050%", [("利息", None, None, 0.05, "day")]),
    ("每月扣59元", [("扣款", 59, None, None, "month")]),
    ("会员费25元/月", [("会员费", 25, None, None, "month")]),
    ("缴纳500元押金", [("押金", 500, None, None, None)]),
    ("每个月要交72元的手续费", [("手续费", 72, None, None, "month")]),
    (
        "月费15元，年费150元。",
        [("会员费", 15, None, None, "month"), ("会员费", 150, None, None, "year")],
    ),
    ("需支付剩余租金的30%作为违约金", [("违约金", None, None, 30, None)]),
    ("违约金，一般为剩余本金的3%左右", [("违约金", None, None, 3, None)]),
    ("光猫押金，通常是100-200元", [("押金", 100, 200, None, None)]),
    ("年化利率一般从3.5%起", [("利息", None, None, 3.5, "year")]),
    ("月手续费率0.6%", [("手续费", None, None, 0.6, "month")]),
    ("分期手续费率0.6%", [("手续费", None, None, 0.6, None)]),
    ("滞纳金一般按每日千分之五计算", [("滞纳金", None, None, 0.5, "day")]),
    ("四倍利息", [("利息", None, None, None, None)]),
    (
        "利息和违约金也越滚越多",
        [("利息", None, None, None, None), ("违约金", None, None, None, None)],
    ),
    ("可以退押金", [("押金", None, None, None, None)]),
    ("押金扣除违约金", [("押金", None, None, None, None), ("违约金", None, None, None, None)]),
    ("按月收取的服务费", [("服务费", None, None, None, "month")]),
    ("每个月照样扣款", [("扣款", None, None, None, None)]),
    ("保证金高达4万元", [("押金", 40000, None, None, None)]),
    ("三百元整的退款", [("退款", 300, None, None, None)]),
    ("清洁费200元", [("其他", 200, None, None, None)]),
    (
        "要求平台退还已收取的利息和服务费",
        [("利息", None, None, None, None), ("服务费", None, None, None, None)],
    ),
    ("违约金为手续费的10%", [("违约金", None, None, 10, None), ("手续费", None, None, None, None)]),
    ("保证金，普通类目几千元就够了", [("押金", None, None, None, None)]),
    ("自动续费不等于退款", [("会员费", None, None, None, None), ("退款", None, None, None, None)]),
]


@pytest.mark.parametrize(("paragraph", "expected"), FEES)
def test_extract_fees(paragraph: str, expected: list[tuple]) -> None:
    assert _rows(paragraph) == expected


def test_surface_covers_term_and_amount() -> None:
    (row,) = extract_fees(["平台会以“系统服务费”的名义每年收取99元。"])
    assert row["surface"] == "服务费”的名义每年收取99元"
    assert (row["amount"], row["period"]) == (99, "year")
    assert row["sentence"] == "平台会以“系统服务费”的名义每年收取99元。"


@pytest.mark.parametrize(
    "paragraph",
    [
        "第3步：拨打400-123-4567，2024年5月20日前办理，24小时到账，支持5G。",
        "1. 登录APP 2. 进入设置 3. 提交申请，版本v2.3.1，共5个步骤。",
        "借款10000元，分12期，年化收益率5%，打八折，价格99元。",
        "每月扣的钱可以在APP里查到，续费开关可以关闭。",
    ],
)
def test_numbers_without_fee_terms_are_not_fees(paragraph: str) -> None:
    assert extract_fees([paragraph]) == []


@pytest.mark.parametrize(
    "paragraph",
    [
        "违约金条款见第3步，2024年5月20日生效，客服电话400-123-4567。",
        "第3步：确认违约金，24小时内处理，支持5G。",
    ],
)
def test_dates_phones_and_steps_never_become_amounts(paragraph: str) -> None:
    assert _rows(paragraph) == [("违约金", None, None, None, None)]


def test_one_term_one_row_for_overlapping_words() -> None:
    assert _rows("分期手续费和提前解约费") == [
        ("手续费", None, None, None, None),
        ("违约金", None, None, None, None),
    ]


def test_rows_in_text_order_across_paragraphs() -> None:
    rows = extract_fees(["押金100元。", "", "退款。"])
    assert [(r["fee_type"], r["amount"]) for r in rows] == [("押金", 100), ("退款", None)]


LONG = [
    "违约金100元，" * 3000,
    "违约金" * 5000,
    "1%" * 5000 + "违约金",
    "扣" * 5000 + "1元",
    "百分之" * 3000,
    "一 " * 5000 + "%",
    "成" * 5000,
]


@pytest.mark.parametrize("paragraph", LONG)
def test_long_adversarial_paragraphs(paragraph: str) -> None:
    for row in extract_fees([paragraph]):
        assert row["surface"] in paragraph
    for rate in find_rates(paragraph):
        assert paragraph[rate.start : rate.end] == rate.surface


FEE_SOUP = "0123456789.%％-一二三五十百千万点分之成折个元月日年每扣违约金押利息费率的，。 "


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=FEE_SOUP, max_size=40))
def test_never_raises_on_fee_soup(text: str) -> None:
    for row in extract_fees([text, text[::-1]]):
        assert set(row) == set(FEE_COLUMNS)
    for rate in find_rates(text):
        assert text[rate.start : rate.end] == rate.surface


def test_repeated_sentences_give_fresh_rows() -> None:
    paragraph = "违约金为100元。每月扣59元"
    first = extract_fees([paragraph, paragraph])
    assert first[0] == first[2] and first[0] is not first[2]
    first[0]["amount"] = -1.0
    assert extract_fees([paragraph])[0]["amount"] == 100


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["违约金为100元", "手续费3%", "押金", "，", "。", "\n", " "])))
def test_one_paragraph_scan_matches_sentence_by_sentence(parts: list[str]) -> None:
    paragraph = "".join(parts)
    by_sentence = [r for a, b in split_sentences(paragraph) for r in extract_fees([paragraph[a:b]])]
    assert extract_fees([paragraph]) == by_sentence


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=FEE_SOUP + "半对打$￥美元块钱角毛", max_size=40))
def test_every_number_holds_a_hint(text: str) -> None:
    for m in find_money(text):
        assert any(h in m.surface for h in money_hints())
    if not any(h in text for h in money_hints()):
        assert find_money(text) == []
    if not any(h in text for h in rate_hints()):
        assert find_rates(text) == []


PAIR_PARTS = [
    "违约金",
    "押金",
    "扣",
    "手续费的",
    "为",
    "一般",
    "100元",
    "3%",
    "，",
    "、",
    "的",
    "租金",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PAIR_PARTS), max_size=6).map("".join))
def test_one_term_and_one_number_pair_as_the_general_pairing(text: str) -> None:
    for start, end, terms in fees._term_sentences(text):
        sentence = text[start:end]
        numbers = fees._numbers(sentence)
        if len(terms) == 1 and len(numbers) == 1:
            paired = fees._cost(sentence, terms, 0, numbers[0]) is not None
            assert (0 in fees._pair(sentence, terms, numbers)) == paired
