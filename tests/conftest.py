"""Shared fixtures: a small raw folder in every format and encoding the contract lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

ARTICLE = (
    "信用卡分期怎么提前还款\n"
    "很多持卡人办理了账单分期，后来手头宽裕了，想一次性还清剩余本金。\n"
    "第一步：登录手机银行APP\n"
    "打开手机银行，进入信用卡页面，找到分期管理。\n"
    "第二步：申请提前还款\n"
    "选择要结清的分期，提交申请，系统会显示需要支付的违约金。\n"
    "提前还款通常要收取剩余本金3%的违约金，部分银行免收手续费。\n"
    "相关文章：\n"
    "信用卡逾期了怎么办\n"
    "如何提高信用卡额度\n"
    "信用卡年费怎么免除\n"
    "返回顶部\n"
)


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A raw/ folder with txt (UTF-8, GBK, Big5), html and jsonl (one bad line)."""
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "utf8.txt").write_text(ARTICLE, encoding="utf-8")
    (raw / "sub" / "gbk.txt").write_bytes(ARTICLE.encode("gbk"))
    traditional = "花唄協商不了怎麼辦\n用戶可以撥打客服電話95188進行諮詢，說明還款困難的情況。\n"
    (raw / "big5.txt").write_bytes(traditional.encode("big5"))
    (raw / "page.html").write_text(
        "<html><head><title>POS机怎么退押金_财经网</title></head><body>"
        "<nav>首页 贷款 理财</nav><div class='content'><h1>POS机怎么退押金</h1>"
        "<p>办理POS机时缴纳的押金，在满足条件后可以申请退还。</p>"
        "<ol><li>联系客服说明退机原因</li><li>寄回机器并提交押金凭证</li>"
        "<li>等待审核通过后退款到账</li></ol>"
        "<p>一般审核需要7个工作日，押金299元会原路退回。</p></div>"
        "<footer>Copyright © 财经网 京ICP备12345678号</footer></body></html>",
        encoding="utf-8",
    )
    lines = [
        json.dumps({"url": "https://a.example/1", "title": "话费退款", "text": ARTICLE}),
        "{not json",
        json.dumps({"title": "no body"}),
        json.dumps(["a", "list"]),
    ]
    (raw / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return raw
