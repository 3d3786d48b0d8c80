"""The browser harness: Debian's Chromium driven by Playwright, never a downloaded browser.

Outside CI a machine without Chromium skips these journeys with one line; under CI they fail.
"""

import contextlib
import datetime
import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true"}
# Playwright's sync API runs an event loop in the test thread; the test code's own database
# calls (making people, reading results) are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# WCAG 2.2 AA and everything below it.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe-core from package.json (make install puts it there), not the older copy bundled with
# axe-playwright-python: a newer axe checks more, and found a file upload's name that the
# bundled one passed (WCAG 2.5.3, label in name).
AXE_CORE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if IN_CI:
            pytest.fail(
                f"Chromium is not installed at {CHROMIUM}; CI must run the browser journeys"
            )
        pytest.skip(
            f"browser journeys skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import expect, sync_playwright

    # What a person waits for (a page after an upload, a chart) gets the same 15 seconds as a
    # click, not expect's 5: a loaded CI machine is slower, not wrong.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# HTML tags in what a person reads: markup built by joining strings, escaped by the template.
MARKUP_AS_TEXT = re.compile(r"</?(p|br|strong|a|span|ul|li|h[1-6])\b[^>]*>")


def assert_fits_the_screen(page, width: int) -> None:
    """No sideways scrolling at `width`: waits for the layout after a resize (under load the
    first reading can come before the reflow), then fails if the page is still wider."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # A function, not an expression: the page's CSP forbids the eval Playwright polls one with.
    fits = f"() => document.documentElement.scrollWidth <= {width}"
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says how wide it is
        page.wait_for_function(fits, timeout=5_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# Each chart on the page: where its right edge is, how wide it is shown and how wide it was drawn.
CHARTS = """() => [...document.querySelectorAll("img.speakup-chart")].map((chart) => {
  const box = chart.getBoundingClientRect();
  return [chart.alt, box.right, box.width, chart.naturalWidth];
})"""


def assert_charts_fit_the_screen(page, width: int) -> None:
    """Every chart lies wholly on a screen `width` pixels wide, shown at the size it was drawn
    for a phone, its words as big as on a computer's (not a computer's drawing scaled down)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # The phone's drawing is chosen when the screen narrows: wait for it to be loaded.
    drawn = "() => [...document.querySelectorAll('img.speakup-chart')].every((chart) =>"
    fits = f"{drawn} chart.complete && chart.naturalWidth < {width})"
    with contextlib.suppress(PlaywrightTimeout):  # the assertions below say which chart
        page.wait_for_function(fits, timeout=5_000)
    charts = page.evaluate(CHARTS)
    assert charts, "no chart on the page"
    for alt, right, shown, drawn_width in charts:
        assert right <= width, f"{alt}: its right edge is at {right} pixels"
        assert round(shown) == drawn_width, f"{alt}: drawn {drawn_width} wide, shown at {shown}"


def assert_accessible(page):
    """Run axe on the page as it stands: zero WCAG 2.2 AA violations, and no HTML shown as
    text."""
    from axe_playwright_python.sync_playwright import Axe

    if not AXE_CORE.exists():
        pytest.fail(f"axe-core is not installed at {AXE_CORE}: run make install")
    results = Axe.from_file(AXE_CORE).run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    )
    assert results.violations_count == 0, results.generate_report()
    shown = MARKUP_AS_TEXT.findall(page.inner_text("body"))
    assert not shown, f"markup shown as text on {page.url}: {shown}"


def fill_date(page, legend: str, day: datetime.date | None) -> None:
    """Type a date into the NHS.UK date input under `legend` (day, month and year boxes), or
    empty the boxes when `day` is None."""
    boxes = page.get_by_role("group", name=legend, exact=True)
    for part in ("day", "month", "year"):
        boxes.get_by_label(part.capitalize()).fill(str(getattr(day, part)) if day else "")


def answer_the_speak_up_questions(page, organisation, *, openness: str, description: str) -> None:
    """From the first question of speaking up: the organisation, how open (`openness`, as its
    radio is labelled), the concern, and the optional questions left unanswered."""
    page.get_by_label("Which organisation is your concern about?").select_option(
        organisation.ods_code
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(openness).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Describe your concern").fill(description)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()


def read_every_screen(page, module: str) -> None:
    """From a module's first screen to its knowledge check, as a person reads: each screen's
    button pressed once that screen is shown (pressed sooner, it is the screen before's button,
    which sends that screen again and leaves the worker a screen short of the check)."""
    from playwright.sync_api import expect

    from speakup.training.content import course

    the_course = course(module)
    total = the_course.screen_count
    for number in range(1, total + 1):
        expect(page.get_by_text(f"Screen {number} of {total}", exact=True)).to_be_visible()
        next_one = "Continue" if number < total else "Go to the knowledge check"
        page.get_by_role("button", name=next_one, exact=True).click()
    expect(page.get_by_role("heading", name=f"{the_course.title} knowledge check")).to_be_visible()


def is_an_answer_saved(response) -> bool:
    """The knowledge check's script saving the answers as they are chosen (its response)."""
    return response.request.headers.get("x-speakup-save") == "as-you-go"


def choose_and_let_it_save(page, answer) -> None:
    """Tick `answer` in the knowledge check and wait for the script to save it, as a person is
    still reading the next question. On SQLite the live server's threads share the one
    connection to the in-memory test database: a save still running when another request comes
    (the next save, "Save and come back later", Submit, another page) fails one of them with
    "database table is locked", or rolls back what it recorded (a certificate page not found,
    once). A real server gives each request a connection."""
    with page.expect_response(is_an_answer_saved):
        answer.check()


def let_stray_saves_go(page) -> None:
    """Give the knowledge check's script the time to send any save still waiting (the network
    quiet for half a second), to show that none is sent."""
    page.wait_for_load_state("networkidle")


def sign_in(page, user, *, two_factor: bool) -> None:
    """Sign in through the pages as the person would (with a security code from their enrolled
    device when their role asks for one), and wait for their home page."""
    from speakup.core.two_factor import current_code, enrol_confirmed_device
    from tests.organisations.factories import TEST_PASSWORD

    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if two_factor:
        page.get_by_label("Security code").fill(current_code(enrol_confirmed_device(user)))
        page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Your speakup home").wait_for()
