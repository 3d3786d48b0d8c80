"""A register officer publishes a new version of the code of practice. The form comes filled in
with the current version, so pressing Publish without changing it must not publish a copy: a
new version asks every director in England to attest again. Nor may an officer publish over a
version published since they opened the form, without being shown what it changed."""

import html
import re
import threading

import pytest
from django.db import connection

from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.register.models import CodeOfPractice
from speakup.register.services.common import RegisterRefusal
from speakup.register.services.fppt_and_attestation import code_publish
from tests.register.test_form_messages import assert_plain, summary

pytestmark = pytest.mark.django_db

ADDRESS = "/register/officer/code/new/"
BODY = "## Listen\n\n1. I will thank people who speak up.\n2. I will follow up."
SAME = "This is the same as version 1. Change the text to publish a new version"


@pytest.fixture
def officer(client_as):
    client = client_as(Role.REGISTER_OFFICER)
    code_publish(actor=client.user, title="Code of practice", body=BODY, based_on=0)
    return client


def beside_the_text(page: str) -> str:
    """The error message above the text box."""
    found = re.search(r'id="id_body-error"\s*>(.*?)</span>\s*<textarea', page, re.S)
    assert found, "no error beside the text"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def only_version_1_published() -> None:
    assert list(CodeOfPractice.objects.values_list("version", flat=True)) == [1]
    assert AuditRecord.objects.filter(action="register.code_publish").count() == 1


def test_publishing_the_form_as_it_came_is_refused_beside_the_text(officer):
    form = officer.get(ADDRESS).content.decode()
    assert html.escape(BODY) in form  # filled in with version 1

    # As a browser sends it: the box's line breaks as \r\n.
    sent = {"title": "Code of practice", "body": BODY.replace("\n", "\r\n"), "based_on": "1"}
    page = officer.post(ADDRESS, sent).content.decode()

    assert "<title>Error: Publish a new version of the code" in page
    assert summary(page) == [SAME]
    assert 'href="#id_body"' in page  # the summary leads to the text
    assert beside_the_text(page) == f"Error: {SAME}"
    assert_plain(page)
    only_version_1_published()


def test_the_same_text_with_spaces_around_it_or_a_new_title_is_still_the_same(officer):
    # Directors attest to the text: a new title alone is not a new code to attest to.
    padded = {
        "title": "Code of practice (2027)",
        "body": "\r\n  " + BODY + " \u200b\r\n",
        "based_on": "1",
    }
    page = officer.post(ADDRESS, padded).content.decode()
    assert summary(page) == [SAME]
    only_version_1_published()


def test_a_changed_text_is_published_as_version_2(officer):
    changed = BODY.replace("\n", "\r\n") + "\r\n3. I will tell the board what we learnt."
    response = officer.post(
        ADDRESS, {"title": "Code of practice", "body": changed, "based_on": "1"}
    )
    assert response.status_code == 302
    code = CodeOfPractice.objects.get(version=2)
    assert code.body == BODY + "\n3. I will tell the board what we learnt."  # one line ending


def test_the_service_refuses_what_the_form_would(officer):
    with pytest.raises(RegisterRefusal) as refusal:
        code_publish(actor=officer.user, title="Code of practice", body=BODY + "\n", based_on=1)
    assert refusal.value.message_dict == {"body": [SAME]}
    only_version_1_published()


def test_the_text_of_an_older_version_is_a_new_version(officer):
    # Going back to version 1's words after version 2 is a change from the current version.
    code_publish(actor=officer.user, title="Code of practice", body="Version two", based_on=1)
    again = code_publish(actor=officer.user, title="Code of practice", body=BODY, based_on=2)
    assert again.version == 3


def test_the_code_s_text_box_is_as_tall_as_the_form_asks(officer):
    """The form asks for 16 rows: the tag carries one rows attribute, that one."""
    textarea = re.search(r"<textarea[^>]*>", officer.get(ADDRESS).content.decode()).group(0)
    assert re.findall(r'\brows="(\d+)"', textarea) == ["16"]


def test_blank_lines_and_spaces_at_line_ends_do_not_make_a_new_version(officer):
    """Markdown shows them as nothing: a blank line added between paragraphs published version 2,
    the same to read, and every director was due to attest again."""
    padded = BODY.replace("\n\n", "\n\n\n\n").replace("speak up.", "speak up.   ")
    page = officer.post(ADDRESS, {"title": "Code of practice", "body": padded, "based_on": "1"})
    page = page.content.decode()
    assert beside_the_text(page) == f"Error: {SAME}"
    only_version_1_published()


def test_a_version_whose_audit_fails_is_not_published(officer, monkeypatch):
    """All or nothing: a version nobody can see was published is not published."""
    from speakup.register.services import fppt_and_attestation

    def audit_fails(**kwargs):
        raise RuntimeError("the audit log could not be written")

    monkeypatch.setattr(fppt_and_attestation, "audit_change", audit_fails)
    with pytest.raises(RuntimeError):
        code_publish(
            actor=officer.user, title="Code of practice", body=BODY + "\n3. New.", based_on=1
        )
    only_version_1_published()


RACED = (
    "Another register officer published version 2 while you were editing. Your text is kept, "
    "but publishing it will replace the text of version 2. Add their changes to your text "
    "first if they are still needed."
)


def test_an_officer_who_publishes_second_at_the_same_instant_is_told_and_keeps_their_text(
    officer, person_with_role, monkeypatch
):
    """Both officers read version 1 as the latest and both publish version 2; the second saw the
    error page. The other officer's version is published between this one's reading the latest
    version and saving, so this one's lookup still says 1."""
    from speakup.register.services import fppt_and_attestation

    other = person_with_role(Role.REGISTER_OFFICER)
    code_publish(
        actor=other, title="Code of practice", body=BODY + "\n3. The other officer's.", based_on=1
    )
    monkeypatch.setattr(fppt_and_attestation, "_latest_version", lambda: 1)

    mine = BODY + "\n3. I will tell the board what we learnt."
    response = officer.post(ADDRESS, {"title": "Code of practice", "body": mine, "based_on": "1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Publish a new version of the code" in page
    assert summary(page) == [RACED]
    assert html.escape(mine) in page  # their text is kept to publish again
    assert_plain(page)
    version_2 = CodeOfPractice.objects.get(version=2)  # one version 2: the other officer's
    assert version_2.body.endswith("The other officer's.")
    assert CodeOfPractice.objects.count() == 2
    assert AuditRecord.objects.filter(action="register.code_publish").count() == 2

    # The page now says it was written from version 2, the one they were told to read.
    assert based_on(page) == "2"
    monkeypatch.undo()
    again = officer.post(ADDRESS, {"title": "Code of practice", "body": mine, "based_on": "2"})
    assert again.status_code == 302
    assert CodeOfPractice.objects.get(version=3).body == mine


def based_on(page: str) -> str:
    """The version the form says its text was written from (its hidden field)."""
    found = re.search(r'<input type="hidden" name="based_on" value="([^"]*)"', page)
    assert found, "no hidden based_on field"
    return found.group(1)


def as_sent(page: str, body: str) -> dict:
    """The form as the browser sends it, with its text changed to `body`."""
    return {"title": "Code of practice", "body": body, "based_on": based_on(page)}


def test_the_form_says_which_version_it_was_filled_in_with(officer, client_as):
    assert based_on(officer.get(ADDRESS).content.decode()) == "1"
    CodeOfPractice.objects.all().delete()
    first = client_as(Role.REGISTER_OFFICER).get(ADDRESS).content.decode()
    assert based_on(first) == "0"  # no version yet
    assert re.search(r"<textarea[^>]*>\s*</textarea>", first)  # nothing to fill in with


def test_an_officer_who_opened_the_form_before_another_published_is_told_before_replacing_it(
    officer, person_with_role
):
    """An officer opens the form on version 1, another publishes version 2, then the first
    presses Publish: their text was published as version 3, and version 2 was replaced unread."""
    form = officer.get(ADDRESS).content.decode()
    other = person_with_role(Role.REGISTER_OFFICER)
    code_publish(
        actor=other, title="Code of practice", body=BODY + "\n3. The other officer's.", based_on=1
    )

    mine = BODY + "\n3. I will tell the board what we learnt."
    response = officer.post(ADDRESS, as_sent(form, mine))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Publish a new version of the code" in page
    assert summary(page) == [RACED]
    assert html.escape(mine) in page and 'value="Code of practice"' in page
    assert_plain(page)
    assert list(CodeOfPractice.objects.values_list("version", flat=True)) == [2, 1]
    assert AuditRecord.objects.filter(action="register.code_publish").count() == 2

    # Having read version 2, they publish their text again, and it is version 3.
    response = officer.post(ADDRESS, as_sent(page, mine))
    assert response.status_code == 302
    assert CodeOfPractice.objects.get(version=3).body == mine


def test_an_officer_who_started_two_versions_ago_is_told_of_both(officer, person_with_role):
    """Version 3 alone was named: the officer read what changed since 2, and kept writing over
    the change that made version 2."""
    form = officer.get(ADDRESS).content.decode()
    other = person_with_role(Role.REGISTER_OFFICER)
    for version, line in [(1, "\n3. Second."), (2, "\n3. Second.\n4. Third.")]:
        code_publish(actor=other, title="Code of practice", body=BODY + line, based_on=version)

    page = officer.post(ADDRESS, as_sent(form, BODY + "\n3. Mine.")).content.decode()
    assert summary(page) == [
        "Versions 2 and 3 were published while you were editing. Your text is kept, but "
        "publishing it will replace the text of version 3. Add their changes to your text "
        "first if they are still needed."
    ]
    assert "<h2>What changed since version 1</h2>" in page
    assert "compares version 3 with version 1, the version you started from" in page
    assert CodeOfPractice.objects.count() == 3


def compared(page: str) -> list[list[str]]:
    """The page's comparison of two versions, each line as a screen reader reads it ("Added:
    ...", "Removed: ...", "Unchanged: ..."), one list per change."""
    groups = re.findall(r'<ul class="speakup-changes">(.*?)</ul>', page, re.S)
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", "", line)).split())
            for line in re.findall(r"<li[^>]*>(.*?)</li>", group, re.S)
        ]
        for group in groups
    ]


def links_to_version(page: str, version: int) -> bool:
    link = rf'<a href="/register/code-of-practice/{version}/"[^>]*>\s*Read version {version} '
    return bool(re.search(link, page))


OTHERS = BODY + "\n\n## Tell the board\n\nReport what we learnt each quarter."


def test_an_officer_told_another_published_is_shown_what_it_added_and_a_link_to_it(
    officer, person_with_role
):
    """A tester pressed Publish again as told, and the section the other officer had added was
    gone: nothing on the page said what version 2 changed, or where to read it."""
    form = officer.get(ADDRESS).content.decode()
    other = person_with_role(Role.REGISTER_OFFICER)
    code_publish(actor=other, title="Code of practice", body=OTHERS, based_on=1)

    mine = BODY.replace("I will follow up.", "I will follow up within a week.")
    page = officer.post(ADDRESS, as_sent(form, mine)).content.decode()

    assert summary(page) == [RACED]
    assert "What changed in version 2" in page and "compares version 2 with version 1" in page
    assert compared(page) == [
        [
            "Unchanged: 2. I will follow up.",
            "Added: ## Tell the board",
            "Added: Report what we learnt each quarter.",
        ]
    ]
    assert "<ins>Report what we learnt each quarter.</ins>" in page
    assert links_to_version(page, 2)
    version_2 = officer.get("/register/code-of-practice/2/").content.decode()
    assert "<p>Report what we learnt each quarter.</p>" in version_2
    assert html.escape(mine) in page  # their own text is still the one in the box


def told_another_published(officer, other, body: str, *, mine: str) -> str:
    """The page an officer sees on publishing `mine` after `other` published `body` since they
    opened the form."""
    form = officer.get(ADDRESS).content.decode()
    code_publish(actor=other, title="Code of practice", body=body, based_on=int(based_on(form)))
    return officer.post(ADDRESS, as_sent(form, mine)).content.decode()


def test_a_line_the_other_officer_changed_shows_as_removed_then_added(officer, person_with_role):
    reworded = BODY.replace("thank people who speak up", "thank everyone who speaks up")
    other = person_with_role(Role.REGISTER_OFFICER)
    page = told_another_published(officer, other, reworded, mine=BODY + "\n3. Mine.")
    assert compared(page) == [
        [
            "Unchanged: ## Listen",
            "Removed: 1. I will thank people who speak up.",
            "Added: 1. I will thank everyone who speaks up.",
            "Unchanged: 2. I will follow up.",
        ]
    ]
    assert "<del>1. I will thank people who speak up.</del>" in page


def read_aloud(page: str) -> list[str]:
    """The comparison as a screen reader reads it, line by line: what is hidden from it left
    out, and what is hidden from sight kept."""
    shown = re.search(r"What changed in version.*?Read version", page, re.S).group(0)
    heard = re.sub(r'<span aria-hidden="true">.*?</span>', "", shown, flags=re.S)
    lines = re.findall(r'<(?:li|p class="speakup-changes__gap")[^>]*>(.*?)</(?:li|p)>', heard, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", line)).split()) for line in lines]


LONG = "\n".join(["## Listen"] + [f"{n}. Point {n}." for n in range(1, 9)])


def test_two_changes_far_apart_are_shown_apart_with_the_lines_left_out_between(
    officer, person_with_role
):
    """A tester read a change to the first point and one to the last as one block: nothing
    marked the six unchanged points left out between them."""
    code_publish(actor=officer.user, title="Code of practice", body=LONG, based_on=1)
    ends_changed = LONG.replace("1. Point 1.", "1. Point one.").replace("8. Point 8.", "")
    other = person_with_role(Role.REGISTER_OFFICER)

    page = told_another_published(officer, other, ends_changed, mine=LONG + "\n9. Mine.")

    assert read_aloud(page) == [
        "Unchanged: ## Listen",
        "Removed: 1. Point 1.",
        "Added: 1. Point one.",
        "Unchanged: 2. Point 2.",
        "Lines left out",
        "Unchanged: 7. Point 7.",
        "Removed: 8. Point 8.",
    ]
    gap = re.search(r'<p class="speakup-changes__gap">(.*?)</p>', page, re.S).group(1)
    assert '<span aria-hidden="true">…</span>' in gap  # seen, not read out as "dot dot dot"


def test_changes_close_together_are_one_group_with_no_gap(officer, person_with_role):
    both = BODY.replace("thank people", "thank everyone").replace("follow up.", "follow up soon.")
    other = person_with_role(Role.REGISTER_OFFICER)
    page = told_another_published(officer, other, both, mine=BODY + "\n3. Mine.")
    assert len(compared(page)) == 1 and "Lines left out" not in read_aloud(page)


def test_an_officer_who_started_before_version_1_is_shown_all_of_it_as_new(officer):
    page = officer.post(ADDRESS, {"title": "Mine", "body": "Mine.", "based_on": "0"})
    page = page.content.decode()
    assert summary(page) == [RACED.replace("2", "1")]
    assert "There was no code when you started" in page
    assert compared(page) == [
        [
            "Added: ## Listen",
            "Added: 1. I will thank people who speak up.",
            "Added: 2. I will follow up.",
        ]
    ]
    assert links_to_version(page, 1)


UNKNOWN = (
    "This form did not say which version of the code you started from. "
    "Read version 1 of the code of practice, then publish again if your text is still needed."
)


@pytest.mark.parametrize("sent", [None, "", "one", "-1", "1.5", "2", "99", "9" * 5000, "²"])
def test_a_form_without_the_version_it_started_from_is_refused_in_plain_words(officer, sent):
    """The hidden field missing or changed (a number that is not one, none or a version never
    shown): a message, never an error page, and the text is kept to publish again."""
    mine = BODY + "\n3. I will tell the board what we learnt."
    form = {"title": "Code of practice", "body": mine}
    if sent is not None:
        form["based_on"] = sent

    response = officer.post(ADDRESS, form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Publish a new version of the code" in page
    assert summary(page) == [UNKNOWN]
    assert 'href="#id_based_on"' not in page  # nothing to correct on the page
    assert html.escape(mine) in page
    # Where they started is not known, so there is nothing to compare: the version to read.
    assert compared(page) == [] and links_to_version(page, 1)
    only_version_1_published()
    assert officer.post(ADDRESS, as_sent(page, mine)).status_code == 302
    assert CodeOfPractice.objects.get(version=2).body == mine


def test_the_service_refuses_a_text_written_from_an_older_version(officer):
    code_publish(actor=officer.user, title="Code of practice", body="Version two", based_on=1)
    with pytest.raises(RegisterRefusal) as refusal:
        code_publish(actor=officer.user, title="Code of practice", body="Mine", based_on=1)
    assert refusal.value.messages == [RACED]
    assert CodeOfPractice.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once")
@pytest.mark.django_db(transaction=True)
def test_two_officers_publishing_at_once_on_postgresql_publish_one_version(
    person_with_role, monkeypatch
):
    """The same race with two real connections: both read version 1 as the latest before either
    saves, so the database's own locking and refusal decide which is second."""
    from speakup.register.services import fppt_and_attestation

    first, second = (person_with_role(Role.REGISTER_OFFICER) for _ in range(2))
    code_publish(actor=first, title="Code of practice", body=BODY, based_on=0)
    both_have_read = threading.Barrier(2, timeout=10)
    read_latest = fppt_and_attestation._latest_version

    def read_then_wait():
        latest = read_latest()
        both_have_read.wait()
        return latest

    monkeypatch.setattr(fppt_and_attestation, "_latest_version", read_then_wait)
    outcomes = {}

    def publish(officer, line):
        try:
            code_publish(
                actor=officer, title="Code of practice", body=f"{BODY}\n3. {line}", based_on=1
            )
            outcomes[line] = "published"
        except RegisterRefusal as refusal:
            outcomes[line] = refusal.messages
        finally:
            connection.close()

    officers = [threading.Thread(target=publish, args=(o, o.email)) for o in (first, second)]
    for thread in officers:
        thread.start()
    for thread in officers:
        thread.join(timeout=20)

    assert sorted(map(str, outcomes.values())) == [str([RACED]), "published"]
    assert list(CodeOfPractice.objects.values_list("version", flat=True)) == [2, 1]
    assert AuditRecord.objects.filter(action="register.code_publish").count() == 2
