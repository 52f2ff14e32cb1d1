"""Readable words for audit-log actions, in the reader's language."""

from flask_babel import gettext as _


def action_label(action: str) -> str:
    labels = {
        "session.login": _("Signed in"),
        "password.reset_requested": _("Asked for a new password"),
        "password.reset": _("Chose a new password"),
        "invitation.create": _("Invited"),
        "invitation.accept": _("Accepted an invitation"),
        "invitation.revoke": _("Withdrew an invitation"),
        "user.deactivate": _("Deactivated an account"),
        "user.reactivate": _("Reactivated an account"),
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
        "goals.view": _("Viewed the pupil's goals"),
        "goal.view": _("Viewed a goal"),
        "concern.raise": _("Raised a concern"),
        "concern.view": _("Viewed a concern"),
        "concern.plan": _("Set the action plan"),
        "concern.review": _("Reviewed a concern"),
        "concern.close": _("Closed a concern"),
    }
    return labels.get(action, action)
