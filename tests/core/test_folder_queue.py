"""The folder queue `make run` uses: a message is never seen half written, and one that cannot
be read does not stop the worker (kombu's own transport let a worker read an empty message file,
and its JSON error stopped the worker for good: uploads stuck at "waiting to start")."""

import logging
from pathlib import Path

import pytest
from kombu import Connection
from kombu.transport.filesystem import Transport as KombuTransport

from speakup.core import folder_queue

QUEUE = "celery"


def channel(folder: Path, transport=folder_queue.Transport):
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
    connection = Connection("filesystem://", transport=transport, transport_options=options)
    return connection.default_channel


def message(number: int) -> dict:
    return {"body": f"message {number}", "properties": {}, "headers": {}}


def half_written(folder: Path) -> None:
    """What kombu's own writer leaves for an instant: the file, under its name, still empty."""
    (folder / f"0_{'0' * 32}.{QUEUE}.msg").write_bytes(b"")


def test_an_unreadable_message_is_logged_and_the_next_one_delivered(tmp_path, caplog):
    queue = channel(tmp_path)
    half_written(tmp_path)
    queue._put(QUEUE, message(1))
    with caplog.at_level(logging.ERROR, logger="speakup.core.folder_queue"):
        assert queue._get(QUEUE) == message(1)
    assert "A message on the celery queue could not be read" in caplog.text


def test_kombus_own_transport_stops_at_that_message(tmp_path):
    """Why the folder queue has its own: the same file stops kombu's reader with an error."""
    queue = channel(tmp_path, transport=KombuTransport)
    half_written(tmp_path)
    queue._put(QUEUE, message(1))
    with pytest.raises(ValueError):
        queue._get(QUEUE)


def test_a_worker_looking_while_a_message_is_written_finds_nothing_yet(tmp_path, monkeypatch):
    """A worker takes the queue's next file as soon as it is there: it must not be there before
    its bytes are."""
    queue = channel(tmp_path)
    write_bytes = Path.write_bytes
    seen_mid_write = []

    def write_then_look(path, data):
        written = write_bytes(path, data)
        seen_mid_write.append(sorted(p.name for p in tmp_path.glob(f"*.{QUEUE}.msg")))
        return written

    monkeypatch.setattr(Path, "write_bytes", write_then_look)
    queue._put(QUEUE, message(1))
    monkeypatch.undo()
    assert seen_mid_write == [[]]  # only the part file existed while it was written
    assert queue._get(QUEUE) == message(1)
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []
