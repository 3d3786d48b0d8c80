"""Reading people, organisations and the roles people hold."""

from dataclasses import dataclass

from speakup.organisations.models import Organisation, RoleMembership, User
from speakup.organisations.roles import TWO_FACTOR_ROLES, Role


@dataclass(frozen=True)
class HeldRole:
    role: Role
    organisation_id: int | None
    organisation_code: str | None
    organisation_name: str | None


def roles_of(user) -> tuple[HeldRole, ...]:
    """Every role the user holds, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_speakup_roles", None)
    if cached is None:
        rows = RoleMembership.objects.filter(user=user, organisation__active=True) | (
            RoleMembership.objects.filter(user=user, organisation__isnull=True)
        )
        cached = tuple(
            HeldRole(
                role=Role(m.role),
                organisation_id=m.organisation_id,
                organisation_code=m.organisation.ods_code if m.organisation_id else None,
                organisation_name=m.organisation.name if m.organisation_id else None,
            )
            for m in rows.select_related("organisation").order_by("organisation__name", "role")
        )
        user._speakup_roles = cached
    return cached


def has_role(user, role: Role, organisation: Organisation | int | None = None) -> bool:
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return any(
        held.role == role and (organisation_id is None or held.organisation_id == organisation_id)
        for held in roles_of(user)
    )


def organisation_ids_where(user, *roles: Role) -> set[int]:
    """The organisations in which the user holds any of `roles`."""
    return {
        held.organisation_id
        for held in roles_of(user)
        if held.role in roles and held.organisation_id is not None
    }


def needs_two_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(held.role in TWO_FACTOR_ROLES for held in roles_of(user))


def second_factor_given(user) -> bool:
    # django-otp's middleware gives the signed-in person is_verified(); anyone else has not.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def waiting_for_second_factor(user) -> bool:
    """Signed in with the password, and held at the code page until they give the second
    factor their roles need: no page of the service opens for them yet."""
    return not second_factor_given(user) and needs_two_factor(user)


def organisation_ids_of_every_role(person) -> set[int | None]:
    """Where each of the person's roles is, read afresh (not `roles_of`, which is for the
    signed-in person): None for a national role; an organisation that is no longer active too."""
    return set(RoleMembership.objects.filter(user=person).values_list("organisation_id", flat=True))


def organisations_run_by(user):
    """The organisations where the user is an organisation admin."""
    ids = organisation_ids_where(user, Role.ORGANISATION_ADMIN)
    return Organisation.objects.filter(pk__in=ids, active=True).order_by("name")


def people_at(organisation: Organisation):
    """Everyone holding a role at the organisation."""
    return User.objects.filter(memberships__organisation=organisation).distinct()


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def active_organisations():
    return Organisation.objects.filter(active=True).order_by("name")
