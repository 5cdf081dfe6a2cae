"""Invitations from the coach's side: issue (or fill in together), show with QR, print,
revoke, re-issue and close."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ..db import get_session
from ..i18n import message_of, served_language
from ..models import AssessmentMode, Invitation, Occasion, Participant, Unit
from ..qr import qr_svg
from ..services import caseload as caseload_service
from ..services import invitations as invitation_service
from . import bp
from .access import audit_view, invitation_for, participant_for
from .forms import EmptyForm, InvitationForm, instrument_titles


def _issue_settings() -> dict:
    """How long links work and whether demo wording may go out, from the app's settings."""
    return {"valid_days": current_app.config["INVITATION_DAYS"],
            "environment": current_app.config["STEGVIS_ENV"]}


def _next_due_kind(db, participant: Participant) -> str:
    """The occasion the form suggests: the participant's next due one, else intake."""
    row = caseload_service.row_of(db, participant)
    return row.next_due.kind if row.next_due else "intake"


@bp.route("/participants/<int:participant_id>/invite", methods=["GET", "POST"])
def invite(participant_id: int):
    """Choose occasion, questionnaires and device; issue the invitation."""
    db = get_session()
    participant = participant_for(db, current_user, participant_id)
    unit = db.get(Unit, participant.unit_id)
    form = InvitationForm().with_instruments(instrument_titles())
    if request.method == "GET":
        form.occasion.data = request.args.get("occasion") or _next_due_kind(db, participant)
        form.instrument_keys.data = unit.default_instrument_keys
    if form.validate_on_submit():
        try:
            invitation = invitation_service.issue(
                db, participant=participant, occasion_kind=form.occasion.data,
                instrument_keys=form.instrument_keys.data, created_by_id=current_user.id,
                mode=form.mode.data, **_issue_settings())
        except invitation_service.CannotInvite as exc:
            flash(message_of(exc), "error")
        else:
            if invitation.mode == AssessmentMode.WITH_COACH:
                # Fill in together: the coach's own browser opens the participant flow, on
                # the site it is on (a path, no host).
                return redirect(invitation_service.link_for(invitation, base_url="",
                                                            secret=current_app.secret_key))
            flash(_("Invitation ready. Show the QR code or send the link."), "success")
            return redirect(url_for("coach.invitation", invitation_id=invitation.id))
    audit_view(db, participant, "participant.form_viewed", form="invite")
    return render_template("coach/invite.html", form=form, participant=participant)


def _invitation_context(db, invitation: Invitation) -> dict:
    # The address comes from STEGVIS_BASE_URL, never from the request's Host header: a forged
    # Host would otherwise put an attacker's site into the link and QR code handed out.
    link = invitation_service.link_for(invitation, base_url=current_app.config["BASE_URL"],
                                       secret=current_app.secret_key)
    return {
        "invitation": invitation,
        "participant": db.get(Participant, invitation.participant_id),
        "occasion": db.get(Occasion, invitation.occasion_id),
        "status": invitation_service.status(invitation),
        "link": link,
        "qr": qr_svg(link, title=_("QR code with the link to the questionnaires")),
        "titles": instrument_titles(invitation.instrument_keys),
        "action_form": EmptyForm(),
    }


@bp.get("/invitations/<int:invitation_id>")
def invitation(invitation_id: int):
    """The invitation with a large QR code, its link and short code, status and actions."""
    db = get_session()
    invitation = invitation_for(db, current_user, invitation_id)
    audit_view(db, invitation, "invitation.viewed")
    return render_template("coach/invitation.html", **_invitation_context(db, invitation))


def handout_words(valid_until: str) -> dict[str, str]:
    """The handout's words in the current locale (called once per language printed)."""
    return {
        # Translators: (participant) heading of the printed sheet with the QR code
        "title": _("Your questionnaires in Stegvis"),
        # Translators: (participant) on the printed sheet, above the QR code
        "scan": _("Scan the code with your phone's camera."),
        # Translators: (participant) on the printed sheet, followed by a web address and a code
        "type": _("Or go to this address and type the code:"),
        # Translators: (participant) on the printed sheet; the date is written 2026-12-31
        "valid": _("Valid until %(date)s", date=valid_until),
    }


@bp.get("/invitations/<int:invitation_id>/print")
def invitation_print(invitation_id: int):
    """A printable sheet to hand over: QR code, short code and where to type it, in the
    participant's language with easy Swedish alongside (the page around it is the coach's)."""
    db = get_session()
    invitation = invitation_for(db, current_user, invitation_id)
    context = _invitation_context(db, invitation)
    spoken = served_language(invitation.language or context["participant"].preferred_language)
    valid_until = invitation.expires_at.date().isoformat()
    with force_locale(spoken.code):
        words = handout_words(valid_until)
    with force_locale("sv"):
        words_sv = handout_words(valid_until)
    audit_view(db, invitation, "invitation.printed")
    return render_template(
        "coach/invitation_print.html", **context, spoken=spoken, words=words, words_sv=words_sv,
        address=current_app.config["BASE_URL"].rstrip("/") + url_for("participant.short_code"))


@bp.post("/invitations/<int:invitation_id>/revoke")
def revoke(invitation_id: int):
    """Stop the link and short code working."""
    db = get_session()
    invitation = invitation_for(db, current_user, invitation_id)
    if EmptyForm().validate_on_submit():
        invitation_service.revoke(db, invitation=invitation, staff_id=current_user.id)
        flash(_("The invitation is revoked. The link and code no longer work."), "success")
    return redirect(url_for("coach.invitation", invitation_id=invitation.id))


@bp.post("/invitations/<int:invitation_id>/reissue")
def reissue(invitation_id: int):
    """A new link and code for the same questionnaires; the old ones stop working."""
    db = get_session()
    invitation = invitation_for(db, current_user, invitation_id)
    if EmptyForm().validate_on_submit():
        try:
            invitation = invitation_service.reissue(db, invitation=invitation,
                                                    staff_id=current_user.id, **_issue_settings())
        except invitation_service.CannotInvite as exc:
            flash(message_of(exc), "error")
        else:
            flash(_("A new invitation is ready. The old link and code no longer work."), "success")
    return redirect(url_for("coach.invitation", invitation_id=invitation.id))


@bp.post("/invitations/<int:invitation_id>/close")
def close(invitation_id: int):
    """End the conversation: the invitation closes and answers that were not saved are deleted."""
    db = get_session()
    invitation = invitation_for(db, current_user, invitation_id)
    if EmptyForm().validate_on_submit():
        invitation_service.close(db, invitation=invitation, staff_id=current_user.id)
        flash(_("The invitation is closed. Answers that were not to be saved are deleted."), "success")
    return redirect(url_for("coach.participant", participant_id=invitation.participant_id))


def invitations_of(db, participant: Participant) -> list[tuple[Invitation, str]]:
    """The participant's invitations, newest first, with their status."""
    rows = db.exec(select(Invitation).where(Invitation.participant_id == participant.id)
                   .order_by(Invitation.created_at.desc()))
    return [(inv, invitation_service.status(inv)) for inv in rows]
