from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "speakup.training"
    verbose_name = "Training adoption"
