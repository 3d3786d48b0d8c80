from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from speakup.organisations.roles import NATIONAL_ROLES, Role
from speakup.organisations.validators import validate_ods_code

# Sorted, so the constraint below is the same on every run and migrations stay stable.
NATIONAL_ROLE_VALUES = sorted(role.value for role in NATIONAL_ROLES)


class OrganisationKind(models.TextChoices):
    NHS_TRUST = "nhs_trust", "NHS trust"
    FOUNDATION_TRUST = "foundation_trust", "NHS foundation trust"
    ICB = "icb", "Integrated care board"
    PRIMARY_CARE = "primary_care", "Primary care provider"
    INDEPENDENT = "independent", "Independent provider"
    NATIONAL_BODY = "national_body", "National body"


class Region(models.TextChoices):
    EAST_OF_ENGLAND = "east_of_england", "East of England"
    LONDON = "london", "London"
    MIDLANDS = "midlands", "Midlands"
    NORTH_EAST_YORKSHIRE = "north_east_yorkshire", "North East and Yorkshire"
    NORTH_WEST = "north_west", "North West"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    NATIONAL = "national", "National"


class Organisation(models.Model):
    ods_code = models.CharField(
        "ODS code", max_length=6, unique=True, validators=[validate_ods_code]
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    region = models.CharField(max_length=30, choices=Region.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.ods_code})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Speakers need no account: they hold a receipt code instead."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May sign in to the Django admin (superusers only use it)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class RoleMembership(models.Model):
    """A person holds a role in an organisation, or a national role (no organisation)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_in_organisation"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(organisation__isnull=True),
                name="membership_unique_national",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=NATIONAL_ROLE_VALUES, organisation__isnull=True)
                    | (
                        ~models.Q(role__in=NATIONAL_ROLE_VALUES)
                        & models.Q(organisation__isnull=False)
                    )
                ),
                name="membership_national_roles_have_no_organisation",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self):
        where = self.organisation.ods_code if self.organisation_id else "national"
        return f"{self.user} — {self.get_role_display()} ({where})"
