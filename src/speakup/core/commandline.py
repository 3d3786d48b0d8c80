"""What the command-line tools share: opening the file a person names, with a plain sentence
(never a traceback) when it cannot be read."""

from pathlib import Path
from typing import IO

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
