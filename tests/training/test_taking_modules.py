"""A worker takes a module in the product: resume, knowledge check with retakes, certificate."""

import dataclasses
import datetime
import html
import io
import re

import pypdf
import pypdfium2
import pytest
import time_machine
from markupsafe import escape

from speakup.organisations.roles import Role
from speakup.training import content
from speakup.training.content import Lesson, course
from speakup.training.models import Completion, CompletionSource
from speakup.training.services import module_progress
from tests.conftest import sign_in
from tests.training.factories import StaffRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(client, person_with_role, organisation):
    user = person_with_role(Role.WORKER, full_name="Wren Worker")
    StaffRecordFactory(
        organisation=organisation, user=user, assignment_start=datetime.date(2025, 1, 1)
    )
    sign_in(client, user)
    return user


@pytest.fixture
def course_version(monkeypatch):
    """Ship the courses as `version`, with `minimum_version` (and extra lessons), for a test."""
    shipped = content.courses()

    def ship(version, minimum_version, extra_lessons=()):
        changed = {
            module: dataclasses.replace(
                the_course,
                version=version,
                minimum_version=minimum_version,
                lessons=the_course.lessons + tuple(extra_lessons),
            )
            for module, the_course in shipped.items()
        }
        monkeypatch.setattr(content, "courses", lambda: changed)

    return ship


def answers(module, right=None):
    questions = course(module).questions
    right = len(questions) if right is None else right
    return {
        f"q{n}": (q.correct if n <= right else next(o for o in q.options if o != q.correct))
        for n, q in enumerate(questions, start=1)
    }


def read_every_screen(client, module):
    """Go through the lessons as a worker does, screen by screen, as far as the check."""
    client.get(f"/training/modules/{module}/screens/1/")
    for number in range(1, course(module).screen_count):
        client.post(f"/training/modules/{module}/screens/{number}/", follow=True)
    client.post(f"/training/modules/{module}/screens/{course(module).screen_count}/")


def attempt_on(page: str) -> str:
    """The attempt at the check a page is for, which the page sends back with its answers."""
    return re.search(r'<input type="hidden" name="attempt" value="([^"]*)"', page).group(1)


def take_check(client, module, given):
    """Read the lessons, then send the knowledge check's answers from its page."""
    read_every_screen(client, module)
    check = f"/training/modules/{module}/knowledge-check/"
    attempt = attempt_on(client.get(check).content.decode())
    return client.post(check, {**given, "attempt": attempt})


def test_a_worker_sees_their_required_modules_linked_from_the_header(client, worker):
    home = client.get("/").content.decode()
    assert 'href="/training/"' in home and "Your training" in home
    page = client.get("/training/").content.decode()
    assert "Speak Up" in page and "Every worker takes Speak Up" in page
    assert "Listen Up is for line managers" in page


def test_someone_without_a_role_or_roster_record_cannot_take_modules(client, db):
    from tests.organisations.factories import UserFactory

    sign_in(client, UserFactory())
    assert client.get("/training/").status_code == 404
    assert 'href="/training/"' not in client.get("/").content.decode()


def test_a_worker_resumes_where_they_left_off(client, worker):
    assert "Start the module" in client.get("/training/modules/speak_up/").content.decode()
    client.get("/training/modules/speak_up/screens/1/")
    response = client.post("/training/modules/speak_up/screens/1/")
    assert response.url == "/training/modules/speak_up/screens/2/"
    client.get(response.url)
    client.post("/training/modules/speak_up/screens/2/", follow=True)
    page = client.get("/training/modules/speak_up/").content.decode()
    # Where, in the screen's own words ("Screen 3 of 7"), not only that there is somewhere.
    total = course("speak_up").screen_count
    assert f"Continue where you left off (screen 3 of {total})" in page
    assert 'href="/training/modules/speak_up/screens/3/"' in page


def test_a_worker_who_leaves_as_they_press_continue_resumes_at_the_screen_they_read(client, worker):
    """Continue used to record the next screen as reached before it was shown: leaving then
    resumed at a screen never seen, and on the last but one opened the check unread."""
    client.get("/training/modules/speak_up/screens/1/")
    client.post("/training/modules/speak_up/screens/1/", follow=True)
    client.post("/training/modules/speak_up/screens/2/")  # gone before screen 3 is shown
    page = client.get("/training/modules/speak_up/").content.decode()
    assert 'href="/training/modules/speak_up/screens/2/"' in page
    assert 'href="/training/modules/speak_up/screens/3/"' not in page
    last = course("speak_up").screen_count
    for number in range(2, last - 1):
        client.post(f"/training/modules/speak_up/screens/{number}/", follow=True)
    client.post(f"/training/modules/speak_up/screens/{last - 1}/")  # the last never shown
    check = client.get("/training/modules/speak_up/knowledge-check/")
    assert check.url == f"/training/modules/speak_up/screens/{last - 1}/"
    shown = client.get(f"/training/modules/speak_up/screens/{last}/", follow=True)
    assert f"Screen {last} of {last}" in shown.content.decode()
    assert client.get("/training/modules/speak_up/knowledge-check/").status_code == 200


def test_a_worker_who_leaves_during_the_knowledge_check_comes_back_to_it(client, worker):
    read_every_screen(client, "speak_up")
    assert client.get("/training/modules/speak_up/knowledge-check/").status_code == 200
    # ... then the browser closes
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "Continue where you left off (the knowledge check)" in page
    assert 'href="/training/modules/speak_up/knowledge-check/"' in page
    client.post("/training/modules/speak_up/knowledge-check/", answers("speak_up", 0))
    page = client.get("/training/modules/speak_up/").content.decode()
    assert 'href="/training/modules/speak_up/knowledge-check/"' in page


def reach_screen_4_of_speak_up(client):
    client.get("/training/modules/speak_up/screens/1/")
    for number in (1, 2, 3):
        client.post(f"/training/modules/speak_up/screens/{number}/", follow=True)


def test_a_worker_keeps_their_place_when_a_new_version_still_counts(client, worker, course_version):
    course_version(1, 1)
    reach_screen_4_of_speak_up(client)
    course_version(2, 1)
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "Continue where you left off" in page
    assert 'href="/training/modules/speak_up/screens/4/"' in page
    client.post("/training/modules/speak_up/screens/4/", follow=True)
    page = client.get("/training/modules/speak_up/").content.decode()
    assert 'href="/training/modules/speak_up/screens/5/"' in page


def test_a_worker_starts_again_when_the_new_version_must_be_retaken(client, worker, course_version):
    course_version(1, 1)
    reach_screen_4_of_speak_up(client)
    course_version(2, 2)
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "Continue where you left off" not in page
    assert "Start the module" in page
    assert 'href="/training/modules/speak_up/screens/1/"' in page


def test_a_pass_of_a_version_that_no_longer_counts_asks_for_the_new_one(
    client, worker, course_version
):
    course_version(1, 1)
    take_check(client, "speak_up", answers("speak_up"))
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "You completed this module on" in page and "Take the module again" in page
    course_version(2, 2)
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "You completed version 1 of this module on" in page
    assert "that version no longer counts: take version 2 to be up to date" in page
    assert "Download your certificate (PDF)" in page
    assert "Start the module" in page and "Take the module again" not in page


def test_a_worker_past_the_end_of_a_shorter_new_version_resumes_at_its_last_screen(
    client, worker, course_version
):
    dropped = Lesson("Dropped in version 2", course("speak_up").lessons[0].screens[:2])
    course_version(1, 1, extra_lessons=[dropped])
    last_of_version_1 = course("speak_up").screen_count
    read_every_screen(client, "speak_up")
    client.get(f"/training/modules/speak_up/screens/{last_of_version_1}/")
    course_version(2, 1)
    last = course("speak_up").screen_count
    assert last == last_of_version_1 - 2
    page = client.get("/training/modules/speak_up/").content.decode()
    assert f'href="/training/modules/speak_up/screens/{last}/"' in page


def test_the_last_screen_leads_to_the_knowledge_check(client, worker):
    total = course("speak_up").screen_count
    read_every_screen(client, "speak_up")
    response = client.post(f"/training/modules/speak_up/screens/{total}/")
    assert response.url == "/training/modules/speak_up/knowledge-check/"
    assert client.get(f"/training/modules/speak_up/screens/{total + 1}/").status_code == 404


def test_unanswered_questions_are_errors_with_an_error_title(client, worker):
    response = take_check(client, "speak_up", {})
    page = response.content.decode()
    assert "<title>Error: Speak Up knowledge check" in page
    assert "Choose an answer to question 1" in page
    assert not Completion.objects.exists()


def test_failing_the_check_shows_the_score_and_allows_a_retake(client, worker):
    response = take_check(client, "speak_up", answers("speak_up", 5))
    page = client.get(response.url).content.decode()
    # 5 of 8 is 62.5%: a half rounds up, as on every page, not to the even 62.
    assert "You did not pass" in page and "You scored 63% (5 of 8)" in page
    assert "Try the knowledge check again" in page
    assert not Completion.objects.exists()
    retake = client.post("/training/modules/speak_up/knowledge-check/", answers("speak_up"))
    assert retake.status_code == 302


def test_the_module_page_gives_the_last_failed_score_until_a_pass(client, worker):
    """It offered only "Continue where you left off", with no sign of the attempt."""
    take_check(client, "speak_up", answers("speak_up", 5))
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "Your last score in the knowledge check was 63% (5 of 8); the pass mark is 80%." in page
    assert 'href="/training/modules/speak_up/knowledge-check/result/"' in page
    client.post("/training/modules/speak_up/knowledge-check/", answers("speak_up"))
    passed = client.get("/training/modules/speak_up/").content.decode()
    assert "You completed this module on" in passed and "Your last score" not in passed


def test_a_failed_check_explains_every_question_answered_wrongly(client, worker):
    """With the answer the worker gave, which the page did not say: they read each explanation
    without knowing what they had chosen."""
    given = answers("speak_up", 0)
    response = take_check(client, "speak_up", given)
    page = client.get(response.url).content.decode()
    for number, question in enumerate(course("speak_up").questions, start=1):
        assert f"Question {number}: {escape(question.text)}</h3>" in page
        assert f"<p>You answered: {escape(given[f'q{number}'])}</p>" in page
        assert f"<p>{escape(question.explanation)}</p>" in page


def test_reloading_the_failed_result_shows_it_again_without_counting_another_attempt(
    client, worker
):
    response = take_check(client, "speak_up", answers("speak_up", 5))
    assert response.status_code == 302
    for _ in range(2):
        page = client.get(response.url).content.decode()
        assert "You did not pass" in page and "You scored 63% (5 of 8)" in page
    assert module_progress(user=worker, module="speak_up").attempts == 1


def test_failed_answers_sent_twice_count_one_attempt_and_show_its_result(client, worker):
    """A double click on "Submit your answers" sent the same attempt twice: it counted two."""
    read_every_screen(client, "speak_up")
    check = "/training/modules/speak_up/knowledge-check/"
    sent = {**answers("speak_up", 5), "attempt": attempt_on(client.get(check).content.decode())}
    first, second = client.post(check, sent), client.post(check, sent)
    assert first.url == second.url == "/training/modules/speak_up/knowledge-check/result/"
    assert "You scored 63% (5 of 8)" in client.get(second.url).content.decode()
    assert module_progress(user=worker, module="speak_up").attempts == 1


def test_the_result_page_without_an_attempt_leads_to_the_check(client, worker):
    response = client.get("/training/modules/speak_up/knowledge-check/result/")
    assert response.url == "/training/modules/speak_up/knowledge-check/"


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_passing_records_a_completion_and_gives_a_pdf_certificate(client, worker, organisation):
    response = take_check(client, "speak_up", answers("speak_up"))
    completion = Completion.objects.get()
    assert completion.source == CompletionSource.IN_PRODUCT
    assert completion.user == worker and completion.staff_record.user == worker
    assert completion.completed_on == datetime.date(2025, 6, 1)
    assert completion.version == str(course("speak_up").version)
    page = client.get(response.url).content.decode()
    assert "You have completed Speak Up" in page and "You scored 100%" in page
    pdf = client.get(f"/training/certificates/{completion.certificate_id}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="speak-up-certificate-2025-06-01.pdf"' in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF")
    mine = client.get("/training/").content.decode()
    assert "Complete until 1 June 2028" in mine


def rows_with_ink(image) -> list[int]:
    """The rows of a rendered page that hold any ink: anything darker than near white."""
    ink = image.convert("L").point(lambda level: 255 if level < 200 else 0)
    return [y for y in range(image.height) if ink.crop((0, y, image.width, y + 1)).getbbox()]


def test_the_certificate_is_framed_in_the_middle_of_the_page(client, worker):
    """Printed, the frame has even margins and the words sit half way down it, not high on the
    page above a band of empty paper."""
    take_check(client, "speak_up", answers("speak_up"))
    completion = Completion.objects.get()
    pdf = client.get(f"/training/certificates/{completion.certificate_id}.pdf").content
    (page,) = pypdfium2.PdfDocument(pdf)  # one page
    image = page.render(scale=1).to_pil()  # 72 dots an inch: 1 mm is 2.8 dots
    frame = rows_with_ink(image)  # the frame is the outermost ink
    above, below = frame[0], image.height - 1 - frame[-1]
    assert abs(above - below) <= 3, f"the frame is {above} dots from the top, {below} from the foot"
    assert above <= 20 * 2.8  # it fills the page inside margins of 20 mm at most
    inside = image.crop((0, frame[0] + 10, image.width, frame[-1] - 10))  # within its border
    words = rows_with_ink(inside)
    above, below = words[0], inside.height - 1 - words[-1]
    assert abs(above - below) <= 12, f"the words start {above} dots down, end {below} dots up"


def structure_of(element) -> list[str]:
    """The kinds of a tagged PDF's structure elements, in reading order: "H1", "P"."""
    kinds = []
    children = element.get("/K", [])
    for child in children if isinstance(children, list) else [children]:
        child = child.get_object()
        if isinstance(child, dict) and "/S" in child:
            kinds += [child["/S"][1:], *structure_of(child)]
    return kinds


def test_a_screen_reader_finds_the_certificates_heading_and_reads_it_in_order(client, worker):
    """An accessibility tester found the certificate untagged: no structure for a screen reader
    to move through, and a viewer showing the file name instead of its title."""
    take_check(client, "speak_up", answers("speak_up"))
    completion = Completion.objects.get()
    pdf = client.get(f"/training/certificates/{completion.certificate_id}.pdf").content
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == "Certificate of completion: Speak Up"
    blocks = [kind for kind in structure_of(catalog["/StructTreeRoot"]) if kind in ("H1", "P")]
    assert blocks == ["H1"] + ["P"] * 6  # the heading, then each paragraph as on the page
    assert reader.pages[0].extract_text().split("\n")[:3] == [
        "Certificate of completion",
        "This is to certify that",
        "Wren Worker",
    ]


def test_nobody_else_can_see_a_certificate(client, worker, person_with_role):
    take_check(client, "speak_up", answers("speak_up"))
    completion = Completion.objects.get()
    sign_in(client, person_with_role(Role.WORKER))
    assert client.get(f"/training/certificates/{completion.certificate_id}.pdf").status_code == 404


def test_follow_up_waits_for_speak_up_and_listen_up(client, organisation, person_with_role):
    chair = person_with_role(Role.BOARD_MEMBER)
    sign_in(client, chair)
    page = client.get("/training/modules/follow_up/").content.decode()
    assert "Complete Speak Up and Listen Up before starting Follow Up." in page
    assert 'href="/training/modules/speak_up/"' in page and "Go to Speak Up" in page
    # A link straight to a screen or the check leads to that explanation, not "Page not found".
    for address in ("screens/1/", "knowledge-check/"):
        response = client.get(f"/training/modules/follow_up/{address}", follow=True)
        assert response.redirect_chain == [("/training/modules/follow_up/", 302)]
        assert "Complete Speak Up and Listen Up before starting" in response.content.decode()
    response = client.post("/training/modules/follow_up/knowledge-check/", answers("follow_up"))
    assert response.url == "/training/modules/follow_up/"
    take_check(client, "speak_up", answers("speak_up"))
    page = client.get("/training/modules/follow_up/").content.decode()
    assert "Complete Listen Up before starting Follow Up." in page and "Go to Listen Up" in page
    take_check(client, "listen_up", answers("listen_up"))
    assert client.get("/training/modules/follow_up/screens/1/").status_code == 200
    take_check(client, "follow_up", answers("follow_up"))
    assert Completion.objects.filter(user=chair).count() == 3


def test_an_answer_that_is_not_one_of_the_options_is_refused_in_plain_words(client, worker):
    """A stale or altered form showed Django's "Select a valid choice. not an option is not one
    of the available choices." """
    response = take_check(client, "speak_up", {**answers("speak_up"), "q3": "not an option"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "<title>Error: " in page
    assert "Choose one of the answers to question 3" in page
    assert "valid choice" not in page and "available choices" not in page
    assert not Completion.objects.exists()


def test_an_unknown_module_is_not_found(client, worker):
    assert client.get("/training/modules/dance_up/").status_code == 404
