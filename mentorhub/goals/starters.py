"""Goal templates ("starters") for study technique: a ready title, why it matters, steps and how
progress will be seen, which the care team adapts for the pupil. Written for pupils in year 8–9
who have managed without structure so far and need it for upper-secondary school."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Starter:
    key: str
    title: object  # lazy strings: rendered in the reader's language
    why: object
    steps: object  # one step per line
    evidence: object


STARTERS: tuple[Starter, ...] = (
    Starter(
        "plan_week",
        _l("Plan my week"),
        _l(
            "Upper-secondary school gives more work with longer deadlines. A weekly plan makes "
            "time for homework, tests and rest before it gets stressful."
        ),
        _l(
            "On Sunday or Monday, write down the week's tests and deadlines\n"
            "Choose when during the week you do each piece of work\n"
            "Check the plan each afternoon and move what did not get done"
        ),
        _l("A plan for every week, and no deadline that takes me by surprise."),
    ),
    Starter(
        "take_notes",
        _l("Take notes that help me"),
        _l(
            "What you hear in a lesson is easy to forget. Good notes make it possible to "
            "revise without starting from scratch."
        ),
        _l(
            "Write key words and questions during the lesson, not whole sentences\n"
            "Mark what you did not understand with a question mark\n"
            "Spend five minutes the same day tidying the notes and answering the questions"
        ),
        _l("Notes from every lesson in the subject, which I can use when I revise."),
    ),
    Starter(
        "prepare_test",
        _l("Prepare for a test in time"),
        _l(
            "Revising a little over several days is remembered better than cramming the "
            "evening before."
        ),
        _l(
            "Write down what the test covers as soon as it is announced\n"
            "Split the content into parts and spread them over the days before\n"
            "Test yourself with problems or questions instead of only reading\n"
            "The evening before: a short repetition and enough sleep"
        ),
        _l("A revision plan for the next test, followed day by day."),
    ),
    Starter(
        "ask_early",
        _l("Ask for help early"),
        _l(
            "Gifted pupils often manage alone for a long time and wait too long to ask. Asking "
            "early saves time and is a skill upper-secondary school demands."
        ),
        _l(
            "When you are stuck for more than 15 minutes, write down exactly what you are "
            "stuck on\n"
            "Ask a teacher, your knowledge mentor or a classmate the same week\n"
            "Note what the help gave you"
        ),
        _l("At least one question asked each week, and fewer tasks left unfinished."),
    ),
    Starter(
        "break_down",
        _l("Break big tasks into parts"),
        _l(
            "A big assignment feels hard to start. Smaller parts with their own dates make it "
            "possible to begin today."
        ),
        _l(
            "List what the task consists of\n"
            "Give each part a date of its own before the deadline\n"
            "Tick off each part when it is done"
        ),
        _l("Big assignments handed in on time, with the parts ticked off along the way."),
    ),
    Starter(
        "read_actively",
        _l("Read actively and summarise"),
        _l(
            "Reading a text once is not the same as understanding it. Summarising in your own "
            "words shows what you have understood."
        ),
        _l(
            "Look through headings and pictures before reading\n"
            "Stop after each section and say or write its main point\n"
            "Write a summary of at most five sentences afterwards"
        ),
        _l("A short summary of each text I read for a subject."),
    ),
    Starter(
        "reflect",
        _l("Reflect on what worked"),
        _l(
            "Knowing how you learn best makes it possible to choose methods yourself, which "
            "will be needed when the teachers guide less."
        ),
        _l(
            "After a test or an assignment, write what went well and what did not\n"
            "Choose one thing to do differently next time\n"
            "Talk it over with your knowledge mentor"
        ),
        _l("A short reflection after each test, with one thing to try next time."),
    ),
)

_BY_KEY = {s.key: s for s in STARTERS}


def starter(key: str | None) -> Starter | None:
    """The template with that key, or None for free text or an unknown key."""
    return _BY_KEY.get(key or "")
