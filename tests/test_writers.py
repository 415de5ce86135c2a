"""The background writer: tables reach the writer in order; its errors are not lost."""

from __future__ import annotations

import threading

import pyarrow as pa
import pytest

from pipeline.writers import BackgroundWriter


class Recorder:
    def __init__(self, fail_on: int | None = None, gate: threading.Event | None = None) -> None:
        self.written: list[tuple[str, int]] = []
        self.fail_on = fail_on
        self.gate = gate

    def write(self, name: str, table: pa.Table) -> None:
        if self.gate is not None:
            self.gate.wait(5)
        if self.fail_on is not None and len(self.written) == self.fail_on:
            raise OSError(28, "No space left on device")
        self.written.append((name, table.num_rows))


def _table(n: int) -> pa.Table:
    return pa.table({"x": list(range(n))})


def test_tables_are_written_in_order_before_close_returns() -> None:
    recorder = Recorder()
    with BackgroundWriter(recorder, depth=2) as sink:  # type: ignore[arg-type]
        for n in range(1, 30):
            sink.write(f"t{n % 3}", _table(n))
    assert recorder.written == [(f"t{n % 3}", n) for n in range(1, 30)]


def test_an_error_on_the_thread_is_raised_to_the_caller() -> None:
    recorder = Recorder(fail_on=2)
    with pytest.raises(OSError, match="No space"):
        with BackgroundWriter(recorder, depth=1) as sink:  # type: ignore[arg-type]
            for n in range(1, 50):
                sink.write("t", _table(n))
    assert len(recorder.written) == 2  # nothing after the failure


def test_leaving_on_an_exception_drops_what_waits_and_stops_the_thread() -> None:
    gate = threading.Event()
    recorder = Recorder(gate=gate)
    sink = BackgroundWriter(recorder, depth=8)  # type: ignore[arg-type]
    with pytest.raises(KeyboardInterrupt):
        with sink:
            for n in range(1, 6):
                sink.write("t", _table(n))
            # the thread holds the first table until the gate opens, after the exit
            threading.Timer(0.3, gate.set).start()
            raise KeyboardInterrupt
    assert not sink._thread.is_alive()
    assert len(recorder.written) <= 1


def test_to_arrow_equals_from_pylist_with_missing_keys_and_no_rows() -> None:
    from pipeline.writers import ALL_SCHEMAS, to_arrow

    rows = [
        {"doc_id": "a", "para": 0, "tokens": ["如何", "还款", ""]},
        {"doc_id": "a", "para": 1, "tokens": []},
        {"doc_id": "b", "tokens": None},  # no para: a null, as from_pylist gives
    ]
    schema = ALL_SCHEMAS["tokens"]
    table = to_arrow("tokens", rows)
    assert table.schema == schema and table.equals(pa.Table.from_pylist(rows, schema=schema))
    for name, table_schema in ALL_SCHEMAS.items():
        empty = to_arrow(name, [])
        assert empty.schema == table_schema and empty.num_rows == 0
        assert empty.equals(pa.Table.from_pylist([], schema=table_schema))


def test_appender_gathers_small_tables_into_row_groups_in_order(tmp_path, monkeypatch) -> None:
    import pyarrow.parquet as pq

    from pipeline import writers

    schema = pa.schema([pa.field("x", pa.int64())])
    one = pa.table({"x": [0]}, schema=schema)
    monkeypatch.setattr(writers, "ROW_GROUP_BYTES", 10 * one.nbytes)
    appender = writers.ParquetAppender(tmp_path / "t.parquet", schema)
    appender.append(pa.table({"x": pa.array([], pa.int64())}))  # no rows: nothing to write
    assert not (tmp_path / "t.parquet").exists()
    for i in range(35):
        appender.append(pa.table({"x": [i]}, schema=schema))
    appender.close()
    data = pq.ParquetFile(tmp_path / "t.parquet")
    assert data.read().column("x").to_pylist() == list(range(35))
    assert appender.rows == 35
    assert data.metadata.num_row_groups == 4  # 10 + 10 + 10 + the 5 left at close


def test_appender_with_no_rows_writes_no_file_and_abort_drops_what_waits(tmp_path) -> None:
    from pipeline.writers import ParquetAppender

    schema = pa.schema([pa.field("x", pa.int64())])
    empty = ParquetAppender(tmp_path / "empty.parquet", schema)
    empty.close()
    assert not (tmp_path / "empty.parquet").exists()
    dropped = ParquetAppender(tmp_path / "dropped.parquet", schema)
    dropped.append(pa.table({"x": [1, 2]}, schema=schema))
    dropped.abort()
    dropped.close()
    assert not (tmp_path / "dropped.parquet").exists()
