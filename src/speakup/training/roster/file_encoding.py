"""Which encoding an uploaded file is in (UTF-8, else Windows-1252 with a warning), and the
refusal of one that cannot be read: UTF-16, a spreadsheet workbook, a PDF or a picture, other
bytes."""

from __future__ import annotations

import codecs
from typing import IO

from speakup.core import csvfiles


class UnreadableFile(ValueError):
    """The file is neither UTF-8 nor Windows-1252: its characters cannot be read."""


CP1252_WARNING = (
    "The file is not UTF-8, so it was read as Windows-1252 (Excel's usual encoding). "
    "Check that names with accents look right, or save the file as CSV UTF-8."
)
UNREADABLE = (
    "The file's characters cannot be read: it is neither UTF-8 nor Windows-1252. "
    "Save it from your spreadsheet as CSV UTF-8 and try again."
)
# Excel's "Unicode Text" and some exports: two bytes a character, begun by a byte-order mark.
# Read as Windows-1252 it would fail on its first NUL with a misleading warning before it.
UTF16 = (
    "The file is saved as UTF-16 (Unicode text), which cannot be read here. "
    "Save it from your spreadsheet as CSV UTF-8 and try again."
)


def _decodes(binary: IO[bytes], encoding: str, chunk_size: int) -> bool:
    """Whether the whole file decodes as `encoding` (read once, then rewound)."""
    start = binary.tell()
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := binary.read(chunk_size):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        binary.seek(start)


def detect_encoding(binary: IO[bytes], chunk_size: int = 1 << 20) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM), else Windows-1252 with a warning, else UnreadableFile
    (UTF-16, workbooks, PDFs and pictures too, named as such)."""
    start = binary.tell()
    head = binary.read(csvfiles.LONGEST_START)
    binary.seek(start)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(UTF16)
    if csvfiles.kind_known_by_start(head):
        raise UnreadableFile(csvfiles.not_csv(head=head))
    if _decodes(binary, "utf-8", chunk_size):
        return "utf-8", None
    if _decodes(binary, "cp1252", chunk_size):
        return "cp1252", CP1252_WARNING
    raise UnreadableFile(UNREADABLE)
