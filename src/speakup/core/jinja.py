"""The Jinja2 environment every page renders in: NHS.UK macros plus our few globals."""

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from speakup.core.forms import error_summary, form_field
from speakup.core.navigation import navigation_for


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def must_have(value, name: str):
    """Fail loudly when a page forgets something every page must have (its title)."""
    if not value:
        raise ValueError(f"every page needs {name}")
    return value


def environment(**options) -> Environment:
    loader = options.pop("loader")
    options["undefined"] = ChainableUndefined  # the NHS.UK macros read nested optional params
    options.pop("autoescape", None)
    env = Environment(
        loader=ChoiceLoader([loader, PackageLoader("nhsuk_frontend_jinja")]),
        extensions=["jinja2.ext.do"],
        autoescape=True,
        **options,
    )
    env.globals.update(
        url=url,
        static=static,
        get_messages=get_messages,
        navigation_for=navigation_for,
        form_field=form_field,
        error_summary=error_summary,
        must_have=must_have,
        service_name="speakup",
    )
    return env
