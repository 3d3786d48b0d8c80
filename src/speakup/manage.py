"""The `speakup` command: Django's manage.py, installed into the virtualenv."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speakup.settings")
    from speakup.core.env import ConfigError

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018  (loads settings now, so a bad one stops us here)
    except ConfigError as error:
        sys.stderr.write(f"speakup: configuration error: {error}\n")
        sys.exit(2)

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
