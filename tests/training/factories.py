import datetime

import factory

from speakup.training.models import Completion, CompletionSource, StaffRecord, TrainingPolicy
from tests.organisations.factories import OrganisationFactory


class StaffRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRecord

    organisation = factory.SubFactory(OrganisationFactory)
    employee_number = factory.Sequence(lambda n: f"{10000000 + n}")
    first_name = factory.Sequence(lambda n: f"Worker{n}")
    last_name = "Fictional"
    staff_group = "Administrative and Clerical"
    directorate = "Corporate"
    band = "Band 4"
    assignment_start = datetime.date(2020, 1, 1)


class TrainingPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingPolicy

    organisation = factory.SubFactory(OrganisationFactory)


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Completion

    staff_record = factory.SubFactory(StaffRecordFactory)
    organisation = factory.SelfAttribute("staff_record.organisation")
    module = "speak_up"
    version = ""
    completed_on = datetime.date(2024, 6, 1)
    source = CompletionSource.IMPORT
