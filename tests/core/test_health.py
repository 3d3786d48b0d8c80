import os
import subprocess
import sys
from pathlib import Path


def test_healthz_answers_without_the_database(client):
    # No database fixture: any query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readyz_answers_when_the_database_is_reachable(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200


def test_readyz_is_503_when_the_database_is_unreachable():
    # A real unreachable server: nothing listens on port 1.
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "print(Client().get('/readyz', HTTP_HOST='localhost').status_code)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "ALLOWED_HOSTS": "localhost",
    }
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "503", result.stderr
