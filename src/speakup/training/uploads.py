"""How large a CSV file speakup imports, the same by the upload pages and the API.

Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) is for form fields and JSON bodies: an
uploaded file and a CSV request body are not held in memory, so these limits are speakup's.
"""

from speakup.training.models import UploadKind

MB = 1024 * 1024

# A roster of 1.5 million workers (the largest an organisation sends) is about 220 MB; a file
# more than twice that is not a roster (a whole ESR extract, or the wrong file). A roster must
# arrive whole, as a whole roster makes leavers of those missing from it: no splitting it.
MAX_ROSTER_FILE_MB = 500
# Some 400,000 rows: years of a large trust's completions. A larger file is more likely the
# wrong one, and one import holds the database while it runs; completions can be split.
MAX_COMPLETIONS_FILE_MB = 20


def max_file_mb(kind: str) -> int:
    """Read when a file arrives (not at import), so a test can lower it."""
    return MAX_ROSTER_FILE_MB if kind == UploadKind.ROSTER else MAX_COMPLETIONS_FILE_MB


def size_hint(kind: str) -> str:
    """The limit, as the upload page's hint says it."""
    if kind == UploadKind.ROSTER:
        return (
            f"It can be up to {MAX_ROSTER_FILE_MB} MB "
            "(a roster of 1.5 million workers is about 220 MB)."
        )
    return f"It can be up to {MAX_COMPLETIONS_FILE_MB} MB."


def too_large(kind: str) -> str:
    """What an upload larger than its limit is told."""
    if kind == UploadKind.ROSTER:
        return (
            f"The file is larger than {MAX_ROSTER_FILE_MB} MB, far larger than a staff roster "
            "(one of 1.5 million workers is about 220 MB): check that it is your roster, saved "
            "as CSV"
        )
    return (
        f"The file is larger than {MAX_COMPLETIONS_FILE_MB} MB: split it into smaller files "
        "and upload each of them"
    )
