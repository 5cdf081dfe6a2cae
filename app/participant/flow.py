"""The order of screens in an invitation, and what one question screen shows.

The flow is derived from what is stored, never from the browser: language chosen? anything
started? which instrument comes next? first unanswered item? So a new phone, a lost cookie
or a reload all land on the same screen, and Back is just "the screen before this one".
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import flask_babel
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlmodel import Session
from wtforms import SelectChoice

from .. import instruments
from ..i18n import RequestCatalog
from ..instruments import Instrument, Item
from ..instruments.scoring import InvalidAnswer
from ..instruments.texts import anchor_ref, language_name, localized, text_entries
from ..models import Answer, Assessment, Invitation, Organisation, Participant, Unit
from ..services import assessments, privacy

TARGET_LANGUAGES = ("sv", "en")  # languages a CEFR self-assessment can be about, Swedish first


@dataclass(frozen=True)
class Step:
    """A screen: its endpoint and URL values."""

    endpoint: str
    values: dict = field(default_factory=dict)


def needs_target_language(instrument: Instrument) -> bool:
    """Instruments whose texts name "{language}" (CEFR) ask which language first."""
    return any("{language}" in entry.text.en for entry in text_entries(instrument))


def started(session: Session, invitation: Invitation) -> dict[str, Assessment | None]:
    """The invitation's instruments with their assessment at this occasion, if started."""
    return {key: assessments.assessment_for(session, invitation=invitation, instrument_key=key)
            for key in invitation.instrument_keys}


def _question(key: str, item: Item) -> Step:
    return Step("participant.question", {"key": key, "item_key": item.key})


def next_step(session: Session, invitation: Invitation) -> Step:
    """Where a participant resumes: the first screen that still needs them."""
    if invitation.language is None:
        return Step("participant.language")
    by_key = started(session, invitation)
    if not any(by_key.values()):
        return Step("participant.about")
    for key, assessment in by_key.items():
        if assessment is None:
            return Step("participant.begin", {"key": key})
        if assessment.completed_at is not None:
            continue
        instrument = assessments.instrument_of(assessment)
        answers = assessments.answers_of(session, assessment)
        item = assessments.next_unanswered(instrument, answers)
        # All answered but not completed (interrupted between save and complete): the last
        # question again, whose Next completes it.
        return _question(key, item or assessments.items_to_ask(instrument, answers)[-1])
    return Step("participant.thanks")


def step_after(instrument: Instrument, answers: dict[str, Answer], item_key: str) -> Step | None:
    """The next question of the same instrument, or None after its last one."""
    following = assessments.item_after(instrument, answers, item_key)
    return _question(instrument.key, following) if following is not None else None


def step_before(session: Session, invitation: Invitation, key: str, item_key: str | None) -> Step:
    """The screen Back leads to from question `item_key` (or the start screen when None)."""
    by_key = started(session, invitation)
    if item_key is not None and by_key.get(key) is not None:
        assessment = by_key[key]
        asked = assessments.items_to_ask(assessments.instrument_of(assessment),
                                         assessments.answers_of(session, assessment))
        keys = [item.key for item in asked]
        if item_key in keys and keys.index(item_key) > 0:
            return _question(key, asked[keys.index(item_key) - 1])
        return Step("participant.begin", {"key": key})
    position = invitation.instrument_keys.index(key)
    if position == 0:
        return Step("participant.about")
    previous_key = invitation.instrument_keys[position - 1]
    previous = by_key.get(previous_key)
    if previous is None:
        return Step("participant.begin", {"key": previous_key})
    asked = assessments.items_to_ask(assessments.instrument_of(previous),
                                     assessments.answers_of(session, previous))
    return _question(previous_key, asked[-1])


# -- what a question screen shows -------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One answer: its value, the label read out, and an end label where the scale has one."""

    value: int
    label: str
    anchor: str | None = None
    anchor_sv: str | None = None
    face: str | None = None  # "sad" | "happy" for the wheels' end points


@dataclass(frozen=True)
class QuestionScreen:
    """Everything the question template needs, already in the participant's language."""

    key: str
    item_key: str
    title: str
    lead: str | None  # the wheels' shared question ("How satisfied are you with your …?")
    text: str
    lead_sv: str | None
    text_sv: str | None
    kind: str  # "scale" (numbered buttons), "statements" (CEFR list), "text" (free text)
    options: tuple[Option, ...]
    skippable: bool
    max_length: int | None
    named: str | None = None  # what the participant wrote for the item this one scores
    audio: str | None = None  # a recording of the item in this language, under static/

    @property
    def page_title(self) -> str:
        """The question as plain text, for the window title (which holds no markup)."""
        return str.__str__(self.text)


class Fallback(str):
    """A text shown in English because its translation is missing: in HTML it carries its own
    lang and dir, so inside a right-to-left page it reads "…not printed." and a screen reader
    or read-aloud voice takes it as English."""

    def __html__(self) -> Markup:
        return Markup('<bdi lang="en" dir="ltr">%s</bdi>') % escape(str(self))


def _texts(instrument: Instrument, ref: str, locale: str, translations, target: str | None,
           bilingual: bool, licences) -> tuple[str, str | None]:
    values = {"language": language_name(target, locale)} if target else {}
    text = localized(instrument, ref, locale, translations=translations, licences=licences, **values)
    if locale.split("_")[0] not in ("sv", "en") and text == localized(
            instrument, ref, "en", licences=licences, **values):
        text = Fallback(text)
    if not bilingual or locale.split("_")[0] == "sv":
        return text, None
    values_sv = {"language": language_name(target, "sv")} if target else {}
    return text, localized(instrument, ref, "sv", licences=licences, **values_sv)


def question_screen(
    instrument: Instrument,
    item: Item,
    *,
    locale: str,
    translations=None,
    target_language: str | None = None,
    bilingual: bool = False,
    answers: dict[str, Answer] | None = None,
    licences: Sequence = (),
) -> QuestionScreen:
    """The question in `locale` (and easy Swedish under it when `bilingual`); licensed wording
    (e.g. KASAM's, loaded by an admin) replaces the demo text in its languages."""

    def texts(ref: str) -> tuple[str, str | None]:
        return _texts(instrument, ref, locale, translations, target_language, bilingual, licences)

    scale = instrument.scale_of(item)
    title, _ = texts("title")
    text, text_sv = texts(item.key)
    lead, lead_sv = texts("question") if instrument.question else (None, None)
    anchors = instrument.anchors_of(item)
    options: list[Option] = []
    kind = "text"
    if scale.kind == "integer":
        # Statements when every value is labelled (CEFR "I can …"); a numbered scale otherwise.
        kind = "statements" if len(anchors) == scale.span + 1 else "scale"
        # Faces only on scales that label their own ends (the wheels: higher is happier).
        # KASAM labels ends per item and its direction changes between items, so a face
        # there would say the wrong thing.
        faces = kind == "scale" and bool(scale.anchors) and not item.anchors
        for value in range(scale.min, scale.max + 1):
            anchor, anchor_sv = texts(anchor_ref(instrument, item.key, value)) \
                if value in anchors else (None, None)
            face = ("sad" if value == scale.min else "happy" if value == scale.max else None) \
                if faces else None
            options.append(Option(value, str(value), anchor, anchor_sv, face))
    named = None
    namer = next((i for i in instrument.items if i.names_item == item.key), None)
    if namer is not None and answers and namer.key in answers:
        named = answers[namer.key].text
    return QuestionScreen(
        key=instrument.key, item_key=item.key, title=title, lead=lead, text=text,
        lead_sv=lead_sv, text_sv=text_sv, kind=kind, options=tuple(options),
        skippable=item.skippable, max_length=scale.max_length if scale.kind == "text" else None,
        named=named, audio=item.audio_for(locale),
    )


# -- the screens around the questions -----------------------------------------------------


def organisation_of(session: Session, invitation: Invitation) -> Organisation:
    """The organisation whose programme the invitation belongs to (its settings apply)."""
    participant = session.get(Participant, invitation.participant_id)
    return session.get(Organisation, session.get(Unit, participant.unit_id).organisation_id)


@dataclass(frozen=True)
class AboutFacts:
    """What the explanation screen states: how long, how long kept, who answers for it, what
    comes first."""

    minutes: int
    retention: int  # how many `retention_unit`s after leaving the purge removes who they are
    retention_unit: str  # "years" or "months"
    controller_name: str  # the data controller (GDPR art. 13); empty until the admin names it
    controller_contact: str
    first: Step
    with_coach: bool


def about_facts(session: Session, invitation: Invitation) -> AboutFacts:
    """The facts of this invitation for the explanation screen. The retention stated is the
    organisation's `retention_months` that `flask purge` applies, said the way people say it."""
    organisation = organisation_of(session, invitation)
    minutes = sum(instruments.latest(key).minutes for key in invitation.instrument_keys)
    retention, unit = privacy.retention_period(organisation.retention_months)
    return AboutFacts(minutes=minutes, retention=retention, retention_unit=unit,
                      controller_name=organisation.controller_name,
                      controller_contact=organisation.controller_contact,
                      first=Step("participant.begin", {"key": invitation.instrument_keys[0]}),
                      with_coach=invitation.mode == "with_coach")


def begin_form(instrument: Instrument, assessment: Assessment | None, form):
    """The start form with only the questions this instrument needs, filled from before."""
    if not instrument.sensitive:
        del form.consent
    elif not form.is_submitted() and assessment is not None and assessment.consent_id:
        form.consent.data = "discussion_only" if assessment.storage == "discussion_only" else "store"
    if not needs_target_language(instrument):
        del form.target_language
    else:
        locale = str(flask_babel.get_locale())
        form.target_language.choices = [SelectChoice(code, language_name(code, locale))
                                        for code in TARGET_LANGUAGES]
        if not form.is_submitted():
            form.target_language.data = (assessment.target_language if assessment else None) \
                or TARGET_LANGUAGES[0]
    return form


def begin_texts(instrument: Instrument, assessment: Assessment | None, locale: str,
                licences: Sequence = ()) -> dict:
    """Title and introduction of an instrument in `locale`; CEFR names its language."""
    target = (assessment.target_language if assessment else None) or TARGET_LANGUAGES[0]
    values = {"language": language_name(target, locale)} if needs_target_language(instrument) else {}
    if needs_target_language(instrument) and assessment is None:
        values = {"language": _("the language")}  # Translators: stands for the language chosen below
    catalog = RequestCatalog()
    return {ref: localized(instrument, ref, locale, translations=catalog, licences=licences, **values)
            for ref in ("title", "intro")}


def after_beginning(session: Session, invitation: Invitation, assessment: Assessment) -> Step:
    """Where the start screen leads: the first question of a just-started (or restarted)
    assessment; for one already finished (the participant came back to change their consent,
    which may just have deleted its answers) wherever they are still needed, never back into
    an emptied questionnaire."""
    if assessment.completed_at is not None:
        return next_step(session, invitation)
    instrument = assessments.instrument_of(assessment)
    asked = assessments.items_to_ask(instrument, assessments.answers_of(session, assessment))
    return _question(instrument.key, asked[0])


def after_saving(session: Session, invitation: Invitation, assessment: Assessment,
                 item_key: str) -> Step:
    """Where Next leads once `item_key` is saved: the next question, else wherever the
    participant is still needed (the next instrument, or the thank-you page)."""
    answers = assessments.answers_of(session, assessment)
    following = step_after(assessments.instrument_of(assessment), answers, item_key)
    return following if following is not None else next_step(session, invitation)


def answer_message(error: InvalidAnswer, instrument: Instrument, item: Item) -> str:
    """The participant's message for a rejected answer, in their language."""
    scale = instrument.scale_of(item)
    if scale.kind == "text":
        return _("Write at most %(count)d characters.", count=scale.max_length)
    if error.reason in ("missing", "an answer is required"):
        if item.skippable:
            return _("Choose an answer, or choose “I don't want to answer”.")
        return _("Choose an answer.")
    return _("That answer is not possible. Choose one of the answers on the screen.")


def chosen_value(form, answer: Answer | None) -> str | None:
    """What to show as chosen: the value just sent (if it was a real option), else the saved one."""
    if form.is_submitted() and form.value.data:
        return form.value.data
    if answer is None or answer.skipped:
        return None
    return answer.text if answer.text is not None else str(answer.value)


