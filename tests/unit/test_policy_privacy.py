"""Privacy rules (mentorhub/policy/privacy.py): a pupil's whole record is the coordinator's."""

from mentorhub import policy


def test_only_the_coordinator_exports_a_pupils_data(world):
    assert policy.can_export_pupil_data(world.coordinator, world.alva)
    for other in (world.inactive_coordinator, world.mentor, world.home_teacher, world.alva):
        assert not policy.can_export_pupil_data(other, world.alva)


def test_only_pupils_are_exported_or_erased_this_way(world):
    assert not policy.can_export_pupil_data(world.coordinator, world.mentor)
    assert not policy.can_erase_pupil(world.coordinator, world.mentor)
    assert not policy.can_export_pupil_data(world.coordinator, None)


def test_only_the_coordinator_erases_a_pupil(world):
    assert policy.can_erase_pupil(world.coordinator, world.alva)
    for other in (world.special_educator, world.mentor, world.home_teacher, world.alva):
        assert not policy.can_erase_pupil(other, world.alva)
