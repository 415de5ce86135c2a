"""Behaviour of pipeline.html_extract: body selection, lists, titles, urls, hostile input."""

from __future__ import annotations

import pytest

from pipeline.html_extract import HtmlPage, extract_html, strip_site_name

PARA = "很多商户在办理POS机的时候都交过押金，一般是99元到299元不等。那么不想用了，押金怎么退呢？"


def texts(page: HtmlPage) -> list[str]:
    return [b.text for b in page.blocks]


def body(*inner: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{''.join(inner)}</body></html>"


def article(*inner: str) -> str:
    """An article container with enough prose to win the content scoring."""
    return body(f'<div class="content"><p>{PARA}</p>{"".join(inner)}<p>{PARA}</p></div>')


# ----------------------------------------------------------------------------- lists


def test_ol_numbers_are_written_into_the_items() -> None:
    page = extract_html(article("<ol><li>联系客服，说明情况；</li><li>填写申请表。</li></ol>"))
    items = [b for b in page.blocks if b.kind == "li"]
    assert [b.text for b in items] == ["1. 联系客服，说明情况；", "2. 填写申请表。"]
    assert items[0].list_id == items[1].list_id is not None


def test_ol_start_value_and_reversed() -> None:
    page = extract_html(
        article(
            '<ol start="3"><li>核对信息。</li><li>提交材料。</li></ol>'
            '<ol><li value="7">跳到七。</li><li>接着八。</li></ol>'
            "<ol reversed><li>倒数甲。</li><li>倒数乙。</li></ol>"
        )
    )
    items = [b.text for b in page.blocks if b.kind == "li"]
    assert items == [
        "3. 核对信息。",
        "4. 提交材料。",
        "7. 跳到七。",
        "8. 接着八。",
        "2. 倒数甲。",
        "1. 倒数乙。",
    ]


@pytest.mark.parametrize(
    "item", ["1、登录账号", "1. 登录账号", "(1)登录账号", "（1）登录账号", "①登录账号",
             "第一步：登录账号", "一、登录账号", "Step 1 登录账号"],
)  # fmt: skip
def test_ol_item_with_its_own_marker_is_not_renumbered(item: str) -> None:
    page = extract_html(article(f"<ol><li>{item}</li><li>下一步操作。</li></ol>"))
    items = [b.text for b in page.blocks if b.kind == "li"]
    assert items[0] == item
    assert items[1] == "2. 下一步操作。"


def test_number_drawn_by_the_page_becomes_the_marker() -> None:
    page = extract_html(
        article(
            '<ol class="steps">'
            '<li><div class="list-icon">1</div><div><p>打开支付宝。</p></div></li>'
            '<li><span class="num">2</span>点击“我的”。</li></ol>'
        )
    )
    assert [b.text for b in page.blocks if b.kind == "li"] == ["1. 打开支付宝。", "2. 点击“我的”。"]


def test_ul_items_have_no_prefix_and_lists_get_distinct_ids() -> None:
    page = extract_html(
        article("<ul><li>机器激活满90天；</li><li>配件齐全。</li></ul><ol><li>联系客服。</li></ol>")
    )
    items = [b for b in page.blocks if b.kind == "li"]
    assert [b.text for b in items] == ["机器激活满90天；", "配件齐全。", "1. 联系客服。"]
    assert items[0].list_id == items[1].list_id != items[2].list_id


def test_nested_list_keeps_outer_numbering() -> None:
    page = extract_html(
        article(
            "<ol><li>准备材料：<ul><li>身份证</li><li>银行卡</li></ul></li><li>提交申请。</li></ol>"
        )
    )
    assert [b.text for b in page.blocks if b.kind == "li"] == [
        "1. 准备材料：",
        "身份证",
        "银行卡",
        "2. 提交申请。",
    ]


def test_li_that_is_one_link_has_link_ratio_one() -> None:
    page = extract_html(
        article(
            '<p>办理渠道如下，任选其一即可。</p><ul><li><a href="/x">招商银行官网入口</a></li></ul>'
        )
    )
    link = next(b for b in page.blocks if b.text == "招商银行官网入口")
    assert link.link_ratio == pytest.approx(1.0)
    assert all(b.link_ratio == 0 for b in page.blocks if b.text.startswith("很多商户"))


# ----------------------------------------------------------------------------- blocks


def test_br_splits_lines_into_blocks() -> None:
    page = extract_html(article("<p>第一行内容，说明。<br>第二行内容，说明。<br/><br>第三行。</p>"))
    assert ["第一行内容，说明。", "第二行内容，说明。", "第三行。"] == texts(page)[1:4]


def test_table_rows_are_one_block_each() -> None:
    page = extract_html(
        article(
            "<table><tr><th>机型</th><th>押金</th></tr><tr><td>电签POS</td><td>99元</td></tr></table>"
        )
    )
    assert "机型 押金" in texts(page)
    assert "电签POS 99元" in texts(page)


def test_pre_gives_one_block_per_line_and_headings_are_h() -> None:
    page = extract_html(article("<h2>一、费用说明</h2><pre>年费 0元\n  手续费   0.6%\n</pre>"))
    assert "年费 0元" in texts(page) and "手续费 0.6%" in texts(page)
    assert next(b for b in page.blocks if b.text == "一、费用说明").kind == "h"


def test_whitespace_is_normalised_and_punctuation_kept() -> None:
    page = extract_html(
        article("<p>　　押金\n  一般在   \t 七个工作日内退回，\n\n请耐心等待！</p>")
    )
    assert "押金一般在 七个工作日内退回，请耐心等待！" in texts(page)


def test_hidden_elements_scripts_and_comments_are_dropped() -> None:
    page = extract_html(
        article(
            '<p style="display: none">隐藏文字一。</p><div hidden>隐藏文字二。</div>'
            "<script>var s='脚本文字';</script><style>.x{}</style><!-- 注释文字 -->"
            "<noscript>无脚本文字</noscript><template><p>模板文字</p></template>"
        )
    )
    joined = "\n".join(texts(page))
    for junk in ("隐藏文字", "脚本文字", "注释文字", "无脚本文字", "模板文字", ".x{}"):
        assert junk not in joined


def test_wechat_body_hidden_by_visibility_is_kept() -> None:
    page = extract_html(
        body(
            '<div class="rich_media_content" id="js_content" style="visibility: hidden;">'
            f"<section><p>{PARA}</p></section><section><p>{PARA}</p></section></div>"
        )
    )
    assert texts(page) == [PARA, PARA]


# ----------------------------------------------------------------------------- page chrome


FINANCE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>POS机押金怎么退？详细退款步骤_某某财经网</title>
<link rel="canonical" href="https://www.example-finance.cn/article/12345.html">
</head><body>
<div class="top-bar"><a href="/">首页</a> | <a href="/login">登录</a> | <a href="/r">注册</a></div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/loan">贷款</a></li></ul></nav>
<div class="wrap">
 <div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/pos">POS机</a> &gt; 正文</div>
 <div class="main-left"><div class="article">
  <h1>POS机押金怎么退？详细退款步骤</h1>
  <div class="info">发布时间：2023-05-06 12:00　来源：某某财经网　作者：小王　阅读：1234</div>
  <div class="article-content">
   <p>　　很多商户在办理POS机的时候都交过押金，一般是99元到299元不等。
   那么不想用了，押金怎么退呢？</p>
   <h2>一、退押金的具体步骤</h2>
   <ol><li>联系客服，说明想要退还押金，并提供商户编号；</li>
       <li>按照要求填写退押金申请表，上传身份证照片；</li>
       <li>等待审核，一般需要3到7个工作日。</li></ol>
   <p>如果审核通过，押金会在15个工作日内退回到结算卡，如果被拒绝，可以拨打客服电话申诉。</p>
   <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
   <div class="xg-list"><h3>相关推荐</h3><ul>
     <li><a href="/a/1">POS机怎么办理？个人申请POS机流程</a></li>
     <li><a href="/a/2">信用卡逾期了怎么办？会影响征信吗</a></li>
     <li><a href="/a/3">刷卡手续费是多少？最新费率一览</a></li></ul></div>
  </div>
  <div id="comments"><h3>网友评论</h3>
   <div class="comment-item"><p>我的押金退了一个月都没到账，太坑了，大家小心！</p></div></div>
 </div></div>
 <div class="sidebar"><h3>热门文章</h3><ul>
   <li><a href="/h/1">2023年最新贷款利率表，银行贷款利息怎么算</a></li>
   <li><a href="/h/2">花呗逾期一天会怎么样？有什么影响</a></li>
   <li><a href="/h/3">借呗提前还款有违约金吗？</a></li></ul></div>
</div>
<aside>侧栏广告：低息贷款，当天放款。</aside>
<footer><p>Copyright © 2023 某某财经网 版权所有</p><p>京ICP备12345678号</p></footer>
<div class="foot">关于我们 | 联系我们 | 京ICP备12345678号-1</div>
</body></html>"""


def test_realistic_finance_page_keeps_body_and_drops_chrome() -> None:
    page = extract_html(FINANCE_PAGE)
    assert page.title == "POS机押金怎么退？详细退款步骤"
    assert page.url == "https://www.example-finance.cn/article/12345.html"
    assert texts(page) == [
        "很多商户在办理POS机的时候都交过押金，一般是99元到299元不等。那么不想用了，押金怎么退呢？",
        "一、退押金的具体步骤",
        "1. 联系客服，说明想要退还押金，并提供商户编号；",
        "2. 按照要求填写退押金申请表，上传身份证照片；",
        "3. 等待审核，一般需要3到7个工作日。",
        "如果审核通过，押金会在15个工作日内退回到结算卡，如果被拒绝，可以拨打客服电话申诉。",
    ]


def test_byline_title_and_related_list_inside_the_container_are_trimmed() -> None:
    page = extract_html(
        body(
            '<div class="post"><h1>信用卡分期怎么提前还款</h1>'
            "<p>来源：某某理财网 作者：小李</p><p>2024-03-01 09:30</p>"
            f"<p>{PARA}</p><p>{PARA}</p><p>相关阅读：</p>"
            '<p><a href="/1">信用卡分期手续费怎么算</a></p><p><a href="/2">花呗分期能取消吗</a></p>'
            "<p>Copyright © 2024 某某理财网</p></div>",
            head="<title>信用卡分期怎么提前还款 - 某某理财网</title>",
        )
    )
    assert texts(page) == [PARA, PARA]
    assert {r.rule for r in page.removed} >= {"html_title", "html_byline", "related_links"}


def test_old_table_layout_page_with_br_paragraphs() -> None:
    html = (
        '<text id="http://finance.example.com/1.shtml" title="t" encoding="gb2312">\n'
        "<html><head><title>一夜暴富后如何理财__理财_财经_某某网</title></head><body>"
        '<table width=750><tr><td><a href="/">首页</a> <a href="/f">财经</a></td></tr></table>'
        "<table width=750><tr><td width=150>"
        '<a href="/1">热点新闻一</a><br><a href="/2">热点新闻二</a><br><a href="/3">热点新闻三</a>'
        "</td><td width=600><font class=title>一夜暴富后如何理财</font><br>"
        f"　　{PARA}<br><br>　　{PARA}<br><br>　　这是最后一段，说完了。</td></tr></table>"
        "</body></html>"
    )
    page = extract_html(html)
    assert page.title == "一夜暴富后如何理财"
    assert texts(page) == [PARA, PARA, "这是最后一段，说完了。"]


def test_long_comment_thread_does_not_outweigh_the_article() -> None:
    comment = "我也遇到过这个问题，打了好几次客服电话才处理好，大家一定要保留好凭证，说得对！"
    thread = "".join(
        f'<div class="comment-item"><span>网友{i}</span><p>{comment}</p></div>' for i in range(30)
    )
    page = extract_html(
        body(
            f'<div class="main"><div class="article"><div class="article-body"><p>{PARA}</p>'
            f"<p>{PARA}</p></div></div>"
            f'<div id="comments"><h3>网友评论（30）</h3>{thread}</div></div>'
        )
    )
    assert texts(page) == [PARA, PARA]


def test_page_wide_aspnet_form_is_not_dropped() -> None:
    page = extract_html(
        body(
            '<form id="form1" method="post"><input type="hidden" name="__VIEWSTATE" value="x">'
            f'<div class="content"><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div></form>'
            '<form class="search"><input name="q"><button>搜索</button>热门搜索：贷款</form>'
        )
    )
    assert texts(page) == [PARA, PARA, PARA]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("如何退POS机押金_某某财经网", "如何退POS机押金"),
        ("如何退POS机押金 - 某某财经网", "如何退POS机押金"),
        ("如何退POS机押金|某某财经", "如何退POS机押金"),
        ("如何退POS机押金——理财频道——某某网", "如何退POS机押金"),
        ("如何退POS机押金__理财_财经_某某网", "如何退POS机押金"),
        ("某某财经网：如何退POS机押金", "如何退POS机押金"),
        ("分期乐：提前还款的三个步骤", "分期乐：提前还款的三个步骤"),
        ("SK-II广告属于虚假宣传-搜狐财经", "SK-II广告属于虚假宣传"),
        ("没有后缀的标题", "没有后缀的标题"),
    ],
)
def test_title_site_suffix_is_stripped(raw: str, expected: str) -> None:
    assert strip_site_name(raw) == expected
    assert extract_html(body(head=f"<title>{raw}</title>")).title == expected


def test_title_prefers_h1_and_falls_back_to_og_title() -> None:
    page = extract_html(
        body("<h1>花呗怎么关闭</h1>", head="<title>花呗怎么关闭-支付百科-某某网</title>")
    )
    assert page.title == "花呗怎么关闭"
    page = extract_html(body(head='<meta property="og:title" content="借呗提前还款_某某网">'))
    assert page.title == "借呗提前还款"


def test_title_that_is_only_the_site_name_gives_way_to_the_content_h1() -> None:
    page = extract_html(
        body(
            '<div class="logo"><h1>某某财经网</h1></div><div class="main"><h1>POS机押金怎么退</h1>'
            f'<div class="content"><p>{PARA}</p><p>{PARA}</p></div></div>',
            head="<title>某某财经网</title>",
        )
    )
    assert page.title == "POS机押金怎么退"
    assert texts(page) == [PARA, PARA]


def test_url_from_canonical_then_og_url_then_none() -> None:
    assert extract_html(body(head='<link rel="canonical" href=" https://a.cn/1 ">')).url == (
        "https://a.cn/1"
    )
    assert extract_html(body(head='<meta property="og:url" content="https://a.cn/2">')).url == (
        "https://a.cn/2"
    )
    assert extract_html(body("<p>正文。</p>")).url is None


# ----------------------------------------------------------------------------- hostile input


DEEP = 10_000
DECLARED = '<?xml version="1.0" encoding="gb2312"?><html><body><p>声明编码的页面，测试。</p></body>'


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n\t",
        "<",
        "<<<>>></ / <a <b",
        "<!-- only a comment -->",
        "<html><body><div class='content'><p>被截断的页面，只有一半",
        "<div>" * DEEP + "深层文字，有标点。" + "</div>" * DEEP,
        "<span>" * DEEP + "深层文字，有标点。",
        "<table><tr><td>" * 3000 + "深层表格文字。",
        "<ol><li>" * DEEP + "深层列表。",
        "<p>含有\x00空字符\x00的文字，测试。</p>",
        DECLARED,
        '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<p>带BOM的声明，测试。</p>',
        "<p>孤立代理\ud800字符，测试。</p>",
        "<p>" + "一行很长的文字，没有换行。" * 20_000 + "</p>",
    ],
)
def test_never_raises_on_hostile_input(html: str) -> None:
    page = extract_html(html)
    assert isinstance(page, HtmlPage)
    assert all(isinstance(b.text, str) and b.text for b in page.blocks)


def test_hostile_inputs_keep_their_text() -> None:
    assert "深层文字，有标点。" in texts(
        extract_html("<div>" * DEEP + "深层文字，有标点。" + "</div>" * DEEP)
    )
    assert texts(extract_html("<p>含有\x00空字符的文字，测试。</p>")) == [
        "含有空字符的文字，测试。"
    ]
    assert texts(extract_html(DECLARED)) == ["声明编码的页面，测试。"]
    deep_list = extract_html("<ol><li>" * DEEP + "深层列表。")
    assert texts(deep_list)[-1].endswith("深层列表。")


def test_non_string_input_gives_an_empty_page() -> None:
    assert extract_html(None) == HtmlPage(None, None, [])  # type: ignore[arg-type]
    assert extract_html(b"<p>bytes</p>") == HtmlPage(None, None, [])  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- fast-path helpers

_SPACES = [
    " ",
    "\t",
    "\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1f",
    "\x85",
    "\xa0",
    "\u2028",
    "\u3000",
]


@pytest.mark.parametrize(
    "text",
    ["", "押金", " a  b ", "押金\n退回", "押金 \n  退回", "a\nb", "中\u3000\n\u3000文", "，\n。",
     *(f"押{s}金{s * 2}退{s}" for s in _SPACES)],
)  # fmt: skip
def test_normalise_space_and_solid_len_match_their_regex_definitions(text: str) -> None:
    import re

    from pipeline.html_extract import _CJK_BREAK, _solid_len, _visible_len, normalise_space

    joined = _CJK_BREAK.sub("", text) if "\n" in text else text
    assert normalise_space(text) == re.sub(r"\s+", " ", joined).strip()
    assert _solid_len(text) == _visible_len(normalise_space(text))


def test_comment_and_pi_tails_stay_in_the_text() -> None:
    from lxml import etree

    from pipeline.html_extract import _rules, _Walker

    parser = etree.HTMLParser(remove_comments=False, remove_pis=False)
    root = etree.fromstring(
        "<html><body><p>押金<!-- 注释 -->一般<?pi x?>七天退回。</p></body></html>", parser
    )
    walker = _Walker(_rules())
    walker.walk(root)
    assert [b.text for b in walker.blocks] == ["押金一般七天退回。"]


@pytest.mark.parametrize(
    ("row", "flat"),
    [
        ("<tr><td>机型</td><td>押金</td></tr>", True),
        ("<tr><td><p>段落</p></td></tr>", False),
        ("<tr><td>一<br>二<br>三<br>四</td></tr>", False),
        ("<tr><td>一<br><br>二</td></tr>", False),
        ("<tr><td>一<br> <br>二</td></tr>", False),
        ("<tr><td>一<br>x<br>二</td></tr>", True),
        ("<tr><td>" + "长" * 301 + "</td></tr>", False),
        ("<tr><td><span>" + "长" * 300 + "</span></td></tr>", True),
    ],
)
def test_flat_row(row: str, flat: bool) -> None:
    from lxml import etree

    from pipeline.html_extract import _is_flat_row

    root = etree.fromstring(f"<html><body><table>{row}</table></body></html>", etree.HTMLParser())
    assert _is_flat_row(next(root.iter("tr"))) is flat
