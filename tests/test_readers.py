from pathlib import Path

from pipeline.readers import read_bytes, records_from, scan


def _records(raw: Path) -> list[dict]:
    files, _ = scan(raw)
    out = []
    for file in files:
        data, error = read_bytes(file)
        out.extend(records_from(file, data, error))
    return out


def test_scan_finds_every_input_kind_in_stable_order(raw_dir: Path) -> None:
    (raw_dir / "notes.md").write_text("ignored", encoding="utf-8")
    (raw_dir / ".hidden.txt").write_text("ignored", encoding="utf-8")
    files, warnings = scan(raw_dir)
    assert [f.source for f in files] == [
        "batch.jsonl",
        "big5.txt",
        "page.html",
        "sub/gbk.txt",
        "utf8.txt",
    ]
    assert warnings == []


def test_jsonl_lines_become_records_with_errors_per_bad_line(raw_dir: Path) -> None:
    records = {r["source"]: r for r in _records(raw_dir)}
    assert records["batch.jsonl#1"]["url"] == "https://a.example/1"
    assert "text" in records["batch.jsonl#1"]
    assert "invalid JSON" in records["batch.jsonl#2"]["error"]
    assert "no string 'text' or 'html'" in records["batch.jsonl#3"]["error"]
    assert "not an object" in records["batch.jsonl#4"]["error"]


def test_jsonl_extra_keys_kept_in_meta(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        '{"text": "正文内容。", "crawl_time": "2024-01-01", "site": "x"}\n\n', encoding="utf-8"
    )
    (record,) = _records(tmp_path)
    assert record["meta"] == {"crawl_time": "2024-01-01", "site": "x"}


def test_undecodable_jsonl_is_one_error_record(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_bytes(bytes(range(256)) * 10)
    (record,) = _records(tmp_path)
    assert record["source"] == "bad.jsonl" and "binary" in record["error"]


def test_odd_file_names_and_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "空 格\n换行.txt").write_text("内容。", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    records = _records(tmp_path)
    sources = sorted(r["source"] for r in records)
    assert sources == ["dangling.txt", "空 格\n换行.txt"]
    assert "unreadable" in next(r for r in records if r["source"] == "dangling.txt")["error"]
