"""The confirmation step in front of every destructive action, working without JavaScript.

The action's button posts to the action's own address. Without the `confirmed` field the view
answers with a page that says what will happen and who is told, with a "yes" button that posts
again with `confirmed` and a link back. The action runs only with that confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request

from mentorhub.programme.forms import ConfirmForm


@dataclass
class Confirmation:
    """What the confirm page asks; every text already translated."""

    question: str  # e.g. "Cancel the meeting Tuesday 3 December 16:00?"
    consequences: list[str]  # what will happen, and who is told
    yes: str  # the button's text, e.g. "Yes, cancel it"
    back: str  # where "No, go back" leads: the page the button was on
    fields: dict[str, str] = field(default_factory=dict)  # carried to the second POST


def confirmed() -> bool:
    """Whether this POST is the second one, from the confirm page."""
    return request.form.get("confirmed") == "yes"


def page(confirmation: Confirmation):
    """The confirm page; it posts back to the address that asked for it."""
    return render_template("confirm.html", c=confirmation, action=request.path, form=ConfirmForm())
