"""Turn DATABASE_URL into Django's DATABASES entry, refusing anything we do not run on."""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from speakup.core.env import ConfigError

SUPPORTED_SCHEMES = {"sqlite", "postgres", "postgresql"}


def database_from_url(url: str, *, base_dir: Path) -> dict:
    scheme = urlsplit(url).scheme
    if scheme not in SUPPORTED_SCHEMES:
        raise ConfigError(
            "DATABASE_URL must start with sqlite:/// or postgres://, "
            f"not {scheme + '://' if scheme else repr(url)}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ConfigError(f"DATABASE_URL is malformed: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return _sqlite(config, base_dir=base_dir)
    if not config.get("NAME"):
        raise ConfigError(
            "DATABASE_URL must name a database, e.g. postgres://user@host:5432/speakup"
        )
    return config


def _sqlite(config: dict, *, base_dir: Path) -> dict:
    name = config.get("NAME") or ""
    if not name:
        raise ConfigError(
            "DATABASE_URL must name an SQLite file, e.g. sqlite:///var/speakup.sqlite3"
        )
    if name != ":memory:" and not Path(name).is_absolute():
        config["NAME"] = str(base_dir / name)
    # SQLite keeps no pool; health checks would only add a query per request.
    config["CONN_MAX_AGE"] = 0
    config["CONN_HEALTH_CHECKS"] = False
    # WAL lets pages read while the worker writes; a second writer waits its turn (up to 30 s:
    # a roster import of 20,000 workers holds the write lock for several seconds).
    config["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
        "timeout": 30,
    }
    return config
