"""A participant's page (occasions, invitations, progression charts) and the printed report.

Both show individual results, so both write an audit event on every view.
"""
from __future__ import annotations

from datetime import date

from flask import g, render_template, request
from flask_babel import force_locale, ngettext, refresh
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..db import get_session
from ..i18n import current_language, served_language
from ..models import OCCASION_ORDER, Participant, Unit
from ..services import action_plans, outbox
from ..services import caseload as caseload_service
from ..services import occasions as occasion_service
from . import bp
from .access import audit_view, participant_for
from .forms import EmptyForm, StepForm, instrument_titles
from .invitations import invitations_of
from .labels import MY_STEP_OWNER_LABELS
from .panels import panels


def _instrument_keys(unit: Unit, results: dict) -> list[str]:
    """The unit's instruments first, then any other instrument with results."""
    keys = list(unit.default_instrument_keys)
    return keys + sorted(k for k in results if k not in keys)


@bp.get("/participants/<int:participant_id>")
def participant(participant_id: int):
    """Everything about one participant: occasions, action plan, invitations and progression
    per instrument."""
    db = get_session()
    return participant_page(db, participant_for(db, current_user, participant_id))


def participant_page(db, person: Participant, *, step_form: StepForm | None = None,
                     status: int = 200):
    """The participant page, audited as a view; `step_form` is a new step sent back with its
    errors (the coach's words kept), answered with `status`."""
    unit = db.get(Unit, person.unit_id)
    results = occasion_service.results_of(db, person)
    audit_view(db, person, "participant.results_viewed")
    return render_template(
        "coach/participant.html", participant=person, unit=unit,
        row=caseload_service.row_of(db, person), invitations=invitations_of(db, person),
        panels=panels(results, keys=_instrument_keys(unit, results)),
        plan=action_plans.plan_of(db, person), step_form=step_form or StepForm(formdata=None),
        titles=instrument_titles(unit.default_instrument_keys), action_form=EmptyForm(),
        today=date.today(), messages=outbox.messages_of(db, participant_id=person.id)), status


def report_pair(results: dict, before: str | None, after: str | None) -> tuple[str | None, str | None]:
    """The two occasions the report compares: as asked, else the first and latest with results."""
    done = sorted({r.kind for series in results.values() for r in series}, key=OCCASION_ORDER.index)
    first = before if before in done else (done[0] if done else None)
    last = after if after in done and after != first else next(
        (kind for kind in reversed(done) if kind != first), None)
    return first, last


PRINTED_STEPS = 8  # the plan shares the one A4 page with the results


def report_texts(*, more_steps: int = 0) -> dict[str, str]:
    """The report's own words, in the current locale (called once per language shown).
    The plan speaks as the participant: "Me", "My coach"."""
    return {
        # Translators: (participant) heading of the participant's printed one-page summary
        "title": _("My progress"),
        # Translators: (participant) followed by two occasions, e.g. "Intake → Exit"
        "compared": _("Compared"),
        # Translators: (participant) followed by a date
        "intake_date": _("Started the programme"),
        # Translators: (participant) a section the participant and coach fill in by hand
        "action_plan": _("My action plan"),
        # Translators: (participant) a line to write on by hand
        "goal": _("What I want to reach next"),
        # Translators: (participant) lines to write on by hand
        "steps": _("Next steps, who does what and by when"),
        # Translators: (participant) followed by a line to write a date on by hand
        "next_meeting": _("Next meeting"),
        # Translators: (participant) heading of a column of their printed action plan
        "step": _("Step"),
        # Translators: (participant) heading of a column of their printed action plan
        "who": _("Who"),
        # Translators: (participant) heading of a column of their printed action plan: a date
        "by": _("By when"),
        # Translators: (participant) heading of a column of their printed action plan: ticks
        "done": _("Done"),
        # Translators: (participant) on the printed summary, before what they wrote themselves
        "own_words": _("In my own words"),
        # Translators: (participant) below their printed action plan, when it is too long
        "more_steps": ngettext("%(num)d more step is in the plan.",
                               "%(num)d more steps are in the plan.", more_steps),
        **{f"owner.{owner}": str(label) for owner, label in MY_STEP_OWNER_LABELS.items()},
    }


@bp.get("/participants/<int:participant_id>/report")
def report(participant_id: int):
    """One printable A4 page in the participant's language, with Swedish alongside."""
    db = get_session()
    person = participant_for(db, current_user, participant_id)
    unit = db.get(Unit, person.unit_id)
    results = occasion_service.results_of(db, person)
    before, after = report_pair(results, request.args.get("before"), request.args.get("after"))
    pair = {k: [r for r in series if r.kind in (before, after)] for k, series in results.items()}
    keys = _instrument_keys(unit, results)
    done = sorted({r.kind for s in results.values() for r in s}, key=OCCASION_ORDER.index)
    # The controls above the page stay in the coach's language, with its own lang and dir.
    coach_language = current_language()
    controls = Markup(render_template("coach/_report_controls.html", before=before, after=after,
                                      done=done, language=coach_language))
    # The page, its lang and dir follow the participant's language once it has a catalog
    # (until then the source language, never English laid out right to left).
    g.locale = served_language(person.preferred_language).code
    refresh()
    build = {"keys": keys, "audience": "participant", "compact": True, "id_prefix": "report"}
    shown = panels(pair, **build)
    plan = action_plans.plan_of(db, person)
    more = max(0, len(plan) - PRINTED_STEPS)
    with force_locale("sv"):
        swedish, sv_texts = panels(pair, **build), report_texts(more_steps=more)
    audit_view(db, person, "participant.report_viewed", before=before, after=after)
    return render_template(
        "coach/report.html", participant=person, unit=unit, before=before, after=after,
        panels=list(zip(shown, swedish, strict=True)), texts=report_texts(more_steps=more),
        sv=sv_texts, plan=plan[:PRINTED_STEPS], more_steps=more,
        bilingual=not g.locale.startswith("sv"), controls=controls,
        dates={r.kind: (r.completed_at.date() if r.completed_at else r.planned_date).isoformat()
               for s in results.values() for r in s})
