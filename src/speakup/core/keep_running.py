"""Keep `make run`'s Celery worker running (ADR 0011): start it again when it stops without
being asked to, pausing longer each time it stops again soon after it started.

    python -m speakup.core.keep_running celery -A speakup worker --beat …

Celery has no such option: it leaves restarting a worker to systemd or supervisord, which a
machine with only Python does not have. The worker runs in a process group of its own, so that
what it leaves behind when it is killed goes with it: its embedded beat is a process of its
own, which outlives a killed worker and then ignores Ctrl-C. SIGINT, SIGTERM or SIGHUP to this
program stops the worker (killing it if it takes longer than STOP_TIMEOUT) and ends.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

RESTARTING = "The background worker stopped; starting it again."
RESTARTING_AFTER_A_PAUSE = (
    "The background worker stopped again soon after it started; "
    "starting it again in {seconds:g} seconds."
)
CANNOT_START = "The background worker cannot be started: {error}"

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0
# A worker that ran this long stopped for a passing reason (killed, out of memory), not one
# that stops it at every start: the pauses start short again.
STEADY = 30.0
# How long a worker asked to stop may take to finish its job before it is killed.
STOP_TIMEOUT = 10.0
# How often the flag set by a stopping signal is looked at.
LOOK_EVERY = 0.1


class StopRequest:
    """The signal handler: it only sets a flag, which the loop looks at."""

    def __init__(self) -> None:
        self.asked = False

    def __call__(self, signum: int | None = None, frame: object = None) -> None:
        self.asked = True


def keep_running(
    command: Sequence[str],
    *,
    stop: StopRequest,
    say: Callable[[str], None],
    first_pause: float = FIRST_PAUSE,
    longest_pause: float = LONGEST_PAUSE,
    steady: float = STEADY,
    stop_timeout: float = STOP_TIMEOUT,
) -> int:
    """Run `command` until `stop` is asked, starting it again each time it ends before.
    The exit status: 0 once stopped, 1 when the command cannot be started."""
    pause = first_pause
    while not stop.asked:
        started = time.monotonic()
        try:
            # The command is the Makefile's own, not input from anyone using the demo.
            worker = subprocess.Popen(command, process_group=0, stdin=subprocess.DEVNULL)  # noqa: S603
        except OSError as error:
            say(CANNOT_START.format(error=error.strerror or error))
            return 1
        _wait_for_exit_or_stop(worker, stop)
        _end(worker, timeout=stop_timeout)
        if stop.asked:
            break
        if time.monotonic() - started >= steady:
            pause = first_pause
        say(RESTARTING if pause <= first_pause else RESTARTING_AFTER_A_PAUSE.format(seconds=pause))
        _sleep_unless_stopped(pause, stop)
        pause = min(pause * 2, longest_pause)
    return 0


def _wait_for_exit_or_stop(worker: subprocess.Popen, stop: StopRequest) -> None:
    while worker.poll() is None and not stop.asked:
        time.sleep(LOOK_EVERY)


def _sleep_unless_stopped(seconds: float, stop: StopRequest) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until and not stop.asked:
        time.sleep(LOOK_EVERY)


def _end(worker: subprocess.Popen, *, timeout: float) -> None:
    """Stop the worker (Celery finishes the job it is on first) and whatever is left in its
    process group; kill them when they are not gone after `timeout` seconds."""
    group = worker.pid  # the worker leads its own group
    if worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout)
    except subprocess.TimeoutExpired:
        _signal_group(group, signal.SIGKILL)
        worker.wait()
    if not _signal_group(group, signal.SIGTERM):
        return
    # What is left is no longer our child, so it cannot be waited for: look until it is gone.
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        time.sleep(LOOK_EVERY)
        if not _signal_group(group, 0):
            return
    _signal_group(group, signal.SIGKILL)


def _signal_group(group: int, signum: int) -> bool:
    """Send `signum` to the process group; False when no process is left in it."""
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        return False
    return True


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(arguments: Sequence[str]) -> int:
    if not arguments:
        _say("Say which command to keep running: python -m speakup.core.keep_running celery …")
        return 2
    stop = StopRequest()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    return keep_running(arguments, stop=stop, say=_say)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
