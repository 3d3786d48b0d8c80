"""GET /api/v1/organisations: where a speaker may speak up, with no sign-in."""

import pytest
from rest_framework.test import APIClient

from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_anyone_lists_the_organisations_taking_concerns_as_ods_code_name_and_kind():
    taking = OrganisationFactory(name="Northshire Hospitals (synthetic)")
    OrganisationFactory(name="Closed Trust (synthetic)", active=False)
    response = APIClient().get("/api/v1/organisations")
    assert response.status_code == 200
    assert response.json() == [
        {"ods_code": taking.ods_code, "name": taking.name, "kind": taking.kind}
    ]
