"""The "my pupils" lists ask the same rule as the pupil page they link to (policy.cares_for):
the start page's lists (matching.pupils_of, matching.linked_pupils) and the care team
(pupils.care_team) are built on policy.relations, not on a rule of their own."""

from datetime import date, timedelta

from mentorhub import policy
from mentorhub.extensions import db
from mentorhub.matching import services as matching
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.programme.models import Term
from mentorhub.pupils import services as pupils


def _next_term_match(world) -> Match:
    """Lisa matched to the other mentor in a term that starts next month."""
    today = date.today()
    term = Term(
        name="Nästa termin",
        starts_on=today + timedelta(days=70),
        ends_on=today + timedelta(days=200),
    )
    db.session.add(term)
    db.session.flush()
    match = Match(
        term_id=term.id,
        pupil_id=world.lisa.id,
        mentor_id=world.other_mentor.id,
        subject_area_id=world.area.id,
        status=MatchStatus.CONFIRMED.value,
    )
    db.session.add(match)
    db.session.flush()
    return match


def test_pupils_of_lists_exactly_the_pupils_whose_page_opens(world):
    listed = [m.pupil_id for m in matching.pupils_of(world.mentor)]
    assert sorted(listed) == sorted([world.alva.id, world.noah.id])
    assert all(policy.cares_for(world.mentor, pid) for pid in listed)
    assert matching.pupils_of(world.past_mentor) == []  # the term has ended
    assert matching.pupils_of(world.proposed_mentor) == []  # not confirmed


def test_pupils_of_counts_a_confirmed_match_in_a_term_not_yet_started(world):
    _next_term_match(world)
    assert [m.pupil_id for m in matching.pupils_of(world.other_mentor)] == [world.lisa.id]
    assert policy.cares_for(world.other_mentor, world.lisa.id)


def test_pupils_of_is_empty_without_the_mentor_role(world):
    world.mentor.role_rows = []
    db.session.flush()
    assert matching.pupils_of(world.mentor) == []
    assert not policy.cares_for(world.mentor, world.alva.id)


def test_linked_pupils_with_their_current_match(world):
    rows = matching.linked_pupils(world.special_educator)
    assert [(p.name, m.mentor_id if m else None) for p, m in rows] == [
        ("Alva Lindgren", world.mentor.id),  # not the mentor of the term that has ended
        ("Lisa Ström", None),
    ]
    assert all(policy.cares_for(world.special_educator, p.id) for p, _m in rows)
    assert matching.linked_pupils(world.unlinked_teacher) == []


def test_linked_pupils_shows_the_term_under_way_before_the_next(world):
    upcoming = _next_term_match(world)
    rows = dict(matching.linked_pupils(world.special_educator))
    assert rows[world.lisa].id == upcoming.id
    db.session.add(
        Match(
            term_id=world.term.id,
            pupil_id=world.lisa.id,
            mentor_id=world.mentor.id,
            subject_area_id=world.area.id,
            status=MatchStatus.CONFIRMED.value,
        )
    )
    db.session.flush()
    rows = dict(matching.linked_pupils(world.special_educator))
    assert rows[world.lisa].mentor_id == world.mentor.id


def test_linked_pupils_needs_the_role_that_goes_with_the_link(world):
    world.special_educator.role_rows = []
    db.session.flush()
    assert matching.linked_pupils(world.special_educator) == []


def test_care_team_is_who_cares_for_the_pupil(world):
    team = pupils.care_team(world.alva.id)
    assert team == policy.carers_of(world.alva.id)
    assert all(policy.cares_for(u, world.alva.id) for u in team)
    assert world.past_mentor not in team
