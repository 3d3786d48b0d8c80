"""Envelope encryption: data keys sealed under a key-encryption key kept outside the database."""

import base64
import json
import os
import stat

import pytest
from django.core.management import call_command

from speakup.core import crypto
from speakup.core.crypto import (
    CryptoError,
    decrypt,
    decrypt_text,
    encrypt,
    encrypt_text,
    new_data_key,
    rewrap,
    unwrap_data_key,
    wrap_data_key,
)
from speakup.core.env import ConfigError
from speakup.organisations.models import User
from tests.organisations.factories import UserFactory

NARRATIVE = "The night shift on ward 7 is left with one nurse for 30 patients."


@pytest.fixture
def registry(monkeypatch):
    """A private list of wrapped-key fields, so each test registers only what it uses."""
    fields: set = set()
    monkeypatch.setattr(crypto, "_wrapped_key_fields", fields)
    return fields


def kids_in(kek_file) -> list[str]:
    return sorted(json.loads(kek_file.read_text())["keys"])


def test_text_comes_back_as_it_went_in():
    key = new_data_key()
    blob = encrypt_text(key, NARRATIVE, context="concern:42:narrative")
    assert decrypt_text(key, blob, context="concern:42:narrative") == NARRATIVE


def test_binary_columns_from_postgresql_decrypt_too():
    key = new_data_key()
    blob = encrypt(key, b"\x00\x01 bytes", context="concern:1:attachment")
    assert decrypt(key, memoryview(blob), context="concern:1:attachment") == b"\x00\x01 bytes"


def test_ciphertext_does_not_contain_the_plaintext():
    key = new_data_key()
    blob = encrypt_text(key, NARRATIVE, context="concern:42:narrative")
    assert b"night shift" not in blob
    assert NARRATIVE.encode() not in blob
    assert blob[:1] == b"\x01"  # format version


def test_the_same_text_encrypts_differently_each_time():
    key = new_data_key()
    assert encrypt_text(key, NARRATIVE, context="c") != encrypt_text(key, NARRATIVE, context="c")


def test_ciphertext_moved_to_another_field_or_row_does_not_open():
    key = new_data_key()
    blob = encrypt_text(key, NARRATIVE, context="concern:42:narrative")
    with pytest.raises(CryptoError, match="does not open"):
        decrypt_text(key, blob, context="concern:42:outcome")
    with pytest.raises(CryptoError):
        decrypt_text(key, blob, context="concern:43:narrative")


def test_tampered_ciphertext_does_not_open():
    key = new_data_key()
    blob = bytearray(encrypt_text(key, NARRATIVE, context="c"))
    blob[20] ^= 0x01
    with pytest.raises(CryptoError):
        decrypt_text(key, bytes(blob), context="c")
    with pytest.raises(CryptoError, match="too short"):
        decrypt_text(key, bytes(blob[:10]), context="c")


def test_another_data_key_does_not_open_it():
    blob = encrypt_text(new_data_key(), NARRATIVE, context="c")
    with pytest.raises(CryptoError):
        decrypt_text(new_data_key(), blob, context="c")


def test_what_is_sealed_for_the_client_opens_only_for_its_purpose_and_unaltered():
    token = crypto.seal_for_client({"r": "X7KV-ZC45"}, purpose="speakup:test:v1")
    assert "X7KV" not in token and "X7KV" not in base64.urlsafe_b64decode(token).decode("latin-1")
    assert crypto.open_from_client(token, purpose="speakup:test:v1") == {"r": "X7KV-ZC45"}
    assert crypto.open_from_client(token, purpose="speakup:other:v1") is None
    altered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    for refused in (altered, token[:30], "not base64!", "é", "", None):
        assert crypto.open_from_client(refused, purpose="speakup:test:v1") is None


def test_a_data_key_survives_wrapping_and_unwrapping():
    key = new_data_key()
    assert len(key) == 32
    wrapped = wrap_data_key(key)
    assert wrapped.isascii()
    assert wrapped.startswith("k1:")
    assert base64.b64encode(key).decode() not in wrapped
    assert unwrap_data_key(wrapped) == key


def test_a_tampered_wrapped_key_is_refused():
    wrapped = wrap_data_key(new_data_key())
    kid, body = wrapped.split(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 0x01
    with pytest.raises(CryptoError, match="altered"):
        unwrap_data_key(f"{kid}:{base64.b64encode(bytes(raw)).decode()}")


def test_a_key_wrapped_with_an_unknown_kek_names_the_missing_key():
    wrapped = wrap_data_key(new_data_key())
    with pytest.raises(CryptoError, match="'k9', which is not in SPEAKUP_KEK_FILE"):
        unwrap_data_key("k9" + wrapped[2:])


def test_a_shredded_key_says_so():
    with pytest.raises(CryptoError, match="shredded"):
        unwrap_data_key("")


def test_the_kek_file_is_made_on_first_use_readable_only_by_its_owner(kek_file):
    assert not kek_file.exists()
    wrap_data_key(new_data_key())
    assert stat.S_IMODE(kek_file.stat().st_mode) == 0o600
    content = json.loads(kek_file.read_text())
    assert content["current"] == "k1"
    assert len(base64.b64decode(content["keys"]["k1"])) == 32


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"current": "k1", "keys": {}}',
        '{"current": "k2", "keys": {"k1": "' + base64.b64encode(b"x" * 32).decode() + '"}}',
        '{"current": "k1", "keys": {"k1": "c2hvcnQ="}}',
        '{"current": "k1", "keys": {"k1": "***"}}',
    ],
)
def test_a_malformed_kek_file_stops_with_an_error_naming_the_setting(kek_file, content):
    kek_file.parent.mkdir(parents=True)
    kek_file.write_text(content)
    with pytest.raises(ConfigError, match="SPEAKUP_KEK_FILE"):
        wrap_data_key(new_data_key())


def test_a_changed_kek_file_is_read_again(kek_file):
    wrap_data_key(new_data_key())
    content = json.loads(kek_file.read_text())
    content["keys"]["k7"] = base64.b64encode(os.urandom(32)).decode()
    content["current"] = "k7"
    kek_file.write_text(json.dumps(content))
    assert wrap_data_key(new_data_key()).startswith("k7:")


def test_after_rotation_old_keys_still_unwrap_and_new_wraps_use_the_new_key(kek_file, registry):
    key = new_data_key()
    old_wrapped = wrap_data_key(key)

    result = crypto.rotate_keys()

    assert result.new_kid == "k2"
    assert kids_in(kek_file) == ["k1", "k2"]
    assert stat.S_IMODE(kek_file.stat().st_mode) == 0o600
    assert unwrap_data_key(old_wrapped) == key
    assert wrap_data_key(key).startswith("k2:")
    rewrapped = rewrap(old_wrapped)
    assert rewrapped.startswith("k2:")
    assert unwrap_data_key(rewrapped) == key


@pytest.mark.django_db
def test_rotation_rewraps_every_row_of_a_registered_field(kek_file, registry):
    # No app model is ours to use here, so a plain text column stands in for `wrapped_key`.
    crypto.register_wrapped_key_field("organisations.User", "full_name")
    keys = [new_data_key() for _ in range(7)]
    people = [UserFactory(full_name=wrap_data_key(key)) for key in keys]
    shredded = UserFactory(full_name="")

    result = crypto.rotate_keys(batch_size=3)

    assert result.rewrapped == {"organisations.User.full_name": 7}
    for person, key in zip(people, keys, strict=True):
        stored = User.objects.get(pk=person.pk).full_name
        assert stored.startswith("k2:")
        assert unwrap_data_key(stored) == key
    assert User.objects.get(pk=shredded.pk).full_name == ""
    assert crypto.pending_rewrap_count() == 0
    # The old key is no longer needed by any row, so it can be retired.
    assert crypto.retire_unused_keys() == ["k1"]
    assert kids_in(kek_file) == ["k2"]


@pytest.mark.django_db
def test_an_interrupted_rotation_can_be_finished_without_a_new_key(registry):
    crypto.register_wrapped_key_field("organisations.User", "full_name")
    key = new_data_key()
    person = UserFactory(full_name=wrap_data_key(key))
    crypto.add_current_key()
    assert crypto.pending_rewrap_count() == 1

    result = crypto.rotate_keys(new_key=False)

    assert result.new_kid is None
    assert result.total == 1
    person.refresh_from_db()
    assert person.full_name.startswith("k2:")


@pytest.mark.django_db
def test_a_key_still_in_use_is_not_retired(registry):
    crypto.register_wrapped_key_field("organisations.User", "full_name")
    UserFactory(full_name=wrap_data_key(new_data_key()))
    crypto.add_current_key()
    assert crypto.retire_unused_keys() == []


@pytest.mark.django_db
def test_a_wrong_registration_is_refused_before_the_key_file_changes(kek_file, registry):
    wrap_data_key(new_data_key())
    crypto.register_wrapped_key_field("organisations.User", "no_such_field")
    with pytest.raises(Exception, match="no_such_field"):
        crypto.rotate_keys()
    assert kids_in(kek_file) == ["k1"]


@pytest.mark.django_db
def test_rotate_keys_command_says_what_it_did(capsys, registry):
    crypto.register_wrapped_key_field("organisations.User", "full_name")
    for _ in range(3):
        UserFactory(full_name=wrap_data_key(new_data_key()))

    call_command("rotate-keys")

    out = capsys.readouterr().out
    assert "Made key k2 current; re-wrapped 3 data keys" in out
    assert "Old keys k1 stay in" in out
    assert "until an operator removes them" in out


@pytest.mark.django_db
def test_rotate_keys_command_can_retire_unused_keys(capsys, kek_file, registry):
    call_command("rotate-keys")
    call_command("rotate-keys", "--retire-unused")
    out = capsys.readouterr().out
    assert "Made key k3 current; re-wrapped 0 data keys" in out
    assert "Removed unused keys k1, k2" in out
    assert kids_in(kek_file) == ["k3"]
