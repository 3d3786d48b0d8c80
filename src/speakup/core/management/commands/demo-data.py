from django.core.management.base import BaseCommand

from speakup.organisations.demo import load_demo_organisations


class Command(BaseCommand):
    help = (
        "Load fictional demo organisations and people (safe to run again) and print their sign-ins."
    )

    def handle(self, *args, **options):
        sign_ins = load_demo_organisations()
        self.stdout.write("Demo sign-ins (role, organisation, email, password):")
        for s in sign_ins:
            role = getattr(s.role, "label", str(s.role))
            line = f"  {role:<24} {s.organisation_code:<6} {s.email:<48} {s.password}"
            if s.two_factor:
                line += f"   2FA code: speakup otp-code {s.email}"
            self.stdout.write(line)
