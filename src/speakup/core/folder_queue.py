"""The folder queue that `make run` uses (ADR 0011): kombu's filesystem transport, with each
message written whole before the worker can see it.

kombu's own transport creates a message file under its final name and then writes it, while
the worker takes any file with that name: a worker that took one in between read an empty
message, and its JSON error stopped the worker for good (an upload stuck at "waiting to
start", and no more ticks). Here a message is written under a name the worker does not take,
then renamed, which is atomic on one file system; and a message that cannot be read (one
another writer left half written) is an error in the log, never the end of the worker.
"""

import logging
import os
import uuid
from pathlib import Path
from time import monotonic

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

logger = logging.getLogger(__name__)

# The end of a message file's name while it is written: the worker takes only "….msg".
BEING_WRITTEN = ".part"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put `payload` on `queue` as a file the worker sees only once it is whole."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = Path(self.data_folder_out) / name
        partial = final.with_name(name + BEING_WRITTEN)
        try:
            partial.write_bytes(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise filesystem.ChannelError(f"Cannot add file {name!r} to directory") from exc

    def _get(self, queue):
        """The next message on `queue` that can be read. kombu has taken a file off the queue
        before it reads it, so one that is not JSON is gone: said in the log, then skipped."""
        while True:
            try:
                return super()._get(queue)
            except ValueError as error:  # not JSON, or not even text
                logger.error("A message on the %s queue could not be read: %s", queue, error)


class Transport(filesystem.Transport):
    Channel = Channel
