from importlib import import_module

from django.core.management.base import BaseCommand

from speakup.organisations.demo import load_demo_organisations

# Each domain adds its demo rows after the organisations and people exist, in this order.
DOMAIN_DEMOS = ["speakup.training.demo", "speakup.concerns.demo", "speakup.register.demo"]


class Command(BaseCommand):
    help = "Load fictional demo organisations, people and data (safe to run again); print sign-ins."

    def handle(self, *args, **options):
        sign_ins = load_demo_organisations()
        for module_name in DOMAIN_DEMOS:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name != module_name:
                    raise
                continue  # that domain has no demo data yet
            module.load_demo()
        self.stdout.write("Demo sign-ins (role, organisation, email, password):")
        for s in sign_ins:
            role = getattr(s.role, "label", str(s.role))
            line = f"  {role:<24} {s.organisation_code:<6} {s.email:<48} {s.password}"
            if s.two_factor:
                line += f"   2FA code: speakup otp-code {s.email}"
            self.stdout.write(line)
