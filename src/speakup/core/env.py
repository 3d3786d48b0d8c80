"""Strict readers for settings taken from the environment.

Every reader names the variable in its error, so a bad deployment stops with one clear line.
"""

import json
import os
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


class ConfigError(ImproperlyConfigured):
    """A setting from the environment is missing or malformed."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: Iterable[str] = ()) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: Iterable[str]) -> str:
    allowed = list(choices)
    raw = os.environ.get(name, default).strip().lower()
    if raw not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")
    return raw


def env_url(name: str, default: str) -> str:
    """A web address (http or https), without a trailing slash."""
    raw = os.environ.get(name, default).strip()
    if raw and not raw.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must start with http:// or https://, not {raw!r}")
    return raw.rstrip("/")


def env_path(name: str, default: Path, *, base: Path) -> Path:
    raw = os.environ.get(name)
    path = Path(raw) if raw else default
    return path if path.is_absolute() else base / path


def env_mapping(name: str, values: Iterable[str]) -> dict[str, str]:
    """A JSON object of names to one of `values`, e.g. {"Our course": "speak_up"}; none: {}."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {}
    allowed = list(values)
    example = f'{{"a title or address": "{allowed[0]}"}}'
    try:
        mapping = json.loads(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a JSON object such as {example}") from None
    if not isinstance(mapping, dict):
        raise ConfigError(f"{name} must be a JSON object such as {example}")
    for key, value in mapping.items():
        if not key.strip() or value not in allowed:
            raise ConfigError(
                f"{name} maps {key!r} to {value!r}: each must map to one of {', '.join(allowed)}"
            )
    return mapping
