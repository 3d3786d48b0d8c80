"""A worker's own training: their modules, the lesson screens, the knowledge check, certificates."""

from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from speakup.core.pages import render_page
from speakup.core.permissions import require
from speakup.training.certificates import certificate_pdf
from speakup.training.content import (
    MODULE_ORDER,
    PREREQUISITES,
    course,
    is_current_version,
    take_first_sentence,
)
from speakup.training.forms import KnowledgeCheckForm
from speakup.training.queries import (
    certificate_of,
    latest_completion,
    latest_pass,
    missing_prerequisites,
    my_training,
)
from speakup.training.services import (
    CheckNotOpen,
    check_attempt,
    kept_check_answers,
    knowledge_check_save,
    knowledge_check_submit,
    module_progress,
    modules_under_way,
    progress_visit,
    resume_screen,
    screen_before_check,
    screen_is_open,
)

# Where a failed attempt's result waits in the session for its page.
_FAILED_CHECK = "training_failed_check_{module}"


def course_or_404(module: str):
    if module not in MODULE_ORDER:
        raise Http404
    return course(module)


@login_required
def my_training_page(request):
    require(request.user, "training.take_modules")
    return render_page(
        request,
        "training/my_training.jinja",
        page_title="Your training",
        trainings=my_training(user=request.user),
        courses={module: course(module) for module in MODULE_ORDER},
        under_way=modules_under_way(user=request.user),
    )


@login_required
def show_module(request, module):
    require(request.user, "training.take_modules")
    the_course = course_or_404(module)
    progress = module_progress(user=request.user, module=module)
    passed = latest_pass(user=request.user, module=module)
    latest = latest_completion(user=request.user, module=module)
    missing = missing_prerequisites(user=request.user, module=module)
    return render_page(
        request,
        "training/show_module.jinja",
        page_title=f"{the_course.title} module",
        course=the_course,
        resume=_resume(the_course, progress),
        taken_after=[course(key).title for key in PREREQUISITES[module]],
        take_first=missing and take_first_sentence(module, missing),
        # The module to take first, in the order they build on each other.
        first_module=course(missing[0]) if missing else None,
        passed=passed,
        # A completion from learning records newer than any pass here: it counts just the same.
        recorded=latest if latest is not None and latest.certificate_id is None else None,
        # A pass of a version below the minimum no longer counts: the worker takes it again.
        retake_needed=passed is not None and not is_current_version(module, passed.version),
        answered=len(kept_check_answers(progress)),
        failed=_failed_attempt(request, the_course),
    )


def _failed_attempt(request, the_course) -> dict | None:
    """The score of the worker's last attempt at this version's check when it failed (kept in
    the session for its result page; a pass removes it), else None."""
    result = request.session.get(_FAILED_CHECK.format(module=the_course.module))
    return result if result and result["version"] == the_course.version else None


class Resume(NamedTuple):
    url: str
    place: str  # in the screens' own words: "screen 4 of 7", or "the knowledge check"


def _resume(the_course, progress) -> Resume | None:
    """The way back to `resume_screen`, in the screens' own words."""
    last = resume_screen(progress)
    if last is None:
        return None
    if last == the_course.check_screen:
        url = reverse("training:take_check", args=[the_course.module])
        return Resume(url, "the knowledge check")
    url = reverse("training:show_screen", args=[the_course.module, last])
    return Resume(url, f"screen {last} of {the_course.screen_count}")


@login_required
@require_http_methods(["GET", "POST"])
def show_screen(request, module, number):
    require(request.user, "training.take_modules")
    the_course = course_or_404(module)
    screens = the_course.screens
    if not 1 <= number <= len(screens):
        raise Http404
    if missing_prerequisites(user=request.user, module=module):
        # The module's page says which modules come first, with a way to the first of them.
        return redirect("training:show_module", module)
    progress = module_progress(user=request.user, module=module)
    if not screen_is_open(progress, number):
        # A link to a later screen skips none: the worker goes on from where they got to.
        messages.info(request, "Go through the screens in order. Carry on from this screen.")
        return redirect("training:show_screen", module, screen_before_check(progress))
    # Shown, or "Continue" pressed on it: this screen is reached. The next one is reached only
    # when it is shown, so a worker who leaves in between resumes at this one, not at a screen
    # they never saw (and the check opens only once the last screen has been shown).
    progress_visit(user=request.user, module=module, screen=number)
    if request.method == "POST":
        if number == len(screens):
            return redirect("training:take_check", module)
        return redirect("training:show_screen", module, number + 1)
    lesson, screen = screens[number - 1]
    lesson_number = the_course.lessons.index(lesson) + 1
    return render_page(
        request,
        "training/show_screen.jinja",
        page_title=f"{screen.title} – {the_course.title}",
        course=the_course,
        lesson=lesson,
        lesson_number=lesson_number,
        screen=screen,
        number=number,
        total=len(screens),
    )


@login_required
@require_http_methods(["GET", "POST"])
def take_check(request, module):
    require(request.user, "training.take_modules")
    the_course = course_or_404(module)
    if missing_prerequisites(user=request.user, module=module):
        return redirect("training:show_module", module)
    progress = module_progress(user=request.user, module=module)
    if (screen := screen_before_check(progress)) is not None:
        if progress.furthest_screen == 0 and _passed_and_counting(request.user, module):
            # Just passed, and no refresher begun: the same answers sent again (a double click)
            # or Back from the pass page. The module page says they completed it and offers the
            # refresher; "go through every screen before the check" would read as a lost pass.
            return redirect("training:show_module", module)
        # The check is for what the lessons teach: a link to it, or an answer sent to it, before
        # every screen has been reached leads to the first screen not gone through yet.
        messages.info(
            request,
            f"Go through every screen of {the_course.title} before the knowledge check. "
            "Carry on from this screen.",
        )
        return redirect("training:show_screen", module, screen)
    if request.method == "GET":
        # So that a worker who leaves part way through the check comes back to it.
        progress_visit(user=request.user, module=module, screen=the_course.check_screen)
    if request.method == "POST" and request.POST.get("save"):
        return _save_answers(request, the_course)
    data = request.POST if request.method == "POST" else None
    # The answers saved so far are ticked again for a worker coming back to the check.
    initial = {f"q{number}": answer for number, answer in kept_check_answers(progress).items()}
    form = KnowledgeCheckForm(data, course=the_course, initial=initial)
    # Submitted with questions left: the answers given stay saved, as if saved by the button.
    if request.method == "POST" and not form.is_valid() and _kept(request, the_course) is None:
        return _not_kept(request, the_course)
    if request.method == "POST" and form.is_valid():
        try:
            result = knowledge_check_submit(
                user=request.user,
                module=module,
                answers=form.answers(),
                attempt=_attempt_of(request),
            )
        except CheckNotOpen:
            # Sent twice (a double click): the browser shows the answer to the second, so it is
            # the first one's result, not a second attempt counted.
            return redirect("training:check_failed", module)
        if result.passed:
            request.session.pop(_FAILED_CHECK.format(module=module), None)
            return redirect("training:show_pass", module, result.completion.certificate_id)
        given = form.answers()
        # Shown by a page of its own, so that reloading it does not send the answers again and
        # count another attempt.
        request.session[_FAILED_CHECK.format(module=module)] = {
            "version": the_course.version,
            "score_percent": result.score_percent,
            "correct": result.correct,
            "total": result.total,
            "wrong": result.wrong,
            # What they chose for each, so that its page can say so beside the question.
            "given": {str(number): given.get(number, "") for number in result.wrong},
        }
        return redirect("training:check_failed", module)
    return render_page(
        request,
        "training/take_check.jinja",
        page_title=f"{the_course.title} knowledge check",
        form=form,
        course=the_course,
        # Sent back with every save, so that a save arriving after this attempt was submitted
        # is not kept.
        attempt=check_attempt(progress),
    )


def _passed_and_counting(user, module: str) -> bool:
    passed = latest_pass(user=user, module=module)
    return passed is not None and is_current_version(module, passed.version)


def _given(request, the_course) -> dict[int, str]:
    """The answers in a request, by question number (the service keeps only real options)."""
    return {
        number: request.POST[f"q{number}"]
        for number in range(1, len(the_course.questions) + 1)
        if request.POST.get(f"q{number}")
    }


def _attempt_of(request) -> int | None:
    """The attempt at the check that the page sending these answers was for; None for none, or
    an altered one."""
    try:
        return int(request.POST.get("attempt", ""))
    except ValueError:
        return None


def _kept(request, the_course) -> int | None:
    """Keep the answers in the request: how many are kept, or None when the attempt they were
    given in was submitted before they arrived (a moment before, by the same page pressing
    Submit, or in another tab), or the request names no attempt: nothing to keep."""
    attempt = _attempt_of(request)
    if attempt is None:
        return None
    try:
        return knowledge_check_save(
            user=request.user,
            module=the_course.module,
            answers=_given(request, the_course),
            attempt=attempt,
        )
    except CheckNotOpen:
        return None


def _not_kept(request, the_course):
    """To the module page, which says where the worker is now (passed, or their last score)."""
    messages.info(
        request,
        "Those answers were not saved: the knowledge check they were for had already been "
        "submitted, perhaps in another tab.",
    )
    return redirect("training:show_module", the_course.module)


def _save_answers(request, the_course):
    """The "Save and come back later" button, or the page's script saving answers as they change."""
    kept = _kept(request, the_course)
    if request.headers.get("X-Speakup-Save") == "as-you-go":
        # 409: the script says these answers were not saved (its page is moving on, or the
        # questions were submitted in another tab).
        return HttpResponse(status=204 if kept is not None else 409)
    if kept is None:
        return _not_kept(request, the_course)
    total = len(the_course.questions)
    if kept:
        messages.success(
            request,
            f"Your answers are saved ({kept} of {total} questions answered). "
            "Come back to the knowledge check when you are ready.",
        )
    else:
        messages.info(
            request,
            "You had not answered any questions, so there was nothing to save. "
            "Come back to the knowledge check when you are ready.",
        )
    return redirect("training:show_module", the_course.module)


@login_required
def check_failed(request, module):
    """The last failed attempt's score and the questions to look at again."""
    require(request.user, "training.take_modules")
    the_course = course_or_404(module)
    result = _failed_attempt(request, the_course)
    if result is None:
        return redirect("training:take_check", module)
    return render_page(
        request,
        "training/check_failed.jinja",
        page_title=f"You did not pass the {the_course.title} knowledge check",
        course=the_course,
        result=result,
    )


@login_required
def show_pass(request, module, certificate_id):
    completion = certificate_of(user=request.user, certificate_id=certificate_id)
    require(request.user, "training.view_certificate", completion)
    the_course = course_or_404(completion.module)
    return render_page(
        request,
        "training/show_pass.jinja",
        page_title=f"You have completed {the_course.title}",
        course=the_course,
        completion=completion,
    )


@login_required
def download_certificate(request, certificate_id):
    completion = certificate_of(user=request.user, certificate_id=certificate_id)
    require(request.user, "training.view_certificate", completion)
    pdf = certificate_pdf(completion=completion, name=request.user.get_full_name())
    response = HttpResponse(pdf, content_type="application/pdf")
    # Dated, so that the certificates of a module and of its refreshers keep apart when saved.
    filename = f"{completion.module.replace('_', '-')}-certificate-{completion.completed_on}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def restart_module(request, module):
    """Start a module again from its first screen (after passing, or to refresh)."""
    require(request.user, "training.take_modules")
    course_or_404(module)
    if missing_prerequisites(user=request.user, module=module):
        return redirect("training:show_module", module)
    progress_visit(user=request.user, module=module, screen=1)
    return redirect("training:show_screen", module, 1)
