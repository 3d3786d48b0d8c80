"""The API's own page tells a newcomer how to sign in, in plain English."""

import html

import pytest
from rest_framework.test import APIClient

from speakup.organisations.roles import Role

pytestmark = pytest.mark.django_db


def test_the_api_page_says_how_to_get_and_send_a_token(client):
    """It gave the schema's address and no word on signing in."""
    page = html.unescape(client.get("/api/").content.decode())
    assert '<h2 id="signing-in">Signing in with a token</h2>' in page
    assert "speakup api-token jo.bloggs@example.org" in page
    assert "Authorization: Token your-token" in page
    assert "speakup api-token --renew" in page


def test_a_token_sent_as_the_page_says_works(person_with_role, organisation):
    """The header as the page writes it signs the program in (the command makes the token)."""
    from io import StringIO

    from django.core.management import call_command

    admin = person_with_role(Role.ORGANISATION_ADMIN)
    out = StringIO()
    call_command("api-token", admin.email, stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get(f"/api/v1/organisations/{organisation.ods_code}/training/compliance")
    assert response.status_code == 200
