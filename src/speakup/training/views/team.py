"""A line manager's team: each worker's required modules and status."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone

from speakup.core.audit import audit_by
from speakup.core.pages import render_page
from speakup.core.permissions import require
from speakup.training.content import MODULE_ORDER
from speakup.training.exports import compliance_csv
from speakup.training.presenters import team_in_numbers
from speakup.training.queries import (
    DUE,
    LATE,
    MODULE_TITLES,
    most_urgent_first,
    team_of,
)

# A team can be a whole directorate (docs/training.md, "Who is whose line manager"): the page
# lists the first this many, most urgent first, and the CSV has everyone.
ROWS_SHOWN = 100


@login_required
def show_team(request):
    require(request.user, "training.view_team")
    teams = [_team_summary(manager, workers) for manager, workers in team_of(user=request.user)]
    for team in teams:  # the page names each worker with their training
        audit_by(
            request.user,
            action="training.team_view",
            object_type="team",
            object_ref=team["manager"].organisation.ods_code,
            organisation=team["manager"].organisation,
            detail={"workers": len(team["shown"])},
        )
    return render_page(
        request,
        "training/show_team.jinja",
        page_title="Your team's training",
        teams=teams,
        modules=[(module, MODULE_TITLES[module]) for module in MODULE_ORDER],
        rows_shown=ROWS_SHOWN,
    )


def _team_summary(manager, workers) -> dict:
    """Each person counted once, by their most urgent module: "6 with training overdue or
    expired, 3 more with training due" adds up to the people who need to act."""

    def has(worker, statuses) -> bool:
        return any(s.status in statuses for s in worker.statuses)

    late = sum(1 for worker in workers if has(worker, LATE))
    due = sum(1 for worker in workers if has(worker, (DUE,)) and not has(worker, LATE))
    return {
        "manager": manager,
        "shown": most_urgent_first(workers)[:ROWS_SHOWN],
        "total": len(workers),
        "in_numbers": team_in_numbers(total=len(workers), late=late, due=due),
    }


@login_required
def export_team(request, ods_code):
    """A line manager's whole team at one organisation, as the organisation's export has it."""
    require(request.user, "training.view_team")
    teams = [
        (manager.organisation, workers)
        for manager, workers in team_of(user=request.user)
        if manager.organisation.ods_code == ods_code
    ]
    if not teams:
        raise Http404
    workers = most_urgent_first([worker for _, team in teams for worker in team])
    return compliance_csv(
        f"team-training-{ods_code}-{timezone.localdate()}.csv",
        workers,
        reader=request.user,
        organisation=teams[0][0],
        what="team",
    )
