"""The pupil's team: which home teachers and special-needs educators follow the pupil.

The coordinator keeps it; a link gives the whole record (`policy.cares_for`), so adding and
removing are audited.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mentorhub import confirm, web
from mentorhub.accounts.models import Role, User, role_label
from mentorhub.errors import run_and_flash
from mentorhub.extensions import db
from mentorhub.pupils import services
from mentorhub.pupils.forms import AddMemberForm, RemoveMemberForm, parse_member

bp = web.blueprint("pupils", __name__)


def _pupil(pupil_id: int) -> User:
    return services.team_page(current_user, pupil_id)


def _add_form(pupil: User) -> AddMemberForm:
    form = AddMemberForm()
    form.member.choices = [("", _("Choose…"))] + [
        (f"{person.id}:{relation}", f"{person.name} – {role_label(relation)}")
        for person, relation in services.link_candidates(pupil)
    ]
    return form


def _page(pupil: User, form: AddMemberForm):
    return render_template(
        "pupils/team.html",
        pupil=pupil,
        links=services.links_of(pupil.id),
        mentors=[u for u in services.care_team(pupil.id) if u.has_role(Role.MENTOR)],
        form=form,
        remove_form=RemoveMemberForm(formdata=None),
        role_label=role_label,
    )


@bp.get("/<int:pupil_id>/team")
def team(pupil_id: int):
    pupil = _pupil(pupil_id)
    return _page(pupil, _add_form(pupil))


@bp.post("/<int:pupil_id>/team")
def add(pupil_id: int):
    pupil = _pupil(pupil_id)
    form = _add_form(pupil)
    return web.handle_form(
        form,
        lambda: services.add_link(
            current_user, pupil, *(parse_member(form.member.data) or (0, ""))
        ),
        done=lambda _link: web.done(
            _("The person has joined the pupil's team."),
            url_for("pupils.team", pupil_id=pupil.id),
        ),
        page=lambda: _page(pupil, form),
    )


def _confirm_removal(pupil: User, staff: User, member_field: str):
    return confirm.page(
        confirm.Confirmation(
            question=_("Remove %(name)s from %(pupil)s's team?", name=staff.name, pupil=pupil.name),
            consequences=[
                _(
                    "%(name)s will no longer see %(pupil)s's goals, attendance, progress "
                    "and concerns. You can add them again later.",
                    name=staff.name,
                    pupil=pupil.name,
                ),
                _("Nobody is sent a message about it."),
            ],
            yes=_("Yes, remove from the team"),
            back=url_for("pupils.team", pupil_id=pupil.id),
            fields={"member": member_field},
        )
    )


@bp.post("/<int:pupil_id>/team/remove")
def remove(pupil_id: int):
    pupil = _pupil(pupil_id)
    form = RemoveMemberForm()
    member = parse_member(form.member.data) if form.validate_on_submit() else None
    if member is None:
        flash(_("Choose a person to remove."), "error")
    elif not confirm.confirmed():
        return _confirm_removal(pupil, db.get_or_404(User, member[0]), form.member.data)
    else:
        run_and_flash(
            lambda: services.remove_link(current_user, pupil, *member),
            _("The person has left the pupil's team."),
        )
    return redirect(url_for("pupils.team", pupil_id=pupil.id))
