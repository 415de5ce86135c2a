import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import load_tables
from pipeline.runner import Options, RunError, run
from pipeline.tables import EXTRA_SCHEMAS, SCHEMAS


def _run(raw: Path, out: Path, **kw) -> dict:
    return run(Options(raw=raw, out=out, progress=False, **{"workers": 1, **kw}))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].map(lambda v: isinstance(v, (list, tuple)) or hasattr(v, "tolist")).any():
            frame[col] = frame[col].map(lambda v: "\x1f".join(list(v)))
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _assert_same_tables(a: Path, b: Path) -> None:
    left, right = load_tables(a), load_tables(b)
    assert set(left) == set(right)
    for name in left:
        pd.testing.assert_frame_equal(_sorted(left[name]), _sorted(right[name]), obj=name)


def test_every_table_matches_the_contract_schema(raw_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = _run(raw_dir, out)
    for name, schema in {**SCHEMAS, **EXTRA_SCHEMAS}.items():
        assert pq.read_schema(out / f"{name}.parquet").remove_metadata() == schema, name
    tables = load_tables(out)
    articles = tables["articles"]
    assert articles["doc_id"].is_unique
    assert len(articles) == 8  # 4 files + jsonl: 1 good line, 3 bad lines
    errors = articles[articles.status == "error"]
    assert sorted(errors.source) == ["batch.jsonl#2", "batch.jsonl#3", "batch.jsonl#4"]
    assert errors.error.notna().all() and (errors.text == "").all()
    ok = articles[articles.status == "ok"]
    assert ok.error.isna().all() and (ok.chars_out == ok.text.str.len()).all()
    assert set(ok.variant) <= {"simplified", "traditional", "mixed"}
    for name in ("removed", "tokens", "steps", "fees"):
        assert set(tables[name].doc_id) <= set(ok.doc_id), name
    assert manifest["counts"]["articles"] == 8
    assert manifest["schema_version"] == 1
    assert {"opencc", "jieba", "pandas", "pyarrow"} <= set(manifest["versions"])
    assert {"convert", "clean", "segment"} <= set(manifest["stage_seconds"])
    assert set(manifest["inputs"]) == {
        "batch.jsonl",
        "big5.txt",
        "page.html",
        "sub/gbk.txt",
        "utf8.txt",
    }
    saved = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert saved["counts"] == manifest["counts"]


def test_rerun_on_unchanged_input_reprocesses_nothing(raw_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(raw_dir, out)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    manifest = _run(raw_dir, out)
    assert manifest.get("up_to_date") is True
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_changed_and_new_files_are_picked_up(raw_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(raw_dir, out)
    (raw_dir / "utf8.txt").write_text(
        "京东白条怎么关闭\n打开京东APP，进入白条页面关闭。\n", "utf-8"
    )
    (raw_dir / "new.txt").write_text("花呗怎么还款\n打开支付宝，进入花呗页面还款。\n", "utf-8")
    manifest = _run(raw_dir, out)
    assert manifest["files_processed"] == 2 and manifest["files_reused"] == 4
    fresh = tmp_path / "fresh"
    _run(raw_dir, fresh)
    _assert_same_tables(out, fresh)
    titles = set(load_tables(out)["articles"].title)
    assert {"京东白条怎么关闭", "花呗怎么还款"} <= titles


def test_deleted_file_rows_disappear(raw_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(raw_dir, out)
    (raw_dir / "big5.txt").unlink()
    _run(raw_dir, out)
    assert "big5.txt" not in set(load_tables(out)["articles"].source)


def test_two_workers_give_the_same_tables(raw_dir: Path, tmp_path: Path) -> None:
    _run(raw_dir, tmp_path / "one", workers=1)
    _run(raw_dir, tmp_path / "two", workers=2, batch_records=1)
    _assert_same_tables(tmp_path / "one", tmp_path / "two")


def test_missing_raw_is_a_run_error(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="does not exist"):
        _run(tmp_path / "nope", tmp_path / "out")


@pytest.mark.parametrize("case", ["missing_raw", "out_is_a_file"])
def test_cli_one_line_error_and_nonzero_exit(tmp_path: Path, raw_dir: Path, case: str) -> None:
    out = tmp_path / "out"
    raw = raw_dir
    if case == "missing_raw":
        raw = tmp_path / "missing"
    else:
        out.write_text("not a folder", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "process", "--raw", str(raw), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_cli_prints_summary(raw_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "process", "--raw", str(raw_dir), "--out", str(out)]
    proc = subprocess.run([*cmd, "--workers", "1"], capture_output=True, text=True, check=True)
    assert "rows:  articles 8" in proc.stdout and "errors:" in proc.stdout
    again = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert again.stdout.startswith("up to date: 5 files unchanged")
