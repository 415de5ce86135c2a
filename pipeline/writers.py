"""Writers: stream rows into Parquet in a staging directory, then commit atomically.

Tables are appended batch by batch to ``OUT/.staging``, in row groups of about
:data:`ROW_GROUP_BYTES`, with the explicit schemas of :mod:`pipeline.tables`. Committing writes a
``COMMIT`` marker, then renames each table into place, ``manifest.json`` last.
A run killed before the marker leaves the previous tables untouched; a run
killed during the renames is finished by the next run (:func:`recover`).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import threading
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.tables import EXTRA_SCHEMAS, SCHEMAS

STAGING = ".staging"
MARKER = "COMMIT"
MANIFEST = "manifest.json"
ALL_SCHEMAS = {**SCHEMAS, **EXTRA_SCHEMAS}
# Arrow bytes gathered per row group. A batch's tables are small (tokens ~0.5 MB):
# written one row group each, Parquet encoding cost ~1.8x the CPU and the files were
# ~2.3x larger (10 MB corpus: 0.18 s, 5.3 MB; at 2 MB: 0.10 s, 2.3 MB). Beyond ~2 MB
# the column dictionaries overflow their page and files grow again (4 MB: 3.2 MB).
ROW_GROUP_BYTES = 2_000_000


def to_arrow(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows of table ``name`` as an Arrow table with the contract's schema.

    Built column by column (a missing key is a null, as with ``from_pylist``,
    which is ~8x slower on these rows); no rows give the schema's empty table.
    """
    if not rows:
        return _EMPTY[name]
    schema = ALL_SCHEMAS[name]
    return pa.Table.from_arrays([_column(rows, field) for field in schema], schema=schema)


def _column(rows: list[dict[str, Any]], field: pa.Field) -> pa.Array:
    """The values of ``field`` in ``rows`` as an Arrow array (null where a row lacks it)."""
    try:
        values = list(map(itemgetter(field.name), rows))
    except KeyError:
        values = [row.get(field.name) for row in rows]
    return pa.array(values, type=field.type)


_EMPTY = {name: schema.empty_table() for name, schema in ALL_SCHEMAS.items()}


class ParquetAppender:
    """Appends tables of one schema to one Parquet file, in row groups of about
    :data:`ROW_GROUP_BYTES` (the file is created by the first row group)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._pending: list[pa.Table] = []
        self._pending_bytes = 0

    def append(self, table: pa.Table) -> None:
        """Add ``table``'s rows (cast to the schema); a full row group is written."""
        if table.num_rows == 0:
            return
        self._pending.append(table.cast(self.schema))
        self._pending_bytes += table.nbytes
        self.rows += table.num_rows
        if self._pending_bytes >= ROW_GROUP_BYTES:
            self.flush()

    def flush(self) -> None:
        """Write what is gathered as one row group."""
        if not self._pending:
            return
        table = pa.concat_tables(self._pending)
        self._pending, self._pending_bytes = [], 0
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self._writer.write_table(table)

    def close(self) -> None:
        """Write what is left and close the file (none when no row came)."""
        self.flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def abort(self) -> None:
        """Drop what is gathered and close the file, ignoring errors."""
        self._pending, self._pending_bytes = [], 0
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:
                pass
            self._writer = None


class TableWriter:
    """Appends Arrow tables to ``NAME.parquet`` files in ``OUT/.staging``."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.staging = out / STAGING
        if self.staging.is_dir() and not self.staging.is_symlink():
            shutil.rmtree(self.staging)
        elif self.staging.exists() or self.staging.is_symlink():
            self.staging.unlink()  # a stray file or link in the way
        self.staging.mkdir(parents=True)
        self._files = {
            name: ParquetAppender(self.staging / f"{name}.parquet", schema)
            for name, schema in ALL_SCHEMAS.items()
        }
        self.counts = dict.fromkeys(ALL_SCHEMAS, 0)

    def write(self, name: str, table: pa.Table) -> None:
        """Append ``table``'s rows to ``NAME.parquet`` (cast to the table's schema)."""
        self._files[name].append(table)
        self.counts[name] += table.num_rows

    def close(self) -> None:
        """Close every file; tables that got no rows are written empty."""
        for appender in self._files.values():
            appender.close()
        for name, schema in ALL_SCHEMAS.items():
            path = self.staging / f"{name}.parquet"
            if not path.exists():
                pq.write_table(schema.empty_table(), path, compression="zstd")

    def commit(self, manifest: dict[str, Any]) -> None:
        """Publish the staged tables and ``manifest`` under ``OUT``."""
        self.close()
        _write_json(self.staging / MANIFEST, manifest)
        _fsync_dir(self.staging)
        (self.staging / MARKER).write_text("ok\n", encoding="utf-8")
        _fsync_dir(self.staging)
        recover(self.out)

    def abort(self) -> None:
        """Drop the staging directory (the previous tables stay as they were)."""
        for appender in self._files.values():
            appender.abort()
        shutil.rmtree(self.staging, ignore_errors=True)


class BackgroundWriter:
    """Hands tables to a :class:`TableWriter` on a thread, so Parquet encoding and
    compression (which release the GIL) overlap the processing of the next batch.

    At most ``depth`` tables wait in order. An error of the thread is raised by the
    next :meth:`write` or by :meth:`close`; leaving the ``with`` block on an
    exception drops what still waits and stops the thread.
    """

    def __init__(self, writer: TableWriter, depth: int = 12) -> None:
        self.writer = writer
        self._queue: queue.Queue[tuple[str, pa.Table] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._dropping = False
        self._thread = threading.Thread(target=self._run, name="table-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None and not self._dropping:
                try:
                    self.writer.write(*item)
                except BaseException as exc:  # raised in the calling thread
                    self._error = exc

    def write(self, name: str, table: pa.Table) -> None:
        """Queue ``table`` for ``NAME.parquet`` (waits while ``depth`` tables wait)."""
        self._raise()
        self._queue.put((name, table))

    def close(self) -> None:
        """Wait until every queued table is written; raise the thread's error if any."""
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            self.close()
            return
        self._dropping = True
        self._queue.put(None)
        self._thread.join()


def recover(out: Path) -> None:
    """Finish a commit that was interrupted, or discard an unfinished staging area."""
    staging = out / STAGING
    if not staging.is_dir():
        return
    if not (staging / MARKER).exists():
        shutil.rmtree(staging, ignore_errors=True)
        return
    names = sorted(p.name for p in staging.iterdir() if p.name.endswith(".parquet"))
    for name in [*names, MANIFEST]:
        source = staging / name
        if source.exists():
            _replace(source, out / name)
    shutil.rmtree(staging, ignore_errors=True)


def _replace(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target``; a directory (Dask parts) on either side is swapped out."""
    if (target.is_dir() and not target.is_symlink()) or (source.is_dir() and target.exists()):
        trash = target.with_name(target.name + ".old")
        _remove(trash)
        os.replace(target, trash)
        os.replace(source, target)
        _remove(trash)
    else:
        os.replace(source, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _write_json(path: Path, data: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of the last committed run, or ``None``."""
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
