"""The demo boards on the register: fictional directors of DEMO1-DEMO3, some up to date and some
overdue, the code of practice version 1 and one published decision. Safe to run again."""

from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from speakup.core.two_factor import enrol_confirmed_device
from speakup.organisations.demo import DEMO_DOMAIN, DEMO_PASSWORD, as_if_on
from speakup.organisations.models import Organisation, RoleMembership, User
from speakup.organisations.roles import Role
from speakup.register.models import Appointment, CodeOfPractice, Director, FtsuRole, Outcome
from speakup.register.services import entries, fppt_and_attestation, regulatory

CODE_FILE = Path(__file__).parent / "content" / "code-of-practice-v1.md"
CODE_TITLE = "Code of practice for board directors"

# (person, role title, executive, FTSU role, days since appointment, up to date?)
BOARD = [
    ("board-member1", "Chair", False, FtsuRole.NONE, 900, True),
    ("executive-lead", "Chief Executive", True, FtsuRole.EXECUTIVE_LEAD, 700, True),
    ("non-executive-lead", "Non-executive director", False, FtsuRole.NED_LEAD, 500, True),
    ("board-member2", "Director of Nursing", True, FtsuRole.NONE, 400, False),
    ("board-member3", "Non-executive director", False, FtsuRole.NONE, 20, False),
]
# DEMO2 is behind on its duties; DEMO3 (an ICB) has a smaller board.
UP_TO_DATE = {"DEMO1": True, "DEMO2": False, "DEMO3": True}


def _officer(number: int) -> User:
    """Register officers for the demo: three, so that a case can be opened, decided and appealed
    by different people."""
    suffix = "" if number == 1 else str(number)
    email = f"register-officer{suffix}@national.{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=f"Demo Register Officer {number}")
        user.set_password(DEMO_PASSWORD)
        user.save()
    RoleMembership.objects.get_or_create(user=user, role=Role.REGISTER_OFFICER, organisation=None)
    enrol_confirmed_device(user)
    return user


def _code(officer: User) -> CodeOfPractice:
    code = CodeOfPractice.objects.filter(version=1).first()
    if code is None:
        # Published well before today, so the up-to-date directors attested in time.
        with as_if_on(timezone.now() - timedelta(days=400)):
            code = fppt_and_attestation.code_publish(
                actor=officer,
                title=CODE_TITLE,
                body=CODE_FILE.read_text(encoding="utf-8"),
                based_on=0,
            )
    return code


def _answers(rating: str) -> dict:
    return {key: {"rating": rating, "note": ""} for key in fppt_and_attestation.LCF_DOMAINS}


@transaction.atomic
def load_demo() -> None:
    officers = [_officer(n) for n in (1, 2, 3)]
    code = _code(officers[0])
    today = timezone.localdate()
    for organisation in Organisation.objects.filter(ods_code__in=UP_TO_DATE).order_by("ods_code"):
        admin = User.objects.filter(
            memberships__organisation=organisation, memberships__role=Role.ORGANISATION_ADMIN
        ).first()
        for person, role_title, executive, ftsu, days, keeps_up in BOARD:
            email = f"{person}@{organisation.ods_code.lower()}.{DEMO_DOMAIN}"
            user = User.objects.filter(email=email).first()
            if user is None:
                continue  # the ICB has two board members, not three
            held = Appointment.objects.filter(
                director__email=email, organisation=organisation, role_title=role_title
            ).first()
            if held is not None:
                # Loaded before: its day still goes on the roster, for demos loaded before
                # appointments were dated there.
                entries.board_days_to_roster(
                    actor=admin, director=held.director, organisation=organisation
                )
                continue
            first, _, last = (user.full_name or "Demo Director").partition(" ")
            appointment = entries.appointment_add(
                actor=admin,
                organisation=organisation,
                role_title=role_title,
                executive=executive,
                ftsu_role=ftsu,
                start_date=today - timedelta(days=days),
                first_name=first,
                last_name=last or "Director",
                email=email,
            )
            director = appointment.director
            if keeps_up and UP_TO_DATE[organisation.ods_code]:
                # Attested some weeks ago (the longer in post, the earlier), checked last week.
                with as_if_on(timezone.now() - timedelta(days=30 + days // 20)):
                    fppt_and_attestation.attestation_submit(
                        actor=user,
                        director=director,
                        code=code,
                        self_assessment=_answers("strong"),
                    )
                fppt_and_attestation.fppt_record(
                    actor=admin,
                    director=director,
                    organisation=organisation,
                    year=today.year,
                    references_6_years=True,
                    qualifications=True,
                    disqualified_director_check=True,
                    right_to_work=True,
                    chair_signed_off=True,
                    outcome="fit",
                    recorded_on=today - timedelta(days=10),
                )
    # One published decision, so the public register shows how the process ends.
    subject = Director.objects.filter(email=f"board-member2@demo2.{DEMO_DOMAIN}").first()
    if subject is not None and not subject.cases.exists():
        case = regulatory.case_open(
            actor=officers[0],
            director=subject,
            grounds="The annual attestation to the code of practice and the Follow Up training "
            "were not completed on time, after two reminders.",
        )
        regulatory.case_respond(
            actor=subject.user,
            case=case,
            response="I accept this. I have booked the training and will attest this month.",
        )
        regulatory.case_decide(
            actor=officers[1],
            case=case,
            outcome=Outcome.ADVICE,
            reasons="The director accepted the shortfall and has a plan to put it right. Advice "
            "is given to complete the attestation and the Follow Up training within 30 days; no "
            "further action is needed.",
        )
    # One condition past its review date, so a register officer can try reviewing it: the case
    # ran over the summer, and the review fell due last week.
    subject = Director.objects.filter(email=f"board-member2@demo1.{DEMO_DOMAIN}").first()
    if subject is not None and not subject.cases.exists():
        now = timezone.now()
        with as_if_on(now - timedelta(days=120)):
            case = regulatory.case_open(
                actor=officers[0],
                director=subject,
                grounds="Concerns raised with the board about night staffing were not followed up.",
            )
        with as_if_on(now - timedelta(days=106)):
            regulatory.case_respond(
                actor=subject.user,
                case=case,
                response="I accept that the follow-up was missed and will report to the register.",
            )
        with as_if_on(now - timedelta(days=97)):
            regulatory.case_decide(
                actor=officers[1],
                case=case,
                outcome=Outcome.CONDITIONS,
                reasons="Follow-up was missing; regular reports will show it is now in place.",
                conditions_text="Send the register a quarterly report on every concern the "
                "board discussed and what followed.",
                review_date=today - timedelta(days=7),
            )
