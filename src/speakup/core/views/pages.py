"""The home page and the service's standing pages."""

from speakup.core.pages import render_page
from speakup.core.permissions import can
from speakup.organisations.queries import roles_of
from speakup.training.queries import my_training
from speakup.training.services import modules_under_way


def home(request):
    if request.user.is_authenticated:
        return render_page(
            request,
            "core/home_signed_in.jinja",
            page_title="Your speakup home",
            roles=roles_of(request.user),
            trainings=(trainings := my_training(user=request.user)),
            under_way=modules_under_way(user=request.user) if trainings else set(),
            national_view=can(request.user, "reporting.view_national_view"),
        )
    return render_page(request, "core/home.jinja", page_title="Speak up for safer care")


def accessibility(request):
    return render_page(request, "core/accessibility.jinja", page_title="Accessibility statement")


def privacy(request):
    return render_page(request, "core/privacy.jinja", page_title="Privacy")


def api_docs(request):
    return render_page(request, "core/api.jinja", page_title="The speakup API")
