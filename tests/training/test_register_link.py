"""The one question the register asks training: when did this director complete Follow Up?"""

from datetime import date

from speakup.organisations.roles import Role
from speakup.training.models import Completion
from speakup.training.queries import follow_up_completed_on


def complete(user, organisation, module, on):
    Completion.objects.create(
        organisation=organisation, user=user, module=module, completed_on=on, source="import"
    )


def test_follow_up_counts_only_after_speak_up_and_listen_up(person_with_role, organisation):
    director = person_with_role(Role.BOARD_MEMBER, email="dana.director@fictional.test")
    complete(director, organisation, "follow_up", date(2026, 5, 1))
    assert follow_up_completed_on(email="Dana.Director@fictional.test") is None

    complete(director, organisation, "speak_up", date(2026, 4, 1))
    complete(director, organisation, "listen_up", date(2026, 4, 2))
    assert follow_up_completed_on(email="dana.director@fictional.test") == date(2026, 5, 1)


def test_the_latest_follow_up_is_the_one_that_counts(person_with_role, organisation):
    director = person_with_role(Role.BOARD_MEMBER)
    for module, on in [("speak_up", date(2024, 1, 1)), ("listen_up", date(2024, 1, 2))]:
        complete(director, organisation, module, on)
    complete(director, organisation, "follow_up", date(2024, 2, 1))
    complete(director, organisation, "follow_up", date(2026, 2, 1))
    assert follow_up_completed_on(email=director.email) == date(2026, 2, 1)


def test_someone_with_no_training_records_has_not_completed_follow_up(db):
    assert follow_up_completed_on(email="nobody@fictional.test") is None
