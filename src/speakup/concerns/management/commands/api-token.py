"""speakup api-token EMAIL: the API token of a member of staff (made on first use).

The token is printed alone on the last line, so scripts can take it with `tail -n 1`.
"""

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from speakup.core.audit import audit
from speakup.organisations.queries import user_by_email


class Command(BaseCommand):
    help = "Print the API token of the person with this email address (made if they have none)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--renew", action="store_true", help="Replace the existing token with a new one."
        )

    def handle(self, *args, email, renew=False, **options):
        user = user_by_email(email)
        if user is None or not user.is_active:
            raise CommandError(f"Nobody active has the email address {email}")
        if renew:
            Token.objects.filter(user=user).delete()
        token, made = Token.objects.get_or_create(user=user)
        if made:
            audit(
                actor=None,
                actor_label="system",
                action="api_token.create",
                object_type="user",
                object_ref=str(user.pk),
            )
        self.stdout.write(
            f"API token for {user.email} (send it as 'Authorization: Token <token>'):"
        )
        self.stdout.write(token.key)
