"""A line manager's team: each worker's required modules and status."""

from django.contrib.auth.decorators import login_required

from speakup.core.pages import render_page
from speakup.core.permissions import require
from speakup.training.content import MODULE_ORDER
from speakup.training.queries import MODULE_TITLES, team_of


@login_required
def show_team(request):
    require(request.user, "training.view_team")
    return render_page(
        request,
        "training/show_team.jinja",
        page_title="Your team's training",
        teams=team_of(user=request.user),
        modules=[(module, MODULE_TITLES[module]) for module in MODULE_ORDER],
    )
