from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "speakup.concerns"
    verbose_name = "Concerns: speak up, listen up, follow up"

    def ready(self):
        from speakup.concerns import rules  # noqa: F401  (registers permission rules and scopes)
        from speakup.core.crypto import register_wrapped_key_field

        # Key rotation re-wraps every concern's data key (speakup rotate-keys).
        register_wrapped_key_field("concerns.Concern", "wrapped_key")
