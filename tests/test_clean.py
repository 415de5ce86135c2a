import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import clean_document, recipe
from pipeline.clean.base import Needles, _minimal
from pipeline.clean.repeated import _key, keys
from pipeline.clean.titles import is_title_like, title_flags, title_runs
from pipeline.decode import decode_bytes
from pipeline.document import Block, Document
from pipeline.scanner import Scanner, consumed_chars, literals, needles

BODY = [
    "很多用户在办理分期后想提前结清，本文说明具体流程和费用。",
    "第一步：登录APP",
    "打开APP进入我的订单页面，点击“申请结清”按钮。",
    "第二步：确认费用",
    "系统会显示需要支付的违约金，确认无误后支付即可。",
    "总的来说，提前结清前一定要算清费用。",
]


def clean(lines: list[str], title: str | None = None, links: dict[int, float] | None = None):
    blocks = [Block(t, link_ratio=(links or {}).get(i, 0.0)) for i, t in enumerate(lines)]
    doc = clean_document(Document("x", blocks=blocks, title=title))
    return [b.text for b in doc.blocks], [(r.rule, r.text) for r in doc.removed]


def test_content_only_article_is_untouched() -> None:
    assert clean(BODY) == (BODY, [])


def test_every_rule_is_named_in_the_recipe() -> None:
    names = [rule.name for rule in recipe()]
    assert {"ui_widget", "ad_contact", "related_links", "repeated", "toc"} <= set(names)


@pytest.mark.parametrize(
    "widget",
    [
        "To Top",
        "返回顶部",
        "微信复制成功",
        "语音朗读:",
        "上一篇：信用卡怎么分期",
        "下一篇: 花呗怎么关闭",
        "分享到：微信 微博 QQ空间",
        "【字体：大 中 小】  打印本页",
        "点赞 收藏 分享",
        "扫一扫，关注我们",
    ],
)
def test_widget_lines_removed(widget: str) -> None:
    kept, removed = clean([*BODY[:3], widget, *BODY[3:]])
    assert kept == BODY
    assert removed == [("ui_widget", widget)]


def test_inline_widget_phrase_removed_from_content() -> None:
    kept, removed = clean([*BODY[:-1], BODY[-1] + "微信复制成功"])
    assert kept == BODY
    assert removed == [("ui_widget", "微信复制成功")]


@pytest.mark.parametrize(
    "line",
    ["发布时间:2024-05-20 23:29:21", "来源：理财网 作者：小王", "2023-06-01 10:00 阅读 1234"],
)
def test_metadata_lines_removed(line: str) -> None:
    assert clean([line, *BODY]) == (BODY, [("metadata", line)])


@pytest.mark.parametrize(
    "line",
    [
        "本文来源于网络，如有侵权请联系删除。",
        "免责声明：本站内容仅供学习交流。",
        "Copyright © 2024 某某网 版权所有 京ICP备12345678号",
    ],
)
def test_disclaimers_removed(line: str) -> None:
    assert clean([*BODY, line]) == (BODY, [("disclaimer", line)])


@pytest.mark.parametrize(
    "ad",
    [
        "免费POS机申请办理电话多少??在线申请入口:https://www.example-pos.net,点击这个网址进入申请页面。",
        "需要办理的朋友加微信：abc12345 领取优惠",
        "退订后押金会原路退回。需要代办的可以致电13812345678，当天处理。",
        "【推广】专业回收各类预付卡，高价秒结 0512-6688 7799",
        "点击下方链接立即申请，最高可借20万。",
        "咨询热线 400-123-4567，免费上门办理。",
    ],
)
def test_ad_paragraphs_removed_whole(ad: str) -> None:
    kept, removed = clean([*BODY[:2], ad, *BODY[2:]])
    assert kept == BODY
    assert removed == [("ad_contact", ad)]


LONG = (
    "退订成功后，押金会在七个工作日内原路退回到付款账户，如果超过时间仍未到账，可以先在"
    "订单页面查看退款进度，再联系平台客服核实处理结果，整个过程不需要额外支付任何费用。"
) * 2


@pytest.mark.parametrize(
    ("line", "contact", "rest"),
    [
        ("登录官网www.example.cn查询套餐。", "www.example.cn", "登录官网查询套餐。"),
        (LONG + "经办人手机13812345678。", "13812345678", LONG + "经办人手机。"),
        (LONG + "经办人微信号：tuiding2024。", "微信号：tuiding2024", LONG + "经办人。"),
    ],
)
def test_contact_details_cut_from_content(line: str, contact: str, rest: str) -> None:
    kept, removed = clean([*BODY, line])
    assert kept == [*BODY, rest]
    assert removed == [("ad_contact", contact)]


@pytest.mark.parametrize(
    "line",
    [
        "可以拨打花呗客服热线95188，或者拨打10086查询。",
        "对处理结果不满意的，可拨打区教育局监督电话0571-87654321反映。",
        "在APP首页点击“立即申请”按钮，填写资料后提交。",
        "用QQ登录后进入我的订单页面。",
    ],
)
def test_service_numbers_and_plain_instructions_stay(line: str) -> None:
    assert clean([*BODY, line]) == ([*BODY, line], [])


def test_related_links_with_header_removed() -> None:
    links = ["相关文章：", "信用卡逾期了怎么办", "如何提高信用卡额度", "京东白条怎么关闭"]
    kept, removed = clean([*BODY, *links])
    assert kept == BODY
    assert removed == [("related_links", t) for t in links]


@pytest.mark.parametrize(
    "header", ["【猜你喜欢】", "热门文章", "大家都在看：", "上下篇", "你可能感兴趣"]
)
def test_related_headers_vary(header: str) -> None:
    kept, _ = clean([*BODY, header, "花呗分期怎么取消", "借呗额度怎么提升"])
    assert kept == BODY


def test_headerless_title_run_at_end_removed() -> None:
    titles = [
        "分期乐租机怎么取消",
        "京东白条逾期一天有影响吗",
        "美团月付怎么关闭",
        "微粒贷提前还款有违约金吗",
        "支付宝先用后付怎么开通",
    ]
    kept, removed = clean([*BODY, *titles])
    assert kept == BODY
    assert {rule for rule, _ in removed} == {"related_links"}


def test_link_dominated_html_list_removed() -> None:
    lines = [*BODY, "借呗怎么还款", "白条怎么分期", "花呗额度怎么提"]
    kept, _ = clean(lines, links={6: 1.0, 7: 1.0, 8: 0.9})
    assert kept == BODY


def test_short_content_list_inside_article_stays() -> None:
    lines = [BODY[0], "支持的银行有：", "工商银行", "建设银行", "农业银行", BODY[2]]
    assert clean(lines)[0] == lines


def test_numbered_step_run_is_not_related_links() -> None:
    steps = ["1. 登录APP", "2. 进入我的订单", "3. 点击申请退款", "4. 填写原因", "5. 提交等待审核"]
    kept, _ = clean([BODY[0], "退款的操作步骤如下：", *steps])
    assert kept == [BODY[0], "退款的操作步骤如下：", *steps]


def test_toc_block_removed() -> None:
    toc = ["目录导读:", "1. 退机流程", "2. 用户权益保障", "3. 退还政策概述"]
    kept, removed = clean([BODY[0], *toc, *BODY[1:]])
    assert kept == BODY
    assert removed == [("toc", t) for t in toc]


def test_repeated_paragraphs_and_title_kept_once() -> None:
    kept, removed = clean(
        [*BODY, BODY[2], "信用卡分期提前还款指南"], title="信用卡分期提前还款指南"
    )
    assert kept == BODY
    assert removed == [("repeated", BODY[2]), ("repeated", "信用卡分期提前还款指南")]


def test_residue_removed() -> None:
    assert clean([*BODY, "？？", "——"]) == (BODY, [("residue", "？？"), ("residue", "——")])


def test_repeated_code_lines_are_not_duplicates() -> None:
    code = ["import numpy as np", "arr = np.array((1, 2, 3))", "print(arr)"]
    lines = [BODY[0], *code, BODY[2], *code]
    assert clean(lines) == (lines, [])


@pytest.mark.parametrize(
    "toolbar",
    [
        "夜间模式 ｜ 字号调整：大 中 小 ｜ 听文章",
        "一键复制全文 ｜ 收藏成功！可在收藏夹查看",
        "字体大小 A- A+ ｜ 已点赞",
    ],
)
def test_toolbars_of_widgets_and_labels_removed(toolbar: str) -> None:
    assert clean([*BODY, toolbar]) == (BODY, [("ui_widget", toolbar)])


def test_related_header_in_other_words() -> None:
    kept, removed = clean([*BODY, "读过这篇的人还看了：", "分期乐额度怎么恢复", "白条逾期会怎样"])
    assert kept == BODY and {r for r, _ in removed} == {"related_links"}


def test_inline_toc_and_dotted_byline_removed() -> None:
    toc = "文章目录：① 费用标准 ② 申请流程 ③ 常见问题"
    byline = "理财小编 发布于 2024-02-27 · 浏览 3.2k"
    assert clean([byline, toc, *BODY]) == (BODY, [("metadata", byline), ("toc", toc)])


# ----------------------------------------------------------------------------- pre-checks

DATA = Path(__file__).parent / "data"


@settings(max_examples=300, deadline=None)
@given(st.sets(st.text("ab中文.", min_size=0, max_size=4), max_size=6), st.text("ab中文.\n"))
def test_literals_finds_where_a_string_first_is(strings: set[str], text: str) -> None:
    found = literals(strings).search(text)
    starts = [i for i in range(len(text) + 1) for s in strings if text.startswith(s, i)]
    assert (found.start() if found else None) == min(starts, default=None)


CONSUMING = [r"(?:网址|链接)[:：]\s*", r"a[b-d]{1,3}", r"(?i:ab)c", r"x(?:y|z)*", r"[0-9]+元"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CONSUMING), st.text("abcdABCDxyz网址链接:：元09 \u3000\u017f", max_size=30))
def test_consumed_chars_hold_every_character_a_match_takes(pattern: str, text: str) -> None:
    chars = consumed_chars(re.compile(pattern))
    assert chars is not None
    for found in re.finditer(pattern, text):
        assert set(found.group()) <= chars


@pytest.mark.parametrize("pattern", [r"(?=x)a", r".", r"[^a]", r"(?<!x)a"])
def test_consumed_chars_unknown_for_lookarounds_and_open_classes(pattern: str) -> None:
    assert consumed_chars(re.compile(pattern)) is None


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"abc", {"abc"}),
        (r"(?<![0-9])https?://x", {"http://x", "https://x"}),
        (r"a.+b|c[de]", {"a", "cd", "ce"}),
        (r"(?<![0-9])[48]00", {"400", "800"}),
        (
            r"(?i)sk",
            {"sk", "sK", "Sk", "SK", "\u017fk", "\u017fK", "s\u212a", "S\u212a", "\u017f\u212a"},
        ),
        (r"x?", None),  # can match the empty string
        (r".+", None),
        (r"[^a]b?", None),
    ],
)
def test_needles_of_patterns(pattern: str, expected: set[str] | None) -> None:
    assert needles(re.compile(pattern)) == (None if expected is None else frozenset(expected))


def test_needles_may_end_in_a_large_class_but_not_open_with_one() -> None:
    digits = {c for c in map(chr, range(0x30000)) if re.fullmatch(r"\d", c)}
    assert needles(re.compile(r"\d+:\d")) == frozenset(":" + d for d in digits)
    assert needles(re.compile(r"\d{2}")) is None


def _rule_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every pattern of the recipe's rules that a needle pre-check stands for."""
    rules = {rule.name: rule for rule in recipe()}
    widget, ads = rules["ui_widget"], rules["ad_contact"]
    return [
        ("widget.line", widget.line),
        ("widget.inline", widget.inline),
        ("ad.contact", ads.contact.pattern),
        ("ad.cta", ads.cta.pattern),
        ("ad.mobile", ads.mobile.pattern),
        ("metadata.line", rules["metadata"].line),
        ("metadata.date", rules["metadata"].date),
        ("disclaimer.lead", rules["disclaimer"].lead),
        ("comments.counter", rules["comments"].counter),
        ("comments.reply", rules["comments"].reply),
    ]


@pytest.mark.parametrize(("name", "pattern"), _rule_patterns())
def test_every_match_of_a_rule_pattern_holds_a_needle(name: str, pattern: re.Pattern[str]) -> None:
    found = needles(pattern)
    assert found, f"{name}: no needles"

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern))
    def check(text: str) -> None:
        for match in pattern.finditer(text):
            assert any(n in match.group(0) for n in found), (name, match.group(0))

    check()


def _articles() -> list[list[str]]:
    """The lines of the labelled text articles, plus this file's examples."""
    out = []
    for path in sorted(DATA.glob("*/raw/*.txt")):
        lines = decode_bytes(path.read_bytes()).text.splitlines()
        out.append([line.strip() for line in lines if line.strip()])
    return out


def test_needle_prechecks_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cleaning with every pre-check turned off (all texts pass) gives the same result."""
    articles = _articles()
    assert len(articles) > 10
    fast = [clean(lines) for lines in articles]
    for rule in recipe():
        for attr, value in vars(rule).items():
            if isinstance(value, Needles):
                monkeypatch.setattr(rule, attr, Needles(None))
    assert [clean(lines) for lines in articles] == fast


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?<![0-9])\d+元",
        r"(?<!a)b|c",
        r"x?(?<![0-9])1",
        r"(?i:(?<![a-z])k)",
        r"(?<![^a])b",
        r"(?<!\d)(?<![a-z])[0-9a-z]+",
        r"(?:电话[:：])?(?:(?<![0-9])1[3-9]\d{2}|(?<![A-Za-z.])[a-z]+\.cn)",
    ],
)
@settings(max_examples=300, deadline=None)
@given(text=st.text("0123456789abk元xKc电话:：.\n", max_size=30))
def test_scanner_with_lookbehind_starts_finds_what_re_finds(pattern: str, text: str) -> None:
    compiled = re.compile(pattern)
    scanner = Scanner(compiled)
    assert [m.span() for m in scanner.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    for pos in range(len(text) + 1):
        found, expected = scanner.search(text, pos), compiled.search(text, pos)
        assert (found and found.span()) == (expected and expected.span())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("1.、（)第步 \t题目标a。，,；！!;？?：:", max_size=60), max_size=6))
def test_title_flags_agree_with_is_title_like(texts: list[str]) -> None:
    texts += [t.strip() for t in texts]
    assert title_flags(texts) == [is_title_like(t) for t in texts]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text("1.、（)第步 \t题目标a。，,；！!;？?：:", max_size=60), max_size=12),
    st.integers(1, 4),
)
def test_title_runs_are_the_long_runs_of_title_flags(texts: list[str], shortest: int) -> None:
    flags = title_flags(texts)
    expected, start = [], None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= shortest:
                expected.append((start, i))
            start = None
    assert title_runs(texts, shortest) == expected


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.text("aA_ 中文，。ΣσςİßǅK\u0345\u0307·'\x00-1١", max_size=12), min_size=1, max_size=6
    )
)
def test_keys_of_joined_texts_are_each_texts_key(texts: list[str]) -> None:
    assert keys(texts) == [_key(text) for text in texts]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "电话",
                "：",
                ":",
                " ",
                "手机号",
                "网址是",
                "免费热线",
                "13812345678",
                "0571-88886666",
                "400-123-4567",
                "www.a.com",
                "a.cn",
                "QQ12345678",
                "微信",
                "abc_12345",
                "（",
                "+86 ",
                "1",
                "0",
                "办理",
                "，",
            ]
        ),
        max_size=14,
    ).map("".join)
)
def test_contacts_found_with_the_label_apart_are_those_of_the_pattern(text: str) -> None:
    rule = next(r for r in recipe() if r.name == "ad_contact")
    assert rule.split_label
    expected = [(m.span(), m.group(0)) for m in rule.contact.finditer(text)]
    assert [(m.span(), m.group(0)) for m in rule._contacts(text)] == expected


@settings(max_examples=300, deadline=None)
@given(
    st.sets(st.text("ab中文", min_size=1, max_size=4), max_size=12), st.text("ab中文x", max_size=30)
)
def test_minimal_needles_find_the_same_texts(strings: set[str], text: str) -> None:
    minimal = _minimal(frozenset(strings))
    assert minimal <= strings
    assert any(s in text for s in minimal) == any(s in text for s in strings)
