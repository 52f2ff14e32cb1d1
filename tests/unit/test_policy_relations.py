"""The ground floor (mentorhub/policy/relations.py): membership, staff links, current matches
and the staff around a pupil, which every other rule is built on."""

from flask_login import AnonymousUserMixin

from mentorhub import policy
from mentorhub.extensions import db
from mentorhub.matching.models import Match
from mentorhub.policy import relations


def _ids(select) -> set[int]:
    return set(db.session.scalars(select))


def test_signed_in_and_roles(world):
    assert relations.signed_in(world.alva)
    assert not relations.signed_in(world.inactive_coordinator)
    assert not relations.signed_in(AnonymousUserMixin())
    assert not relations.signed_in(None)
    assert relations.is_mentor(world.mentor) and not relations.is_mentor(world.alva)
    assert relations.is_pupil(world.alva) and not relations.is_pupil(world.mentor)
    assert relations.is_school_staff(world.special_educator)
    assert not relations.is_school_staff(world.coordinator)


def test_is_member_counts_current_members_only(world):
    assert relations.is_member(world.alva, world.room)
    assert not relations.is_member(world.lisa, world.room)  # removed
    assert not relations.is_member(world.mentor, world.room)  # the mentor is not a member
    assert _ids(relations.member_room_ids(world.noah)) == {world.room.id, world.archived_room.id}


def test_staff_links(world):
    assert relations.linked_to_pupil(world.home_teacher, world.alva.id)
    assert not relations.linked_to_pupil(world.home_teacher, world.noah.id)
    assert not relations.linked_to_pupil(world.unlinked_teacher, world.alva.id)
    assert relations.linked_to_a_member(world.special_educator, world.room)
    assert not relations.linked_to_a_member(world.unlinked_teacher, world.room)
    assert _ids(policy.linked_pupil_ids(world.home_teacher)) == {world.alva.id}
    assert _ids(relations.linked_room_ids(world.home_teacher)) == {world.room.id}


def test_a_link_counts_only_with_its_role(world):
    world.home_teacher.role_rows = []
    db.session.flush()
    assert not relations.linked_to_pupil(world.home_teacher, world.alva.id)
    assert _ids(policy.linked_pupil_ids(world.home_teacher)) == set()


def test_current_matches_are_confirmed_in_a_term_that_has_not_ended(world):
    assert relations.current_mentor_of(world.mentor, world.alva.id)
    assert not relations.current_mentor_of(world.past_mentor, world.alva.id)  # term ended
    assert not relations.current_mentor_of(world.proposed_mentor, world.outsider.id)  # proposed
    assert not relations.current_mentor_of(world.home_teacher, world.alva.id)
    pupils = _ids(policy.current_mentor_matches(Match.pupil_id))
    assert pupils == {world.alva.id, world.noah.id}
    mine = db.session.scalars(policy.current_matches_of(world.mentor)).all()
    assert {m.pupil_id for m in mine} == {world.alva.id, world.noah.id}
    assert db.session.scalars(policy.current_matches_of(world.past_mentor)).all() == []


def test_a_match_counts_only_with_the_mentor_role(world):
    world.mentor.role_rows = []
    db.session.flush()
    assert not relations.current_mentor_of(world.mentor, world.alva.id)
    assert db.session.scalars(policy.current_matches_of(world.mentor)).all() == []


def test_cares_for_and_pupils_cared_for_by_agree(world):
    alva = world.alva.id
    carers = [world.mentor, world.home_teacher, world.special_educator]
    others = [
        world.past_mentor,
        world.other_mentor,
        world.unlinked_teacher,
        world.other_school_teacher,
        world.coordinator,
        world.alva,  # a pupil is never "around" themself
        world.noah,
    ]
    for user in carers:
        assert policy.cares_for(user, alva), user.name
        assert alva in _ids(policy.pupils_cared_for_by(user)), user.name
    for user in others:
        assert not policy.cares_for(user, alva), user.name
        assert alva not in _ids(policy.pupils_cared_for_by(user)), user.name
    assert _ids(policy.pupils_cared_for_by(world.mentor)) == {alva, world.noah.id}
    assert _ids(policy.pupils_cared_for_by(AnonymousUserMixin())) == set()


def test_carers_of_is_exactly_who_cares_for(world):
    names = [u.name for u in policy.carers_of(world.alva.id)]
    assert names == ["Anna Bergström", "Eva Johansson", "Helena Olsson"]
    world.special_educator.active = False
    db.session.flush()
    assert world.special_educator not in policy.carers_of(world.alva.id)
    assert policy.carers_of(world.outsider.id) == []
