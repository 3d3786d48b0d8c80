import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from speakup.organisations.models import Organisation, RoleMembership
from speakup.organisations.roles import Role
from tests.organisations.factories import OrganisationFactory, UserFactory


@pytest.mark.parametrize("code", ["rxx", "R-1", "AB", "ABCDEFG", "", "R X"])
def test_an_invalid_ods_code_is_refused_with_a_field_error(db, code):
    organisation = Organisation(
        ods_code=code, name="Fictional Trust", kind="nhs_trust", region="london"
    )
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "ods_code" in error.value.message_dict


@pytest.mark.parametrize("code", ["RXX", "QXX", "A12345", "DEMO1"])
def test_valid_ods_codes_are_accepted(db, code):
    Organisation(ods_code=code, name="Fictional Trust", kind="icb", region="london").full_clean()


def test_ods_codes_are_unique(db):
    OrganisationFactory(ods_code="RAA")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(ods_code="RAA", name="Copy", kind="nhs_trust", region="london")


def test_the_admin_refuses_an_invalid_ods_code_with_a_field_error(client, db):
    from tests.conftest import sign_in

    superuser = UserFactory(is_superuser=True, is_staff=True)
    sign_in(client, superuser)
    response = client.post(
        "/admin/organisations/organisation/add/",
        {
            "ods_code": "bad",
            "name": "Fictional",
            "kind": "nhs_trust",
            "region": "london",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "Enter an ODS code of 3 to 6 capital letters and numbers" in response.content.decode()
    assert not Organisation.objects.filter(name="Fictional").exists()


def test_emails_are_unique_whatever_their_case(db):
    UserFactory(email="same@fictional.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="SAME@fictional.test")


def test_a_national_role_cannot_belong_to_an_organisation(db, organisation):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(
            user=user, role=Role.NATIONAL_ANALYST, organisation=organisation
        )


def test_an_organisation_role_needs_an_organisation(db):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(user=user, role=Role.GUARDIAN, organisation=None)
