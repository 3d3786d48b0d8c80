from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from speakup.core.two_factor import current_code
from speakup.organisations.demo import is_demo_email


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user's enrolled device (demo users only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        # Real people's codes come only from their own phones.
        if not is_demo_email(email):
            raise CommandError(
                "otp-code works only for demo users (their addresses end in demo.speakup.test)"
            )
        try:
            device = TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).first()
        except DatabaseError:
            # Most often another database than the demo's: make run was given a DATABASE_URL.
            raise CommandError(
                f"There is no demo in the database {connection.settings_dict['NAME']}: it has "
                "no speakup tables. Give make otp-code the same DATABASE_URL as make run"
            ) from None
        if device is None:
            raise CommandError(f"{email} has no enrolled device: run speakup demo-data first")
        self.stdout.write(current_code(device))
