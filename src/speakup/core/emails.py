"""The one way the service sends an email: after the work it reports on is saved.

An email sent from inside a transaction that then fails would tell someone of something that
did not happen; one that fails to send must not undo what someone did. So an email waits for
the commit and a failure is logged, unless the caller sends it `now` (the tick, which leaves an
item for its next run when its email cannot be sent).
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

log = logging.getLogger(__name__)


def send(subject: str, body: str, addresses: list[str], *, what: str, now: bool = False) -> None:
    """Send one email. `now`: at once, raising when it cannot be sent (the tick's items);
    otherwise when the transaction commits, a failure logged (`what` names it in the log)."""
    if not addresses:
        return
    if now:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
        return

    def on_commit():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
        except Exception:  # what was written is kept whatever the mail server does
            log.exception("Could not send an email (%s)", what)

    transaction.on_commit(on_commit)
