"""Django form fields rendered as NHS.UK design system components.

A template calls `form_field(form["name"])` once per field and `error_summary(form)` once per
form; label, hint, error message and the error summary's links all come from the form itself.

Dates are asked for as the NHS.UK date input: three boxes, day, month and year (`date_field`),
so every form takes dates the same way whatever the browser.
"""

import datetime
import re

from django import forms
from django.utils import timezone
from jinja2 import pass_environment
from markupsafe import Markup

from speakup.core.words import capitalised, counted, too_long

DATE_PARTS = ("day", "month", "year")
DATE_EXAMPLE = "For example, 15 3 2026"
_NUMBER = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() also takes "²"
_WHOLE_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")

DATE_MESSAGES = {
    "required": "Enter {called}",
    "incomplete": "{Called} must include a {missing}",
    "invalid": "{Called} must be a real date",
    "year": "{Called} must include a year of 4 numbers, like 2026",
}


def future_date_example(today: datetime.date | None = None) -> str:
    """A hint's example for a date that must be ahead: the 15th of the month three months on
    ("For example, 15 6 2026" on 2 March 2026), so it is never a day already past nor far off."""
    today = today or timezone.localdate()
    months = today.year * 12 + today.month - 1 + 3
    return f"For example, 15 {months % 12 + 1} {months // 12}"


def read_date(day, month, year) -> tuple[datetime.date | None, str, tuple[str, ...]]:
    """The date three boxes hold; else None, what is wrong (a DATE_MESSAGES key) and in which
    boxes."""
    given = dict(
        zip(DATE_PARTS, (str(part or "").strip() for part in (day, month, year)), strict=True)
    )
    missing = tuple(part for part in DATE_PARTS if not given[part])
    if len(missing) == len(DATE_PARTS):
        return None, "required", missing
    if missing:
        return None, "incomplete", missing
    not_numbers = tuple(part for part in DATE_PARTS if not _NUMBER.fullmatch(given[part]))
    if not_numbers:
        return None, "invalid", not_numbers
    if len(given["year"]) != 4:
        return None, "year", ("year",)
    try:
        return datetime.date(int(given["year"]), int(given["month"]), int(given["day"])), "", ()
    except (ValueError, OverflowError):  # a day or month of 20 digits overflows, not a crash
        # A month over 12 is the month's fault; 30 February (or the 99999th) is the day's.
        month = given["month"].lstrip("0")
        real_month = len(month) <= 2 and 1 <= int(month or "0") <= 12
        return None, "invalid", ("day",) if real_month else ("month",)


class DateParts(forms.MultiWidget):
    """The NHS.UK date input's three boxes, sent as NAME_day, NAME_month and NAME_year.

    A link may instead carry the whole date as NAME=YYYY-MM-DD (a reporting period's address
    does): it fills the boxes the same way.
    """

    def __init__(self, attrs=None):
        super().__init__(dict.fromkeys(DATE_PARTS, forms.TextInput), attrs)

    def decompress(self, value) -> list[str]:
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        whole = _WHOLE_DATE.fullmatch(str(value or "").strip())
        if whole:  # shown as a person types it: 1 4 2026, not 01 04 2026
            year, month, day = whole.groups()
            # The year as written: 0001 has 4 numbers, so it is read (and refused as too early).
            return [str(int(day)), str(int(month)), year]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name) -> list[str] | str:
        if name in data and super().value_omitted_from_data(data, files, name):
            return data.get(name)  # the whole date, as the link wrote it
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)


class DateField(forms.Field):
    """A date typed into the NHS.UK date input, with its error messages named by `called`.

    With `future`, the hint ends with an example ahead of the day the form is shown
    (`future_date_example`), after any help text of the field's own.
    """

    widget = DateParts

    def __init__(self, *, called: str, future: bool = False, **kwargs):
        self.called = called
        self.future = future
        super().__init__(**kwargs)

    def get_bound_field(self, form, field_name):
        bound_field = super().get_bound_field(form, field_name)
        if self.future:  # worked out as the page is made: a server runs for more than a day
            bound_field.help_text = " ".join(filter(None, [self.help_text, future_date_example()]))
        return bound_field

    def to_python(self, value) -> datetime.date | None:
        parts = value if isinstance(value, (list, tuple)) else self.widget.decompress(value)
        if isinstance(value, str) and value.strip() and not any(parts):  # a link's bad date
            raise forms.ValidationError(self._message("invalid", ()), code="invalid")
        day, problem, boxes = read_date(*parts)
        if problem == "required":
            return None  # Field.validate says so when the date is required
        if problem:
            raise forms.ValidationError(self._message(problem, boxes), code=problem)
        return day

    def validate(self, value) -> None:
        if value is None and self.required:
            raise forms.ValidationError(self._message("required", ()), code="required")

    def _message(self, problem: str, boxes: tuple[str, ...]) -> str:
        called = self.called
        return DATE_MESSAGES[problem].format(
            called=called,
            Called=capitalised(called),
            missing=" and ".join(boxes),
        )


def date_field(
    label: str,
    *,
    called: str = "",
    required: bool = True,
    help_text: str | None = None,
    future: bool = False,
    initial: datetime.date | None = None,
) -> DateField:
    """The one way a form asks for a date. `called` names it in error messages ("the start
    date"); by default it is the label in lower case after "the".

    The hint is `help_text`, by default an example date. For a date that must be ahead of today,
    pass `future=True`: the hint is then `help_text` (by default nothing) followed by an example
    worked out from today, "For example, 15 6 2026" (`future_date_example`)."""
    if help_text is None:
        help_text = "" if future else DATE_EXAMPLE
    return DateField(
        label=label,
        called=called or f"the {label[:1].lower()}{label[1:]}",
        required=required,
        help_text=help_text,
        future=future,
        initial=initial,
    )


def text_field(
    label: str,
    *,
    called: str,
    max_length: int,
    required: bool = True,
    required_message: str = "",
    rows: int = 0,
    help_text: str = "",
) -> forms.CharField:
    """A text box (or a text area of `rows`) whose messages name it: `called` is how an error
    message speaks of it ("the role title"), as `date_field` does for dates."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        error_messages={
            "required": required_message or f"Enter {called}",
            "max_length": too_long(called, max_length),
        },
    )


def whole_number_field(
    label: str,
    *,
    called: str,
    minimum: int,
    maximum: int,
    unit: str,
    example: int,
    required: bool = True,
    help_text: str = "",
    initial: int | None = None,
) -> forms.IntegerField:
    """A whole number whose messages name it, as `date_field`'s do: `called` is how a message
    names the field ("the Speak Up refresher period"), `unit` the plural of what it counts."""
    capital = capitalised(called)
    one = unit.removesuffix("s")
    or_empty = ", or leave it empty" if not required else ""
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=required,
        min_value=minimum,
        max_value=maximum,
        initial=initial,
        # A text box that brings up the number keypad (NHS service manual): a number box
        # changes its value when scrolled over and drops what it cannot read as a number.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter {called}",
            "invalid": f"{capital} must be a whole number of {unit}, like {example}",
            "min_value": f"{capital} must be at least {counted(minimum, one, unit)}{or_empty}",
            "max_value": f"{capital} must be {counted(maximum, one, unit)} or fewer",
        },
    )


def _date_boxes(bound_field) -> list[dict]:
    """The three boxes' parameters, with only the boxes at fault marked when that is known."""
    value = bound_field.value()
    widget = bound_field.field.widget
    parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
    at_fault = read_date(*parts)[2] if bound_field.errors else ()
    return [
        {
            "name": f"{bound_field.html_name}_{part}",
            "id": f"{bound_field.auto_id}-{part}",
            "label": part.capitalize(),
            "value": text or "",
            "width": 4 if part == "year" else 2,
            "classes": "nhsuk-input--error" if part in at_fault else "",
        }
        for part, text in zip(DATE_PARTS, parts, strict=True)
    ]


def _first_box_id(bound_field) -> str:
    """Where an error summary link should take the reader: the first box to correct."""
    boxes = _date_boxes(bound_field)
    marked = [box["id"] for box in boxes if box["classes"]]
    return (marked or [boxes[0]["id"]])[0]


# Inputs that take words a person types (not numbers, dates or codes).
TYPED_TEXT = {"text", "email", "search", "tel"}

# widget class -> (component folder, macro name)
COMPONENTS = {
    DateParts: ("date-input", "dateInput"),
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


def field_params(
    bound_field, *, reveal: Markup | None = None, **overrides
) -> tuple[str, str, dict]:
    """The component and its parameters for one bound field. `reveal`: for a tick box, what
    ticking it shows (the NHS.UK conditional reveal: hidden, with JavaScript, while unticked;
    the form must then not read what it holds, as the browser still sends it)."""
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
    if macro == "input":
        # A browser silently cuts a long paste at a maxlength attribute and sends what was not
        # typed; with none, the field's own limit says "… must be N characters or fewer" beside
        # the box, and the text is kept to be shortened.
        params["attributes"].pop("maxlength", None)
    if macro == "textarea":
        # The component writes its own rows (5 unless told): the widget's, left among the
        # attributes, would come second in the tag and be ignored by the browser.
        params["rows"] = params["attributes"].pop("rows", None)
    if macro == "textarea" and "maxlength" in params["attributes"]:
        # A browser silently cuts pasted text at a maxlength attribute. The character count
        # says how much room is left and lets the text run over, so the form can say so and
        # nothing typed is lost.
        folder, macro = "character-count", "characterCount"
        params["maxlength"] = limit = int(params["attributes"].pop("maxlength"))
        params["textareaDescriptionText"] = f"You can enter up to {limit:,} characters"
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
        if reveal is not None:
            params["items"][0]["conditional"] = {"html": reveal}
        del params["id"]
    elif macro == "dateInput":
        params["fieldset"] = {"legend": {"text": bound_field.label, "size": "s"}}
        params["items"] = _date_boxes(bound_field)
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
        if macro in {"textarea", "characterCount"} or params.get("type") in TYPED_TEXT:
            # Arabic, Urdu or Hebrew typed into a box reads right to left, as it will be shown.
            params["attributes"].setdefault("dir", "auto")
    if reveal is not None and not isinstance(widget, forms.CheckboxInput):
        raise TypeError(f"only a tick box reveals what it shows: not {bound_field.name}")
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
    """The error summary's links, in the order of the page: the form's own problems first, then
    each field's in the order of the fields (a problem found by the form's clean(), after every
    field was read, still comes where its field is). A hidden field's problem has no link."""
    order = {name: index for index, name in enumerate(["__all__", *form.fields])}
    links = []
    for name, errors in sorted(
        form.errors.items(), key=lambda item: order.get(item[0], len(order))
    ):
        text = " ".join(str(e) for e in errors)
        if name == "__all__" or form[name].is_hidden:
            links.append({"text": text})  # a hidden field has no box to take the reader to
        else:
            field = form[name]
            anchor = _first_box_id(field) if isinstance(field.field, DateField) else field.auto_id
            links.append({"text": text, "href": f"#{anchor}"})
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
