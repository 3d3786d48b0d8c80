"""What the benchmarks share: a throwaway database to start on, and timing."""

import os
import tempfile
import time


def set_up(database_url: str | None) -> str:
    """Django on `database_url` (made if missing, else FLUSHED), or on a temporary SQLite file;
    returns the vendor."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnop")
    if database_url:
        if database_url.startswith(("postgres://", "postgresql://")):
            create_postgres_database(database_url)
        os.environ["DATABASE_URL"] = database_url
    else:
        folder = tempfile.mkdtemp(prefix="speakup-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    settings.SECURE_SSL_REDIRECT = False
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    return os.environ["DATABASE_URL"].split("://")[0]


def create_postgres_database(url: str) -> None:
    """Make the benchmark's database on a fresh server, where it does not exist yet."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        if connection.execute(query, [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def time_ms(function, repeat: int) -> list[float]:
    """Milliseconds for each of `repeat` calls of `function`, after one call to warm up."""
    function()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]
