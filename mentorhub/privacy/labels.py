"""Readable words for audit-log actions and their subjects, in the reader's language.

Every action recorded anywhere (`audit.record(..., "<action>", ...)`) needs a label here, and
every kind of subject a name: tests/integration/test_audit_labels.py scans the source for them.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# What an entry is about (the subject's model name), e.g. "Meddelande 104".
SUBJECT_LABELS = {
    "Attempt": _l("Attempt"),
    "ChatImage": _l("Image"),
    "Concern": _l("Concern"),
    "FlagAcknowledgement": _l("Early-warning flag"),
    "Goal": _l("Goal"),
    "Invitation": _l("Invitation"),
    "Match": _l("Match"),
    "MatchingRun": _l("Matching run"),
    "Meeting": _l("Meeting"),
    "MeetingSeries": _l("Meeting series"),
    "MentorOffer": _l("Mentor offer"),
    "Message": _l("Message"),
    "Nomination": _l("Nomination"),
    "ProblemPost": _l("Posted problem"),
    "Room": _l("Room"),
    "School": _l("School"),
    "SubjectArea": _l("Subject area"),
    "Term": _l("Term"),
    "User": _l("Person"),
}


def subject_label(subject_type: str, subject_id: int | None) -> str:
    """The subject's kind in the reader's language, with its number."""
    kind = SUBJECT_LABELS.get(subject_type)
    name = str(kind) if kind is not None else _("Record")
    return f"{name} {subject_id}" if subject_id is not None else name


def action_label(action: str) -> str:
    labels = {
        "session.login": _("Signed in"),
        "session.logout": _("Signed out"),
        "session.end_all": _("Signed out on every device"),
        "password.reset_requested": _("Asked for a new password"),
        "password.reset": _("Chose a new password"),
        "invitation.create": _("Invited"),
        "invitation.accept": _("Accepted an invitation"),
        "invitation.revoke": _("Withdrew an invitation"),
        "user.deactivate": _("Deactivated an account"),
        "user.reactivate": _("Reactivated an account"),
        "user.handover": _("Handed over the work of an account and deactivated it"),
        "school.create": _("Created a school"),
        "school.update": _("Changed a school"),
        "subject_area.create": _("Created a subject area"),
        "subject_area.update": _("Changed a subject area"),
        "term.create": _("Created a term"),
        "term.update": _("Changed a term"),
        "nomination.create": _("Nominated a pupil"),
        "nomination.view": _("Read a nomination"),
        "nomination.update": _("Changed a nomination"),
        "nomination.request_info": _("Asked for more about a nomination"),
        "nomination.answer": _("Answered about a nomination"),
        "nomination.approve": _("Approved a nomination"),
        "nomination.decline": _("Declined a nomination"),
        "mentor_offer.save": _("Saved a mentor offer"),
        "matching.run": _("Ran matching"),
        "match.lock": _("Locked a match"),
        "match.unlock": _("Unlocked a match"),
        "match.move": _("Moved a match"),
        "match.remove": _("Removed a match"),
        "matching.confirm": _("Confirmed matches"),
        "matching.why_not.view": _("Read why the pupil could not have each mentor"),
        "meeting.schedule": _("Scheduled a meeting"),
        "meeting.edit": _("Changed a meeting"),
        "meeting.edit_series": _("Changed a meeting series"),
        "meeting.cancel": _("Cancelled a meeting"),
        "meeting.cancel_series": _("Cancelled a meeting series"),
        "meeting.read": _("Read a meeting (observer)"),
        "attendance.read": _("Read attendance"),
        "attendance.record": _("Recorded attendance"),
        "attendance.change": _("Changed attendance"),
        "calendar_feed.regenerate": _("Made a new calendar address"),
        "pupil.view": _("Viewed the pupil page"),
        "pupil.print": _("Printed the pupil summary"),
        "report.view": _("Read the programme report"),
        "pupil.export": _("Exported everything held about the pupil (register extract)"),
        "pupil.erase": _("Erased the pupil's personal data"),
        "access_log.view": _("Read who has seen the pupil's record"),
        "care_team.view": _("Viewed the pupil's team"),
        "report.export": _("Downloaded a report table as CSV"),
        "flag.acknowledge": _("Acknowledged an early-warning flag"),
        "goals.view": _("Viewed the pupil's goals"),
        "goal.view": _("Viewed a goal"),
        "care_team.add": _("Added someone to a pupil's team"),
        "care_team.remove": _("Removed someone from a pupil's team"),
        "concern.raise": _("Raised a concern"),
        "concern.view": _("Viewed a concern"),
        "concern.plan": _("Set the action plan"),
        "concern.review": _("Reviewed a concern"),
        "concern.close": _("Closed a concern"),
        "room.open": _("Opened a room"),
        "room.add_member": _("Added someone to a room"),
        "room.remove_member": _("Removed someone from a room"),
        "room.archive": _("Archived a room"),
        "room.read": _("Read a room (observer)"),
        "room.history_read": _("Read a room the pupil has left"),
        "chat_image.read": _("Opened an image in a room (observer)"),
        "attempt_image.read": _("Opened an image in an attempt"),
        "message.report": _("Reported a message"),
        "message.hide": _("Hid a message"),
        "message.report_dismiss": _("Dismissed a report of a message"),
        "problem.post": _("Posted a problem"),
        "problem_post.read": _("Read a posted problem (observer)"),
        "attempts.read": _("Read a pupil's attempts"),
        "attempt.feedback": _("Gave feedback on an attempt"),
        "pupil.level": _("Changed a pupil's level"),
        # rematch (issue 16): mentorhub/matching/rematch.py
        "matching.rematch.view": _("Viewed a rematch"),
        "matching.rematch.apply": _("Applied a rematch"),
    }
    return labels.get(action, _("Other action"))
