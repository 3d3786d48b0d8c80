from datetime import date

import factory

from speakup.register.models import Appointment, CodeOfPractice, Director
from speakup.register.services.entries import director_reindex
from tests.conftest import date_boxes
from tests.organisations.factories import OrganisationFactory


class DirectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Director
        skip_postgeneration_save = True

    register_number = factory.Sequence(lambda n: f"T{n:06d}")
    first_name = factory.Sequence(lambda n: f"Dana{n}")
    last_name = factory.Sequence(lambda n: f"Director{n}")
    email = factory.Sequence(lambda n: f"director{n}@fictional.test")

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create:
            director_reindex(director=self)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment
        skip_postgeneration_save = True

    director = factory.SubFactory(DirectorFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role_title = "Non-executive director"
    executive = False
    start_date = date(2026, 1, 1)

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create:
            director_reindex(director=self.director)


class CodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeOfPractice

    version = factory.Sequence(lambda n: n + 1)
    title = "Code of practice for board directors"
    body = "I will listen to people who speak up."


def appointment_form(*, start: date = date(2026, 4, 1), **changes) -> dict:
    """What the add-an-appointment page posts for a new Chief Executive, with `changes`."""
    return {
        "first_name": "Wren",
        "last_name": "Larkfield",
        "email": "wren@fictional.test",
        "role_title": "Chief Executive",
        "executive": "yes",
        "ftsu_role": "none",
        **date_boxes("start_date", start),
        **changes,
    }
