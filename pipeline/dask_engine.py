"""The Dask engine: the same :func:`process_record`, mapped by a Dask cluster, same tables.

How it runs (``run_dask``):

1. The client scans RAW and picks the files to reprocess exactly like the local
   runner (same fingerprint, same incremental cache); an unchanged input returns
   the previous manifest without starting a cluster.
2. Every worker is warmed up once when it joins (:class:`WarmUp`, a worker plugin
   registered with the client: dictionaries, converters, rules, then ``gc.freeze``),
   like a local pool worker. A local cluster forks its workers from the client
   after warming it up, so they start with its imports and warm-up.
3. The changed files, in source order, are cut into partitions of about
   ``batch_bytes`` (smaller for small inputs, so every worker gets several), one
   task each (``client.map``): file metadata only, no bytes.
4. Each task, on a worker, reads its own files, cuts them into batches with the
   runner's ``_batches`` and runs the runner's ``process_batch`` on each (the
   per-article time budget included), appending the rows to its own part files
   ``OUT/.staging/NAME.parquet/part-NNNNNN.parquet``. A part is written under a
   hidden temporary name and renamed when complete, so a task that is retried
   after a lost worker never leaves half a part behind.
5. Only small counters come back to the client, as tasks complete. Rows of
   unchanged files are streamed from the previous tables into ``part-000000``.
6. The staging area is committed atomically by :class:`pipeline.writers.TableWriter`
   (marker, then renames): each ``NAME.parquet`` becomes a directory of parts,
   read in part order by ``pandas.read_parquet`` and DuckDB.

Memory stays bounded: the client holds file metadata and counters, a worker one
batch of records and its Arrow tables. RAW and OUT must be visible under the same
paths on the client and on every worker (a shared file system on a real cluster).
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import runner
from pipeline.readers import InputFile
from pipeline.writers import ALL_SCHEMAS, ParquetAppender, TableWriter, recover

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # without the dask extra: the module imports, run_dask cannot run
    WorkerPlugin = object  # type: ignore[assignment,misc]

Options = runner.Options
RunError = runner.RunError

REUSED_PART = 0
_MIN_PART_BYTES = 64_000
_PARTS_PER_WORKER = 4


# --------------------------------------------------------------------- workers


def _part_name(index: int) -> str:
    return f"part-{index:06d}.parquet"


class _PartWriter:
    """One part of every table: appends row groups, publishes each file when closed."""

    def __init__(self, staging: Path, index: int) -> None:
        self.staging = staging
        self.index = index
        self.tag = f".{_part_name(index)}.{uuid.uuid4().hex}.tmp"  # hidden: readers skip it
        self._files = {
            name: ParquetAppender(staging / f"{name}.parquet" / self.tag, schema)
            for name, schema in ALL_SCHEMAS.items()
        }
        self.counts: Counter = Counter()

    def write(self, name: str, table: pa.Table) -> None:
        self._files[name].append(table)
        if table.num_rows:
            self.counts[name] += table.num_rows

    def close(self) -> None:
        """Close every file and rename it to its part name (tables without rows get none)."""
        for name, appender in self._files.items():
            appender.close()
            if appender.rows:
                table_dir = self.staging / f"{name}.parquet"
                os.replace(table_dir / self.tag, table_dir / _part_name(self.index))
        self._files.clear()

    def abort(self) -> None:
        for name, appender in self._files.items():
            appender.abort()
            (self.staging / f"{name}.parquet" / self.tag).unlink(missing_ok=True)
        self._files.clear()


class WarmUp(WorkerPlugin):
    """Warm a worker up once when it joins, as ``runner._init_worker`` does a pool worker.

    Registered with the client, so the workers of an external cluster (and any that
    join or restart later) get it too. The warm-up runs in the worker's task thread,
    the event loop stays free; then what it loaded is frozen out of the collector.
    """

    idempotent = True  # a cluster already warmed for this segmenter keeps its plugin

    def __init__(self, segmenter: str) -> None:
        self.segmenter = segmenter
        self.name = f"pipeline-warm-up-{segmenter}"

    async def setup(self, worker: Any) -> None:
        await worker.loop.run_in_executor(worker.executors["default"], self.warm)

    def warm(self) -> None:
        runner.warm_up_worker(self.segmenter)


def _run_part(part: tuple[int, list[InputFile]], staging: str, options: Options) -> dict:
    """Worker task: process one partition of files into its part files; return counters."""
    index, files = part
    writer = _PartWriter(Path(staging), index)
    totals = runner.Totals()
    try:
        for batch_records in runner._batches(files, options):
            totals.write(_process_batch(batch_records, options.segmenter, options.timeout), writer)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    return {
        "index": index,
        "records": totals.records,
        "bytes_in": totals.bytes_in,
        "timings": dict(totals.timings),
        "errors": dict(totals.errors),
        "counts": dict(writer.counts),
    }


def _process_batch(records: list[dict[str, Any]], segmenter: str, timeout: float) -> runner.Batch:
    """``runner.process_batch`` with its per-article time budget, in any thread.

    The runner's budget uses SIGALRM, which only the main thread can arm; Dask runs
    tasks in a worker thread. There the process's one watchdog thread raises the
    timeout inside the task's thread when a step runs past what is left of its budget.
    """
    if timeout <= 0 or threading.current_thread() is threading.main_thread():
        return runner.process_batch(records, segmenter, timeout)
    return runner.process_batch(records, segmenter, timeout, budget=_watchdog_budget)


_REFIRE_SECONDS = runner._REFIRE_SECONDS
# PyThreadState_SetAsyncExc(thread id, exception class or NULL), called with the GIL held
_set_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi)
)


@cache
def _timeout_type(timeout: float) -> type[runner.RecordTimeout]:
    """An exception class whose default message names the budget (async raise needs a class)."""
    message = runner.budget_message(timeout)

    class BudgetTimeout(runner.RecordTimeout):
        def __init__(self, *args: object) -> None:
            super().__init__(*(args or (message,)))

    return BudgetTimeout


class _Step:
    """A thread's running step, as the watchdog sees it (changed under the watchdog's lock)."""

    __slots__ = ("active", "deadline", "exc_type", "fired", "seconds", "thread_id")

    def __init__(self, thread_id: int, exc_type: type[BaseException]) -> None:
        self.thread_id = thread_id
        self.exc_type = exc_type
        self.active = False
        self.fired = False
        self.deadline = 0.0
        self.seconds = 0.0


class _Watchdog:
    """One thread per process that raises each step's timeout in its thread at its deadline.

    A step is armed and disarmed under one lock, so the watchdog only raises in a
    step still running; an exception set but not yet raised when the step ends is
    cleared (it cannot leak out), and one that landed in a finaliser (``__del__``
    swallows it) is raised again every ``max(seconds, 0.25)`` s until the step ends.
    The thread sleeps until the earliest deadline; a step ending early does not wake it.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start afresh (in a forked child, whose copy of the thread and lock holder are gone)."""
        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)
        self._steps: dict[int, _Step] = {}
        self._wake_at = math.inf
        self._thread: threading.Thread | None = None

    def arm(self, step: _Step, seconds: float) -> None:
        """Raise ``step.exc_type`` in its thread after ``seconds``, until :meth:`disarm`."""
        deadline = time.monotonic() + seconds
        with self._lock:
            step.deadline = deadline
            step.seconds = seconds
            step.fired = False
            step.active = True
            self._steps[step.thread_id] = step
            if deadline < self._wake_at:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._watch, name="step-watchdog", daemon=True
                    )
                    self._thread.start()
                self._wakeup.notify()

    def disarm(self, step: _Step) -> bool:
        """Stop watching ``step``; True if its timeout was raised (a pending one is cleared)."""
        with self._lock:
            step.active = False
            if step.fired:
                _set_async_exc(step.thread_id, None)
        return step.fired

    def _watch(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                wake = math.inf
                for thread_id, step in list(self._steps.items()):
                    if not step.active:
                        del self._steps[thread_id]
                        continue
                    if step.deadline <= now:
                        _fire(step)
                        step.deadline = now + max(step.seconds, _REFIRE_SECONDS)
                    wake = min(wake, step.deadline)
                self._wake_at = wake
                self._wakeup.wait(None if wake == math.inf else wake - now)


def _fire(step: _Step) -> None:
    """Raise ``step``'s timeout in its thread, unless that thread is in the budget's own code.

    The thread is stopped where it will take the exception (it waits for the GIL
    the watchdog holds). In the budget's own code (starting or ending the step)
    the exception could escape the step, so it is only noted: ending the step
    reports it as an overrun.
    """
    step.fired = True
    frame = sys._current_frames().get(step.thread_id)
    if frame is None or frame.f_code not in _BUDGET_CODE:
        _set_async_exc(step.thread_id, id(step.exc_type))


_watchdog = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_watchdog.reset)


class _WatchdogBudget(runner.ArticleBudget):
    """The budget on the process's watchdog thread (works in any thread)."""

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout)
        self.exc_type = _timeout_type(timeout)
        self._step = _Step(threading.get_ident(), self.exc_type)

    def _arm(self, seconds: float) -> bool:
        _watchdog.arm(self._step, seconds)
        return self._step.fired

    def _disarm(self) -> bool:
        return _watchdog.disarm(self._step)

    def close(self) -> None:
        """Make sure no step of this budget is still watched (an exception that escaped one)."""
        while True:
            try:
                _watchdog.disarm(self._step)
                return
            except runner.RecordTimeout:
                pass


_BUDGET_CODE = runner._BUDGET_CODE | {
    f.__code__
    for f in (_WatchdogBudget._arm, _WatchdogBudget._disarm, _Watchdog.arm, _Watchdog.disarm)
}


@contextmanager
def _watchdog_budget(timeout: float) -> Iterator[_WatchdogBudget]:
    budget = _WatchdogBudget(timeout)
    try:
        yield budget
    finally:
        budget.close()


def _one_with_budget(record: dict[str, Any], segmenter: str, timeout: float) -> runner.Batch:
    """One article through :func:`_process_batch` (past ``timeout`` s: an error row)."""
    return _process_batch([record], segmenter, timeout)


# --------------------------------------------------------------------- the run


def run_dask(options: Options, scheduler: str | None = None) -> dict[str, Any]:
    """Process ``options.raw`` into ``options.out`` on Dask; return the manifest it wrote.

    ``scheduler`` None starts a local cluster of ``options.workers`` processes; an
    address (``tcp://host:8786``) uses that cluster, whose workers must see RAW and
    OUT under the same paths.
    """
    out = options.out
    work = runner.plan(options, options.raw.resolve())  # absolute: workers have their own cwd
    if work.up_to_date:
        return {**work.previous, "up_to_date": True}
    with runner.staged(out) as writer:
        staging = writer.staging.resolve()
        for name in ALL_SCHEMAS:
            (staging / f"{name}.parquet").mkdir()
        counts: Counter = Counter()
        reused = _copy_reused(out, staging, work.previous, work.unchanged, counts)
        result = _compute(work.changed, staging, options, scheduler, counts)
        _finish_staging(staging)
        manifest = runner.build_manifest(
            work,
            options,
            engine="dask",
            reused=reused,
            records=result["records"],
            bytes_in=result["bytes_in"],
            counts={name: counts[name] for name in ALL_SCHEMAS},
            errors=result["errors"],
            timings=result["timings"],
            scheduler=scheduler or "local",
            partitions=result["partitions"],
        )
        manifest["workers"] = result["workers"]
        _commit(writer, manifest)
    return manifest


def _copy_reused(
    out: Path, staging: Path, previous: dict[str, Any] | None, sources: set[str], counts: Counter
) -> int:
    """Stream the previous rows of unchanged files into part 0; return the articles reused.

    The previous tables may be single files (local runner) or part directories.
    """
    if previous is None or not sources:
        return 0
    reused, tables = runner.reused_rows(out, sources)
    writer = _PartWriter(staging, REUSED_PART)
    try:
        for name, table in tables:
            writer.write(name, table)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    counts.update(writer.counts)
    return reused


def _partitions(files: list[InputFile], options: Options, workers: int) -> list[list[InputFile]]:
    """Consecutive groups of about ``batch_bytes`` or ``batch_records`` files, a few per worker."""
    total = sum(max(f.size, 0) for f in files)
    target = max(_MIN_PART_BYTES, min(options.batch_bytes, total // (_PARTS_PER_WORKER * workers)))
    max_files = options.batch_records
    parts: list[list[InputFile]] = []
    current: list[InputFile] = []
    size = 0
    for file in files:
        current.append(file)
        size += max(file.size, 0)
        if size >= target or len(current) >= max_files:
            parts.append(current)
            current, size = [], 0
    if current:
        parts.append(current)
    return parts


def _compute(
    files: list[InputFile],
    staging: Path,
    options: Options,
    scheduler: str | None,
    counts: Counter,
) -> dict[str, Any]:
    """Run the partitions of ``files`` on the cluster; add up the counters the tasks return."""
    result: dict[str, Any] = {
        "workers": 0,
        "partitions": 0,
        "records": 0,
        "bytes_in": 0,
        "timings": Counter(),
        "errors": Counter(),
    }
    if not files:
        return result
    from dask.distributed import Client, as_completed

    cluster = _local_cluster(options) if scheduler is None else None
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            client.register_plugin(WarmUp(options.segmenter))
            workers = len(client.scheduler_info().get("workers", {})) or options.workers
            _check_shared(client, [staging, files[0].path])
            parts = _partitions(files, options, workers)
            numbered = list(enumerate(parts, start=REUSED_PART + 1))
            # one task per part, unique keys (no hashing of the file lists), no graph
            futures = client.map(
                _run_part, numbered, staging=str(staging), options=options, pure=False
            )
            total = sum(max(f.size, 0) for f in files)
            with runner._progress(total, options.progress) as bar:
                for future in as_completed(futures):
                    stats = future.result()
                    counts.update(stats["counts"])
                    result["timings"].update(stats["timings"])
                    result["errors"].update(stats["errors"])
                    result["records"] += stats["records"]
                    result["bytes_in"] += stats["bytes_in"]
                    bar.update(min(stats["bytes_in"], total - bar.n))
                    future.release()
                bar.update(total - bar.n)  # decoded sizes differ from file sizes
            result["workers"] = workers
            result["partitions"] = len(parts)
    finally:
        if cluster is not None:
            cluster.close()
    return result


# A local cluster's workers are forked from this process where the local pool's are
# (Linux): no interpreter start and no imports (spawn, Dask's default, pays ~0.7 s
# CPU per worker for them), and they inherit its warm-up. No statistical profiler
# sampling each running task every 10 ms.
_LOCAL_CONFIG = {"distributed.worker.profile.enabled": False}
_FORK = {"distributed.worker.multiprocessing-method": "fork"}


def _local_cluster(options: Options) -> Any:
    """A cluster of ``options.workers`` worker processes, one thread each, started warm."""
    import dask
    from dask.distributed import LocalCluster

    config = dict(_LOCAL_CONFIG)
    if multiprocessing.get_start_method() == "fork":
        config.update(_FORK)
        runner.warm_up(options.segmenter)  # once here rather than in every worker
    with dask.config.set(config):
        return LocalCluster(
            n_workers=options.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # no dashboard; its health routes on a free local port, not a clash on :8787
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        )


def _missing(paths: list[str]) -> list[str]:
    """Worker side: which of ``paths`` this worker cannot see."""
    return [path for path in paths if not os.path.exists(path)]


def _check_shared(client: Any, paths: list[Path]) -> None:
    """Fail early, and clearly, when a worker cannot see RAW or the staging area of OUT."""
    missing = client.run(_missing, [str(p) for p in paths])
    for worker, gone in sorted(missing.items()):
        if gone:
            raise RunError(
                f"Dask worker {worker} cannot see {', '.join(gone)}: RAW and OUT must be on a "
                "file system shared with every worker, under the same paths"
            )


def _finish_staging(staging: Path) -> None:
    """Drop leftovers of lost task attempts; give a table without rows one empty part."""
    for name, schema in ALL_SCHEMAS.items():
        table_dir = staging / f"{name}.parquet"
        for leftover in table_dir.glob(".*"):
            leftover.unlink(missing_ok=True)
        if not any(table_dir.glob("part-*.parquet")):
            pq.write_table(
                schema.empty_table(), table_dir / _part_name(REUSED_PART), compression="zstd"
            )


def _commit(writer: TableWriter, manifest: dict[str, Any]) -> None:
    """Commit the staged part directories, also over single-file tables of a local run."""
    try:
        writer.commit(manifest)
    except NotADirectoryError:
        # The marker is written: the staged tables are the run's result. A directory
        # cannot be renamed over a file, so drop the old single-file tables it replaces.
        for name in ALL_SCHEMAS:
            target = writer.out / f"{name}.parquet"
            if (writer.staging / target.name).is_dir() and target.is_file():
                target.unlink()
        recover(writer.out)


__all__ = ["run_dask"]
