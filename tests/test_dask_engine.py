"""The Dask engine writes the same tables as the local runner (2 worker processes)."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed")

from pipeline import load_tables
from pipeline.dask_engine import _check_shared, _local_cluster, _one_with_budget, run_dask
from pipeline.runner import Options, RunError, run
from pipeline.tables import EXTRA_SCHEMAS, SCHEMAS

DEV = Path(__file__).resolve().parent / "data" / "dev" / "raw"
TABLES = (*SCHEMAS, *EXTRA_SCHEMAS)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A local cluster of 2 worker processes, shared by the tests of this module."""
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def raw(raw_dir: Path) -> Path:
    """The shared raw folder plus a Big5 html page and a UTF-16 text from the dev set."""
    for name in ("a12_car_loan_prepay_big5.html", "a13_phone_bill_refund_utf16.txt"):
        shutil.copy(DEV / name, raw_dir / name)
    return raw_dir


def _options(raw: Path, out: Path, **kw) -> Options:
    return Options(raw=raw, out=out, progress=False, **{"workers": 1, "batch_records": 2, **kw})


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].map(lambda v: hasattr(v, "tolist") or isinstance(v, list)).any():
            frame[col] = frame[col].map(lambda v: "\x1f".join(list(v)))
    return frame


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = _flat(frame)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _assert_same(a: Path, b: Path, *, ordered: bool = False) -> None:
    left, right = load_tables(a), load_tables(b)
    assert set(left) == set(right) == set(TABLES)
    prepare = _flat if ordered else _sorted
    for name in TABLES:
        pd.testing.assert_frame_equal(prepare(left[name]), prepare(right[name]), obj=name)


def test_dask_writes_the_same_tables_as_the_local_runner(
    raw: Path, tmp_path: Path, scheduler: str
) -> None:
    local = run(_options(raw, tmp_path / "local"))
    manifest = run_dask(_options(raw, tmp_path / "dask", workers=2), scheduler=scheduler)
    for name in TABLES:
        assert (tmp_path / "dask" / f"{name}.parquet").is_dir(), name
    assert not (tmp_path / "dask" / ".staging").exists()
    # parts follow the source order, so even the row order is the local runner's
    _assert_same(tmp_path / "local", tmp_path / "dask", ordered=True)
    assert manifest["engine"] == "dask" and manifest["workers"] == 2
    assert manifest["partitions"] >= 2
    assert manifest["counts"] == local["counts"]
    assert manifest["inputs"] == local["inputs"]
    assert manifest["errors"] == local["errors"]
    assert manifest["records_processed"] == local["records_processed"]
    assert set(manifest["stage_seconds"]) == set(local["stage_seconds"])


def test_dask_reruns_reuse_unchanged_files(raw: Path, tmp_path: Path, scheduler: str) -> None:
    out = tmp_path / "dask"
    run_dask(_options(raw, out, workers=2), scheduler=scheduler)
    assert run_dask(_options(raw, out), scheduler=scheduler).get("up_to_date")
    (raw / "utf8.txt").write_text("信用卡年费怎么免\n刷卡满六次可以免年费。\n", encoding="utf-8")
    (raw / "sub" / "gbk.txt").unlink()
    (raw / "new.txt").write_text("借呗逾期怎么办\n逾期会产生罚息。\n", encoding="utf-8")
    manifest = run_dask(_options(raw, out), scheduler=scheduler)
    assert manifest["files_processed"] == 2 and manifest["articles_reused"] > 0
    run(_options(raw, tmp_path / "local"))
    _assert_same(tmp_path / "local", out)


def test_dask_output_replaces_a_local_runs_files(raw: Path, tmp_path: Path, scheduler: str) -> None:
    out = tmp_path / "out"
    run(_options(raw, out))
    (raw / "new.txt").write_text("借呗逾期怎么办\n逾期会产生罚息。\n", encoding="utf-8")
    manifest = run_dask(_options(raw, out), scheduler=scheduler)  # reuses the local files
    assert manifest["articles_reused"] > 0
    assert (out / "articles.parquet").is_dir()
    run(_options(raw, tmp_path / "local"))
    _assert_same(tmp_path / "local", out)


def _warmth() -> tuple[list[str], int]:
    """Worker side: the segmenters this process warmed up, and the objects frozen."""
    import gc

    from pipeline import runner

    return sorted(runner._warm), gc.get_freeze_count()


def test_workers_of_an_external_cluster_are_warmed_up_when_they_join(
    raw: Path, tmp_path: Path, scheduler: str
) -> None:
    from dask.distributed import Client

    run_dask(_options(raw, tmp_path / "dask", workers=2), scheduler=scheduler)
    with Client(scheduler) as client:
        plugins = client.run_on_scheduler(
            lambda dask_scheduler: list(dask_scheduler.worker_plugins)
        )
        assert "pipeline-warm-up-jieba" in plugins  # also for workers that join later
        for segmenters, frozen in client.run(_warmth).values():
            assert "jieba" in segmenters and frozen > 0


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="workers are forked where the pool's are"
)
def test_a_local_cluster_forks_warm_workers(tmp_path: Path) -> None:
    from dask.distributed import Client

    from pipeline.dask_engine import WarmUp

    options = _options(tmp_path, tmp_path / "out", workers=1, segmenter="jieba")
    with _local_cluster(options) as cluster, Client(cluster) as client:
        started = client.run(_warmth)  # warm before any plugin: forked from this process
        client.register_plugin(WarmUp("jieba"))
        assert [segmenters for segmenters, _ in started.values()] == [["jieba"]]
        assert all(frozen > 0 for _, frozen in client.run(_warmth).values())


# A timeout may land in a gc callback (hypothesis registers one in this session),
# which swallows it and reports it as unraisable; the watchdog raises it again.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_time_budget_holds_in_a_worker_thread() -> None:
    lines = (f"第{i}位用户办理了信用卡分期，提前还款时支付了{i}元违约金。" for i in range(20000))
    slow = {"source": "slow.txt", "text": "\n".join(lines)}
    fast = {"source": "fast.txt", "text": "信用卡分期\n提前还款要收违约金。\n"}
    results: list = []

    def work() -> None:
        results.append(_one_with_budget(slow, "jieba", 0.05))
        results.append(_one_with_budget(fast, "jieba", 30.0))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    slow_row, fast_row = (b.tables["articles"].to_pylist()[0] for b in results)
    assert slow_row["status"] == "error" and "timeout" in slow_row["error"]
    assert results[0].bytes_in > 0
    assert "timeout" not in (fast_row["error"] or "")


def test_time_budget_in_a_batch_stops_only_the_slow_article() -> None:
    from pipeline.dask_engine import _process_batch

    lines = (f"第{i}位用户办理了信用卡分期，提前还款时支付了{i}元违约金。" for i in range(20000))
    slow = {"source": "slow.txt", "text": "\n".join(lines)}
    fast = [{"source": f"f{i}.txt", "text": "信用卡分期\n提前还款要收违约金。\n"} for i in range(3)]
    results: list = []
    thread = threading.Thread(
        target=lambda: results.append(_process_batch([fast[0], slow, *fast[1:]], "jieba", 0.5))
    )
    thread.start()
    thread.join()
    rows = results[0].tables["articles"].to_pylist()
    assert [r["status"] for r in rows] == ["ok", "error", "ok", "ok"]
    assert "time budget (0.5 s)" in rows[1]["error"]


def test_relative_paths_and_a_cluster_of_its_own(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.cli import main

    run(_options(raw, tmp_path / "local"))
    monkeypatch.chdir(tmp_path)  # the workers of a cluster keep their own working directory
    argv = ["process", "--raw", "raw", "--out", "rel", "--engine", "dask", "--workers", "1"]
    assert main([*argv, "--quiet"]) == 0
    assert json.loads((tmp_path / "rel" / "manifest.json").read_text())["engine"] == "dask"
    _assert_same(tmp_path / "local", tmp_path / "rel")


def test_workers_that_cannot_see_the_paths_fail_clearly() -> None:
    class Client:
        def run(self, function, paths):
            return {"tcp://10.0.0.9:40000": function(paths), "tcp://10.0.0.8:40000": []}

    with pytest.raises(RunError, match=r"10\.0\.0\.9.*/nowhere/raw.*shared"):
        _check_shared(Client(), [Path("/nowhere/raw")])
