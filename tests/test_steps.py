"""Behaviour of pipeline.steps.extract_steps on hand-written articles in the genre."""

from __future__ import annotations

import random

import pytest

from pipeline.steps import extract_steps

KEYS = {"list_no", "heading", "step_no", "marker", "title", "text"}


def lists_of(rows: list[dict]) -> dict[int, list[dict]]:
    """Rows grouped by list_no."""
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r["list_no"], []).append(r)
    return out


def assert_well_formed(rows: list[dict]) -> None:
    """Exact keys, list_no from 1 in order, step_no contiguous from 1 within each list."""
    for r in rows:
        assert set(r) == KEYS
        assert isinstance(r["text"], str)
    groups = lists_of(rows)
    assert sorted(groups) == list(range(1, len(groups) + 1))
    for steps in groups.values():
        assert [s["step_no"] for s in steps] == list(range(1, len(steps) + 1))
        assert len(steps) >= 2


# ---------------------------------------------------------------- heading + body style

HEADING_BODY = [
    "不少用户在办完信用卡之后发现年费太高，想要销卡却不知道从哪里下手。下面按顺序说明。",
    "第一步：还清全部欠款",
    "销卡前要把账单、分期和取现的欠款全部还清，溢缴款也要先转出，否则银行不会受理。",
    "第二步：联系银行客服",
    "拨打卡片背面的客服电话，转人工后说明要注销信用卡，客服会核实身份。",
    "如果客服挽留，可以明确表示不再需要。",
    "第三步：等待注销生效",
    "银行一般会在四十五天后正式注销账户，期间不要再刷卡消费。",
    "总之，销卡并不复杂，只要提前还清欠款，按照上面的顺序操作就能顺利完成。",
]


def test_heading_body_steps_take_their_body_paragraphs() -> None:
    rows = extract_steps(HEADING_BODY, title="信用卡怎么注销")
    assert_well_formed(rows)
    assert [r["marker"] for r in rows] == ["第一步", "第二步", "第三步"]
    assert [r["title"] for r in rows] == ["还清全部欠款", "联系银行客服", "等待注销生效"]
    assert rows[0]["text"].startswith("还清全部欠款\n销卡前要把账单")
    assert "如果客服挽留" in rows[1]["text"]  # second body paragraph of step 2
    assert "四十五天" in rows[2]["text"]
    assert "总之" not in rows[2]["text"]  # the closing paragraph is not part of the last step


def test_marker_is_as_written_without_separator() -> None:
    rows = extract_steps(["第1步，打开手机银行APP", "第2步，点击转账汇款"], title="如何转账")
    assert [r["marker"] for r in rows] == ["第1步", "第2步"]
    assert rows[0]["text"] == "打开手机银行APP"


def test_buzhou_family() -> None:
    paras = [
        "退押金的操作步骤如下：",
        "步骤一：打开共享单车小程序，进入我的钱包",
        "步骤二：点击押金一栏，选择申请退还",
        "步骤三：确认退款原因后提交，押金原路退回",
    ]
    rows = extract_steps(paras)
    assert_well_formed(rows)
    assert [r["marker"] for r in rows] == ["步骤一", "步骤二", "步骤三"]
    assert rows[0]["heading"] == "退押金的操作步骤如下："


# ---------------------------------------------------------------- marker families

FAMILIES = [
    ("1.", "2.", "3."),
    ("1、", "2、", "3、"),
    ("1)", "2)", "3)"),
    ("1）", "2）", "3）"),
    ("(1)", "(2)", "(3)"),
    ("（1）", "（2）", "（3）"),
    ("①", "②", "③"),
    ("⑴", "⑵", "⑶"),
    ("一、", "二、", "三、"),
    ("（一）", "（二）", "（三）"),
]


@pytest.mark.parametrize("markers", FAMILIES, ids=lambda m: m[0])
def test_each_marker_family(markers: tuple[str, str, str]) -> None:
    bodies = [
        "登录物业缴费平台，进入个人中心。",
        "选择需要退还的装修押金，填写银行卡号。",
        "提交申请并等待物业审核，一般三个工作日到账。",
    ]
    paras = ["装修押金的退还流程", *(m + b for m, b in zip(markers, bodies, strict=True))]
    rows = extract_steps(paras)
    assert_well_formed(rows)
    assert [r["marker"] for r in rows] == list(markers)
    assert [r["text"] for r in rows] == bodies
    assert rows[0]["heading"] == "装修押金的退还流程"
    assert rows[0]["title"] == "登录物业缴费平台"


def test_html_ordered_list_items() -> None:
    paras = [
        "网上申请停车月卡的方法",
        "1. 关注停车场公众号并绑定车牌",
        "2. 选择月卡套餐后在线支付",
        "3. 支付成功后系统自动开通",
    ]
    rows = extract_steps(paras)
    assert [r["marker"] for r in rows] == ["1.", "2.", "3."]
    assert rows[1]["text"] == "选择月卡套餐后在线支付"


# ---------------------------------------------------------------- run-together steps

INLINE = [
    "燃气费多交了可以申请退还，很多人不清楚办法。 燃气费退费的办理流程 "
    "目前各地燃气公司都支持线上办理，大致分为以下步骤: "
    "1.打开燃气公司APP 在首页找到“业务办理”栏目，使用户号登录。 "
    "2.选择预存款退还 系统会显示可退金额，例如1.5万元的预存款扣除未结费用后退回。 "
    "3.上传身份证明 按页面提示拍摄身份证正反面，并填写收款银行卡。 "
    "退费时的注意事项 在申请之前，用户需要留意以下几点: "
    "1.确认没有欠费 有欠费记录的户号无法退费。 "
    "2.保留缴费凭证 以便核对金额。",
]


def test_inline_steps_are_split_and_notes_skipped() -> None:
    rows = extract_steps(INLINE)
    assert_well_formed(rows)
    assert len(lists_of(rows)) == 1
    assert [r["title"] for r in rows] == ["打开燃气公司APP", "选择预存款退还", "上传身份证明"]
    assert rows[0]["heading"] == "燃气费退费的办理流程"
    assert "1.5万元" in rows[1]["text"]  # a decimal is not a marker
    assert "注意事项" not in rows[2]["text"]  # the next section's heading is cut off
    assert rows[2]["text"].endswith("收款银行卡。")


def test_inline_circled_and_semicolons() -> None:
    para = "网点挂失的流程很简单：①取号后告诉柜员要挂失；②柜员核对身份证；③签字确认，领取回执。"
    rows = extract_steps([para])
    assert [r["marker"] for r in rows] == ["①", "②", "③"]
    assert rows[0]["text"] == "取号后告诉柜员要挂失"
    assert rows[2]["text"] == "签字确认，领取回执。"


def test_numbers_inside_text_do_not_split() -> None:
    paras = [
        "提前还款的具体做法",
        "1、在2024.05.20之前登录APP，查看日息0.05%的借款，选择版本3.2以上的还款入口。",
        "2、拨打400-123-4567确认金额，5G套餐用户可免流量费，年化利率3.6%。",
        "3、还款后在2024年6月1日前截图保存凭证，支持1、2、3期同时结清。",
    ]
    rows = extract_steps(paras)
    assert_well_formed(rows)
    assert len(rows) == 3
    assert "0.05%" in rows[0]["text"] and "3.2" in rows[0]["text"]
    assert "400-123-4567" in rows[1]["text"]
    assert "1、2、3期" in rows[2]["text"]


def test_section_numbers_are_headings_not_steps() -> None:
    paras = [
        "第一部分：分期付款是什么",
        "1.1 分期付款的定义",
        "分期付款是先拿商品后按月还款的消费方式。",
        "1.2 分期付款的费用",
        "费用一般按月收取，不同平台差别较大。",
        "2.1 如何申请",
        "在购物平台结算页选择分期即可。",
    ]
    assert extract_steps(paras, title="分期付款怎么申请") == []


# ---------------------------------------------------------------- sub-lists

SUBLIST = [
    "ETC注销的办理流程",
    "1、联系发行方客服，说明要注销ETC。",
    "2、选择注销方式：",
    "（1）线上注销：在小程序里提交注销申请，寄回设备。",
    "（2）线下注销：携带身份证和车辆到服务网点办理。",
    "3、等待审核通过后，设备押金退回原账户。",
]


def test_sub_list_is_its_own_procedure() -> None:
    rows = extract_steps(SUBLIST)
    assert_well_formed(rows)
    groups = lists_of(rows)
    assert [s["marker"] for s in groups[1]] == ["1、", "2、", "3、"]
    assert [s["marker"] for s in groups[2]] == ["（1）", "（2）"]
    assert groups[2][0]["heading"] == "选择注销方式"
    assert groups[2][0]["title"] == "线上注销"
    assert groups[1][2]["text"].startswith("等待审核")


def test_sections_holding_their_own_lists_are_not_steps() -> None:
    paras = [
        "一、在手机APP里关闭",
        "首先，打开APP点击右下角的我的。",
        "然后，进入设置找到自动续费管理。",
        "最后，点击关闭并确认。",
        "二、在支付宝里解约",
        "如果是通过支付宝签约的，需要到支付宝里操作：",
        "1、打开支付宝进入我的设置",
        "2、选择支付设置里的免密支付",
        "3、找到对应服务点击解约",
    ]
    rows = extract_steps(paras, title="自动续费怎么关闭")
    assert_well_formed(rows)
    groups = lists_of(rows)
    assert [s["marker"] for s in groups[1]] == ["首先", "然后", "最后"]
    assert [s["marker"] for s in groups[2]] == ["1、", "2、", "3、"]
    assert groups[1][0]["heading"] == "在手机APP里关闭"
    assert all(r["marker"] not in ("一、", "二、") for r in rows)


def test_short_body_lines_and_stray_line_between_steps() -> None:
    paras = [
        "第一步：打开银行APP",
        "在手机桌面找到图标",
        "第二步：进入贷款页面",
        "首页下方的贷款专区",
        "关注公众号领取福利",
        "第三步：点击提前还款",
        "页面右上角的按钮",
    ]
    rows = extract_steps(paras, title="房贷怎么提前还")
    assert_well_formed(rows)
    assert [r["marker"] for r in rows] == ["第一步", "第二步", "第三步"]
    assert rows[0]["text"] == "打开银行APP\n在手机桌面找到图标"
    assert "关注公众号" not in rows[1]["text"]
    assert rows[2]["text"] == "点击提前还款\n页面右上角的按钮"


def test_section_numerals_with_a_nested_list_are_sections() -> None:
    paras = [
        "一、线上申请",
        "1、打开营业厅APP",
        "2、选择宽带业务",
        "3、提交预约信息",
        "二、线下申请",
        "带上身份证到营业厅柜台即可。",
    ]
    rows = extract_steps(paras, title="宽带怎么申请")
    assert [r["marker"] for r in rows] == ["1、", "2、", "3、"]
    assert rows[0]["heading"] == "线上申请"


def test_sequence_words_inside_one_paragraph() -> None:
    paras = [
        "被多扣了会员费，可以按下面的做法申请退回。",
        "首先，登录APP找到人工客服。然后，说明扣费时间和金额。最后，客服拒绝的话向支付平台投诉。",
    ]
    rows = extract_steps(paras)
    assert [r["marker"] for r in rows] == ["首先", "然后", "最后"]
    assert rows[1]["text"] == "说明扣费时间和金额。"


def test_sequence_words_after_a_colon_and_commas() -> None:
    para = (
        "公积金贷款每月扣多少一查就知道。查询办法：首先登录公积金中心网站，"
        "接着打开个人贷款栏目，最后点开还款计划，就能看到每期的金额。"
    )
    rows = extract_steps(["公积金贷款月供是怎么算的", para])
    assert_well_formed(rows)
    assert [r["marker"] for r in rows] == ["首先", "接着", "最后"]
    assert [r["text"] for r in rows][:2] == ["登录公积金中心网站", "打开个人贷款栏目"]
    assert rows[2]["text"].startswith("点开还款计划")


def test_sequence_words_in_traditional_text_through_the_pipeline() -> None:
    from pipeline import process_record

    text = (
        "保單怎麼辦理解約？\n"
        "很多人不清楚解約怎麼辦理，業務員是這樣說的：首先備妥保單正本與身分證件；"
        "然後到保險公司櫃檯填寫解約申請書；最後等待解約金匯入指定帳戶。\n"
        "解約前要先確認保單價值。"
    )
    rows = process_record({"source": "tw.txt", "text": text})["steps"]
    assert [r["marker"] for r in rows] == ["首先", "然后", "最后"]
    assert rows[1]["text"].startswith("到保险公司柜台")


def test_sequence_after_a_lead_in_colon_continues_in_later_paragraphs() -> None:
    paras = [
        "问：电费交多了能退吗？",
        "答：可以退，具体操作：首先登录电网APP，进入账户余额页面。",
        "然后选择余额退费，填写收款银行卡。",
        "最后提交申请，等待三个工作日。",
    ]
    rows = extract_steps(paras)
    assert [r["marker"] for r in rows] == ["首先", "然后", "最后"]
    assert rows[0]["text"].startswith("登录电网APP")


def test_discourse_sequence_in_a_reasons_sentence_is_not_a_procedure() -> None:
    para = "贷款被拒的原因很多：首先是征信查询太多，其次是负债偏高，最后是收入证明不足。"
    assert extract_steps([para], title="贷款被拒怎么办") == []


def test_numbered_sub_list_inside_a_step_line() -> None:
    paras = [
        "个税退税的办理步骤",
        "第一步：下载个人所得税APP并实名注册。",
        "第二步：在首页选择综合所得年度汇算。",
        "第三步：带上证明材料去办税服务厅核验，顺序是："
        "1）取号排队；2）窗口核验身份；3）打印完税证明。",
    ]
    rows = extract_steps(paras)
    assert_well_formed(rows)
    groups = lists_of(rows)
    assert [s["marker"] for s in groups[1]] == ["第一步", "第二步", "第三步"]
    assert [s["marker"] for s in groups[2]] == ["1）", "2）", "3）"]
    assert groups[2][0]["heading"] == "带上证明材料去办税服务厅核验"
    assert groups[2][0]["text"] == "取号排队"


def test_materials_inside_a_step_line_are_not_steps() -> None:
    paras = [
        "第一步：电话预约办理时间。",
        "第二步：到服务网点办理，需要准备：1）户口本；2）结婚证；3）房产证复印件。",
        "第三步：领取办理回执。",
    ]
    rows = extract_steps(paras, title="公积金提取流程")
    assert [r["marker"] for r in rows] == ["第一步", "第二步", "第三步"]


CHARGES = [
    "装修贷提前结清以后，我把整个过程整理了一下。",
    "先列一下前后被收了哪些费用：",
    "一、账户管理费。每个月30元，签合同时根本没注意。",
    "二、提前结清违约金。按剩余本金的2%收取。",
    "三、上门评估费。一次性收了500元。",
    "结清流程：",
    "1、打电话给银行客服申请提前结清。",
    "2、把钱存进还款账户。",
]


def test_a_list_of_charges_is_not_a_procedure() -> None:
    rows = extract_steps(CHARGES, title="装修贷提前结清流程分享")
    assert_well_formed(rows)
    assert [r["marker"] for r in rows] == ["1、", "2、"]


def test_items_naming_charges_are_not_steps_even_under_a_procedural_title() -> None:
    paras = ["说一下都交了什么。", "1、开户手续费", "2、年度服务费", "3、逾期滞纳金"]
    assert extract_steps(paras, title="信用卡怎么办理") == []
    rates = ["违约金按以下标准收取：", "1、未满半年收3%", "2、满半年收2%", "3、满一年免收"]
    assert extract_steps(rates, title="车贷怎么提前还") == []


def test_paren_sub_list_after_a_step_and_a_later_numbered_list() -> None:
    paras = [
        "退订流程",
        "1、确认订单状态。在我的订单里查看是否已经发货。",
        "2、在线提交退订。客服审核后会发来短信，具体做法是：",
        "(1)点开短信链接并登录账号；",
        "(2)上传付款截图；",
        "(3)选择退款账户后提交。",
        "3、等待退款到账，一般五个工作日。",
        "商家拒绝退订怎么办",
        "遇到商家拒绝，建议按这个顺序处理：",
        "1. 先保存聊天记录，要求商家书面说明理由",
        "2. 商家不回应的，向平台申请介入",
        "3. 平台处理不了的，向12315反映",
    ]
    rows = extract_steps(paras, title="预售商品怎么退订")
    assert_well_formed(rows)
    groups = lists_of(rows)
    assert [s["marker"] for s in groups[1]] == ["1、", "2、", "3、"]
    assert groups[1][2]["text"].startswith("等待退款到账")
    assert [s["marker"] for s in groups[2]] == ["(1)", "(2)", "(3)"]
    assert [s["marker"] for s in groups[3]] == ["1.", "2.", "3."]
    assert groups[3][0]["text"].startswith("先保存聊天记录")


def test_sub_list_after_a_separate_lead_in_paragraph_keeps_the_parent_going() -> None:
    paras = [
        "1、登录APP提交申请。",
        "2、按要求补充资料。",
        "系统会推送一个表单，操作如下：",
        "(1)填写联系方式；",
        "(2)上传身份证照片；",
        "3、等待审核结果。",
    ]
    rows = extract_steps(paras, title="怎么申请停息挂账")
    markers = [r["marker"] for r in rows]
    assert markers == ["1、", "2、", "3、", "(1)", "(2)"]


def test_notice_items_in_a_stated_procedure() -> None:
    paras = [
        "各位会员：",
        "门店将于下月停业，现将预付卡退费安排告知如下。",
        "退卡办理程序如下：",
        "一、会员携带会员卡和身份证到前台填写退卡申请；",
        "二、门店在五个工作日内核算剩余金额；",
        "三、财务将剩余款项退回会员原付款账户。",
        "特此通知。",
    ]
    rows = extract_steps(paras, title="关于门店停业退卡的提示")
    assert [r["marker"] for r in rows] == ["一、", "二、", "三、"]


def test_section_numbered_actions_under_a_how_to_intro() -> None:
    paras = [
        "健身房跑路以后，会员可以这样维权：",
        "（一）保存证据。保留合同、付款记录和课程记录。",
        "（二）集体投诉。联合其他会员向市场监管部门投诉。",
        "（三）提起诉讼。金额较大的可以向法院起诉。",
    ]
    rows = extract_steps(paras, title="健身房跑路了预付款还能要回来吗")
    assert [r["marker"] for r in rows] == ["（一）", "（二）", "（三）"]


def test_ordered_actions_in_an_answer() -> None:
    paras = [
        "问：二手车定金交了五千，对方一直拖着不退，这种情况该找谁？",
        "答：可以按下面的次序来：",
        "(1) 先沟通，把转账记录发给对方。",
        "(2) 发律师函，写明退还期限。",
        "(3) 向消协反映，请求调解。",
        "(4) 起诉，小额诉讼成本不高。",
    ]
    rows = extract_steps(paras)
    assert [r["marker"] for r in rows] == ["(1)", "(2)", "(3)", "(4)"]


def test_advice_intro_without_order_words_stays_a_tip_list() -> None:
    paras = ["给大家几条建议：", "1、借款前看清合同", "2、不要借超过能力的钱", "3、按时还款"]
    assert extract_steps(paras, title="网贷怎么借") == []


# ---------------------------------------------------------------- not procedures


def test_alternatives_are_not_steps() -> None:
    paras = ["还款方式有以下几种：", "1、拨打客服电话还款", "2、发送短信还款", "3、到营业厅还款"]
    assert extract_steps(paras, title="如何还款") == []


@pytest.mark.parametrize(
    "heading",
    ["办理前的注意事项", "关于退押金的常见问题", "押金退不回来的原因", "申请分期需要满足的条件"],
)
def test_non_procedure_lists_are_skipped(heading: str) -> None:
    paras = [
        heading,
        "1、确认账户里没有未结清的订单。",
        "2、检查绑定的手机号是否还在使用。",
        "3、保留好付款截图和聊天记录。",
    ]
    assert extract_steps(paras, title="押金怎么退") == []


def test_notes_intro_sentence_outranks_neutral_heading() -> None:
    paras = [
        "网贷结清以后",
        "结清之后还需要留意以下几点：",
        "1. 申请开具结清证明。",
        "2. 查看征信是否更新。",
    ]
    assert extract_steps(paras) == []


def test_related_links_and_contents_are_skipped() -> None:
    paras = [
        "目录",
        "1. 车贷提前还款的流程",
        "2. 提前还款的费用",
        "车贷提前还款的流程",
        "1、打电话给贷款机构预约提前还款。",
        "2、按约定日期把钱存进还款账户。",
        "提前还款的费用",
        "多数机构会收取剩余本金百分之一到三的违约金。",
        "相关阅读",
        "1. 房贷怎么提前还",
        "2. 信用卡逾期怎么办",
    ]
    rows = extract_steps(paras, title="车贷提前还款怎么办理")
    assert_well_formed(rows)
    assert [r["text"][:4] for r in rows] == ["打电话给", "按约定日"]


def test_orphan_and_single_items_are_not_lists() -> None:
    paras = [
        "办理流程",
        "2、提交申请表。",
        "3、等待审核。",
        "操作方法",
        "1、打开APP。",
    ]
    assert extract_steps(paras) == []


# ---------------------------------------------------------------- 首先 … 最后


def test_sequence_words_make_a_procedure() -> None:
    paras = [
        "话费充错号码以后可以这样处理：",
        "首先，马上拨打运营商客服热线说明情况。",
        "其次，提供充值记录和本人身份证信息。",
        "然后，等待运营商联系对方号码的机主。",
        "最后，对方同意后款项会退回原支付账户。",
    ]
    rows = extract_steps(paras)
    assert_well_formed(rows)
    assert [r["marker"] for r in rows] == ["首先", "其次", "然后", "最后"]
    assert rows[0]["text"] == "马上拨打运营商客服热线说明情况。"
    assert rows[0]["title"] == "马上拨打运营商客服热线说明情况"


def test_two_sequence_words_are_not_enough() -> None:
    paras = ["首先，登录账户。", "最后，确认提交。"]
    assert extract_steps(paras, title="如何操作") == []


def test_sequence_words_in_a_reasons_section_are_skipped() -> None:
    paras = [
        "分期被拒的原因",
        "首先，征信查询次数太多。",
        "其次，负债率偏高。",
        "最后，填写的资料不完整。",
    ]
    assert extract_steps(paras) == []


# ---------------------------------------------------------------- article title as context


def test_title_gives_context_to_first_list() -> None:
    paras = [
        "很多人不知道这个功能藏在哪里。",
        "1、进入微信钱包",
        "2、点击右上角的三个点",
        "3、选择支付设置",
    ]
    assert len(extract_steps(paras, title="微信免密支付怎么关闭")) == 3
    neutral = ["很多人关心这件事。", "1、普通卡", "2、金卡", "3、白金卡"]
    assert extract_steps(neutral, title="信用卡的等级") == []


def test_several_procedures_are_numbered_in_reading_order() -> None:
    paras = [
        "线上申请的步骤",
        "1. 打开银行APP",
        "2. 填写申请资料",
        "线下办理的方法",
        "① 携带身份证到网点",
        "② 填写纸质申请表",
    ]
    rows = extract_steps(paras)
    assert_well_formed(rows)
    assert [(r["list_no"], r["step_no"], r["marker"]) for r in rows] == [
        (1, 1, "1."),
        (1, 2, "2."),
        (2, 1, "①"),
        (2, 2, "②"),
    ]
    assert rows[2]["heading"] == "线下办理的方法"


# ---------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["1、" * 1_000_000],
        ["1、 " * 1_000_000],
        ["1、登录 2、提交 " * 200_000],
        ["测" * 100_000],
        ["第一步" * 300_000],
        ["（1）" * 300_000, "①" * 300_000],
        ["1.1.1." * 200_000],
        [f"{i % 60 + 1}. 打开" for i in range(20_000)],
        ["首先", "然后", "最后"] * 5_000,
        ["：首先" * 300_000],
        ["，首先，然后，最后" * 100_000],
        ["说明：首先打开", "然后点击", "最后确认"] * 5_000,
        ["按" * 100_000 + "顺序" + "1、违约金" * 10_000],
        ["2、提交：1）取号；2）核对；3）领取" * 20_000],
        [],
        [""],
        ["\n\n  \n"],
    ],
    ids=lambda p: f"{len(p)}x{len(p[0]) if p else 0}",
)
def test_hostile_input_never_raises(paragraphs: list[str]) -> None:
    rows = extract_steps(paragraphs, title="如何办理")
    assert isinstance(rows, list)
    assert_well_formed(rows)


def test_random_marker_soup_never_raises() -> None:
    rng = random.Random(7)
    alphabet = "1234.、)(（）①⑴一二十第步骤首先然后最后 。：:,，\n注意流程"
    for _ in range(50):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        assert_well_formed(extract_steps(text.split("\n"), title=text[:10]))


def test_odd_input_types() -> None:
    assert extract_steps(None) == []  # type: ignore[arg-type]
    assert extract_steps([None, 3, "1、打开"], title=None) == []  # type: ignore[list-item]
    rows = extract_steps("办理流程\n1、打开APP\n2、提交申请")  # type: ignore[arg-type]
    assert [r["marker"] for r in rows] == ["1、", "2、"]


# ---------------------------------------------------------------- fast paths agree with plain re

SOUP = (
    "1234０٣𝟏.．、)）(（①⑳⑴一二十第步骤首先然后最后 \t\u3000。；;：:,，!？”》\nabAZ注意流程建议费😀"
)


def _soups(seed: int, count: int, size: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(SOUP) for _ in range(rng.randint(0, size))) for _ in range(count)]


def test_marker_scan_finds_what_finditer_finds() -> None:
    from itertools import islice

    from pipeline import steps

    regex, names = steps._marker_re()
    for text in _soups(11, 3000, 60):
        expected = []
        for m in islice(regex.finditer(text), steps.MAX_MARKS_PER_PARA):
            i = int(m.lastgroup[1:])
            number = steps._to_int(m.group(f"n{i}"))
            if number > 0:
                expected.append((names[i], number, m.group(), m.start(), m.end()))
        assert [tuple(mk) for mk in steps._find_marks(text)] == expected, text


def test_marker_scan_uses_its_quick_forms() -> None:
    """The rules allow the quick scan: known first characters, a gate, one astral range."""
    from pipeline import steps

    _, first, _ = steps._marker_alternation()
    assert steps._family_starts() is not None
    assert steps._marker_gate()
    assert steps._marker_first(first).endswith("\U00010000-\U0010ffff]")


def test_marker_scan_stops_after_the_bound() -> None:
    from pipeline import steps

    marks = steps._find_marks("①" * (steps.MAX_MARKS_PER_PARA + 50))
    assert len(marks) == steps.MAX_MARKS_PER_PARA


def _chunks_by_loop(text: str) -> list[tuple[int, str]]:
    """The chunking rule spelled out: runs of non-space, joined across one space between
    ASCII letters or digits, from the first 400 runs."""
    import re
    from itertools import islice

    out: list[tuple[int, str]] = []
    for m in islice(re.finditer(r"\S+", text), 400):
        if out:
            start, prev = out[-1]
            joins = prev[-1].isascii() and prev[-1].isalnum() and m.group()[0].isascii()
            if joins and m.group()[0].isalnum() and m.start() == start + len(prev) + 1:
                out[-1] = (start, text[start : m.end()])
                continue
        out.append((m.start(), m.group()))
    return out


def test_chunks_follow_the_rule() -> None:
    from pipeline import steps

    texts = [*_soups(12, 3000, 40), "ab cd  ef 1 2\t3\u3000x", "a " * 500, "中 a b" * 300]
    for text in texts:
        assert steps._chunks(text) == _chunks_by_loop(text), text
        assert steps._chunk_texts(text) == [w for _, w in _chunks_by_loop(text)]


def test_clean_content_matches_the_separator_patterns() -> None:
    from pipeline import steps

    for text in [*_soups(13, 3000, 12), "，" + " ，" * 1000, "a、 ;\u3000，"]:
        expected = steps._TRAIL_SEP_RE.sub("", steps._LEAD_SEP_RE.sub("", text, count=1))
        assert steps._clean_content(text) == expected, text


def test_word_lists_match_as_substrings() -> None:
    from pipeline import steps

    keys = [k for k, v in steps._rules().items() if isinstance(v, list) and k != "marker_families"]
    for text in [*_soups(14, 300, 30), "小程序如何办理", "注意事项", ""]:
        for key in keys:
            assert steps._has(text, key) == any(w in text for w in steps._words(key)), key
        first = steps._rules()["sequence_words"]["first"]
        assert steps._has_first_word(text) == any(w in text for w in first)


def test_every_space_but_the_space_is_unprintable() -> None:
    """_holds_heading skips text with no " " that is printable: it holds no whitespace."""
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert [ch for ch in spaces if ch != " " and ch.isprintable()] == []


def test_verb_openings_match_prefix_then_verb() -> None:
    from pipeline import steps

    texts = [*_soups(15, 300, 10), "先登录", "  请点击", "需要缴纳", "然后再登录", "交违约金"]
    for text in texts:
        for key in ("action_verbs", "fee_verbs"):
            t = text.lstrip()[:12]
            expected = any(
                t.startswith(p) and t[len(p) :].startswith(steps._words(key))
                for p in ("", *steps._words("verb_prefixes"))
            )
            assert steps._starts_with_verb(text, key) == expected, (text, key)


def test_marks_by_line_equal_find_marks_of_each_line() -> None:
    """One scan of the joined lines finds each line's markers, as if scanned alone."""
    from pipeline import steps

    assert steps._joined_scan_exact()
    texts = _soups(16, 300, 400)
    for text in texts:
        lines = [x for x in text.replace("\n", "\u3000").split("\u3000") if x]
        found = steps._marks_by_line(lines, "\n".join(lines))
        expected = {i: m for i, line in enumerate(lines) if (m := steps._find_marks(line))}
        assert found == expected, lines


def test_marks_by_line_stop_after_the_bound_per_line() -> None:
    from pipeline import steps

    lines = ["①" * (steps.MAX_MARKS_PER_PARA + 50), "1.a", "x②" * 3000, "（1）b"]
    found = steps._marks_by_line(lines, "\n".join(lines))
    assert found == {i: steps._find_marks(line) for i, line in enumerate(lines)}
    assert len(found[0]) == len(found[2]) == steps.MAX_MARKS_PER_PARA


@pytest.mark.parametrize(
    ("pattern", "sees"),
    [
        (r"第(?P<n>\d{1,2})步(?!骤)", False),
        (r"(?P<n>\d{1,2})[.．](?![\d.．])", False),
        (r"(?P<n>\d)\b", False),
        (r"(?P<n>\d)(?!\s)", True),
        (r"(?P<n>\d)[^x]", True),
        (r"(?P<n>\d)\D", True),
        (r"(?P<n>\d)$", True),
        (r"(?s:.)(?P<n>\d)", True),
        (r".(?P<n>\d)", False),
        (r"(?<=\n)(?P<n>\d)", True),
        (r"[\t-\r](?P<n>\d)", True),
    ],
)
def test_sees_newline(pattern: str, sees: bool) -> None:
    import re

    from pipeline import steps

    parsed = list(steps._sre_parse.parse(pattern))
    assert steps._sees_newline(parsed, 0) is sees
    assert re.compile(pattern)  # a valid pattern


def test_paragraphs_are_the_stripped_lines_of_each_text() -> None:
    from pipeline import steps

    rng = random.Random(17)
    pieces = [
        "a",
        " b ",
        "中文",
        "\n",
        "\r",
        "\r\n",
        "\x0b",
        "\x1c",
        "\x85",
        "\u2028",
        "\u3000",
        "",
    ]
    for _ in range(2000):
        paragraphs: list = [
            "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
            for _ in range(rng.randint(0, 5))
        ]
        if rng.random() < 0.2:
            paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice([None, 3, b"x"]))
        expected = [
            line.strip()
            for p in paragraphs
            if isinstance(p, str)
            for line in p.splitlines()
            if line.strip()
        ]
        assert steps._paragraphs(paragraphs) == expected, paragraphs


def test_accept_of_one_marker_follows_the_rule() -> None:
    from pipeline import steps

    for start in (0, 3):
        for number in (1, 2, 3):
            for carried in ({}, {"f": 1}, {"f": 2}, {"g": 1}):
                mk = steps._Mark("f", number, "x", start, start + 1)
                ok = start == 0 or (number > 1 and carried.get("f") == number - 1)
                assert steps._accept([mk], carried) == ([mk] if ok else [])
                two = steps._accept([mk, steps._Mark("h", 9, "y", 9, 10)], carried)
                assert (mk in two) == ok


def test_lead_separators_are_the_class_of_the_lead_pattern() -> None:
    import sys

    from pipeline import steps

    for c in range(sys.maxunicode + 1):
        ch = chr(c)
        leads = ch in steps._LEAD_SEPS or ch.isspace()
        assert (steps._LEAD_SEP_RE.match(ch) is not None) == leads, hex(c)
        trails = ch in steps._TRAIL_SEPS or ch.isspace()
        assert (steps._TRAIL_SEP_RE.search("a" + ch) is not None) == trails, hex(c)


def test_not_heading_pattern_is_punctuation_or_a_date() -> None:
    import re

    from pipeline import steps

    punct, date = re.compile(r"[。；;！!，,]"), re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")
    rng = random.Random(18)
    alphabet = "0123456789٣ -/.年。；;！!，,月日中a \t"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    for text in [*texts, *_soups(19, 2000, 30), "2024 - 06", "2024年6月", "12345"]:
        expected = punct.search(text) is not None or date.search(text) is not None
        assert (steps._NOT_HEADING_RE.search(text) is not None) == expected, text


def test_clause_end_pattern_finds_what_the_alternation_finds() -> None:
    import re

    from pipeline import steps

    plain = re.compile(r"[:：，,。；;！!？?]|(?<![A-Za-z0-9])\s|\s(?![A-Za-z0-9])")
    rng = random.Random(20)
    alphabet = "ab1 \t\u3000:：，,。中?！x9\u00a0"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(5000)]
    for text in [*texts, *_soups(21, 2000, 30)]:
        expected = [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in steps._CLAUSE_END_RE.finditer(text)] == expected, text
