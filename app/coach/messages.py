"""Sending invitations by SMS and e-mail: one from its page, many from the due list."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_session
from ..i18n import message_of
from ..security import request_actor
from ..services import messaging
from ..services.outbox import CannotMessage
from ..services.staff import unit_ids_of
from ..transports import sending_from
from . import bp
from .access import invitation_for
from .forms import BulkSendForm, SendForm
from .labels import SKIPPED_LABELS


@bp.post("/invitations/<int:invitation_id>/send")
def send(invitation_id: int):
    """Queue the invitation's link by SMS or e-mail; the outbox sends it within a minute."""
    db = get_session()
    invitation = invitation_for(db, current_user, invitation_id)
    form = SendForm()
    if form.validate_on_submit():
        try:
            messaging.send_invitation(db, invitation=invitation, channel=form.channel.data,
                                      sending=sending_from(current_app.config), **request_actor())
        except (CannotMessage, messaging.InvitationNotSendable) as refused:
            flash(message_of(refused), "error")
        else:
            flash(_("The link is on its way. Its status shows below."), "success")
    else:
        flash(_("Choose SMS or e-mail."), "error")
    return redirect(url_for("coach.invitation", invitation_id=invitation.id))


@bp.post("/due/send")
def send_due():
    """Invite the chosen participants to their next occasion and send it, all at once."""
    db = get_session()
    form = BulkSendForm()
    if not form.validate_on_submit():
        flash(_("Choose at least one participant and how to send."), "error")
        return redirect(url_for("coach.due"))
    summary = messaging.invite_due(
        db, unit_ids=unit_ids_of(db, current_user), participant_ids=form.participant_ids.data,
        channel=form.channel.data, sending=sending_from(current_app.config), today=date.today(),
        **request_actor())
    if summary.queued:
        flash(_("Invitations queued for sending (%(count)d): %(codes)s",
                count=len(summary.queued), codes=", ".join(summary.queued)), "success")
    for reason, codes in summary.skipped.items():
        flash(_("Not sent (%(count)d), %(reason)s: %(codes)s", count=len(codes),
                reason=SKIPPED_LABELS[reason], codes=", ".join(codes)), "error")
    return redirect(url_for("coach.due"))
