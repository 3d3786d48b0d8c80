"""Envelope encryption: a data key per record, wrapped by a key-encryption key (KEK) kept in a
file outside the database (settings.SPEAKUP_KEK_FILE). See docs/adr/0004-envelope-encryption.md.

    data_key = new_data_key()
    row.wrapped_key = wrap_data_key(data_key)
    row.narrative_sealed = encrypt_text(data_key, text, context=f"concern:{ref}:narrative")

Clearing a row's wrapped key (crypto-shredding) makes everything sealed under it unreadable.
"""

import base64
import binascii
import contextlib
import fcntl
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import transaction

from speakup.core.env import ConfigError

log = logging.getLogger(__name__)

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the size AES-GCM is designed for
TAG_BYTES = 16
# First byte of every ciphertext from encrypt(): lets a later format sit beside this one.
FORMAT_V1 = b"\x01"
KID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class CryptoError(Exception):
    """Something could not be decrypted or unwrapped: wrong key, wrong context or altered bytes."""


# --- the key-encryption key file ----------------------------------------------------------


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes]

    def to_json(self) -> str:
        keys = {kid: base64.b64encode(key).decode("ascii") for kid, key in self.keys.items()}
        return json.dumps({"current": self.current, "keys": keys}, indent=2) + "\n"


_cache: dict[Path, tuple[tuple[int, int, int], KeyRing]] = {}
_cache_lock = threading.Lock()


def kek_path() -> Path:
    return Path(settings.SPEAKUP_KEK_FILE)


def _malformed(path: Path, reason: str) -> ConfigError:
    return ConfigError(f"SPEAKUP_KEK_FILE ({path}) is malformed: {reason}")


def _parse(path: Path, text: str) -> KeyRing:
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise _malformed(path, f"not JSON ({error})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("keys"), dict) or not raw["keys"]:
        raise _malformed(path, 'expected {"current": "<kid>", "keys": {"<kid>": "<base64>"}}')
    keys: dict[str, bytes] = {}
    for kid, encoded in raw["keys"].items():
        if not KID_PATTERN.match(kid):
            raise _malformed(path, f"key id {kid!r} must be letters, digits, - or _")
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise _malformed(path, f"key {kid!r} is not base64") from None
        if len(key) != KEY_BYTES:
            raise _malformed(path, f"key {kid!r} must be {KEY_BYTES} bytes, not {len(key)}")
        keys[kid] = key
    current = raw.get("current")
    if current not in keys:
        raise _malformed(path, f'"current" must name one of its keys ({", ".join(keys)})')
    return KeyRing(current=current, keys=keys)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Serialise creating and rotating the key file across processes."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _write(path: Path, ring: KeyRing, *, replace: bool) -> None:
    """Write the whole file under a temporary name, then move it into place in one step."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(ring.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if another process made the file first
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _create(path: Path) -> None:
    with _file_lock(path):
        if path.exists():
            return
        _write(path, KeyRing(current="k1", keys={"k1": AESGCM.generate_key(256)}), replace=False)
        log.warning(
            "Made a new key-encryption key file at %s: back it up apart from the data", path
        )


def key_ring() -> KeyRing:
    """The KEK file's contents, cached per process and read again whenever the file changes."""
    path = kek_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        _create(path)
        stat = path.stat()
    # A rotation replaces the file (new inode), so this notices it even within one clock tick.
    version = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached and cached[0] == version:
            return cached[1]
    if stat.st_mode & 0o077:
        log.warning("%s can be read by other users: it should have mode 0600", path)
    ring = _parse(path, path.read_text(encoding="utf-8"))
    with _cache_lock:
        _cache[path] = (version, ring)
    return ring


def _forget(path: Path) -> None:
    with _cache_lock:
        _cache.pop(path, None)


# --- data keys ----------------------------------------------------------------------------


def new_data_key() -> bytes:
    return AESGCM.generate_key(256)


def _kek_aad(kid: str) -> bytes:
    return f"speakup-data-key:{kid}".encode("ascii")


def wrap_data_key(data_key: bytes) -> str:
    """Encrypt a data key under the current KEK, as "<kid>:<base64(nonce + ciphertext)>"."""
    if len(data_key) != KEY_BYTES:
        raise CryptoError(f"a data key must be {KEY_BYTES} bytes, not {len(data_key)}")
    ring = key_ring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current]).encrypt(nonce, data_key, _kek_aad(ring.current))
    return f"{ring.current}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def kid_of(wrapped: str) -> str:
    """The id of the KEK a wrapped data key was wrapped with."""
    kid, sep, _ = wrapped.partition(":")
    if not sep or not KID_PATTERN.match(kid):
        raise CryptoError("a wrapped data key must look like <key id>:<base64>")
    return kid


def unwrap_data_key(wrapped: str) -> bytes:
    if not wrapped:
        raise CryptoError("there is no wrapped data key (it was deleted: the data is shredded)")
    kid = kid_of(wrapped)
    ring = key_ring()
    if kid not in ring.keys:
        raise CryptoError(
            f"the data key was wrapped with key {kid!r}, which is not in SPEAKUP_KEK_FILE "
            f"({kek_path()}): restore that key to read this data"
        )
    try:
        blob = base64.b64decode(wrapped[len(kid) + 1 :], validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError("the wrapped data key is not valid base64") from None
    if len(blob) != NONCE_BYTES + KEY_BYTES + TAG_BYTES:
        raise CryptoError("the wrapped data key has the wrong length: it was altered")
    try:
        return AESGCM(ring.keys[kid]).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _kek_aad(kid))
    except InvalidTag:
        raise CryptoError(
            f"the wrapped data key does not open with key {kid!r}: it was altered"
        ) from None


def rewrap(wrapped: str) -> str:
    """Unwrap with the key it names, wrap again with the current KEK."""
    return wrap_data_key(unwrap_data_key(wrapped))


# --- sealing data under a data key --------------------------------------------------------


def _aad(context: str) -> bytes:
    if not context:
        raise CryptoError("a context (e.g. 'concern:42:narrative') is required")
    return FORMAT_V1 + context.encode("utf-8")


def encrypt(data_key: bytes, plaintext: bytes, *, context: str) -> bytes:
    """Version byte + random 12-byte nonce + AES-256-GCM ciphertext; `context` is bound in."""
    aad = _aad(context)
    nonce = os.urandom(NONCE_BYTES)
    try:
        sealed = AESGCM(data_key).encrypt(nonce, bytes(plaintext), aad)
    except ValueError as error:  # a data key of the wrong size
        raise CryptoError(f"cannot encrypt: {error}") from None
    return FORMAT_V1 + nonce + sealed


def decrypt(data_key: bytes, blob: bytes, *, context: str) -> bytes:
    blob = bytes(blob)  # PostgreSQL hands binary columns back as memoryview
    aad = _aad(context)
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES:
        raise CryptoError("the ciphertext is too short: it was cut or altered")
    if blob[:1] != FORMAT_V1:
        raise CryptoError(f"the ciphertext has an unknown format ({blob[0]})")
    nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(data_key).decrypt(nonce, sealed, aad)
    except ValueError as error:
        raise CryptoError(f"cannot decrypt: {error}") from None
    except InvalidTag:
        raise CryptoError(
            f"the ciphertext does not open for {context!r}: wrong key, wrong place, or altered"
        ) from None


def encrypt_text(data_key: bytes, text: str, *, context: str) -> bytes:
    return encrypt(data_key, text.encode("utf-8"), context=context)


def decrypt_text(data_key: bytes, blob: bytes, *, context: str) -> str:
    plaintext = decrypt(data_key, blob, context=context)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise CryptoError("the decrypted data is not UTF-8 text") from None


# --- sealed for the client ----------------------------------------------------------------
# What the service hands a browser or a script to give back later (a speak-up draft, a
# speaker's access token): encrypted, so the holder can neither read nor alter it, under a key
# derived from SECRET_KEY for each purpose (no KEK: nothing here outlives a SECRET_KEY change).


def _client_key(purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()
    ).derive(settings.SECRET_KEY.encode())


def seal_for_client(payload, *, purpose: str) -> str:
    """`payload` (anything JSON holds), encrypted for `purpose`, as URL-safe base64."""
    blob = encrypt(_client_key(purpose), json.dumps(payload).encode(), context=purpose)
    return base64.urlsafe_b64encode(blob).decode("ascii")


def open_from_client(token: str | None, *, purpose: str):
    """What `seal_for_client` sealed for `purpose`, or None when the token is missing, altered,
    or sealed for another purpose."""
    if not token:
        return None
    try:
        blob = base64.urlsafe_b64decode(token.encode("ascii"))
        return json.loads(decrypt(_client_key(purpose), blob, context=purpose))
    except (CryptoError, ValueError, UnicodeError):
        return None


# --- rotation -----------------------------------------------------------------------------

_wrapped_key_fields: set[tuple[str, str]] = set()


def register_wrapped_key_field(model_label: str, field_name: str) -> None:
    """Declare a model field that holds wrapped data keys, so rotation re-wraps it."""
    _wrapped_key_fields.add((model_label, field_name))


def wrapped_key_fields() -> list[tuple[type, str]]:
    """The registered (model, field name) pairs, checked against the models."""
    resolved = []
    for label, name in sorted(_wrapped_key_fields):
        try:
            model = apps.get_model(label)
            model._meta.get_field(name)
        except (LookupError, ValueError, FieldDoesNotExist) as error:
            raise ImproperlyConfigured(
                f"register_wrapped_key_field({label!r}, {name!r}): {error}"
            ) from None
        resolved.append((model, name))
    return resolved


def _present(model, field_name: str):
    queryset = model._base_manager.exclude(**{field_name: ""})
    if model._meta.get_field(field_name).null:
        queryset = queryset.exclude(**{f"{field_name}__isnull": True})
    return queryset


def _stale(model, field_name: str, current: str):
    """Rows whose wrapped key is present but not under the current KEK."""
    return _present(model, field_name).exclude(**{f"{field_name}__startswith": f"{current}:"})


def wrapped_key_count() -> int:
    """How many data keys the registered fields hold (shredded ones not counted)."""
    return sum(_present(model, name).count() for model, name in wrapped_key_fields())


def pending_rewrap_count() -> int:
    """How many registered wrapped keys are not yet under the current KEK."""
    current = key_ring().current
    return sum(_stale(model, name, current).count() for model, name in wrapped_key_fields())


def rewrap_field(
    model, field_name: str, *, batch_size: int = 500, on_batch: Callable[[int], None] | None = None
) -> int:
    """Re-wrap every stale key in one field under the current KEK, one transaction per batch.

    Safe to run again after an interruption: rows already under the current KEK are skipped.
    """
    current = key_ring().current
    pk_name = model._meta.pk.attname
    done = 0
    last_pk = None
    while True:
        with transaction.atomic():
            rows = _stale(model, field_name, current).order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.select_for_update().only(pk_name, field_name)[:batch_size])
            if not batch:
                return done
            for row in batch:
                setattr(row, field_name, rewrap(getattr(row, field_name)))
            model._base_manager.bulk_update(batch, [field_name])
        last_pk = batch[-1].pk
        done += len(batch)
        if on_batch:
            on_batch(len(batch))


@dataclass
class RotationResult:
    new_kid: str | None
    old_kids: list[str]
    rewrapped: dict[str, int] = field(default_factory=dict)  # "app.Model.field" -> rows

    @property
    def total(self) -> int:
        return sum(self.rewrapped.values())


def _next_kid(keys: dict[str, bytes]) -> str:
    numbers = [int(kid[1:]) for kid in keys if re.fullmatch(r"k\d+", kid)]
    return f"k{max(numbers, default=0) + 1}"


def add_current_key() -> str:
    """Add a fresh KEK to the file and make it current, keeping the old ones. Returns its id."""
    path = kek_path()
    key_ring()  # make the file if it is missing, and check it parses
    with _file_lock(path):
        ring = _parse(path, path.read_text(encoding="utf-8"))
        kid = _next_kid(ring.keys)
        keys = {**ring.keys, kid: AESGCM.generate_key(256)}
        _write(path, KeyRing(current=kid, keys=keys), replace=True)
    _forget(path)
    return kid


def rewrap_all(
    *, batch_size: int = 500, on_batch: Callable[[int], None] | None = None
) -> dict[str, int]:
    return {
        f"{model._meta.label}.{name}": rewrap_field(
            model, name, batch_size=batch_size, on_batch=on_batch
        )
        for model, name in wrapped_key_fields()
    }


def rotate_keys(
    *,
    batch_size: int = 500,
    on_batch: Callable[[int], None] | None = None,
    new_key: bool = True,
) -> RotationResult:
    """Make a new KEK current, then re-wrap every registered data key under it.

    With new_key=False, only finish the re-wrapping (e.g. after an interrupted rotation).
    """
    wrapped_key_fields()  # refuse before touching the file if a registration is wrong
    old_kids = sorted(key_ring().keys)
    new_kid = add_current_key() if new_key else None
    rewrapped = rewrap_all(batch_size=batch_size, on_batch=on_batch)
    return RotationResult(new_kid=new_kid, old_kids=old_kids, rewrapped=rewrapped)


def retire_unused_keys() -> list[str]:
    """Remove from the file every KEK that is not current and wraps no registered data key.

    Backups taken while a removed key was in use can then no longer be read: that is the point
    (it finishes crypto-shredding), but keep a copy of the old file if you may need to restore.
    """
    path = kek_path()
    fields = wrapped_key_fields()
    with _file_lock(path):
        ring = _parse(path, path.read_text(encoding="utf-8"))
        unused = [
            kid
            for kid in sorted(ring.keys)
            if kid != ring.current
            and not any(
                model._base_manager.filter(**{f"{name}__startswith": f"{kid}:"}).exists()
                for model, name in fields
            )
        ]
        if unused:
            keys = {kid: key for kid, key in ring.keys.items() if kid not in unused}
            _write(path, KeyRing(current=ring.current, keys=keys), replace=True)
    _forget(path)
    return unused
