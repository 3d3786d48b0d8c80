"""`make run` starts its Celery worker again when it stops (killed, out of memory), pausing
longer when it keeps stopping, and Ctrl-C still stops it with nothing left behind. Real child
processes stand in for the worker: a `make run` takes minutes to load its demo data."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from speakup.core.keep_running import (
    RESTARTING,
    RESTARTING_AFTER_A_PAUSE,
    StopRequest,
    keep_running,
)

# A worker that, like Celery's with --beat, starts a process of its own (which outlives it
# when it is killed), writes both their process ids, then works until stopped.
WORKER = """
import os, subprocess, sys, time
beat = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
with open(sys.argv[1], "a") as started:
    started.write(f"{os.getpid()} {beat.pid}\\n")
time.sleep(60)
"""
# A worker that ignores the request to stop, as Celery does until its current job is done.
BUSY_WORKER = "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)\n" + WORKER


def worker_command(started: Path, script: str = WORKER) -> list[str]:
    return [sys.executable, "-c", script, str(started)]


def wait_for_starts(started: Path, count: int, timeout: float = 20) -> list[tuple[int, int]]:
    """The (worker, beat) process ids of the first `count` starts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = started.read_text().splitlines() if started.exists() else []
        if len(lines) >= count:
            return [tuple(int(pid) for pid in line.split()) for line in lines]
        time.sleep(0.05)
    raise AssertionError(f"the worker was started {len(lines)} times, not {count}")


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")  # an ended process not yet reaped is no longer running
    return not (stat.exists() and stat.read_text().rsplit(") ", 1)[1].startswith("Z"))


def wait_until_gone(*pids: int, timeout: float = 5) -> list[int]:
    """The processes among `pids` still running after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(is_running(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if is_running(pid)]


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_a_killed_worker_is_started_again_and_ctrl_c_stops_it_for_good(tmp_path, stop_with):
    """SIGINT is Ctrl-C; SIGTERM is what make's shell sends it when the web server stops."""
    started = tmp_path / "started"
    keeper = subprocess.Popen(
        [sys.executable, "-m", "speakup.core.keep_running", *worker_command(started)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        [(worker, beat)] = wait_for_starts(started, 1)
        os.kill(worker, signal.SIGKILL)  # as the kernel does when memory runs out
        (_, (worker_again, beat_again)) = wait_for_starts(started, 2)
        assert wait_until_gone(worker, beat) == []  # no second beat beside the new one
        assert is_running(worker_again) and is_running(beat_again)

        keeper.send_signal(stop_with)
        keeper.wait(timeout=15)
    finally:
        keeper.kill()
    said = keeper.stderr.read()
    assert said.splitlines() == [RESTARTING]
    assert keeper.returncode == 0
    assert wait_until_gone(worker_again, beat_again) == []
    assert len(wait_for_starts(started, 2)) == 2  # and not started a third time


def run_in_a_thread(command: list[str], **options) -> tuple[threading.Thread, StopRequest, list]:
    stop, said = StopRequest(), []
    thread = threading.Thread(
        target=keep_running, args=(command,), kwargs={"stop": stop, "say": said.append, **options}
    )
    thread.start()
    return thread, stop, said


def test_a_worker_that_keeps_stopping_at_once_is_started_after_ever_longer_pauses(tmp_path):
    started = tmp_path / "started"
    crashing = [sys.executable, "-c", f"open({str(started)!r}, 'a').write('0 0\\n')"]
    thread, stop, said = run_in_a_thread(crashing, first_pause=0.05, longest_pause=0.2, steady=30)
    wait_for_starts(started, 5)
    stop()
    thread.join(timeout=10)
    assert said[:4] == [
        RESTARTING,
        RESTARTING_AFTER_A_PAUSE.format(seconds=0.1),
        RESTARTING_AFTER_A_PAUSE.format(seconds=0.2),
        RESTARTING_AFTER_A_PAUSE.format(seconds=0.2),  # no longer than the longest pause
    ]
    assert "starting it again in 0.2 seconds" in said[2]


def test_a_worker_that_had_been_running_steadily_is_started_again_after_the_short_pause(
    tmp_path,
):
    started = tmp_path / "started"
    crashing = [sys.executable, "-c", f"open({str(started)!r}, 'a').write('0 0\\n')"]
    thread, stop, said = run_in_a_thread(crashing, first_pause=0.05, steady=0)
    wait_for_starts(started, 4)
    stop()
    thread.join(timeout=10)
    assert set(said) == {RESTARTING}


def test_a_worker_still_busy_when_asked_to_stop_is_killed_after_a_while(tmp_path):
    started = tmp_path / "started"
    thread, stop, said = run_in_a_thread(worker_command(started, BUSY_WORKER), stop_timeout=0.5)
    [(worker, beat)] = wait_for_starts(started, 1)
    stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert wait_until_gone(worker, beat) == []
    assert said == []


def test_a_worker_that_cannot_be_started_is_said_plainly():
    said = []
    status = keep_running(["/no/such/celery", "worker"], stop=StopRequest(), say=said.append)
    assert status == 1
    assert said == ["The background worker cannot be started: No such file or directory"]


def test_with_no_command_it_says_how_to_give_one():
    result = subprocess.run(
        [sys.executable, "-m", "speakup.core.keep_running"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "Say which command to keep running" in result.stderr
