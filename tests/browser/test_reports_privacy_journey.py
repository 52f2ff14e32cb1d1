"""Journey (issue 13): the coordinator, with the keyboard alone, reads the programme report with a
small number hidden as "<5" in a table and its chart, narrows it by period and school and
downloads a table as CSV for Swedish Excel; finds a pupil's data by searching, downloads the
register extract, and erases a pupil after the confirmation, while a pupil who still has a
mentor is told to end the match first. Every page is checked with axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from mentorhub import demo
from mentorhub.accounts.models import Role, User
from mentorhub.after_commit import commit
from mentorhub.extensions import db
from mentorhub.matching.models import Match
from mentorhub.nominations import services as nominations
from mentorhub.programme.models import SubjectArea, Term
from tests.browser.keyboard import activate, is_focused, tab_to, type_into
from tests.conftest import assert_accessible, nomination_data
from tests.integration.demo_region import coordinator, the_pupil

pytestmark = pytest.mark.browser

SMALL_SCHOOL = "Ekuddens skola"
SMALL_PUPILS = ("Tove Ekudden", "Malte Ekudden")  # fewer than five: shown as "<5"
BOM = "\ufeff"


@pytest.fixture
def small_school(app, region, make_school, make_user) -> str:
    """The demo region plus a school whose home teacher has nominated two pupils this term,
    through the nomination service as she would."""
    teacher = make_user(
        Role.HOME_TEACHER,
        name="Siv Ekudden",
        email="siv.ekudden@ekbacka.example.se",
        school=make_school(SMALL_SCHOOL),
    )
    with app.app_context():
        teacher = db.session.get(User, teacher.id)
        term = db.session.scalars(sa.select(Term).order_by(Term.starts_on.desc())).first()
        area_id = db.session.scalars(sa.select(SubjectArea.id).order_by(SubjectArea.id)).first()
        for name in SMALL_PUPILS:
            address = name.lower().replace(" ", ".") + "@elev.ekbacka.example.se"
            nominations.nominate(
                teacher,
                term,
                nomination_data(pupil_name=name, pupil_email=address, area_id=area_id),
            )
        commit()
    return SMALL_SCHOOL


def sign_in_by_keyboard(page: Page, either, email: str) -> None:
    page.goto("/login")
    type_into(page, page.get_by_label(either("Email")), email)
    type_into(page, page.get_by_label(either("Password")), demo.DEMO_PASSWORD)
    activate(page, page.get_by_role("button", name=either("Sign in")))
    expect(page.get_by_role("button", name=either("Sign out"))).to_be_visible()


def menu_link(page: Page, either, msgid: str) -> None:
    """Tab to a link in the main menu and press Enter."""
    activate(page, page.locator("header nav").get_by_role("link", name=either(msgid)))


def choose_by_keyboard(page: Page, select: Locator, label: str) -> None:
    """Tab to a closed drop-down and step through it with the arrow keys to an option."""
    tab_to(page, select)
    labels = select.locator("option").all_inner_texts()
    wanted = [t.strip() for t in labels].index(label)
    current = select.evaluate("s => s.selectedIndex")
    key = "ArrowDown" if wanted > current else "ArrowUp"
    for _ in range(abs(wanted - current)):
        page.keyboard.press(key)
    expect(select.locator("option:checked")).to_have_text(label)


def report_section(page: Page, title: str) -> Locator:
    """A table's section: its heading, chart, table and CSV link."""
    return page.locator("section", has=page.get_by_role("heading", name=title, level=2))


def table_of(section: Locator) -> list[list[str]]:
    """The table's header and rows as the page shows them, cell by cell."""
    return section.locator("table").evaluate(
        "t => [...t.rows].map(r => [...r.cells].map(c => c.textContent.trim()))"
    )


def chart_labels(section: Locator) -> dict[str, list[str]]:
    """Each chart row's label and its bars' labels, in the order the SVG draws them."""
    texts = section.locator("svg[role=img] text").all_text_contents()
    columns = section.locator("figcaption li").count()
    step = columns + 1
    return {texts[i]: texts[i + 1 : i + step] for i in range(0, len(texts), step)}


def test_the_report_hides_a_small_number_and_a_table_downloads_as_csv(
    app, page, small_school, say, either
):
    with app.app_context():
        boss = coordinator().email
    sign_in_by_keyboard(page, either, boss)
    menu_link(page, either, "Reports")
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Programme report"))
    title = say("Pupils by school")
    section = report_section(page, title)
    expect(section.get_by_role("table", name=title)).to_be_visible()

    # the small school's nominated pupils show as "<5" in the table and in the chart
    rows = {row[0]: row[1:] for row in table_of(section)[1:]}
    assert rows[SMALL_SCHOOL][0] == "<5", rows
    assert "2" not in rows[SMALL_SCHOOL]
    assert ".." in [cells[0] for cells in rows.values()], "the next-smallest is hidden too"
    cell = section.get_by_role("row", name=SMALL_SCHOOL).get_by_role("cell").first
    expect(cell).to_have_text("<5")
    expect(cell).to_be_visible()
    # ... the chart draws every school but the totals row, its bars labelled as the cells are
    chart = chart_labels(section)
    assert list(chart) == list(rows)[:-1]
    assert all(chart[school] == rows[school] for school in chart), (chart, rows)
    assert chart[SMALL_SCHOOL][0] == "<5"
    assert_accessible(page)
    # a table wider than its half of the pair scrolls sideways, by keyboard too
    wide = report_section(page, say("Attendance at meetings, by school")).locator(".table-wrap")
    assert wide.evaluate("r => r.scrollWidth > r.clientWidth"), "the table fits: test is moot"
    tab_to(page, wide)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("r => r.scrollLeft > 0", arg=wide.element_handle())

    # narrow it to the small school and the other period, by keyboard, and show
    period = page.get_by_label(either("Period"))
    other_period = next(
        label.strip()
        for label in period.locator("option:not(:checked)").all_inner_texts()
        if label.strip()
    )
    choose_by_keyboard(page, period, other_period)
    choose_by_keyboard(page, page.get_by_label(either("School")), SMALL_SCHOOL)
    activate(page, page.get_by_role("button", name=either("Show")))
    expect(page.get_by_role("status").filter(has_text=other_period)).to_be_visible()
    expect(page.get_by_label(either("School")).locator("option:checked")).to_have_text(SMALL_SCHOOL)
    section = report_section(page, title)
    shown = table_of(section)
    assert {row[0]: row[1:] for row in shown[1:]}[SMALL_SCHOOL][0] == "<5"
    assert_accessible(page)

    # download the table as CSV with Enter on its link: BOM, ";" and the same hidden figures
    link = section.get_by_role("link", name=either("Download “%(title)s” as CSV", title=title))
    tab_to(page, link)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == "mentorhub-reach_school.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(BOM.encode("utf-8"))
    text = raw.decode("utf-8")[1:]
    assert ";" in text.splitlines()[0]
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == shown
    assert "<5" in {row[0]: row[1:] for row in shown[1:]}[SMALL_SCHOOL]


def find_pupil(page: Page, either, name: str) -> None:
    """From any page: the menu's pupils' data, search by typing, open the pupil."""
    menu_link(page, either, "Pupils' personal data")
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Pupils' personal data"))
    type_into(page, page.get_by_label(either("Name")), name.split()[0])
    page.keyboard.press("Enter")
    expect(page.get_by_label(either("Name"))).to_have_value(name.split()[0])
    activate(page, page.get_by_role("main").get_by_role("link", name=name, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        either("Personal data: %(name)s", name=name)
    )


def test_the_coordinator_finds_a_pupil_and_downloads_her_register_extract(
    app, page, region, either
):
    with app.app_context():
        boss, alva = coordinator(), the_pupil()
        boss_email, boss_name, name = boss.email, boss.name, alva.name
    sign_in_by_keyboard(page, either, boss_email)
    find_pupil(page, either, name)

    # the access log is there, and her own opening of it is the newest entry
    log = page.get_by_role(
        "table",
        name=either("Access log for %(name)s, newest first. Times are in Swedish time.", name=name),
    )
    expect(log).to_be_visible()
    expect(log.locator("tbody tr").first).to_contain_text(boss_name)
    assert_accessible(page)

    link = page.get_by_role("link", name=either("Download the register extract (ZIP)"))
    tab_to(page, link)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        assert "sammanfattning.html" in names and "data/users.json" in names
        users = json.loads(archive.read("data/users.json"))["rows"]
        summary = archive.read("sammanfattning.html").decode("utf-8")
    assert [u["name"] for u in users] == [name]
    assert name in summary


def pupils_listed(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("main ul.plain-list a").all_inner_texts()]


def test_the_coordinator_erases_a_pupil_after_the_confirmation_by_keyboard_only(
    app, page, region, say, either
):
    with app.app_context():
        boss, alva = coordinator(), the_pupil()
        # a classmate whose mentoring has ended: no match left, so they may be erased
        leaver = db.session.scalars(
            sa.select(User)
            .where(User.role_rows.any(role=Role.PUPIL.value), User.id != alva.id)
            .where(sa.exists().where(Match.pupil_id == User.id))
            .order_by(User.name)
        ).first()
        db.session.execute(sa.delete(Match).where(Match.pupil_id == leaver.id))
        db.session.commit()
        boss_email, alva_name, name = boss.email, alva.name, leaver.name
    sign_in_by_keyboard(page, either, boss_email)

    # a pupil who still has a mentor: told to end the match first, and no button to erase
    find_pupil(page, either, alva_name)
    activate(page, page.get_by_role("link", name=either("Erase the pupil's personal data…")))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        either("Erase %(name)s's personal data", name=alva_name)
    )
    expect(page.get_by_role("alert")).to_have_text(
        either(
            "%(name)s still has a mentor this term. End the match first (Matching), then erase.",
            name=alva_name,
        )
    )
    expect(
        page.get_by_role("button", name=either("Erase %(name)s's personal data", name=alva_name))
    ).to_have_count(0)
    assert_accessible(page)

    # the pupil without a match: the confirmation lists what happens, per kind, with counts
    find_pupil(page, either, name)
    activate(page, page.get_by_role("link", name=either("Erase the pupil's personal data…")))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        either("Erase %(name)s's personal data", name=name)
    )
    counts = page.get_by_role("table", name=either("What will happen, per kind of record"))
    expect(counts).to_be_visible()
    numbers = counts.locator("tbody td:nth-child(2)").all_inner_texts()
    assert numbers and all(int(n) > 0 for n in numbers), numbers
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page)

    # confirmed with Tab to the button and Enter
    erase = page.get_by_role("button", name=either("Erase %(name)s's personal data", name=name))
    tab_to(page, erase)
    assert is_focused(erase)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Pupils' personal data"))
    expect(page.locator(".flashes").get_by_role("status")).to_have_text(
        either("The pupil's personal data has been erased.")
    )
    assert_accessible(page)
    listed = pupils_listed(page)
    assert alva_name in listed and name not in listed
    with app.app_context():
        erased = db.session.scalars(sa.select(User).where(User.name == name)).all()
    assert erased == []
