"""Interrupted runs lose nothing: SIGKILL a real run at several points, then re-run.

OUT first holds the tables of a complete run on another input (A). Runs on input B
are killed (the whole process group, workers included) at fixed delays, when the
staging area is being finalised, and, deterministically, in the middle of the
commit's renames. After every kill each table under OUT is readable with pandas
and is A's version or (only once the commit marker exists) B's. Re-running the
same command then completes, and its tables equal those of an uninterrupted run
of B into a fresh folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.tables import EXTRA_SCHEMAS, SCHEMAS

REPO = Path(__file__).resolve().parents[1]
DEV_RAW = REPO / "tests" / "data" / "dev" / "raw"
TABLES = (*SCHEMAS, *EXTRA_SCHEMAS)
COPIES = 30  # copies of the dev set in corpus B: long enough to kill mid-run (1.5 s)

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")


def _args(raw: Path, out: Path) -> list[str]:
    """The CLI arguments of the run (after ``python -m pipeline``)."""
    return ["process", "--raw", str(raw), "--out", str(out), "--workers", "2", "--quiet"]


def _argv(raw: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", *_args(raw, out)]


def _start(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        argv,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate(timeout=60)


def _complete(raw: Path, out: Path) -> None:
    proc = subprocess.run(
        _argv(raw, out),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def _frame(path: Path) -> pd.DataFrame:
    """A table read with pandas, in a canonical row order (list cells as tuples)."""
    frame = pd.read_parquet(path)
    for column in frame.columns:
        if frame[column].map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).any():
            frame[column] = frame[column].map(tuple)
    order = frame.astype(str).sort_values(list(frame.columns)).index
    return frame.loc[order].reset_index(drop=True)


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: _frame(out / f"{name}.parquet") for name in TABLES}


def _same(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(left, right)
    except AssertionError:
        return False
    return True


def _assert_equal_tables(got: dict[str, pd.DataFrame], want: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)


def _assert_readable(out: Path, a: dict, b: dict, b_allowed: bool) -> dict[str, str]:
    """Every table under OUT reads and is A's or (if allowed) B's; return which per table."""
    seen = {}
    for name in TABLES:
        frame = _frame(out / f"{name}.parquet")
        if _same(frame, a[name]):
            seen[name] = "A"
        elif b_allowed and _same(frame, b[name]):
            seen[name] = "B"
        else:
            raise AssertionError(f"{name}.parquet is neither the previous nor the new table")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["articles"] in (len(a["articles"]), len(b["articles"]))
    return seen


def _corpus_a(raw: Path) -> None:
    raw.mkdir(parents=True)
    (raw / "old.txt").write_text(
        "京东白条怎么关闭\n打开京东APP，进入我的页面，找到白条，点击设置后关闭。\n", "utf-8"
    )
    lines = [
        json.dumps({"title": "花呗怎么还款", "text": "打开支付宝，进入花呗页面，点击还款。"}),
        "{broken",
    ]
    (raw / "old.jsonl").write_text("\n".join(lines), encoding="utf-8")


def _corpus_b(raw: Path) -> None:
    for copy in range(COPIES):
        shutil.copytree(DEV_RAW, raw / f"copy{copy}")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("interrupt")
    raw_a, raw_b = base / "raw_a", base / "raw_b"
    _corpus_a(raw_a)
    _corpus_b(raw_b)
    fresh_a, fresh_b = base / "fresh_a", base / "fresh_b"
    _complete(raw_a, fresh_a)
    _complete(raw_b, fresh_b)
    return base, raw_a, raw_b, _tables(fresh_a), _tables(fresh_b)


def _out_with_a(base: Path, name: str) -> Path:
    """An OUT folder holding the complete run of corpus A (a copy of it)."""
    out = base / name
    shutil.copytree(base / "fresh_a", out)
    return out


def _wait_for(proc: subprocess.Popen, path: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and not path.exists() and time.monotonic() < deadline:
        time.sleep(0.001)


@pytest.mark.parametrize("when", ["0.5 s", "1.5 s", "first batch staged"])
def test_kill_mid_run_keeps_previous_tables_and_rerun_completes(setup, when: str) -> None:
    base, _, raw_b, a, b = setup
    out = _out_with_a(base, f"out_{when.replace(' ', '_')}")
    proc = _start(_argv(raw_b, out))
    if when.endswith(" s"):
        time.sleep(float(when.split()[0]))
    else:  # surely mid-processing: the staging area holds rows
        _wait_for(proc, out / ".staging" / "articles.parquet")
    assert proc.poll() is None, "the run finished before the kill: make corpus B bigger"
    _kill(proc)
    assert _assert_readable(out, a, b, b_allowed=False) == dict.fromkeys(TABLES, "A")
    _complete(raw_b, out)
    _assert_equal_tables(_tables(out), b)
    assert not (out / ".staging").exists()


def test_kill_while_staging_is_finalised(setup) -> None:
    """Kill as soon as the staged manifest appears (the commit is under way)."""
    base, _, raw_b, a, b = setup
    out = _out_with_a(base, "out_commit_poll")
    proc = _start(_argv(raw_b, out))
    _wait_for(proc, out / ".staging" / "manifest.json")
    _kill(proc)
    marker = (out / ".staging" / "COMMIT").exists() or proc.returncode == 0
    _assert_readable(out, a, b, b_allowed=True)
    if not marker:  # no commit marker yet: nothing of B may be visible
        assert _assert_readable(out, a, b, b_allowed=False) == dict.fromkeys(TABLES, "A")
    _complete(raw_b, out)
    _assert_equal_tables(_tables(out), b)


KILL_IN_COMMIT = """
import os, signal, sys
import pipeline.writers as writers

limit = int(sys.argv[1])
done = [0]
original = writers._replace

def replace(source, target):
    if done[0] == limit:
        os.kill(os.getpid(), signal.SIGKILL)
    original(source, target)
    done[0] += 1

writers._replace = replace
from pipeline.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("renames", [0, 3])
def test_kill_between_commit_renames_is_finished_by_the_next_run(setup, renames: int) -> None:
    """SIGKILL after ``renames`` of the commit's renames (tables, then manifest.json)."""
    base, _, raw_b, a, b = setup
    out = _out_with_a(base, f"out_renames_{renames}")
    argv = [sys.executable, "-c", KILL_IN_COMMIT, str(renames), *_args(raw_b, out)]
    proc = subprocess.run(argv, cwd=REPO, capture_output=True, timeout=300, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert (out / ".staging" / "COMMIT").exists()
    seen = _assert_readable(out, a, b, b_allowed=True)
    assert sorted(seen.values()).count("B") == min(renames, len(TABLES))
    _complete(raw_b, out)
    _assert_equal_tables(_tables(out), b)
    assert not (out / ".staging").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["articles"] == len(b["articles"])


def test_kill_during_incremental_rerun_keeps_complete_tables(setup) -> None:
    """After B is complete, change part of it and kill the incremental re-run."""
    base, _, raw_b, _, b = setup
    raw = base / "raw_b_changed"
    shutil.copytree(raw_b, raw)
    out = base / "out_incremental"
    shutil.copytree(base / "fresh_b", out)  # the complete run of B
    for path in sorted((raw / "copy0").glob("a0*.txt")):
        path.write_text(path.read_text(encoding="utf-8", errors="replace") + "\n补充说明。\n")
    shutil.rmtree(raw / "copy1")
    proc = _start(_argv(raw, out))
    time.sleep(0.5)
    _kill(proc)
    _assert_readable(out, b, b, b_allowed=False)
    _complete(raw, out)
    fresh = base / "fresh_changed"
    _complete(raw, fresh)
    _assert_equal_tables(_tables(out), _tables(fresh))
