"""Fictional organisations and people for trying every role in a minute. Never real people."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from speakup.core.two_factor import enrol_confirmed_device
from speakup.organisations.models import (
    Organisation,
    OrganisationKind,
    Region,
    RoleMembership,
    User,
)
from speakup.organisations.roles import (
    MAY_BE_HANDED_CASES,
    NATIONAL_ROLES,
    TWO_FACTOR_ROLES,
    Role,
)


def as_if_on(moment: datetime):
    """A context in which it is `moment`: demo history is made through the same services as
    real work, each step as if on its own day, so every date in it is one a service would have
    written (demo data only: real work is only ever written as it happens). time-machine moves
    the clock itself, so model defaults and every service see the same day."""
    import time_machine

    return time_machine.travel(moment, tick=False)


DEMO_PASSWORD = "speakup-demo-password"  # noqa: S105  (printed for newcomers; demo data only)
DEMO_DOMAIN = "demo.speakup.test"  # .test is reserved: no real mailbox can have these addresses

ORGANISATIONS = [
    (
        "DEMO1",
        "Riverbank Demo NHS Foundation Trust",
        OrganisationKind.FOUNDATION_TRUST,
        Region.NORTH_WEST,
    ),
    ("DEMO2", "Hillside Demo NHS Trust", OrganisationKind.NHS_TRUST, Region.SOUTH_WEST),
    ("DEMO3", "Meadowshire Demo Integrated Care Board", OrganisationKind.ICB, Region.MIDLANDS),
]

# How many people hold each role in a trust; the ICB has a smaller staff.
ROLE_COUNTS = {
    Role.ORGANISATION_ADMIN: 1,
    Role.GUARDIAN: 2,
    Role.CHAMPION: 1,
    Role.EXECUTIVE_LEAD: 1,
    Role.NON_EXECUTIVE_LEAD: 1,
    Role.BOARD_MEMBER: 3,
    Role.LINE_MANAGER: 3,
    Role.WORKER: 8,
}
ICB_ROLE_COUNTS = {**ROLE_COUNTS, Role.BOARD_MEMBER: 2, Role.LINE_MANAGER: 2, Role.WORKER: 4}

# Three register officers, so that a regulatory case can be opened, decided and appealed by
# three different people (separation of duties).
NATIONAL_ROLE_COUNTS = {Role.NATIONAL_ANALYST: 1, Role.REGISTER_OFFICER: 3}

FIRST_NAMES = [
    "Ada",
    "Bryn",
    "Cora",
    "Dev",
    "Esme",
    "Finn",
    "Gita",
    "Hal",
    "Iris",
    "Jude",
    "Kit",
    "Lena",
    "Milo",
    "Nell",
    "Otis",
    "Pia",
    "Quin",
    "Rhea",
    "Sol",
    "Tess",
    "Uma",
    "Vic",
    "Wren",
    "Yara",
]
LAST_NAMES = [
    "Ashdown",
    "Birchley",
    "Calloway",
    "Dunmore",
    "Ellery",
    "Fairweather",
    "Greystone",
    "Hollins",
    "Ingleby",
    "Juniper",
    "Kestrel",
    "Larkfield",
    "Marlowe",
    "Northcote",
]


@dataclass(frozen=True)
class DemoSignIn:
    role: Role
    organisation_code: str
    email: str
    password: str
    two_factor: str  # when the person is asked for a code: "" (never), "always", "case pages"


def demo_person(kind: str, code: str) -> User | None:
    """A demo person by the start of their address and their organisation: ("guardian1",
    "DEMO1") is guardian1@demo1.demo.speakup.test."""
    return User.objects.filter(email=f"{kind}@{code.lower()}.{DEMO_DOMAIN}").first()


def demo_guardian(code: str) -> User | None:
    """The organisation's first demo guardian (an organisation with one has no number)."""
    return demo_person("guardian1", code) or demo_person("guardian", code)


def _fictional_name(index: int) -> str:
    return f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index * 5) % len(LAST_NAMES)]}"


def _person(email: str, index: int, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email,
            full_name=_fictional_name(index),
            is_superuser=superuser,
            is_staff=superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _two_factor(role: Role) -> str:
    if role in TWO_FACTOR_ROLES:
        return "always"
    if role == Role.BOARD_MEMBER:  # the training roster's download asks them too
        return "case pages and the compliance and leavers downloads"
    return "case pages" if role in MAY_BE_HANDED_CASES else ""


def _grant(user: User, role: Role, organisation: Organisation | None) -> None:
    RoleMembership.objects.get_or_create(user=user, role=role, organisation=organisation)
    if _two_factor(role) or user.is_superuser:
        enrol_confirmed_device(user)  # so that every demo role can be tried in a minute


@transaction.atomic
def load_demo_organisations() -> list[DemoSignIn]:
    """Create (or find) the demo organisations and people; safe to run again."""
    sign_ins: list[DemoSignIn] = []
    index = 0
    for code, name, kind, region in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            ods_code=code, defaults={"name": name, "kind": kind, "region": region}
        )
        counts = ICB_ROLE_COUNTS if kind == OrganisationKind.ICB else ROLE_COUNTS
        for role, count in counts.items():
            for number in range(1, count + 1):
                slug = role.value.replace("_", "-")
                email = f"{slug}{number if count > 1 else ''}@{code.lower()}.{DEMO_DOMAIN}"
                user = _person(email, index)
                index += 1
                _grant(user, role, organisation)
                if role == Role.LINE_MANAGER or role in {Role.GUARDIAN, Role.CHAMPION}:
                    _grant(user, Role.WORKER, organisation)  # everyone who works there is a worker
                sign_ins.append(DemoSignIn(role, code, email, DEMO_PASSWORD, _two_factor(role)))
    for role in sorted(NATIONAL_ROLES):
        count = NATIONAL_ROLE_COUNTS[role]
        for number in range(1, count + 1):
            slug = role.value.replace("_", "-")
            email = f"{slug}{number if number > 1 else ''}@national.{DEMO_DOMAIN}"
            user = _person(email, index)
            index += 1
            _grant(user, role, None)
            sign_ins.append(DemoSignIn(role, "-", email, DEMO_PASSWORD, "always"))
    admin = _person(f"superuser@{DEMO_DOMAIN}", index, superuser=True)
    enrol_confirmed_device(admin)
    sign_ins.append(DemoSignIn("superuser", "-", admin.email, DEMO_PASSWORD, "always"))
    return sign_ins


def demo_notes() -> list[str]:
    """How to try helping someone sign in, printed after the sign-ins. The emails' folder is
    the one settings give (under SPEAKUP_VAR_DIR), as make run's is."""
    admin = f"organisation-admin@demo1.{DEMO_DOMAIN}"
    return [
        f"Help someone sign in: as {admin}, choose 'Help someone sign in' to unlock a DEMO1",
        "  person's account, remove their authenticator app or email them a link to set a new",
        f"  password (make run writes the emails to {settings.EMAIL_FILE_PATH}/).",
    ]


def is_demo_email(email: str) -> bool:
    return email.lower().endswith(f".{DEMO_DOMAIN}") or email.lower().endswith(f"@{DEMO_DOMAIN}")
