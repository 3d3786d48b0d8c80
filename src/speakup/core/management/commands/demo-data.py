from django.core.management.base import BaseCommand
from django.test import override_settings

from speakup.concerns import demo as concerns_demo
from speakup.organisations.demo import demo_notes, load_demo_organisations
from speakup.register import demo as register_demo
from speakup.reporting import demo as reporting_demo
from speakup.training import demo as training_demo

# Each domain adds its demo rows after the organisations and people exist, in this order
# (the register reads training records; the data returns count the cases).
DOMAIN_DEMOS = [
    (training_demo, "training records"),
    (concerns_demo, "cases and their history"),
    (register_demo, "register of board directors"),
    (reporting_demo, "quarterly data returns"),
]


class Command(BaseCommand):
    help = "Load fictional demo organisations, people and data (safe to run again); print sign-ins."

    def handle(self, *args, **options):
        # Demo people are fictional: the emails the demo cases cause are kept in memory, unsent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            sign_ins, notes = self._load()
        self._print(sign_ins, notes)

    def _load(self):
        sign_ins = load_demo_organisations()
        notes: list[str] = demo_notes()
        for domain, what in DOMAIN_DEMOS:
            # The first load takes some seconds: say what is happening meanwhile.
            self.stderr.write(f"Loading the demo {what}…")
            notes += domain.load_demo() or []  # a domain may say how to try its demo
        return sign_ins, notes

    def _print(self, sign_ins, notes):
        self.stdout.write("Demo sign-ins (role, organisation, email, password):")
        for s in sign_ins:
            role = getattr(s.role, "label", str(s.role))
            line = f"  {role:<24} {s.organisation_code:<6} {s.email:<48} {s.password}"
            if s.two_factor:
                # The same settings as `make run` (speakup alone would ask for a SECRET_KEY).
                when = "2FA code" if s.two_factor == "always" else f"2FA code on {s.two_factor}"
                line += f"   {when}: make otp-code EMAIL={s.email}"
            self.stdout.write(line)
        for note in notes:
            self.stdout.write(note)
