"""Who may do what: the one place MentorHub decides access.

Every rule is a small function `(user, ...) -> bool`, named for the question it answers. Views and
socket events call them (or `authorize`, which turns a "no" into 403); templates ask the same
functions what to show. Lists are filtered by the query functions beside the rules
(`*_visible_to`, `postable_rooms_for`, `rooms_managed_by`), so a list can never show what the
detail page would refuse.

One module per domain, all built on `relations` (membership, staff links, current matches), which
is the ground floor: the package imports models and `relations` only, never services or views.
Callers keep using `from mentorhub import policy; policy.can_x(...)`.
"""

from __future__ import annotations

from flask import abort

from mentorhub.policy.accounts import (
    can_deactivate,
    can_end_sessions_of,
    can_invite_staff,
    can_manage_jobs,
    can_manage_programme,
    can_read_audit_log,
    can_read_feedback,
    can_use_app,
)
from mentorhub.policy.concerns import (
    can_list_concerns,
    can_manage_concern,
    can_raise_concern,
    can_view_concern,
    concerns_visible_to,
)
from mentorhub.policy.goals import (
    can_check_in,
    can_comment_on_goal,
    can_create_goal,
    can_edit_goal,
    can_see_own_goals,
    can_view_build_up,
    can_view_goal,
    can_write_build_up,
    goals_visible_to,
)
from mentorhub.policy.images import can_view_image, images_visible_to
from mentorhub.policy.matching import (
    can_explain_matching,
    can_follow_matching_run,
    can_rematch,
    can_run_matching,
    can_see_matching_runs,
    can_state_offer,
)
from mentorhub.policy.meetings import (
    can_have_calendar_feed,
    can_schedule_meetings,
    can_take_attendance,
    can_view_meeting,
    meetings_visible_to,
)
from mentorhub.policy.nominations import (
    can_decide_nominations,
    can_edit_nomination,
    can_list_nominations,
    can_nominate,
    can_view_nomination,
    nominations_visible_to,
)
from mentorhub.policy.operations import can_read_metrics, can_see_health_details
from mentorhub.policy.privacy import can_erase_pupil, can_export_pupil_data
from mentorhub.policy.problems import (
    attempts_visible_to,
    can_edit_problem,
    can_give_feedback,
    can_post_problem,
    can_see_my_problems,
    can_view_attempt,
    can_view_post,
    can_view_problem,
    can_work_on,
    can_write_problems,
    is_post_observer,
    mentor_area_ids,
    problems_visible_to,
    pupil_rows_visible_to,
    sees_all_posts,
)
from mentorhub.policy.pupils import (
    can_acknowledge_flag,
    can_manage_care_team,
    can_read_left_room,
    can_see_own_progress,
    can_view_pupil_page,
    can_view_review,
)
from mentorhub.policy.relations import (
    carers_of,
    cares_for,
    current_matches_of,
    current_mentor_matches,
    is_coordinator,
    linked_pupil_ids,
    pupils_cared_for_by,
)
from mentorhub.policy.reports import can_view_reports
from mentorhub.policy.rooms import (
    can_handle_reports,
    can_manage_room,
    can_moderate,
    can_open_rooms,
    can_post_in,
    can_report_message,
    can_view_room,
    is_observer,
    may_post_now,
    postable_rooms_for,
    reads_as_member_now,
    rooms_managed_by,
    rooms_visible_to,
)


def authorize(allowed: bool) -> None:
    """Stop the request with 403 unless the rule said yes."""
    if not allowed:
        abort(403)


__all__ = [
    "attempts_visible_to",
    "authorize",
    "can_acknowledge_flag",
    "can_check_in",
    "can_comment_on_goal",
    "can_create_goal",
    "can_deactivate",
    "can_decide_nominations",
    "can_edit_goal",
    "can_edit_nomination",
    "can_edit_problem",
    "can_end_sessions_of",
    "can_explain_matching",
    "can_follow_matching_run",
    "can_give_feedback",
    "can_handle_reports",
    "can_have_calendar_feed",
    "can_invite_staff",
    "can_list_concerns",
    "can_list_nominations",
    "can_manage_care_team",
    "can_manage_concern",
    "can_manage_jobs",
    "can_manage_programme",
    "can_manage_room",
    "can_moderate",
    "can_nominate",
    "can_open_rooms",
    "can_post_in",
    "may_post_now",
    "can_post_problem",
    "can_raise_concern",
    "can_read_audit_log",
    "can_read_feedback",
    "can_read_metrics",
    "can_see_health_details",
    "can_view_reports",
    "can_erase_pupil",
    "can_export_pupil_data",
    "can_read_left_room",
    "can_report_message",
    "can_rematch",
    "can_run_matching",
    "can_see_matching_runs",
    "can_schedule_meetings",
    "can_see_my_problems",
    "can_see_own_goals",
    "can_see_own_progress",
    "can_state_offer",
    "can_take_attendance",
    "can_use_app",
    "can_view_attempt",
    "can_view_build_up",
    "can_view_concern",
    "can_view_goal",
    "can_view_image",
    "can_view_meeting",
    "can_view_nomination",
    "can_view_post",
    "can_view_problem",
    "can_view_pupil_page",
    "can_view_review",
    "can_view_room",
    "can_work_on",
    "can_write_build_up",
    "can_write_problems",
    "carers_of",
    "cares_for",
    "concerns_visible_to",
    "current_matches_of",
    "current_mentor_matches",
    "goals_visible_to",
    "images_visible_to",
    "is_coordinator",
    "is_observer",
    "is_post_observer",
    "linked_pupil_ids",
    "meetings_visible_to",
    "mentor_area_ids",
    "nominations_visible_to",
    "postable_rooms_for",
    "reads_as_member_now",
    "problems_visible_to",
    "pupil_rows_visible_to",
    "pupils_cared_for_by",
    "rooms_managed_by",
    "rooms_visible_to",
    "sees_all_posts",
]
