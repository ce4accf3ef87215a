"""The run's start-up: the temporary API starts while GX is set up."""

from __future__ import annotations

import threading

import pytest

from flows.pipeline import while_running


def test_the_wait_and_the_work_run_at_the_same_time():
    work_started = threading.Event()
    seen = []

    def wait():  # done only once the work has begun: run one after the other, it would time out
        seen.append(work_started.wait(timeout=5))

    while_running(wait, work_started.set)
    assert seen == [True]


def test_an_error_while_waiting_is_raised_in_the_caller():
    def wait():
        raise RuntimeError("server did not start")

    with pytest.raises(RuntimeError, match="server did not start"):
        while_running(wait, lambda: None)


def test_an_error_of_the_work_is_raised_after_the_wait_is_done():
    finished = []

    def wait():
        threading.Event().wait(0.2)
        finished.append(True)

    def work():
        raise ValueError("no GX")

    with pytest.raises(ValueError, match="no GX"):
        while_running(wait, work)
    assert finished == [True]
