"""The three courses are files an organisation can review; the loader refuses broken ones."""

import re
from pathlib import Path

import pytest

from speakup.core.numbers import percent
from speakup.training.content import ContentError, courses, is_current_version, parse_course

ROOT = Path(__file__).resolve().parents[2]


def test_the_three_modules_ship_with_lessons_and_a_knowledge_check():
    loaded = courses()
    assert list(loaded) == ["speak_up", "listen_up", "follow_up"]
    for course in loaded.values():
        assert course.pass_mark == 80
        assert course.version >= 1
        assert len(course.lessons) >= 3
        assert all(len(lesson.screens) >= 2 for lesson in course.lessons)
        assert len(course.questions) >= 6
        assert all(q.correct in q.options for q in course.questions)


def test_every_question_in_every_shipped_module_has_an_explanation():
    # A worker who fails the check is shown each wrong question's explanation.
    missing = [
        f"{course.module} question {number}"
        for course in courses().values()
        for number, question in enumerate(course.questions, start=1)
        if len(question.explanation.strip()) < 20
    ]
    assert missing == []


def test_the_time_each_module_gives_is_about_what_its_words_take():
    # A worker plans by "About N minutes": reading at 150 words a minute, with as long again to
    # think and answer. Doubling or halving that is allowed; 30 minutes for a 10-minute course
    # is not.
    for course in courses().values():
        words = sum(
            len(f"{screen.title} {screen.body}".split())
            for lesson in course.lessons
            for screen in lesson.screens
        ) + sum(len(" ".join([q.text, *q.options]).split()) for q in course.questions)
        estimate = 2 * words / 150
        assert estimate / 2 <= course.minutes <= estimate * 2, (course.module, round(estimate))


def lessons_text(module: str) -> str:
    """Every screen's title and body of `module`, with each run of spaces and line breaks as one
    space, so that a sentence can be looked for whatever the file's line breaks."""
    return " ".join(
        " ".join(f"{screen.title} {screen.body}".split())
        for lesson in courses()[module].lessons
        for screen in lesson.screens
    )


def question_about(module: str, words: str):
    return next(q for q in courses()[module].questions if words in q.text)


def test_speak_up_says_who_has_a_guardian_and_how_primary_care_workers_find_one():
    text = lessons_text("speak_up")
    assert "Every NHS organisation has" not in text  # not so in primary care
    assert "Every NHS trust and integrated care board (ICB) has at least one" in text
    assert "ask your practice who it is" in text


def test_the_question_on_anonymity_explains_its_drawback_not_the_way_round_it():
    """It said only "In speakup a receipt code lets you come back, read replies and answer
    questions": how to get round the drawback, not what the drawback is."""
    question = next(
        q
        for q in courses()["speak_up"].questions
        if q.text == "What is the main drawback of speaking up anonymously?"
    )
    explanation = " ".join(question.explanation.split())
    assert "the guardian cannot ask you questions or tell you what happened" in explanation
    assert "the receipt code you keep is how you come back" in explanation
    # A better wording, not new knowledge: a new version, and passes of the ones before count.
    assert courses()["speak_up"].version >= 4
    assert all(is_current_version("speak_up", old) for old in ("1", "2", "3"))


def test_speak_up_tells_workers_they_need_not_go_to_their_manager_first():
    """A guardian's review: "Start with the people around you … If that does not feel right, or
    nothing happens, you can go to:" made the guardian sound like a last resort."""
    text = lessons_text("speak_up")
    assert "Who you can speak to" in text
    assert "You do not have to go to your manager first." in text
    assert "You can go to any of these, in any order:" in text
    assert "If that does not feel right, or nothing happens" not in text
    assert "You do not need proof." in text


def test_speak_up_says_the_law_may_protect_a_speaker_not_that_it_does():
    """It said "the law also protects you": whether it does depends on the disclosure."""
    explanations = " ".join(
        " ".join(q.explanation.split()) for q in courses()["speak_up"].questions
    )
    assert "the law also protects you" not in explanations
    assert "your union or Protect, the whistleblowing charity, can tell you if it does" in (
        explanations
    )
    assert "The Public Interest Disclosure Act protects workers who reasonably believe" in (
        lessons_text("speak_up")
    )


def test_speak_up_promises_feedback_without_a_timescale_the_organisation_sets():
    # Timescales are each organisation's own (domain.md, "Timescales": no national number).
    text = lessons_text("speak_up")
    assert "You should be told your concern was received, and later what happened" in text
    assert "If you hear nothing, ask the guardian." in text
    assert not re.search(r"\d+ (working )?(day|week|month)", text)
    question = question_about("speak_up", "You spoke up a month ago and heard nothing")
    assert question.correct == "Ask for an update: you should have heard back by now"


def test_listen_up_agrees_with_the_speaker_who_looks_at_a_concern_about_the_manager():
    """It said "pass it to someone independent": the speaker had no say in where it went."""
    text = lessons_text("listen_up")
    assert "agree with the person who else should look at it" in text
    question = question_about("listen_up", "A concern is about a decision you made")
    assert question.correct.startswith("Listen, then agree with them that someone independent")
    assert "agree with the person who else should look at it" in " ".join(
        question.explanation.split()
    )


def test_follow_up_holds_only_board_directors_to_the_fit_and_proper_person_test():
    # domain.md, "Board directors": FPPT applies to executive and non-executive directors.
    question = question_about("follow_up", "Who is accountable")
    for text in (lessons_text("follow_up"), " ".join(question.explanation.split())):
        assert "Board directors are held to it through the Fit and Proper Person Test" in text
        assert "Leaders are held" not in text and "leaders are held" not in text
    assert question.correct == "The board, led by the executive lead for Freedom to Speak Up"


def test_the_guardians_review_is_a_new_version_that_earlier_passes_still_satisfy():
    """Corrections, not new knowledge: a new version of each course, and nobody must retake it."""
    loaded = courses()
    assert (loaded["speak_up"].version, loaded["listen_up"].version) >= (5, 3)
    assert loaded["follow_up"].version >= 3
    for module, course in loaded.items():
        assert course.minimum_version == 1
        assert course.retake_from is None
        assert all(is_current_version(module, str(old)) for old in range(1, course.version))


def longest(options):
    return [option for option in options if len(option) == max(map(len, options))]


def shortest(options):
    return [option for option in options if len(option) == min(map(len, options))]


# How someone who has not read the lessons might answer every question. Each gives the options
# they could pick: a tie for longest counts for them, since they might pick either.
GUESSING_HABITS = {
    "the longest option": longest,
    "the shortest option": shortest,
    "the first option": lambda options: options[:1],
    "the second option": lambda options: options[1:2],
    "the last option": lambda options: options[-1:],
}


@pytest.mark.parametrize("habit", GUESSING_HABITS)
def test_a_worker_who_guesses_by_habit_fails_every_knowledge_check(habit):
    """A review found the correct answer was often the longest: always choosing it passed."""
    passing = []
    for course in courses().values():
        right = sum(q.correct in GUESSING_HABITS[habit](q.options) for q in course.questions)
        score = percent(right, len(course.questions))
        if score >= course.pass_mark:
            passing.append(f"{course.title} scores {score}% (pass mark {course.pass_mark}%)")
    assert passing == [], f"Always choosing {habit}: " + "; ".join(passing)


def test_the_reworded_options_are_a_new_version_that_earlier_passes_still_satisfy():
    """The same answers are correct, in other words: a new version, and nobody must retake it."""
    assert question_about("listen_up", "busy moment").correct == (
        "Thank them, check if it is urgent and, if not, agree a time soon"
    )
    reworded = {"speak_up": 6, "listen_up": 4, "follow_up": 4}
    for module, course in courses().items():
        assert course.version >= reworded[module], module
        assert (course.minimum_version, course.retake_from) == (1, None), module
        assert all(is_current_version(module, str(old)) for old in range(1, course.version))


def test_the_words_and_questions_docs_promise_are_what_each_course_has():
    docs = " ".join((ROOT / "docs" / "training.md").read_text(encoding="utf-8").split())
    found = re.search(
        r"some (\d+) to (\d+) words of lessons to read .*?and (\d+) or (\d+) questions", docs
    )
    assert found, "docs/training.md no longer says how many words and questions"
    fewest, most, fewest_questions, most_questions = map(int, found.groups())
    for module, course in courses().items():
        words = len(lessons_text(module).split())
        assert fewest <= words <= most, (module, words)
        assert fewest_questions <= len(course.questions) <= most_questions, module


def test_screens_are_rendered_from_markdown_without_raw_html():
    screen = courses()["speak_up"].lessons[0].screens[0]
    assert "<p>" in screen.html
    course = parse_course(
        {
            **valid(),
            "lessons": [{"title": "L", "screens": [{"title": "S", "body": "<script>x</script>"}]}],
        },
        "test.yaml",
    )
    assert "<script>" not in course.lessons[0].screens[0].html


def valid():
    return {
        "module": "speak_up",
        "title": "Speak Up",
        "version": 2,
        "minimum_version": 1,
        "audience": "Everyone",
        "summary": "S",
        "lessons": [{"title": "L", "screens": [{"title": "S", "body": "B"}]}],
        "questions": [
            {"question": f"Q{n}", "options": ["a", "b"], "correct": "a"} for n in range(6)
        ],
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"module": "dance_up"}, "module must be one of"),
        ({"lessons": []}, "“lessons” is missing"),
        ({"questions": valid()["questions"][:5]}, "at least 6 questions"),
        (
            {"questions": [{"question": "Q", "options": ["a", "b"], "correct": "c"}] * 6},
            "question 1: the correct answer is not one of the options",
        ),
        ({"minimum_version": 3}, "minimum_version"),
        ({"pass_mark": 120}, "pass_mark"),
    ],
)
def test_a_broken_course_file_is_refused_with_the_place_named(change, message):
    with pytest.raises(ContentError, match=message):
        parse_course({**valid(), **change}, "broken.yaml")
