"""The Jinja2 environment every page renders in: NHS.UK macros plus our few globals."""

from decimal import Decimal

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, pass_environment
from markupsafe import Markup

from speakup.core import submissions
from speakup.core.dates import day_in_words, moment_in_words
from speakup.core.forms import error_summary, form_field
from speakup.core.navigation import navigation_for
from speakup.core.numbers import share_in_words, with_commas
from speakup.core.sessions import session_ending


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def must_have(value, name: str):
    """Fail loudly when a page forgets something every page must have (its title)."""
    if not value:
        raise ValueError(f"every page needs {name}")
    return value


def _as_text(cell):
    """A number as text: the NHS.UK table prints a cell only when its text is a true string, so
    a count of 0 would otherwise be an empty cell."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, (int, float, Decimal)):
        return str(cell)
    if isinstance(cell, dict) and isinstance(cell.get("text"), (int, float, Decimal)):
        return {**cell, "text": _as_text(cell["text"])}
    return cell


@pass_environment
def table(env, params: dict) -> Markup:
    """The NHS.UK table component, with every number in its rows shown, 0 included."""
    rows = [[_as_text(cell) for cell in row] for row in params.get("rows", [])]
    module = env.get_template("nhsuk/components/tables/macro.jinja").module
    return Markup(module.table({**params, "rows": rows}))  # noqa: S704  (the macro autoescapes)


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
    env.filters.update(day=day_in_words, moment=moment_in_words, number=with_commas)
    env.globals.update(
        url=url,
        static=static,
        get_messages=get_messages,
        navigation_for=navigation_for,
        form_field=form_field,
        table=table,
        error_summary=error_summary,
        must_have=must_have,
        share_in_words=share_in_words,
        form_token=submissions.form_token,
        session_ending=session_ending,
        service_name="speakup",
    )
    return env
