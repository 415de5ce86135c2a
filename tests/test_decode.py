import codecs

import pytest

from pipeline.decode import DecodeError, decode_bytes

TRAD = "花唄協商不了怎麼辦，用戶可以撥打客服電話進行諮詢。"
SIMP = "花呗协商不了怎么办，用户可以拨打客服电话进行咨询。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SIMP.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMP.encode("utf-8"), "utf-8"),
        (SIMP.encode("gbk"), "gb18030"),
        (SIMP.encode("gb18030"), "gb18030"),
        (TRAD.encode("big5"), "cp950"),
        (SIMP.encode("utf-16"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + SIMP.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_decodes_every_contract_encoding(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert decoded.text in (SIMP, TRAD)


def test_html_declared_gb2312_reads_as_gb18030() -> None:
    page = b'<meta charset="gb2312"><p>' + SIMP.encode("gbk")
    decoded = decode_bytes(page, html=True)
    assert decoded.encoding == "gb18030"
    assert SIMP in decoded.text


def test_wrong_declared_charset_falls_back_to_what_decodes() -> None:
    page = b'<meta charset="utf-8"><p>' + SIMP.encode("gbk")
    assert SIMP in decode_bytes(page, html=True).text


def test_mixed_encodings_keep_readable_part() -> None:
    data = SIMP.encode("utf-8") * 3 + TRAD.encode("big5")[:6] + SIMP.encode("utf-8")
    text = decode_bytes(data).text
    assert text.startswith(SIMP) and text.endswith(SIMP)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n", "only whitespace"),
        (bytes(range(256)) * 40, "binary"),
        (codecs.BOM_UTF8, "byte-order mark"),
    ],
)
def test_unreadable_input_has_clear_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


def test_big5_circled_numbers_read_as_cp950_not_hkscs() -> None:
    text = "線下銷戶流程：①本人攜帶身份證到營業廳。②簽字確認。"
    assert decode_bytes(text.encode("big5")).text == text


def test_hkscs_only_text_falls_back_to_big5hkscs() -> None:
    text = "香港用戶可到門市辦理，手續費𨋢"  # 𨋢 exists only in HKSCS
    decoded = decode_bytes(text.encode("big5hkscs"))
    assert decoded.text == text and decoded.encoding == "big5hkscs"
