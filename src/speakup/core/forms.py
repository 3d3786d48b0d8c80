"""Django form fields rendered as NHS.UK design system components.

A template calls `form_field(form["name"])` once per field and `error_summary(form)` once per
form; label, hint, error message and the error summary's links all come from the form itself.
"""

from django import forms
from jinja2 import pass_environment
from markupsafe import Markup

# widget class -> (component folder, macro name)
COMPONENTS = {
    forms.Textarea: ("textarea", "textarea"),
    forms.RadioSelect: ("radios", "radios"),
    forms.CheckboxSelectMultiple: ("checkboxes", "checkboxes"),
    forms.CheckboxInput: ("checkboxes", "checkboxes"),
    forms.Select: ("select", "select"),
    forms.ClearableFileInput: ("file-upload", "fileUpload"),
    forms.FileInput: ("file-upload", "fileUpload"),
}


def _component_for(widget) -> tuple[str, str]:
    for widget_class in type(widget).__mro__:
        if widget_class in COMPONENTS:
            return COMPONENTS[widget_class]
    return ("input", "input")


def _error_message(bound_field) -> dict | None:
    if not bound_field.errors:
        return None
    return {"text": " ".join(str(error) for error in bound_field.errors)}


def _choice_items(bound_field, *, multiple: bool) -> list[dict]:
    value = bound_field.value()
    chosen = {str(v) for v in value} if multiple and value else {str(value)} if value else set()
    hints = getattr(bound_field.field, "choice_hints", {})
    items = []
    for choice_value, label in bound_field.field.choices:
        item = {"value": choice_value, "text": label, "checked": str(choice_value) in chosen}
        if str(choice_value) in hints:
            item["hint"] = {"text": hints[str(choice_value)]}
        items.append(item)
    return items


def field_params(bound_field, **overrides) -> tuple[str, str, dict]:
    """The component and its parameters for one bound field."""
    widget = bound_field.field.widget
    folder, macro = _component_for(widget)
    label = {"text": bound_field.label}
    hint = {"text": bound_field.help_text} if bound_field.help_text else None
    params: dict = {
        "id": bound_field.auto_id,
        "name": bound_field.html_name,
        "hint": hint,
        "errorMessage": _error_message(bound_field),
        "attributes": {k: v for k, v in widget.attrs.items() if k not in {"class"}},
    }
    if bound_field.field.disabled:
        params["disabled"] = True
    if macro in {"radios", "checkboxes"} and not isinstance(widget, forms.CheckboxInput):
        params["idPrefix"] = bound_field.auto_id
        params["fieldset"] = {"legend": {"text": bound_field.label, "size": "s"}}
        params["items"] = _choice_items(bound_field, multiple=macro == "checkboxes")
        del params["id"]
    elif isinstance(widget, forms.CheckboxInput):
        params["idPrefix"] = bound_field.auto_id
        params["items"] = [
            {"value": "on", "text": bound_field.label, "checked": bool(bound_field.value())}
        ]
        del params["id"]
    elif macro == "select":
        params["label"] = label
        params["items"] = [
            {"value": v, "text": t, "selected": str(v) == str(bound_field.value() or "")}
            for v, t in bound_field.field.choices
        ]
    else:
        params["label"] = label
        value = bound_field.value()
        if macro == "input":
            params["type"] = getattr(widget, "input_type", "text")
            if params["type"] == "password":
                value = None  # never echo a password back
        if macro != "fileUpload" and value not in (None, ""):
            params["value"] = value
    for key, value in overrides.items():
        params[key] = value
    return folder, macro, params


@pass_environment
def form_field(env, bound_field, **overrides) -> Markup:
    if bound_field.is_hidden:
        return Markup(str(bound_field))  # noqa: S704  (Django escaped the widget)
    folder, macro, params = field_params(bound_field, **overrides)
    module = env.get_template(f"nhsuk/components/{folder}/macro.jinja").module
    return Markup(getattr(module, macro)(params))  # noqa: S704  (the macro autoescapes)


def error_links(form) -> list[dict]:
    links = []
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        if name == "__all__":
            links.append({"text": text})
        else:
            links.append({"text": text, "href": f"#{form[name].auto_id}"})
    return links


@pass_environment
def error_summary(env, *forms_to_summarise) -> Markup:
    links = [link for form in forms_to_summarise if form is not None for link in error_links(form)]
    if not links:
        return Markup("")
    module = env.get_template("nhsuk/components/error-summary/macro.jinja").module
    html = module.errorSummary({"titleText": "There is a problem", "errorList": links})
    return Markup(html)  # noqa: S704  (the macro autoescapes)


def has_errors(*forms_to_check) -> bool:
    return any(form is not None and form.errors for form in forms_to_check)
