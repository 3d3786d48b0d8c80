"""Start-up settings: bad values stop the service with one clear line, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SPEAKUP = str(Path(sys.executable).parent / "speakup")
PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "speakup.example.nhs.uk",
    "DATABASE_URL": "sqlite:///var/deploy-check.sqlite3",
    "CACHE_URL": "redis://127.0.0.1:6379/1",  # not connected to by the checks
}


def run_speakup(*args, **env):
    # tests/settings.py set a few variables for the test process; the product sees none of them.
    # (The browser harness allows Django's sync calls under Playwright's event loop: not here.)
    ours = {
        "DJANGO_SETTINGS_MODULE",
        "DEBUG",
        "SECRET_KEY",
        "SECURE_SSL_REDIRECT",
        "EMAIL_BACKEND",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(
        [SPEAKUP, *args], env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/speakup"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://127.0.0.1:5432"}, "DATABASE_URL"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"EMAIL_BACKEND": "pigeon"}, "EMAIL_BACKEND"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
        ({"SITE_URL": "speakup.example.nhs.uk"}, "SITE_URL"),
        ({"TRAINING_COURSE_TITLES": "Our course=speak_up"}, "TRAINING_COURSE_TITLES"),
        ({"TRAINING_COURSE_TITLES": '["speak_up"]'}, "TRAINING_COURSE_TITLES"),
        ({"TRAINING_COURSE_TITLES": '{"Our course": "fire_safety"}'}, "TRAINING_COURSE_TITLES"),
        ({"TRAINING_XAPI_ACTIVITIES": '{"https://x.example/a": 1}'}, "TRAINING_XAPI_ACTIVITIES"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(env, named):
    result = run_speakup("check", **{**PRODUCTION, **env})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]


def test_production_settings_pass_the_deployment_checklist():
    result = run_speakup("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deployment_checklist_warns_when_processes_do_not_share_a_cache():
    without_cache = {k: v for k, v in PRODUCTION.items() if k != "CACHE_URL"}
    result = run_speakup("check", "--deploy", **without_cache)
    assert result.returncode == 0  # a warning: one process on its own is fine
    assert "speakup.W001" in result.stderr + result.stdout
    assert "CACHE_URL is not set" in result.stderr + result.stdout


def test_production_settings_are_secure_by_default():
    script = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = run_speakup("shell", "-c", script, **PRODUCTION)
    assert result.stdout.splitlines()[-1].split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "True",
    ]


def test_a_broker_url_sends_tasks_to_workers_instead_of_running_them_inline():
    script = "from django.conf import settings as s; print(s.CELERY_TASK_ALWAYS_EAGER)"
    result = run_speakup(
        "shell", "-c", script, CELERY_BROKER_URL="redis://127.0.0.1:6379/0", **PRODUCTION
    )
    assert result.stdout.splitlines()[-1] == "False"


def test_links_in_emails_default_to_the_first_allowed_host_over_https():
    script = "from django.conf import settings as s; print(s.SITE_URL)"
    result = run_speakup("shell", "-c", script, **PRODUCTION)
    assert result.stdout.splitlines()[-1] == "https://speakup.example.nhs.uk"


def test_plain_http_on_this_machine_turns_https_only_cookies_off_but_keeps_debug_off():
    """What `make run` sets, so that people trying the demo see the product's own error pages."""
    script = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = run_speakup(
        "shell", "-c", script, **PRODUCTION, SECURE_COOKIES="false", SECURE_SSL_REDIRECT="false"
    )
    assert result.stdout.splitlines()[-1].split() == ["False", "False", "False"]


def test_course_titles_and_xapi_activities_are_mapped_to_modules_from_the_environment():
    script = (
        "from speakup.training.services import module_for_title as m;"
        "from django.conf import settings as s;"
        "print(m('NHS|CSTH|Our Trust FTSU - Listen Up'), m('Freedom to Speak Up: Speak Up'),"
        " s.TRAINING_XAPI_ACTIVITIES['https://elfh.example/ftsu/3'])"
    )
    result = run_speakup(
        "shell",
        "-c",
        script,
        **PRODUCTION,
        TRAINING_COURSE_TITLES='{"NHS|CSTH|Our Trust FTSU - Listen Up": "listen_up"}',
        TRAINING_XAPI_ACTIVITIES='{"https://elfh.example/ftsu/3": "follow_up"}',
    )
    assert result.stdout.splitlines()[-1].split() == ["listen_up", "speak_up", "follow_up"]
