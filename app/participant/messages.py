""""No more messages": the link at the end of every SMS and e-mail. No sign-in: the signed
link says who; a button confirms, so a mail scanner opening the link changes nothing."""
from __future__ import annotations

from flask import current_app, g, render_template, request

from ..db import get_session
from ..i18n import offered_languages
from ..services import messaging
from . import bp
from .forms import OptOutForm


@bp.route("/stopp/<stop_token>", methods=["GET", "POST"])
def opt_out(stop_token: str):
    """Ask, then record, that the person wants no more messages from Stegvis."""
    db = get_session()
    try:
        person = messaging.opt_out_subject(db, token=stop_token, secret=current_app.secret_key)
    except messaging.BadOptOutLink:
        return render_template("participant/opt_out.html", valid=False), 404
    if person.preferred_language in {language.code for language in offered_languages()}:
        g.locale = person.preferred_language
    form = OptOutForm()
    if form.validate_on_submit():
        person = messaging.opt_out(db, token=stop_token, secret=current_app.secret_key,
                                   ip=request.remote_addr)
    return render_template("participant/opt_out.html", valid=True, form=form,
                           stopped=person.messages_opted_out_at is not None)
