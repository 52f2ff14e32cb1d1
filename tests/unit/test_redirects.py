"""A `next` parameter only ever leads back into MentorHub."""

import pytest

from mentorhub.redirects import local_path


@pytest.mark.parametrize("target", ["/", "/rooms/3", "/goals/7?tab=timeline#timeline"])
def test_a_path_on_this_site_is_kept(target):
    assert local_path(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "rooms/3",
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
    ],
)
def test_anything_that_could_leave_the_site_is_refused(target):
    assert local_path(target) is None
