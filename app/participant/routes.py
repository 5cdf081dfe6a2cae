"""Participant pages: open an invitation, then one screen per question, each a POST that saves
and redirects (PRG), so a reload or a dead phone loses at most the screen in progress."""
from __future__ import annotations

import time
from datetime import date

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import force_locale
from flask_babel import gettext as _
from wtforms import SelectChoice

from .. import instruments
from ..db import get_session
from ..i18n import RequestCatalog, current_language, offered_languages
from ..i18n import language as language_named
from ..instruments.scoring import InvalidAnswer
from ..models import Invitation
from ..security import short_code_limits
from ..services import assessments, invitations, privacy
from ..services.invitations import InvitationUnavailable
from ..services.licences import licensed_wordings
from ..urls import is_plain_path
from ..vocabulary import OCCASION_LABELS
from . import bp, flow, results
from .forms import (
    AnswerForm,
    BeginForm,
    BilingualForm,
    FinishForm,
    LanguageForm,
    OwnCopyForm,
    ShortCodeForm,
    answer_from,
)

INVITATION_KEY = "participant_invitation"
SEEN_KEY = "participant_seen"  # last activity: an idle shared computer forgets the invitation
MAX_TOKEN_AGE = 90 * 24 * 3600  # the longest an invitation may run; the database decides sooner
OPEN_ENDPOINTS = {"participant.open_link", "participant.short_code", "participant.finished"}


@bp.after_request
def _private(response):
    # The token must not leak to any page the participant goes to next, and pages that show
    # someone's answers must not sit in a shared (or the browser's) cache.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store, private"
    return response


@bp.before_request
def _load_invitation():
    """Answer pages need an invitation opened in this browser; it also decides the language."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    idle_seconds = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if time.time() - cookie.get(SEEN_KEY, 0) > idle_seconds:
        _forget()  # the link or code opens it again, at the first unanswered question
    invitation = get_session().get(Invitation, cookie.get(INVITATION_KEY, 0))
    if invitation is None:
        return redirect(url_for("participant.short_code"))
    cookie[SEEN_KEY] = int(time.time())
    try:
        g.invitation = invitations.check_usable(invitation)
    except InvitationUnavailable as exc:
        _forget()
        return unavailable(exc.reason)
    # Before any rendering, so Flask-Babel uses them: the organisation's languages, then the
    # one chosen on the invitation if it is still offered.
    organisation = flow.organisation_of(get_session(), invitation)
    g.participant_languages = organisation.participant_language_codes
    if invitation.language in {lang.code for lang in offered_languages()}:
        g.locale = invitation.language
    return None


def unavailable(reason: str):
    """The friendly dead-end page, in the browser's language and in easy Swedish."""
    swedish = None
    if current_language().code != "sv":
        with force_locale("sv"):
            swedish = render_template("participant/_unavailable_message.html", reason=reason)
    status = 404 if reason in ("unknown", "tampered") else 410
    return render_template("participant/unavailable.html", reason=reason, swedish=swedish), status


def _enter(invitation: Invitation):
    cookie[INVITATION_KEY], cookie[SEEN_KEY] = invitation.id, int(time.time())
    return redirect(url_for("participant.resume"))


def _forget() -> None:
    cookie.pop(INVITATION_KEY, None)
    cookie.pop(SEEN_KEY, None)


def _go(step: flow.Step):
    return redirect(url_for(step.endpoint, **step.values))


@bp.get("/i/<token>")
def open_link(token: str):
    """Open an invitation from its link; the token leaves the address bar at once."""
    try:
        invitation = invitations.open_by_token(get_session(), token, secret=current_app.secret_key,
                                               max_age_seconds=MAX_TOKEN_AGE, ip=request.remote_addr)
    except InvitationUnavailable as exc:
        return unavailable(exc.reason)
    return _enter(invitation)


@bp.route("/kod", methods=["GET", "POST"])
@short_code_limits
def short_code():
    """Type the short code instead of opening the link (shared computers)."""
    form = ShortCodeForm()
    if form.validate_on_submit():
        try:
            return _enter(invitations.open_by_short_code(get_session(), form.code.data,
                                                         ip=request.remote_addr))
        except InvitationUnavailable as exc:
            if exc.reason != "unknown":
                return unavailable(exc.reason)
            form.code.errors.append(_("We could not find that code. Check it and try again."))
    return render_template("participant/short_code.html", form=form)


@bp.get("/answer/")
def resume():
    """Send the participant to the first screen that still needs them."""
    return _go(flow.next_step(get_session(), g.invitation))


def _local_next(url: str | None) -> str:
    """Only our own answer pages are allowed as a place to go back to."""
    home = url_for("participant.resume")
    return url if url and url.startswith(home) and "//" not in url and is_plain_path(url) \
        else home


@bp.route("/answer/language", methods=["GET", "POST"])
def language():
    """Choose the language (first screen, and reachable from every screen)."""
    form = LanguageForm()
    form.language.choices = [SelectChoice(lang.code, lang.native_name) for lang in offered_languages()]
    if form.validate_on_submit():
        invitations.choose_language(get_session(), invitation=g.invitation, language=form.language.data)
        return redirect(_local_next(form.next.data))
    if not form.is_submitted():
        form.language.data = g.invitation.language or current_language().code
        form.next.data = _local_next(request.args.get("next"))
    return render_template("participant/language.html", form=form, language_of=language_named)


@bp.post("/answer/bilingual")
def bilingual():
    """Show or hide the easy Swedish under each question."""
    form = BilingualForm()
    invitations.choose_language(get_session(), invitation=g.invitation, bilingual=not g.invitation.bilingual)
    return redirect(_local_next(form.next.data))


@bp.get("/answer/about")
def about():
    """What the questions are for, who sees the answers and how long they are kept."""
    facts = flow.about_facts(get_session(), g.invitation)
    return render_template("participant/about.html", facts=facts)


def _instrument(key: str):
    if key not in g.invitation.instrument_keys:
        abort(404)
    assessment = assessments.assessment_for(get_session(), invitation=g.invitation, instrument_key=key)
    instrument = assessments.instrument_of(assessment) if assessment else instruments.latest(key)
    return instrument, assessment


@bp.route("/answer/<key>/start", methods=["GET", "POST"])
def begin(key: str):
    """An instrument's start screen: what it is, and consent or target language if needed."""
    instrument, assessment = _instrument(key)
    form = flow.begin_form(instrument, assessment, BeginForm())
    if form.validate_on_submit():
        assessment = assessments.begin(
            get_session(), invitation=g.invitation, instrument_key=key, language=current_language().code,
            consent_choice=form.consent.data if "consent" in form else None,
            target_language=form.target_language.data if "target_language" in form else None,
            ip=request.remote_addr)
        return _go(flow.after_beginning(get_session(), g.invitation, assessment))
    back = flow.step_before(get_session(), g.invitation, key, None)
    return render_template("participant/begin.html", form=form, instrument=instrument,
                           texts=flow.begin_texts(instrument, assessment, current_language().code,
                                                  licensed_wordings(get_session(), instrument)),
                           back=back, position=g.invitation.instrument_keys.index(key) + 1)


@bp.route("/answer/<key>/<item_key>", methods=["GET", "POST"])
def question(key: str, item_key: str):
    """One question. POST saves and moves on; a bad value comes back with a message."""
    instrument, assessment = _instrument(key)
    if assessment is None:
        return redirect(url_for("participant.begin", key=key))
    try:
        item = instrument.item(item_key)
    except KeyError:
        abort(404)
    form, error = AnswerForm(), None
    if form.validate_on_submit():
        try:
            assessments.answer_question(
                get_session(), invitation=g.invitation, assessment=assessment, item_key=item_key,
                value=answer_from(form, instrument, item), ip=request.remote_addr)
        except InvalidAnswer as exc:
            error = flow.answer_message(exc, instrument, item)
        else:
            return _go(flow.after_saving(get_session(), g.invitation, assessment, item_key))
    answers = assessments.answers_of(get_session(), assessment)
    screen = flow.question_screen(
        instrument, item, locale=current_language().code, translations=RequestCatalog(),
        target_language=assessment.target_language, bilingual=g.invitation.bilingual, answers=answers,
        licences=licensed_wordings(get_session(), instrument))
    return render_template(
        "participant/question.html", screen=screen, form=form, error=error,
        chosen=flow.chosen_value(form, answers.get(item_key)),
        progress=assessments.progress(instrument, answers, item_key),
        back=flow.step_before(get_session(), g.invitation, key, item_key))


@bp.get("/answer/thanks")
def thanks():
    """Thank you, and the way to one's own results."""
    step = flow.next_step(get_session(), g.invitation)
    if step.endpoint != "participant.thanks":
        return _go(step)
    return render_template("participant/thanks.html")


@bp.post("/answer/done")
def done():
    """'I am done': this browser forgets the invitation, so on a shared computer the next
    person cannot open these answers; the link or code still works for the participant."""
    if FinishForm().validate_on_submit():
        _forget()
        return redirect(url_for("participant.finished"))
    return redirect(url_for("participant.own_results"))


@bp.get("/answer/finished")
def finished():
    """The last page after 'I am done'."""
    return render_template("participant/finished.html")


@bp.get("/answer/results")
def own_results():
    """The participant's own results, where the instrument allows it; no one else's."""
    found = results.results_for(get_session(), g.invitation, locale=current_language().code,
                                translations=RequestCatalog())
    return render_template("participant/results.html", results=found, size=results.CHART_SIZE)


@bp.route("/answer/summary", methods=["GET", "POST"])
def own_copy():
    """One page of one's own answers at every occasion, in one's language and easy Swedish,
    to print or download and show a new coach; a name on it only if typed (never stored)."""
    form = OwnCopyForm()
    name = form.name.data if form.validate_on_submit() else None
    download = bool(name is not None and form.download.data)
    locale = current_language().code
    found = results.progression_for(get_session(), g.invitation, locale=locale,
                                    translations=RequestCatalog())
    with force_locale("sv"):
        swedish = {kind: str(label) for kind, label in OCCASION_LABELS.items()}
        title_sv = _("My answers over time")
    privacy.record_own_copy(get_session(), invitation=g.invitation, ip=request.remote_addr,
                            download=download)
    page = render_template("participant/summary.html", form=form, name=name, progressions=found,
                           occasion_labels=OCCASION_LABELS, occasions_sv=swedish,
                           bilingual=not locale.startswith("sv"),
                           title_sv=title_sv, made=date.today().isoformat())
    if not download:
        return page
    return page, {"Content-Type": "text/html; charset=utf-8",
                  "Content-Disposition": 'attachment; filename="stegvis-my-answers.html"'}
