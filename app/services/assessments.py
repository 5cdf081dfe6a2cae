"""Filling in an assessment: start it, save one answer at a time, resume, complete, consent.

Every screen saves one answer, so nothing is lost when a phone dies mid-way. Saving is an
upsert on (assessment, item): a double tap, a resend after a timeout or two devices at once
all end as one Answer row, never an error.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import instruments
from ..instruments import Instrument, Item
from ..instruments.scoring import validate_answer
from ..models import Answer, Assessment, Consent, Invitation, Occasion, Storage, utcnow
from . import audit, scores

# The version of the consent wording participants see; bump it when the text changes, so
# every stored Consent says which words it was given to.
CONSENT_TEXT_VERSION = "health-consent-1"


class ConsentChoice(StrEnum):
    """What a participant chose for their health answers."""

    STORE = "store"
    DISCUSSION_ONLY = "discussion_only"


STORAGE_OF_CHOICE = {ConsentChoice.STORE: Storage.STORED,
                     ConsentChoice.DISCUSSION_ONLY: Storage.DISCUSSION_ONLY}


class ConsentRequired(Exception):
    """A sensitive instrument cannot start before the participant has chosen how to store it."""


@dataclass(frozen=True)
class Progress:
    """Where the participant is in one instrument: 'Question `position` of `total`'."""

    position: int
    total: int
    answered: int

    @property
    def done(self) -> bool:
        return self.answered >= self.total


def instrument_of(assessment: Assessment) -> Instrument:
    """The exact instrument version the assessment was started with."""
    return instruments.get(assessment.instrument_key, assessment.instrument_version)


def assessment_for(session: Session, *, invitation: Invitation, instrument_key: str) -> Assessment | None:
    """The occasion's assessment of that instrument, if one was started (by any invitation)."""
    return session.exec(select(Assessment).where(
        Assessment.occasion_id == invitation.occasion_id,
        Assessment.instrument_key == instrument_key,
    )).first()


def start(
    session: Session,
    *,
    invitation: Invitation,
    instrument_key: str,
    language: str,
    storage: str = Storage.STORED,
    consent: Consent | None = None,
    target_language: str | None = None,
) -> Assessment:
    """Get or start the occasion's assessment of `instrument_key` in its latest version.

    A second start (another device, a reissued invitation) returns the same assessment, with
    this invitation's choices (storage, consent, target language) laid over it.
    """
    instrument = instruments.latest(instrument_key)
    if instrument.sensitive and consent is None:
        existing = assessment_for(session, invitation=invitation, instrument_key=instrument_key)
        if existing is None or existing.consent_id is None:
            raise ConsentRequired(instrument_key)
    assessment = assessment_for(session, invitation=invitation, instrument_key=instrument_key)
    if assessment is None:
        try:
            with session.begin_nested():
                assessment = Assessment(
                    occasion_id=invitation.occasion_id, participant_id=invitation.participant_id,
                    invitation_id=invitation.id, instrument_key=instrument.key,
                    instrument_version=instrument.version, language=language,
                    mode=invitation.mode, storage=str(storage),
                )
                session.add(assessment)
                session.flush()
        except IntegrityError:  # another device started it at the same moment
            assessment = assessment_for(session, invitation=invitation, instrument_key=instrument_key)
    assessment.invitation_id = invitation.id
    if consent is not None:
        assessment.consent_id, assessment.storage = consent.id, str(storage)
    if target_language is not None:
        assessment.target_language = target_language
    session.add(assessment)
    session.commit()
    return assessment


def _consent_for(session: Session, *, invitation: Invitation,
                 instrument_key: str) -> Consent | None:
    return session.exec(select(Consent).where(
        Consent.invitation_id == invitation.id, Consent.instrument_key == instrument_key,
    ).execution_options(populate_existing=True)).first()


def record_consent(
    session: Session,
    *,
    invitation: Invitation,
    instrument_key: str,
    choice: str,
    language: str,
    text_version: str = CONSENT_TEXT_VERSION,
    ip: str | None = None,
) -> Assessment:
    """Record the health-answer choice (with the wording version shown) and start the
    assessment with the storage it implies.

    An invitation keeps one consent per instrument: the screen sent again, or several times
    at once, updates that row (the latest choice and wording stand), and each recording is
    audited. A parallel post that inserted the row first makes our insert collide; we roll
    back to the savepoint and update theirs.
    """
    choice = ConsentChoice(choice)
    given = {"choice": str(choice), "text_version": text_version, "language": language}
    consent = _consent_for(session, invitation=invitation, instrument_key=instrument_key)
    if consent is None:
        try:
            with session.begin_nested():
                consent = Consent(participant_id=invitation.participant_id,
                                  invitation_id=invitation.id, instrument_key=instrument_key,
                                  **given)
                session.add(consent)
                session.flush()
        except IntegrityError:  # the same screen, posted at the same moment, stored it first
            consent = _consent_for(session, invitation=invitation, instrument_key=instrument_key)
    if any(getattr(consent, name) != value for name, value in given.items()):
        for name, value in given.items():
            setattr(consent, name, value)
        consent.given_at = utcnow()
        session.add(consent)
        session.flush()
    audit.record(session, action="consent.recorded", invitation_id=invitation.id, ip=ip,
                 object_type="consent", object_id=consent.id,
                 details={"choice": str(choice), "text_version": text_version,
                          "instrument": instrument_key, "language": language})
    return start(session, invitation=invitation, instrument_key=instrument_key,
                 language=language, storage=STORAGE_OF_CHOICE[choice], consent=consent)


def begin(
    session: Session,
    *,
    invitation: Invitation,
    instrument_key: str,
    language: str,
    consent_choice: str | None = None,
    target_language: str | None = None,
    ip: str | None = None,
) -> Assessment:
    """An instrument's start screen submitted: consent first when it asks for one."""
    if consent_choice is not None:
        assessment = record_consent(session, invitation=invitation, instrument_key=instrument_key,
                                    choice=consent_choice, language=language, ip=ip)
        if target_language is None:
            return assessment
    return start(session, invitation=invitation, instrument_key=instrument_key, language=language,
                 target_language=target_language)


def answers_of(session: Session, assessment: Assessment) -> dict[str, Answer]:
    """The assessment's saved answers by item key."""
    rows = session.exec(select(Answer).where(Answer.assessment_id == assessment.id))
    return {row.item_key: row for row in rows}


def _answer_row(session: Session, assessment_id: int, item_key: str) -> Answer | None:
    return session.exec(select(Answer).where(
        Answer.assessment_id == assessment_id, Answer.item_key == item_key)).first()


def save_answer(
    session: Session, *, assessment: Assessment, item_key: str, value: int | str | None
) -> Answer:
    """Validate and store one answer (None = "I don't want to answer"); raises InvalidAnswer.

    Insert, or update when the row exists; if a concurrent request inserted it between our
    read and our insert, the unique constraint fires and we update that row instead.
    """
    instrument = instrument_of(assessment)
    value = validate_answer(instrument, item_key, value)
    is_text = instrument.scale_of(instrument.item(item_key)).kind == "text"
    fields = {
        "value": None if is_text else value,
        "text": value if is_text else None,
        "skipped": value is None or value == "",
        "answered_at": utcnow(),
    }
    answer = _answer_row(session, assessment.id, item_key)
    if answer is None:
        try:
            with session.begin_nested():
                answer = Answer(assessment_id=assessment.id, item_key=item_key, **fields)
                session.add(answer)
                session.flush()
        except IntegrityError:
            answer = _answer_row(session, assessment.id, item_key)
    for name, field_value in fields.items():
        setattr(answer, name, field_value)
    session.add(answer)
    if assessment.completed_at is not None:
        session.flush()
        scores.record(session, assessment)  # a changed answer after completion: rescore now
    session.commit()
    return answer


def items_to_ask(instrument: Instrument, answers: Mapping[str, Answer]) -> list[Item]:
    """The items shown, in order. An item named by a free-text item (the work wheel's
    "something else") is only asked when the participant wrote a name for it."""
    unnamed = {
        item.names_item for item in instrument.items
        if item.names_item and item.key in answers and answers[item.key].skipped
    }
    return [item for item in instrument.items if item.key not in unnamed]


def next_unanswered(instrument: Instrument, answers: Mapping[str, Answer]) -> Item | None:
    """The first item still without an answer (a skip counts as an answer): where to resume."""
    for item in items_to_ask(instrument, answers):
        if item.key not in answers:
            return item
    return None


def progress(instrument: Instrument, answers: Mapping[str, Answer], item_key: str | None = None) -> Progress:
    """'Question n of N' for `item_key` (default: the next unanswered one)."""
    asked = items_to_ask(instrument, answers)
    keys = [item.key for item in asked]
    answered = sum(1 for key in keys if key in answers)
    if item_key in keys:
        position = keys.index(item_key) + 1
    else:
        position = min(answered + 1, len(keys))
    return Progress(position=position, total=len(keys), answered=answered)


def complete(session: Session, *, assessment: Assessment, invitation: Invitation,
             ip: str | None = None) -> Assessment:
    """Mark the assessment complete (idempotent); the invitation completes with its last one."""
    if assessment.completed_at is None:
        assessment.completed_at = utcnow()
        session.add(assessment)
        audit.record(session, action="assessment.completed", invitation_id=invitation.id, ip=ip,
                     object_type="assessment", object_id=assessment.id,
                     details={"instrument": assessment.instrument_key,
                              "storage": assessment.storage})
        session.flush()
    scores.record(session, assessment)  # stored assessments only; read by the cohort page
    if invitation.completed_at is None and all(
        (found := assessment_for(session, invitation=invitation, instrument_key=key)) is not None
        and found.completed_at is not None
        for key in invitation.instrument_keys
    ):
        invitation.completed_at = utcnow()
        session.add(invitation)
    session.commit()
    return assessment


def earlier_assessment(session: Session, *, assessment: Assessment) -> Assessment | None:
    """The participant's latest stored, completed assessment of the same instrument at an
    earlier occasion, for "this time against last time"."""
    from ..models import OCCASION_ORDER

    occasions = {o.id: o.kind for o in session.exec(
        select(Occasion).where(Occasion.participant_id == assessment.participant_id))}
    order = {kind: index for index, kind in enumerate(OCCASION_ORDER)}
    here = order[occasions[assessment.occasion_id]]
    candidates = [
        a for a in session.exec(select(Assessment).where(
            Assessment.participant_id == assessment.participant_id,
            Assessment.instrument_key == assessment.instrument_key,
            Assessment.completed_at.is_not(None),
            Assessment.storage == Storage.STORED.value,
        ))
        if order[occasions[a.occasion_id]] < here
        and instruments.comparable(instrument_of(a), instrument_of(assessment))
    ]
    return max(candidates, key=lambda a: order[occasions[a.occasion_id]], default=None)
