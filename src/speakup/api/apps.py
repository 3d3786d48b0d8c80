from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "speakup.api"
    verbose_name = "JSON API"
