from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "speakup.training"
    verbose_name = "Training adoption"

    def ready(self):
        from speakup.training import rules  # noqa: F401  (registers permission rules)
