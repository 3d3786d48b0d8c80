from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "speakup.concerns"
    verbose_name = "Concerns: speak up, listen up, follow up"
