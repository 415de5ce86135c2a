import json
import re
from pathlib import Path

import pytest

from pipeline import process_record
from pipeline.convert import to_simplified
from pipeline.tables import COLUMNS, doc_id
from tests.conftest import ARTICLE, REPO

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "CONTRACT.md"


def test_rows_have_exactly_the_contract_columns() -> None:
    rows = process_record({"source": "a.txt", "text": ARTICLE})
    assert set(rows) == set(COLUMNS)
    for table, table_rows in rows.items():
        assert table_rows, table
        for row in table_rows:
            assert tuple(row) == COLUMNS[table]


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared/CONTRACT.md not beside the repo")
def test_schemas_match_contract_document() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    for table, columns in COLUMNS.items():
        section = text.split(f"### {table}", 1)[1].split("###", 1)[0]
        documented = re.findall(r"^\| (\w+) \|", section, flags=re.M)
        assert tuple(c for c in documented if c != "column") == columns, table


def test_txt_article_end_to_end() -> None:
    rows = process_record({"source": "a.txt", "text": ARTICLE})
    article = rows["articles"][0]
    assert article["status"] == "ok" and article["error"] is None
    assert article["title"] == "信用卡分期怎么提前还款"
    assert article["doc_id"] == doc_id("a.txt")
    assert article["chars_out"] == len(article["text"]) and article["chars_in"] == len(ARTICLE)
    assert "相关文章" not in article["text"] and "返回顶部" not in article["text"]
    assert "信用卡逾期了怎么办" not in article["text"]
    assert {r["rule"] for r in rows["removed"]} == {"related_links", "ui_widget"}
    paragraphs = article["text"].split("\n")
    assert [t["para"] for t in rows["tokens"]] == list(range(len(paragraphs)))
    assert "".join(rows["tokens"][0]["tokens"]) == paragraphs[0].replace(" ", "")
    assert [s["marker"] for s in rows["steps"]] == ["第一步", "第二步"]
    assert any(f["fee_type"] == "违约金" for f in rows["fees"])


def test_traditional_big5_bytes_become_simplified() -> None:
    raw = "花唄協商不了怎麼辦\n用戶說(shuo)明還款困難的情況，客服電話95188。\n".encode("big5")
    article = process_record({"source": "t.txt", "raw": raw})["articles"][0]
    assert article["variant"] == "traditional"
    assert article["title"] == "花呗协商不了怎么办"
    assert article["text"] == "用户说明还款困难的情况，客服电话95188。"
    assert to_simplified(article["text"]) == article["text"]


def test_html_record_keeps_ol_numbering() -> None:
    html = (
        "<html><head><title>退押金流程_财经网</title>"
        "<link rel='canonical' href='https://x.example/a'></head><body><article>"
        "<p>POS机押金可以申请退还，流程如下，整个过程大约需要一周时间。</p>"
        "<ol><li>联系客服</li><li>寄回机器</li><li>等待退款</li></ol></article></body></html>"
    )
    rows = process_record({"source": "p.html", "html": html})
    article = rows["articles"][0]
    assert article["url"] == "https://x.example/a"
    assert "1. 联系客服" in article["text"] and "3. 等待退款" in article["text"]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"source": "e.txt", "raw": b""}, "empty file"),
        ({"source": "b.txt", "raw": bytes(range(256)) * 20}, "binary"),
        ({"source": "n.txt"}, "no text, html or raw"),
        ({"source": "j.jsonl#2", "error": "invalid JSON: Expecting value"}, "invalid JSON"),
        ({"source": "w.txt", "text": "返回顶部\n微信复制成功"}, "no article text left"),
    ],
)
def test_bad_records_become_error_rows(record: dict, reason: str) -> None:
    rows = process_record(record)
    assert [len(v) for k, v in rows.items() if k != "articles"] == [0, 0, 0, 0]
    (article,) = rows["articles"]
    assert article["status"] == "error" and reason in article["error"]
    assert tuple(article) == COLUMNS["articles"]


def test_pure_same_input_same_rows() -> None:
    record = {"source": "a.txt", "text": ARTICLE}
    first = json.dumps(process_record(record), ensure_ascii=False, sort_keys=True)
    process_record({"source": "other.txt", "text": "别的文章，内容不同。\n第二段内容。"})
    assert json.dumps(process_record(record), ensure_ascii=False, sort_keys=True) == first


def test_timings_collected_without_changing_answer() -> None:
    timings: dict[str, float] = {}
    record = {"source": "a.txt", "text": ARTICLE}
    assert process_record(record, timings=timings) == process_record(record)
    assert {"convert", "clean", "segment", "steps", "fees"} <= set(timings)


def test_stage_clock_adds_every_block_and_a_failing_one() -> None:
    import time

    from pipeline.record import _Clock

    timings: dict[str, float] = {}
    clock = _Clock(timings)
    with clock.stage("a"):
        time.sleep(0.01)
    with pytest.raises(ValueError):
        with clock.stage("a"):
            time.sleep(0.01)
            raise ValueError("stage failed")
    with clock.stage("b"):
        pass
    assert set(timings) == {"a", "b"} and timings["a"] >= 0.02 > timings["b"] >= 0
    untimed = _Clock(None)
    with untimed.stage("a"):
        pass
    assert untimed.timings is None


def test_rjieba_segmenter_option() -> None:
    rows = process_record({"source": "a.txt", "text": ARTICLE}, segmenter="rjieba")
    assert rows["tokens"] and "违约金" in [t for row in rows["tokens"] for t in row["tokens"]]


# --- stage by stage over a batch ---------------------------------------------------


def _batch() -> list[dict]:
    from pipeline import readers

    records: list[dict] = []
    for raw in (REPO / "raw", REPO / "tests" / "data" / "dev" / "raw"):
        files, _ = readers.scan(raw)
        for file in files:
            data, error = readers.read_bytes(file)
            records.extend(readers.records_from(file, data, error))
    records += [
        {"source": "empty.txt", "raw": b""},
        {"source": "none.txt"},
        {"source": "junk.html", "html": "<html><body><script>x</script></body></html>"},
        {"source": "bad.jsonl#3", "error": "invalid JSON: line 3"},
    ]
    return records


def test_batch_gives_each_record_its_own_rows() -> None:
    from pipeline.record import process_records

    records = _batch()
    timings: dict[str, float] = {}
    batch = process_records(records, timings=timings)
    assert batch == [process_record(record) for record in records]
    assert {"convert", "clean", "segment", "steps", "fees"} <= set(timings)
    statuses = {rows["articles"][0]["status"] for rows in batch}
    assert statuses == {"ok", "error"}


def test_guard_failure_makes_only_that_article_an_error_row() -> None:
    from contextlib import contextmanager

    from pipeline.record import process_records

    records = _batch()[:6]
    steps: dict[int, int] = {}

    @contextmanager
    def guard(index: int):
        steps[index] = steps.get(index, 0) + 1
        if index == 2 and steps[index] == 3:  # article 2's third step (clean)
            raise TimeoutError("timeout: over budget")
        yield

    guarded = process_records(records, guard=guard)
    plain = process_records(records)
    assert guarded[2]["articles"][0]["status"] == "error"
    assert guarded[2]["articles"][0]["error"] == "timeout: over budget"
    assert all(not guarded[2][name] for name in ("removed", "tokens", "steps", "fees"))
    assert guarded[:2] + guarded[3:] == plain[:2] + plain[3:]
    assert steps[2] == 3 and steps[0] == 6  # read, then five stages


def test_alarm_budget_is_shared_by_an_articles_steps() -> None:
    import time

    from pipeline.runner import BudgetExceeded, _budget

    with _budget(0.5) as guard:
        assert guard is not None
        with guard(0):
            time.sleep(0.3)
        with guard(1):  # another article has its own budget
            time.sleep(0.3)
        with pytest.raises(BudgetExceeded, match=r"time budget \(0.5 s\)"):
            with guard(0):  # 0.3 s spent, 0.2 s left
                time.sleep(0.4)
        with pytest.raises(BudgetExceeded):
            with guard(0):  # nothing left
                pass
