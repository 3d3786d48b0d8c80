from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "speakup.organisations"
    verbose_name = "Organisations and people"

    def ready(self):
        from speakup.organisations import rules  # noqa: F401  (registers permission rules)
