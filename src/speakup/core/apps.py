from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "speakup.core"
    verbose_name = "Core"

    def ready(self):
        from speakup.core import checks  # noqa: F401  (registers the deployment checks)
