from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "speakup.register"
    verbose_name = "Register of board directors"
