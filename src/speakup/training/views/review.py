"""The courses as an organisation reviews them before adopting them: every screen, every
question with its answer and explanation, and the file the course is written in."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse

from speakup.core.pages import render_page
from speakup.core.permissions import require
from speakup.training.content import CONTENT_DIR, MODULE_ORDER, courses
from speakup.training.views.learning import course_or_404


@login_required
def review_courses(request):
    require(request.user, "training.view_any_dashboard")
    return render_page(
        request,
        "training/review_courses.jinja",
        page_title="Review the courses",
        courses=[courses()[module] for module in MODULE_ORDER],
    )


@login_required
def review_course(request, module):
    require(request.user, "training.view_any_dashboard")
    the_course = course_or_404(module)
    return render_page(
        request,
        "training/review_course.jinja",
        page_title=f"Review {the_course.title}",
        course=the_course,
    )


@login_required
def download_course(request, module):
    """The course's own file (YAML), as it ships: to read, compare between versions, or keep."""
    require(request.user, "training.view_any_dashboard")
    course_or_404(module)
    return FileResponse(
        (CONTENT_DIR / f"{module}.yaml").open("rb"),
        as_attachment=True,
        filename=f"{module}.yaml",
        content_type="text/yaml; charset=utf-8",
    )
