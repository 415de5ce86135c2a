"""The per-article time budget: SIGALRM in the main thread, one watchdog thread elsewhere.

Every step of an article runs with what is left of the article's budget; an
overrun is that article's ``BudgetExceeded`` error row, nothing is left armed or
pending once a step has ended, and a timeout swallowed by a finaliser is raised
again. (No timings are asserted: the cost of a step's guard is measured, not tested.)
"""

from __future__ import annotations

import gc
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from pipeline import dask_engine
from pipeline.runner import (
    ArticleBudget,
    BudgetExceeded,
    RecordTimeout,
    _budget,
    process_batch,
)

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")

TEXT = "信用卡分期\n提前还款要收违约金。\n"


def _in_thread(work: Callable[[], Any]) -> Any:
    """``work()`` in a new (non-main) thread: its result, or the exception it raised."""
    result: list[Any] = []

    def target() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # handed back to the test
            result.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return result[0]


def _naps(seconds: float) -> None:
    """Sleep in short naps (a thread's timeout is raised between two naps, not in one)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.005)


class _SlowFinaliser:
    """An object whose finaliser sleeps: a timeout raised in it is swallowed."""

    def __del__(self) -> None:
        _naps(0.6)


def _swallowed_then_slow() -> None:
    holder = _SlowFinaliser()
    del holder  # the first timeout lands in __del__ and is lost
    _naps(5.0)


# ------------------------------------------------------------------ SIGALRM (main thread)


def test_alarm_is_disarmed_after_each_step_and_the_handler_restored() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with _budget(5.0) as guard:
        assert guard is not None
        with guard(0):
            assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        with pytest.raises(BudgetExceeded, match=r"time budget \(5 s\)"), guard(1):
            raise RecordTimeout("timeout")  # as the alarm's handler raises it
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


def test_alarm_handler_raises_only_inside_a_step_body() -> None:
    exit_frame = SimpleNamespace(f_code=ArticleBudget.__exit__.__code__)
    with _budget(5.0) as guard:
        assert guard is not None
        guard.on_alarm(signal.SIGALRM, sys._getframe())  # between steps: only noted
        with guard(0):  # ... and a later step does not inherit it
            pass
        with pytest.raises(BudgetExceeded), guard(1):
            guard.on_alarm(signal.SIGALRM, sys._getframe())  # in the body: raised
        with pytest.raises(BudgetExceeded), guard(2):
            guard.on_alarm(signal.SIGALRM, exit_frame)  # in the budget's code: noted, an overrun
        with guard(3):
            pass
        with pytest.raises(BudgetExceeded):  # nothing left for article 1
            with guard(1):
                pass


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_alarm_swallowed_by_a_finaliser_is_raised_again() -> None:
    with _budget(0.2) as guard:
        assert guard is not None
        with pytest.raises(BudgetExceeded, match=r"time budget \(0.2 s\)"), guard(0):
            _swallowed_then_slow()
        gc.collect()


# ------------------------------------------------------------- the watchdog (other threads)


def _watchdogs() -> int:
    return sum(thread.name == "step-watchdog" for thread in threading.enumerate())


def test_a_step_sleeping_past_its_budget_in_a_thread_is_an_error_row(monkeypatch) -> None:
    import pipeline.steps

    extract = pipeline.steps.extract_steps

    def sleepy(paragraphs, title=None):
        if title == "慢":
            _naps(30.0)
        return extract(paragraphs, title)

    monkeypatch.setattr(pipeline.steps, "extract_steps", sleepy)
    records = [
        {"source": "a.txt", "text": TEXT},
        {"source": "slow.txt", "text": TEXT, "title": "慢"},
        {"source": "b.txt", "text": TEXT},
    ]
    batch = _in_thread(lambda: dask_engine._process_batch(records, "jieba", 0.3))
    rows = batch.tables["articles"].to_pylist()
    assert [row["status"] for row in rows] == ["ok", "error", "ok"]
    assert rows[1]["error"] == "timeout: article took longer than its time budget (0.3 s)"
    assert batch.tables == process_batch(records, "jieba", 0.3).tables  # as in the main thread


def test_nothing_is_raised_in_a_thread_after_its_step_ended() -> None:
    def work() -> list[str]:
        outcomes = []
        with dask_engine._watchdog_budget(0.1) as guard:
            try:
                with guard(0):
                    _naps(5.0)
            except BudgetExceeded:
                outcomes.append("exceeded")
            with guard(1):
                pass
            outcomes.append("ok")
        _naps(0.6)  # past the re-fire interval: nothing may arrive here
        return outcomes

    assert _in_thread(work) == ["exceeded", "ok"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_timeout_swallowed_by_a_finaliser_in_a_thread_is_raised_again() -> None:
    def work() -> str:
        with dask_engine._watchdog_budget(0.2) as guard:
            try:
                with guard(0):
                    _swallowed_then_slow()
            except BudgetExceeded as exc:
                return str(exc)
        return "finished"

    assert _in_thread(work) == "timeout: article took longer than its time budget (0.2 s)"
    gc.collect()


def test_steps_ending_at_their_deadline_never_leak_the_timeout() -> None:
    """Steps about as long as their budget: each is ok or over it, nothing escapes a step."""

    def busy(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass

    def work() -> tuple[int, int]:
        ok = exceeded = 0
        with dask_engine._watchdog_budget(0.002) as guard:
            for i in range(300):
                try:
                    with guard(i):
                        busy(0.0015 + (i % 7) * 0.0002)
                    ok += 1
                except BudgetExceeded:
                    exceeded += 1
        _naps(0.3)
        return ok, exceeded

    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)  # the watchdog gets its turn often, also as steps end
    try:
        ok, exceeded = _in_thread(work)
    finally:
        sys.setswitchinterval(interval)
    assert ok + exceeded == 300 and exceeded


def test_one_watchdog_thread_serves_every_thread_and_step() -> None:
    def work() -> None:
        with dask_engine._watchdog_budget(5.0) as guard:
            for i in range(200):
                with guard(i):
                    pass

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _watchdogs() == 1
