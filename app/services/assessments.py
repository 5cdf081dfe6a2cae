"""Filling in an assessment: start it, save one answer at a time, resume, complete, consent.

Every screen saves one answer, so nothing is lost when a phone dies mid-way. A double tap, a
resend after a timeout or two devices at once must never be an error for the participant:
an answer is an upsert on (assessment, item), a consent one row per (invitation, instrument),
an assessment is completed by a conditional update that only one request wins, and its
stored scores are an upsert too.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import instruments
from ..instruments import Instrument, Item
from ..instruments.scoring import validate_answer
from ..models import Answer, Assessment, Consent, Invitation, Occasion, Storage, utcnow
from . import audit, scores
from .transactions import savepoint

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
    assessment = _start(session, invitation=invitation, instrument_key=instrument_key,
                        language=language, storage=storage, consent=consent,
                        target_language=target_language)
    session.commit()
    return assessment


def _start(session: Session, *, invitation: Invitation, instrument_key: str, language: str,
           storage: str = Storage.STORED, consent: Consent | None = None,
           target_language: str | None = None) -> Assessment:
    """`start` without the commit, for use cases that start an assessment as one step."""
    instrument = instruments.latest(instrument_key)
    if instrument.sensitive and consent is None:
        existing = assessment_for(session, invitation=invitation, instrument_key=instrument_key)
        if existing is None or existing.consent_id is None:
            raise ConsentRequired(instrument_key)
    assessment = assessment_for(session, invitation=invitation, instrument_key=instrument_key)
    if assessment is None:
        try:
            with savepoint(session):
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
    target_language: str | None = None,
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
            with savepoint(session):
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
    assessment = _start(session, invitation=invitation, instrument_key=instrument_key,
                        language=language, storage=STORAGE_OF_CHOICE[choice], consent=consent,
                        target_language=target_language)
    _settle_finished(session, assessment=assessment, invitation=invitation, ip=ip)
    session.commit()
    return assessment


def _settle_finished(session: Session, *, assessment: Assessment, invitation: Invitation,
                     ip: str | None) -> None:
    """A choice changed after the assessment was finished takes effect at once, without
    committing. "Don't save" deletes its answers and stored scores (no figure counts them any
    more; the consent row and the audit keep the history of choices); "save" stores the
    scores of the answers still there."""
    if assessment.completed_at is None:
        return
    if assessment.storage == Storage.DISCUSSION_ONLY.value:
        answers = session.execute(delete(Answer).where(Answer.assessment_id == assessment.id)
                                  .execution_options(synchronize_session=False)).rowcount
        stored = scores.forget(session, [assessment.id])
        if answers or stored:
            audit.record(session, action="consent.withdrawn", invitation_id=invitation.id, ip=ip,
                         object_type="assessment", object_id=assessment.id,
                         details={"instrument": assessment.instrument_key,
                                  "answers_deleted": answers, "scores_deleted": stored})
    elif session.exec(select(Answer.id).where(Answer.assessment_id == assessment.id)).first():
        scores.record(session, assessment)


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
    """An instrument's start screen submitted: consent first when it asks for one; one
    transaction either way."""
    if consent_choice is not None:
        return record_consent(session, invitation=invitation, instrument_key=instrument_key,
                              choice=consent_choice, language=language,
                              target_language=target_language, ip=ip)
    return start(session, invitation=invitation, instrument_key=instrument_key, language=language,
                 target_language=target_language)


def answers_of(session: Session, assessment: Assessment) -> dict[str, Answer]:
    """The assessment's saved answers by item key."""
    rows = session.exec(select(Answer).where(Answer.assessment_id == assessment.id))
    return {row.item_key: row for row in rows}


def _answer_row(session: Session, assessment_id: int, item_key: str) -> Answer | None:
    return session.exec(select(Answer).where(
        Answer.assessment_id == assessment_id, Answer.item_key == item_key)).first()


def _locked(session: Session, assessment: Assessment) -> Assessment:
    """The assessment re-read with its row locked (PostgreSQL; SQLite locks the whole file on
    the first write) until this transaction ends. It orders the requests that save answers
    to one assessment or complete it: whoever locks second sees every answer and any
    completion of the first, so the stored scores always include the latest answer."""
    return session.exec(select(Assessment).where(Assessment.id == assessment.id).with_for_update()
                        .execution_options(populate_existing=True)).one()


def _store_answer(session: Session, *, assessment: Assessment, item_key: str,
                  value: int | str | None) -> Answer:
    """Validate and upsert one answer, without committing; raises InvalidAnswer.

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
            with savepoint(session):
                answer = Answer(assessment_id=assessment.id, item_key=item_key, **fields)
                session.add(answer)
                session.flush()
        except IntegrityError:
            answer = _answer_row(session, assessment.id, item_key)
    for name, field_value in fields.items():
        setattr(answer, name, field_value)
    session.add(answer)
    session.flush()
    return answer


def save_answer(
    session: Session, *, assessment: Assessment, item_key: str, value: int | str | None
) -> Answer:
    """Validate and store one answer (None = "I don't want to answer"); raises InvalidAnswer.
    A changed answer to a completed assessment rescores it at once."""
    answer = _store_answer(session, assessment=assessment, item_key=item_key, value=value)
    assessment = _locked(session, assessment)
    if assessment.completed_at is not None:
        scores.record(session, assessment)
    session.commit()
    return answer


@dataclass(frozen=True)
class AnswerSaved:
    """What a question screen's Next did: the answer stored, and whether this request is the
    one that completed the assessment (exactly one, however many arrive at once)."""

    answer: Answer
    completed_now: bool


def answer_question(
    session: Session,
    *,
    invitation: Invitation,
    assessment: Assessment,
    item_key: str,
    value: int | str | None,
    ip: str | None = None,
) -> AnswerSaved:
    """A question answered on its screen: store the answer and, when no question is asked
    after it and none before it is left unanswered, complete the assessment; one transaction.
    Raises InvalidAnswer (nothing stored)."""
    answer = _store_answer(session, assessment=assessment, item_key=item_key, value=value)
    assessment = _locked(session, assessment)
    instrument = instrument_of(assessment)
    answers = answers_of(session, assessment)
    completed_now = False
    last_one_asked = item_after(instrument, answers, item_key) is None
    if last_one_asked and next_unanswered(instrument, answers) is None:
        completed_now = _complete(session, assessment=assessment, invitation=invitation, ip=ip)
    elif assessment.completed_at is not None:
        scores.record(session, assessment)  # a changed answer after completion: rescore now
    session.commit()
    return AnswerSaved(answer=answer, completed_now=completed_now)


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


def item_after(instrument: Instrument, answers: Mapping[str, Answer], item_key: str) -> Item | None:
    """The question asked after `item_key` in the same instrument (None after the last one,
    or when `item_key` is not asked at all)."""
    asked = items_to_ask(instrument, answers)
    keys = [item.key for item in asked]
    following = keys.index(item_key) + 1 if item_key in keys else len(keys)
    return asked[following] if following < len(asked) else None


def progress(instrument: Instrument, answers: Mapping[str, Answer], item_key: str | None = None) -> Progress:
    """'Question n of N' for `item_key` (default: the next unanswered one)."""
    asked = items_to_ask(instrument, answers)
    keys = [item.key for item in asked]
    answered = sum(1 for key in keys if key in answers)
    position = keys.index(item_key) + 1 if item_key in keys else min(answered + 1, len(keys))
    return Progress(position=position, total=len(keys), answered=answered)


def _complete(session: Session, *, assessment: Assessment, invitation: Invitation,
              ip: str | None) -> bool:
    """Mark the assessment (and, with its last one, the invitation) complete and store its
    scores, without committing. True for the one request that completed it.

    `UPDATE … WHERE completed_at IS NULL` decides who completes, in the database: of any
    number of requests completing at once, exactly one changes the row and audits it.
    """
    now = utcnow()
    won = session.execute(
        update(Assessment).where(Assessment.id == assessment.id, Assessment.completed_at.is_(None))
        .values(completed_at=now).execution_options(synchronize_session=False)).rowcount == 1
    session.refresh(assessment, ["completed_at"])
    if won:
        audit.record(session, action="assessment.completed", invitation_id=invitation.id, ip=ip,
                     object_type="assessment", object_id=assessment.id,
                     details={"instrument": assessment.instrument_key,
                              "storage": assessment.storage})
    scores.record(session, assessment)  # stored assessments only; read by the cohort page
    completed = session.exec(select(func.count()).select_from(Assessment).where(
        Assessment.occasion_id == invitation.occasion_id,
        Assessment.instrument_key.in_(invitation.instrument_keys),
        Assessment.completed_at.is_not(None))).one()
    if completed == len(invitation.instrument_keys):
        session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.completed_at.is_(None))
            .values(completed_at=now).execution_options(synchronize_session=False))
        session.refresh(invitation, ["completed_at"])
    return won


def complete(session: Session, *, assessment: Assessment, invitation: Invitation,
             ip: str | None = None) -> Assessment:
    """Complete the assessment (idempotent: again, or at the same moment, it is a rescore);
    the invitation completes with its last one."""
    assessment = _locked(session, assessment)
    _complete(session, assessment=assessment, invitation=invitation, ip=ip)
    session.commit()
    return assessment


def completed_of(session: Session, *, participant_id: int,
                 invitation: Invitation | None = None) -> list[tuple[Assessment, str]]:
    """The participant's completed assessments with their occasion kind, in occasion order:
    the stored ones, and the discussion-only ones of `invitation` while it is open."""
    from ..models import OCCASION_ORDER

    rows = session.exec(
        select(Assessment, Occasion.kind).join(Occasion, Occasion.id == Assessment.occasion_id)
        .where(Assessment.participant_id == participant_id, Assessment.completed_at.is_not(None))
    ).all()
    kept = [(a, kind) for a, kind in rows if a.storage == Storage.STORED.value
            or (invitation is not None and a.invitation_id == invitation.id)]
    return sorted(kept, key=lambda row: (OCCASION_ORDER.index(row[1]), row[0].id))


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
