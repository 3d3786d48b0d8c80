from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "speakup.core"
    verbose_name = "Core"
