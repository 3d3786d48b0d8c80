"""The national view's filters: a region and a kind of organisation, each by its code or its
words, so that an address written by hand (`region=London`) filters as the lists do."""

from django import forms

from speakup.core.words import listed
from speakup.organisations.models import OrganisationKind, Region

KINDS = [(k, label) for k, label in OrganisationKind.choices if k != OrganisationKind.NATIONAL_BODY]
REGIONS = [(r, label) for r, label in Region.choices if r != Region.NATIONAL]


class ChoiceByName(forms.ChoiceField):
    """A choice given by its code or its words in any case ("London" is "london"). Anything
    else is refused, never read as no filter: figures taken for a region's would be England's."""

    def __init__(self, *, label: str, called: str, every: str, choices):
        names = listed([str(name) for _, name in choices], "or")
        super().__init__(
            label=label,
            required=False,
            choices=[("", every), *choices],
            error_messages={
                "invalid_choice": f"There is no {called} “%(value)s”: choose {every}, "
                f"or one of {names}"
            },
        )

    def to_python(self, value) -> str:
        given = super().to_python(value).strip()
        wanted = given.casefold()
        named = (
            code for code, name in self.choices if wanted in (code.casefold(), str(name).casefold())
        )
        return next(named, given) if wanted else ""

    def prepare_value(self, value):
        """A choice an address gave in words is the one shown chosen in the list."""
        return self.to_python(value) if isinstance(value, str) else value


class FiltersForm(forms.Form):
    region = ChoiceByName(label="Region", called="region", every="All regions", choices=REGIONS)
    kind = ChoiceByName(
        label="Kind of organisation",
        called="kind of organisation",
        every="All kinds of organisation",
        choices=KINDS,
    )
