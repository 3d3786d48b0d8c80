"""Files a speaker attaches: checked by what they contain, stored encrypted, never in plaintext.

A file's type is decided by its bytes, not by its name or the browser's say-so: PDF, PNG,
JPEG, plain text (UTF-8) and Word (DOCX) only, 10 MB each, 5 per concern. Each file is
encrypted under its concern's data key and written under a random name; its real name is sealed
in the database. Files are written under a temporary name first and moved into place only when
the database transaction that records them commits, so a failed submission leaves no file.
"""

import contextlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import Http404

from speakup.concerns.sealing import key_of, unseal
from speakup.core.audit import audit
from speakup.core.crypto import decrypt, encrypt
from speakup.core.permissions import require
from speakup.core.text import without_accents

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
# The most of a speak-up request read at all: four times the most files allowed, with room for
# the form around them. Files over the limits are read and dropped, not kept, so that the rest
# of the form (the speaker's whole concern) still arrives; beyond this the request is refused
# before it is read.
MAX_READ_REQUEST_BYTES = 4 * (MAX_FILES * MAX_FILE_BYTES + 1024 * 1024)
ALLOWED_DESCRIPTION = "a PDF, PNG, JPEG, plain text or Word (DOCX) file"
TEXT_CONTROL_ALLOWED = {"\t", "\n", "\r", "\f"}


@dataclass(frozen=True)
class FileType:
    """An accepted type: what people call it, and the extensions a file of it may keep. Any
    other extension is replaced on download, so a text file the speaker named "notes.html" is
    saved as "notes.html.txt" and never opens as a web page on the computer it lands on."""

    called: str
    extensions: tuple[str, ...]


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FILE_TYPES = {
    "application/pdf": FileType("PDF", (".pdf",)),
    "image/png": FileType("PNG image", (".png",)),
    "image/jpeg": FileType("JPEG image", (".jpg", ".jpeg")),
    "text/plain": FileType("Text file", (".txt",)),
    DOCX: FileType("Word document", (".docx",)),
}


# The words for a refused file, said alike by the server and, before anything is sent, by the
# speaker's browser (browser_checks).
def too_many_files() -> str:
    return f"Select up to {MAX_FILES} files"


def too_large(name: str) -> str:
    return (
        f"“{name}” is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: "
        "leave it out or attach a smaller copy"
    )


def wrong_type(name: str) -> str:
    return f"{name} must be {ALLOWED_DESCRIPTION}"


def empty(name: str) -> str:
    return f"“{name}” is empty: choose it again, or leave it out"


def browser_checks() -> dict[str, str]:
    """The file input's data attributes from which speakup.js checks the files a speaker chooses
    before they are sent: the limits above and the words for each refusal, "{name}" standing for
    the file's name. The types are the media types and extensions of FILE_TYPES."""
    extensions = [extension for kind in FILE_TYPES.values() for extension in kind.extensions]
    return {
        "data-max-files": str(MAX_FILES),
        "data-max-file-bytes": str(MAX_FILE_BYTES),
        "data-file-types": " ".join([*FILE_TYPES, *extensions]),
        "data-too-many": too_many_files(),
        "data-too-large": too_large("{name}"),
        "data-wrong-type": wrong_type("{name}"),
        "data-empty": empty("{name}"),
    }


class AttachmentInvalid(ValueError):
    """The file is refused; the message says why in plain English."""


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name (as the speaker's computer called it) and its bytes."""

    name: str
    data: bytes


def as_upload(uploaded) -> Upload:
    """An Upload from a Django UploadedFile (or an Upload already)."""
    if isinstance(uploaded, Upload):
        return uploaded
    uploaded.seek(0)
    return Upload(name=os.path.basename(uploaded.name or "attachment"), data=uploaded.read())


def _is_docx(data: bytes) -> bool:
    # Only the zip's table of contents is read: nothing is decompressed.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in TEXT_CONTROL_ALLOWED or ch.isspace() for ch in text)


def sniff_content_type(data: bytes) -> str | None:
    """The media type the bytes really are, when it is one we accept; otherwise None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return DOCX
    if _is_text(data):
        return "text/plain"
    return None


def check_upload(upload: Upload) -> str:
    """The file's real media type, or AttachmentInvalid saying what is wrong with it."""
    name = upload.name or "The file"
    if not upload.data:
        raise AttachmentInvalid(empty(upload.name) if upload.name else "The file is empty")
    if len(upload.data) > MAX_FILE_BYTES:
        raise AttachmentInvalid(too_large(upload.name) if upload.name else "The file is too large")
    content_type = sniff_content_type(upload.data)
    if content_type is None:
        raise AttachmentInvalid(wrong_type(name))
    return content_type


def check_uploads(uploads) -> list[tuple[Upload, str]]:
    """Every file with its media type; AttachmentInvalid for the first that is refused."""
    uploads = [as_upload(u) for u in uploads]
    if len(uploads) > MAX_FILES:
        raise AttachmentInvalid(too_many_files())
    return [(upload, check_upload(upload)) for upload in uploads]


# --- storage ------------------------------------------------------------------------------


def attachments_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "concerns"


def _final_path(stored_as: str) -> Path:
    return attachments_dir() / stored_as


def _temp_path(stored_as: str) -> Path:
    return attachments_dir() / f".{stored_as}.partial"


def _context(concern, stored_as: str) -> str:
    return f"concern:{concern.reference}:attachment:{stored_as}"


def new_stored_name() -> str:
    return secrets.token_hex(16)


def write_pending(concern, stored_as: str, data: bytes) -> Path:
    """Encrypt and write the file under its temporary name (not yet in place)."""
    folder = attachments_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    sealed = encrypt(key_of(concern), data, context=_context(concern, stored_as))
    temp = _temp_path(stored_as)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(sealed)
    return temp


def move_into_place(stored_as: str) -> None:
    os.replace(_temp_path(stored_as), _final_path(stored_as))


def discard_pending(stored_as: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(_temp_path(stored_as))


def read_attachment(concern, attachment) -> bytes:
    """The file's bytes, decrypted (callers check access and audit first)."""
    sealed = _final_path(attachment.stored_as).read_bytes()
    return decrypt(key_of(concern), sealed, context=_context(concern, attachment.stored_as))


# --- giving files to staff ----------------------------------------------------------------

NAME_MAX = 150
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|]')


def name_field(stored_as: str) -> str:
    """The sealing field of a file's name: the intake seals it there, attachment_name opens it."""
    return f"attachment:{stored_as}:name"


def attachment_name(concern, attachment) -> str:
    """The file's name as the speaker's computer called it (callers check access first)."""
    return unseal(concern, name_field(attachment.stored_as), attachment.name_sealed) or ""


def safe_filename(name: str, content_type: str) -> str:
    """A name to save the file under: no folder, no control or reserved characters, not hidden,
    not too long, and an extension that matches what the file really is."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_IN_NAME.sub("_", name).strip().lstrip(".").strip()
    extensions = FILE_TYPES[content_type].extensions if content_type in FILE_TYPES else ()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if not extensions or f".{extension.lower()}" not in extensions:
        stem, extension = name, (extensions[0] if extensions else "")[1:]
    stem = stem[: NAME_MAX - len(extension) - 1].strip() or "attachment"
    return f"{stem}.{extension}" if extension else stem


def content_disposition(filename: str) -> str:
    """Content-Disposition for a download: a plain ASCII name for old browsers and the real
    name in UTF-8 (RFC 6266 and RFC 5987) for the rest."""
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", without_accents(filename)).strip()
    ascii_name = ascii_name or "attachment"
    if ascii_name == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment_open(*, user, concern, attachment) -> tuple[str, bytes]:
    """A file for a member of staff to download: its safe name and decrypted bytes. Only for
    those who may see the speaker's files (concerns.view_attachments), and audited as a read of
    the case's content (`attachment.view`); a file missing from storage is 404."""
    require(user, "concerns.view_attachments", concern)
    if attachment.concern_id != concern.pk:
        raise Http404
    with transaction.atomic():
        audit(
            actor=user,
            action="attachment.view",
            object_type="concern",
            object_ref=concern.reference,
            organisation=concern.organisation_id,
            detail={"attachment_id": attachment.pk},
        )
        try:
            data = read_attachment(concern, attachment)
        except FileNotFoundError:
            raise Http404 from None
    return safe_filename(attachment_name(concern, attachment), attachment.content_type), data


# --- receiving uploads --------------------------------------------------------------------


class InMemoryOnlyUploadHandler(FileUploadHandler):
    """Keep uploads in memory, never in a temporary file on disk (Django's default for files
    over 2.5 MB), because a speaker's file must not touch the disk unencrypted.

    A file over MAX_FILE_BYTES, or after the MAX_FILES-th, is read and dropped, not kept, and
    said in `request.files_refused`: the rest of the form, the speaker's whole concern, is still
    read, so the page can ask for smaller files without losing what they wrote. So at most
    MAX_FILES files of MAX_FILE_BYTES are ever held; the request's size is capped before it is
    read (MAX_READ_REQUEST_BYTES)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.kept = 0
        self.read = 0
        request.files_refused = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0
        self.refusal = None if self.kept < MAX_FILES else too_many_files()

    def receive_data_chunk(self, raw_data, start):
        self.read += len(raw_data)
        if self.read > MAX_READ_REQUEST_BYTES:  # a request longer than it said
            raise StopUpload(connection_reset=True)
        self.received += len(raw_data)
        if self.refusal is None and self.received > MAX_FILE_BYTES:
            self.buffer = io.BytesIO()  # let go of what was kept of it
            self.refusal = too_large(self.file_name)
        if self.refusal is None:
            self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.refusal is not None:
            if self.refusal not in self.request.files_refused:
                self.request.files_refused.append(self.refusal)
            return None  # not among request.FILES
        self.kept += 1
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
