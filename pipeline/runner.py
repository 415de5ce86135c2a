"""The local runner: maps :func:`process_record` over RAW with worker processes.

Streaming and bounded: records are read lazily, grouped into batches of a
bounded size, at most ``2 x workers`` batches are in flight, and each batch's
rows come back as compact Arrow tables that the writer gathers into ~2 MB row groups.
Unchanged files (same size and mtime, or same content hash) keep their rows
from the previous run, so a re-run on unchanged input does almost nothing.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.fingerprint import fingerprint, package_versions
from pipeline.readers import InputFile, content_hash, read_bytes, records_from, scan
from pipeline.record import process_record, process_records
from pipeline.regex_cache import programs_kept
from pipeline.scanner import save_needles
from pipeline.tables import EXTRA_SCHEMAS, SCHEMA_VERSION, SCHEMAS, doc_id
from pipeline.writers import BackgroundWriter, TableWriter, read_manifest, recover, to_arrow

ALL_TABLES = (*SCHEMAS, *EXTRA_SCHEMAS)


class RunError(RuntimeError):
    """The run itself cannot happen (missing RAW, unwritable OUT, disk full)."""


@dataclass(frozen=True)
class Options:
    """How to run: everything the CLI can set."""

    raw: Path
    out: Path
    workers: int = max(1, os.cpu_count() or 1)
    segmenter: str = "jieba"
    timeout: float = 10.0
    batch_records: int = 64
    batch_bytes: int = 4_000_000
    force: bool = False
    progress: bool = True


@dataclass
class Batch:
    """What a worker returns for one batch: Arrow tables and its counters."""

    tables: dict[str, pa.Table]
    timings: dict[str, float] = field(default_factory=dict)
    records: int = 0
    errors: Counter = field(default_factory=Counter)
    bytes_in: int = 0


# --------------------------------------------------------------------- workers


class RecordTimeout(BaseException):
    """An article took longer than its time budget.

    A ``BaseException`` so that no stage's ``except Exception`` guard can swallow it
    and let the article run on, unbounded, as ``ok``.
    """


_REFIRE_SECONDS = 0.25  # a timeout swallowed (in a finaliser) is raised again this often
_setitimer = getattr(signal, "setitimer", None)
_ITIMER_REAL = getattr(signal, "ITIMER_REAL", 0)


def process_with_budget(
    record: dict[str, Any], segmenter: str, timeout: float, timings: dict[str, float]
) -> dict[str, list[dict]]:
    """``process_record`` under a wall-clock budget (SIGALRM where available)."""
    with _budget(timeout) as guard:
        return process_records([record], segmenter=segmenter, timings=timings, guard=guard)[0]


Guard = Callable[[int], AbstractContextManager[object]]
Budget = Callable[[float], AbstractContextManager[Guard | None]]


def process_batch(
    records: list[dict[str, Any]], segmenter: str, timeout: float, budget: Budget | None = None
) -> Batch:
    """Process a batch of records into one Arrow table per output table.

    ``budget(timeout)`` gives the per-article guard (default: SIGALRM, main thread only).
    """
    warm_up(segmenter)
    rows: dict[str, list[dict]] = {name: [] for name in ALL_TABLES}
    batch = Batch(tables={}, records=len(records))
    with (budget or _budget)(timeout) as guard:
        results = process_records(records, segmenter=segmenter, timings=batch.timings, guard=guard)
    for record, result in zip(records, results, strict=True):
        batch.bytes_in += _record_size(record)
        for name, table_rows in result.items():
            rows[name].extend(table_rows)
        article = result["articles"][0]
        if article["status"] == "error":
            batch.errors[_reason_kind(article["error"])] += 1
        elif record.get("meta"):
            meta = json.dumps(record["meta"], ensure_ascii=False, sort_keys=True, default=str)
            rows["meta"].append({"doc_id": article["doc_id"], "meta": meta})
    batch.tables = {name: to_arrow(name, table_rows) for name, table_rows in rows.items()}
    return batch


class BudgetExceeded(TimeoutError):
    """An article's stages together took longer than its time budget."""


def budget_message(timeout: float) -> str:
    """The error of an article over its time budget."""
    return f"timeout: article took longer than its time budget ({timeout:g} s)"


class ArticleBudget:
    """``guard(i)`` for :func:`process_records`: article ``i``'s steps share ``timeout`` s.

    ``guard(i)`` returns the budget itself, set to article ``i``; entering it starts
    the step: a subclass's timer is armed (:meth:`_arm`) with what is left of the
    article's budget. A step that overruns it (or an article with nothing left)
    raises :class:`BudgetExceeded`, which makes that article an error row. One
    step at a time (steps do not nest), so the one object serves a whole batch.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.spent: dict[int, float] = {}
        self.message = budget_message(timeout)
        self._index = 0
        self._started = 0.0

    def _arm(self, seconds: float) -> bool:
        """Start raising :class:`RecordTimeout` in the step after ``seconds``; True if it did."""
        raise NotImplementedError

    def _disarm(self) -> bool:
        """Stop the timer; True if it went off during the step (an overrun)."""
        raise NotImplementedError

    def __call__(self, index: int) -> ArticleBudget:
        self._index = index
        return self

    def __enter__(self) -> None:
        left = self.timeout - self.spent.get(self._index, 0.0)
        if left <= 0:
            raise BudgetExceeded(self.message)
        self._started = time.perf_counter()
        try:
            fired = self._arm(left)
        except RecordTimeout:
            fired = True
        if fired:  # nothing between here and the step can take a signal or async exception
            self.__exit__(RecordTimeout, None, None)

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        overrun = False
        while True:  # a timeout arriving while the timer stops is this step's overrun
            try:
                overrun = self._disarm() or overrun
                break
            except RecordTimeout:
                overrun = True
        index = self._index
        if overrun or (kind is not None and issubclass(kind, RecordTimeout)):
            self.spent[index] = self.timeout + time.perf_counter() - self._started
            raise BudgetExceeded(self.message) from None
        self.spent[index] = self.spent.get(index, 0.0) + time.perf_counter() - self._started


class _AlarmBudget(ArticleBudget):
    """The budget on SIGALRM (main thread only).

    The alarm repeats every :data:`_REFIRE_SECONDS` until the step ends (one that
    lands in a finaliser is swallowed). Its handler (:meth:`on_alarm`) raises only
    inside a step's own code: between steps, or in the budget's own methods, it
    just notes the alarm, which :meth:`_arm` and :meth:`_disarm` then report.
    """

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout)
        self._running = False
        self._fired = False

    def on_alarm(self, signum: int, frame: FrameType | None) -> None:
        """The SIGALRM handler while this budget is in use."""
        self._fired = True
        if self._running and (frame is None or frame.f_code not in _BUDGET_CODE):
            raise RecordTimeout("timeout: article took longer than its time budget")

    def _arm(self, seconds: float) -> bool:
        self._fired = False
        self._running = True
        _setitimer(_ITIMER_REAL, seconds, _REFIRE_SECONDS)
        return self._fired

    def _disarm(self) -> bool:
        _setitimer(_ITIMER_REAL, 0)
        self._running = False
        return self._fired


_BUDGET_CODE = frozenset(
    f.__code__
    for f in (
        ArticleBudget.__enter__,
        ArticleBudget.__exit__,
        _AlarmBudget._arm,
        _AlarmBudget._disarm,
    )
)


@contextmanager
def _budget(timeout: float) -> Iterator[_AlarmBudget | None]:
    """The guard for a batch under a per-article ``timeout`` (``None``: no budget)."""
    if timeout <= 0 or not hasattr(signal, "setitimer"):
        yield None
        return
    budget = _AlarmBudget(timeout)
    previous = signal.signal(signal.SIGALRM, budget.on_alarm)
    try:
        yield budget
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _record_size(record: dict[str, Any]) -> int:
    for key in ("raw", "html", "text"):
        if key in record:
            value = record[key]
            return len(value) if isinstance(value, bytes) else len(value.encode("utf-8", "ignore"))
    return 0


def _reason_kind(reason: str | None) -> str:
    return (reason or "error").split(":")[0][:60]


def _init_worker(segmenter: str = "jieba") -> None:
    """Worker start-up: ignore Ctrl-C (the parent handles it), load what articles need."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up_worker(segmenter)


def warm_up_worker(segmenter: str) -> None:
    """:func:`warm_up` in a worker process, then keep what it loaded out of the collector.

    What warm-up loaded lives as long as the worker: frozen out of the garbage
    collector, whose full collections would otherwise walk it again and again.
    """
    warm_up(segmenter)
    gc.freeze()


_WARM_TEXT = (
    "第一步：登录手机銀行APP，申请分期，手续费每期0.6%，年费100元。\n"
    "第二步：拨打电hua咨询，說(shuō)明用途，网址www.example.com。\n"
    "本文来源于网络，如有侵权请联系删除。"
)
_WARM_RECORDS = (
    {"source": "warm-up.txt", "raw": f"如何办理信用卡分期\n{_WARM_TEXT}".encode()},
    {
        "source": "warm-up.html",
        "raw": (
            "<html><head><title>如何办理信用卡分期</title></head><body><article>"
            + "".join(f"<p>{line}</p>" for line in _WARM_TEXT.split("\n"))
            + "</article></body></html>"
        ).encode(),
    },
)
_warm: set[str] = set()


def warm_up(segmenter: str) -> None:
    """Load, once per process, what every article needs (dictionaries, converters, rules).

    Start-up is then paid before the first article (outside the stage timings),
    and a pool worker pays it when it starts rather than inside its first batch.
    The segmenter comes first: the obfuscation repair reuses jieba's dictionary
    when it is loaded anyway. Never raises (an article reports its own errors).
    """
    if segmenter in _warm:
        return
    _warm.add(segmenter)
    with programs_kept():  # the ~400 patterns compiled below come from the cache
        _warm_up(segmenter)


def _warm_up(segmenter: str) -> None:
    from pipeline.segment import segmenter as build

    try:
        build(segmenter)
    except ValueError:  # an unknown segmenter: every article reports it
        return
    from pipeline.convert import load_converters

    load_converters()  # s2t is only needed by the odd article: open it now all the same
    for record in _WARM_RECORDS:
        for name, table_rows in process_record(record, segmenter=segmenter).items():
            to_arrow(name, table_rows)
    save_needles()  # every rule has worked out its pre-check strings by now


# --------------------------------------------------------------------- the run


@dataclass
class Plan:
    """What a run has to do: the input files, their hashes, and which changed."""

    files: list[InputFile]
    stamp: str
    previous: dict[str, Any] | None
    hashes: dict[str, str]
    changed: list[InputFile]
    started: float = field(default_factory=time.time)

    @property
    def unchanged(self) -> set[str]:
        """Sources whose rows can be reused from the previous run."""
        return set(self.hashes) - {f.source for f in self.changed}

    @property
    def up_to_date(self) -> bool:
        """Nothing new, changed or deleted since the previous run."""
        return (
            self.previous is not None
            and not self.changed
            and set(self.hashes) == set(self.previous["inputs"])
        )


def plan(options: Options, raw: Path | None = None) -> Plan:
    """Check RAW and OUT, finish or discard an interrupted commit, and find what changed."""
    if not options.raw.is_dir():
        raise RunError(f"raw directory {options.raw} does not exist or is not a directory")
    _prepare_out(options.out)
    started = time.time()
    recover(options.out)
    files, warnings = scan(raw or options.raw)
    print_ = _printer(options.progress)
    for warning in warnings:
        print_(f"warning: {warning}")
    stamp = fingerprint(options.segmenter)
    previous = None if options.force else _previous(options.out, stamp)
    hashes, changed = _classify(files, previous)
    return Plan(files, stamp, previous, hashes, changed, started)


@contextmanager
def staged(out: Path) -> Iterator[TableWriter]:
    """A staging writer for OUT; on any failure the staging area is dropped.

    OS errors (unwritable OUT, disk full) become a one-line :class:`RunError`.
    """
    try:
        writer = TableWriter(out)
    except OSError as exc:
        raise RunError(f"cannot write {out}: {exc.strerror or exc}") from exc
    try:
        yield writer
    except OSError as exc:
        writer.abort()
        raise RunError(f"cannot write {out}: {exc.strerror or exc}") from exc
    except BaseException:
        writer.abort()
        raise


def build_manifest(
    work: Plan,
    options: Options,
    *,
    engine: str,
    reused: int,
    records: int,
    bytes_in: int,
    counts: dict[str, int],
    errors: Counter,
    timings: dict[str, float],
    **extra: Any,
) -> dict[str, Any]:
    """The run's ``manifest.json`` (the same keys for every engine, plus ``extra``)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "fingerprint": work.stamp,
        "versions": package_versions(),
        "engine": engine,
        "workers": options.workers,
        "segmenter": options.segmenter,
        **extra,
        "started": _iso(work.started),
        "finished": _iso(time.time()),
        "seconds": round(time.time() - work.started, 3),
        "files": len(work.files),
        "files_processed": len(work.changed),
        "files_reused": len(work.files) - len(work.changed),
        "records_processed": records,
        "articles_reused": reused,
        "bytes_processed": bytes_in,
        "counts": dict(counts),
        "errors": dict(errors.most_common()),
        "stage_seconds": {k: round(v, 3) for k, v in sorted(timings.items())},
        "inputs": {
            f.source: {"size": f.size, "mtime_ns": f.mtime_ns, "hash": work.hashes[f.source]}
            for f in work.files
        },
    }


def run(options: Options) -> dict[str, Any]:
    """Process ``options.raw`` into ``options.out``; return the manifest it wrote."""
    work = plan(options)
    if work.up_to_date:
        return {**work.previous, "up_to_date": True}
    with staged(options.out) as writer:
        reused = _copy_unchanged(options.out, writer, work.previous, work.unchanged)
        totals = _process_changed(work.changed, writer, options)
        manifest = build_manifest(
            work,
            options,
            engine="local",
            reused=reused,
            records=totals.records,
            bytes_in=totals.bytes_in,
            counts=writer.counts,
            errors=totals.errors,
            timings=totals.timings,
        )
        writer.commit(manifest)
    return manifest


def _prepare_out(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise RunError(f"output directory {out} is not writable: {exc.strerror or exc}") from exc


def _previous(out: Path, stamp: str) -> dict[str, Any] | None:
    """The last run's manifest when its tables can serve as a cache for this run."""
    manifest = read_manifest(out)
    if not manifest or manifest.get("fingerprint") != stamp or "inputs" not in manifest:
        return None
    if not all((out / f"{name}.parquet").exists() for name in ALL_TABLES):
        return None
    return manifest


def _classify(
    files: list[InputFile], previous: dict[str, Any] | None
) -> tuple[dict[str, str], list[InputFile]]:
    """Content hashes of all files, and the files that are new or changed."""
    known = previous["inputs"] if previous else {}
    hashes: dict[str, str] = {}
    changed: list[InputFile] = []
    for file in files:
        old = known.get(file.source)
        if old and old["size"] == file.size and old["mtime_ns"] == file.mtime_ns:
            hashes[file.source] = old["hash"]
            continue
        data, _ = read_bytes(file)
        hashes[file.source] = content_hash(data) if data is not None else "unreadable"
        if not old or old["hash"] != hashes[file.source] or data is None:
            changed.append(file)
    return hashes, changed


def _copy_unchanged(
    out: Path, writer: TableWriter, previous: dict[str, Any] | None, sources: set[str]
) -> int:
    """Stream the previous rows of unchanged files into the new tables; return articles reused."""
    if previous is None or not sources:
        return 0
    reused, tables = reused_rows(out, sources)
    for name, table in tables:
        writer.write(name, table)
    return reused


def reused_rows(out: Path, sources: set[str]) -> tuple[int, Iterator[tuple[str, pa.Table]]]:
    """Rows of the previous tables under ``out`` that belong to ``sources``.

    Returns the number of articles kept and a stream of ``(table name, rows)``
    pieces; a previous table may be one file (local runner) or a directory of
    parts (Dask), read in part order either way.
    """
    import pyarrow.dataset as ds

    articles = ds.dataset(out / "articles.parquet", format="parquet").to_table(
        columns=["doc_id", "source"]
    )
    keep = [
        d
        for d, s in zip(articles["doc_id"].to_pylist(), articles["source"].to_pylist(), strict=True)
        if s in sources or s.rsplit("#", 1)[0] in sources
    ]
    keep_ids = pa.array(keep, pa.string())

    def stream() -> Iterator[tuple[str, pa.Table]]:
        for name in ALL_TABLES:
            dataset = ds.dataset(out / f"{name}.parquet", format="parquet")
            for part in dataset.to_batches(batch_size=8192):
                table = pa.Table.from_batches([part])
                yield name, table.filter(pc.is_in(table["doc_id"], value_set=keep_ids))

    return len(keep), stream()


def _batches(files: Iterable[InputFile], options: Options) -> Iterator[list[dict[str, Any]]]:
    """Records of ``files`` in bounded batches (by count and by bytes)."""
    batch: list[dict[str, Any]] = []
    size = 0
    for file in files:
        data, error = read_bytes(file)
        for record in records_from(file, data, error):
            batch.append(record)
            size += _record_size(record)
            if len(batch) >= options.batch_records or size >= options.batch_bytes:
                yield batch
                batch, size = [], 0
    if batch:
        yield batch


@dataclass
class Totals:
    """Counters summed over the batches a writer has taken."""

    timings: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    records: int = 0
    bytes_in: int = 0

    def write(self, batch: Batch, writer: Any) -> None:
        """Append ``batch``'s tables with ``writer`` (anything with ``write(name, table)``)."""
        for name, table in batch.tables.items():
            writer.write(name, table)
        self.timings.update(batch.timings)
        self.errors.update(batch.errors)
        self.records += batch.records
        self.bytes_in += batch.bytes_in


def _process_changed(files: list[InputFile], writer: TableWriter, options: Options) -> Totals:
    """Process ``files`` and append their rows; return the summed counters."""
    totals = Totals()
    total = sum(max(f.size, 0) for f in files)
    with BackgroundWriter(writer) as sink, _progress(total, options.progress) as bar:
        for batch in _map_batches(_batches(files, options), options):
            totals.write(batch, sink)
            bar.update(min(batch.bytes_in, total - bar.n))
        bar.update(total - bar.n)  # decoded sizes differ from file sizes: finish at 100%
    return totals


def _map_batches(batches: Iterator[list[dict]], options: Options) -> Iterator[Batch]:
    """Process batches in order, in this process or in a bounded pool of workers."""
    if options.workers <= 1:
        for records in batches:
            yield process_batch(records, options.segmenter, options.timeout)
        return
    window: deque[Future[Batch]] = deque()
    with ProcessPoolExecutor(
        max_workers=options.workers, initializer=_init_worker, initargs=(options.segmenter,)
    ) as pool:
        for records in batches:
            window.append(pool.submit(process_batch, records, options.segmenter, options.timeout))
            if len(window) >= 2 * options.workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


class _NoBar:
    n = 0

    def update(self, n: int) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _progress(total: int, enabled: bool):  # -> tqdm | _NoBar
    if not enabled or total == 0:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, desc="processing", file=sys.stderr)


def _printer(enabled: bool):
    def print_(message: str) -> None:
        if enabled:
            print(message, file=sys.stderr)

    return print_


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


__all__ = ["Options", "RunError", "doc_id", "process_batch", "run"]
