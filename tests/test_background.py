"""Work handed to a forked child gives what the parent would have worked out, or the parent works it out."""

from __future__ import annotations

import os
import threading

import pytest

from handouts import background
from handouts.background import Background, can_fork
from handouts.errors import HandoutsError, Problem

forks = pytest.mark.skipif(not can_fork(), reason="needs Linux, fork and a second usable core")


@forks
def test_value_comes_from_a_child_process():
    parent = os.getpid()
    job = Background(lambda: (os.getpid(), [1, 2, 3]))
    assert job.in_child
    pid, value = job.result()
    assert pid != parent
    assert value == [1, 2, 3]
    assert job.result() is job.result()  # asked twice, worked out once


@forks
def test_an_exception_in_the_child_is_raised_in_the_parent_with_its_problems():
    def work():
        raise HandoutsError(Problem("content/a.yaml", 7, "title", "must not be empty"))

    job = Background(work)
    assert job.in_child
    with pytest.raises(HandoutsError) as caught:
        job.result()
    assert [str(p) for p in caught.value.problems] == ["content/a.yaml:7: title: must not be empty"]


@forks
def test_a_child_that_dies_leaves_the_work_to_the_parent():
    parent = os.getpid()

    def work():
        if os.getpid() != parent:
            os._exit(3)
        return "worked out in the parent"

    job = Background(work)
    assert job.in_child
    assert job.result() == "worked out in the parent"


@forks
def test_an_unsendable_value_is_worked_out_again_in_the_parent():
    parent = os.getpid()
    job = Background(lambda: (lambda: os.getpid()))  # a lambda cannot be pickled
    assert job.in_child
    assert job.result()() == parent


@forks
def test_a_large_value_is_not_stuck_in_the_pipe():
    job = Background(lambda: "x" * 5_000_000)
    assert len(job.result()) == 5_000_000


def test_switched_off_the_work_waits_for_the_parent(monkeypatch):
    monkeypatch.setenv("HANDOUTS_BACKGROUND", "off")
    calls = []
    job = Background(lambda: calls.append(os.getpid()) or "done")
    assert not job.in_child
    assert calls == []  # nothing is done until the result is asked for
    assert job.result() == "done"
    assert calls == [os.getpid()]


def test_no_fork_while_other_threads_run():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        assert not Background(lambda: 1).in_child
    finally:
        stop.set()
        thread.join()


def test_no_fork_with_one_usable_core(monkeypatch):
    monkeypatch.setattr(background, "_usable_cores", lambda: 1)
    assert not can_fork()


def test_no_fork_off_linux(monkeypatch):
    monkeypatch.setattr(background.sys, "platform", "darwin")
    assert not can_fork()


@forks
def test_a_failed_fork_leaves_the_work_to_the_parent(monkeypatch):
    def no_fork():
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(background.os, "fork", no_fork)
    job = Background(lambda: os.getpid())
    assert not job.in_child
    assert job.result() == os.getpid()
