"""What the command-line tools share: opening the file a person names, with a plain sentence
(never a traceback) when it cannot be read."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TextIO

from django.core.management.base import CommandError


def open_named_file(name: str) -> tuple[Path, IO[bytes]]:
    """The file named on the command line, open for reading bytes."""
    path = Path(name)
    if path.is_dir():
        raise CommandError(f"{path} is a folder: name the CSV file itself")
    if not path.exists():
        raise CommandError(f"There is no file at {path}")
    try:
        return path, path.open("rb")
    except PermissionError:
        raise CommandError(f"You may not read {path}: check its permissions") from None
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error.strerror or error}") from None


# The exit status of a program stopped by Ctrl-C (128 + SIGINT), as the shell gives it.
INTERRUPTED = 130
# The imports write in one transaction, which a Ctrl-C rolls back whole.
IMPORT_STOPPED = "Stopped: nothing was imported."


@contextmanager
def stopped_by_ctrl_c(stderr: TextIO, said: str = IMPORT_STOPPED) -> Iterator[None]:
    """Ctrl-C said in a sentence (`said`) and exit status 130, never a KeyboardInterrupt
    traceback."""
    try:
        yield
    except KeyboardInterrupt:
        stderr.write(said)
        raise SystemExit(INTERRUPTED) from None
