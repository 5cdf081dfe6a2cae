"""A participant's data over its life: kept while it is needed, then purged; erased or handed
over on request (GDPR art. 17 and 15). Flask-free: the web, the command line and cron call it.

Retention purge (`purge`, daily from cron)
------------------------------------------
Once a participant left longer ago than their organisation's `retention_months` (calendar
months: someone who left on 31 March 2024 under 24 months is purged from 1 April 2026 on),
everything that says *who* they are goes, and what evaluators count stays. Field by field:

| table | field | purge |
| --- | --- | --- |
| participant | code | replaced by a random placeholder (`X-` and 12 random characters): not derived from anything, so it joins to nothing |
| participant | display_name | emptied |
| participant | birth_year | coarsened to the first birth year of the person's age band at intake (intake year − the band's lowest age): the age band evaluators see is unchanged, the year itself is gone; none when no band applies |
| participant | preferred_language | kept: which language the questions were shown in explains the answers, and it is one of a handful of values |
| participant | gender, unit, intake_date, exit_date, exit_reason | kept: the pseudonymised categories every statistic and export breaks down by (`services.disclosure` coarsens them for evaluators) |
| participant | created_at | kept (when the record was made, not about the person); `purged_at` is set |
| invitation | every row (short code, and the signed link that only names its id) | deleted; assessments and consents keep no link to them |
| consent | choice, text_version, language, given_at | kept: the lawful basis of the health answers that are kept |
| answer | value, skipped | kept: the pseudonymised answers, with their stored scores |
| answer | text (free text, e.g. the work wheel's "something else") | emptied: free text can name anyone |
| audit_event (about them) | ip | emptied; details lose any value naming their code, name or short codes |

Separately, every run closes expired invitations (their discussion-only answers go:
`invitations.close_expired`) and empties the IP address of every audit event older than
`audit_ip_days` (STEGVIS_AUDIT_IP_DAYS, 90 by default). Each participant is one transaction,
so a failure part-way keeps the people already purged; running it again does nothing new.

Erasure (`erase`): the person and every row about them are deleted; audit events about them
keep what happened and when, but lose every link to them (object, acting invitation, IP,
details). The erasure itself is audited with who did it and counts, never whom.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from babel.support import NullTranslations, Translations
from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from .. import instruments
from ..instruments.texts import anchor_ref, localized
from ..models import (
    Answer,
    Assessment,
    AssessmentScore,
    AuditEvent,
    Consent,
    Invitation,
    Occasion,
    Organisation,
    Participant,
    Unit,
    utcnow,
)
from ..models.participants import CODE_ALPHABET
from ..statistics.age import AGE_BANDS, age_band
from . import audit, invitations
from .errors import N_, DomainError
from .participants import add_months

PURGED_CODE_PREFIX = "X-"  # live codes start with "P-": a purged record is told apart at sight
DEFAULT_AUDIT_IP_DAYS = 90
IP_BATCH = 1000


# -- what participants are told -------------------------------------------------------------


def retention_period(months: int) -> tuple[int, str]:
    """`retention_months` as people say it: (2, "years") for 24, (18, "months") for 18. The
    participant's explanation screen states exactly what `purge` does."""
    if months % 12 == 0:
        return months // 12, "years"
    return months, "months"


# -- what belongs to one person -------------------------------------------------------------


@dataclass(frozen=True)
class Belongings:
    """The ids of every row about one participant, for the audit events that point at them."""

    participant_id: int
    occasions: tuple[int, ...]
    invitations: tuple[int, ...]
    assessments: tuple[int, ...]
    consents: tuple[int, ...]

    def audit_events(self):
        """A condition selecting audit events about this person: their object is one of these
        rows, or one of their invitations acted (the participant answering)."""
        objects = {"participant": (self.participant_id,), "occasion": self.occasions,
                   "invitation": self.invitations, "assessment": self.assessments,
                   "consent": self.consents}
        conditions = [(AuditEvent.object_type == kind) & AuditEvent.object_id.in_(ids)
                      for kind, ids in objects.items() if ids]
        if self.invitations:
            conditions.append(AuditEvent.actor_invitation_id.in_(self.invitations))
        return or_(*conditions)


def belongings_of(session: Session, participant_id: int) -> Belongings:
    """Collect the ids of the participant's occasions, invitations, assessments and consents."""

    def ids(column, owner) -> tuple[int, ...]:
        return tuple(session.exec(select(column).where(owner == participant_id)).all())

    return Belongings(participant_id,
                      ids(Occasion.id, Occasion.participant_id),
                      ids(Invitation.id, Invitation.participant_id),
                      ids(Assessment.id, Assessment.participant_id),
                      ids(Consent.id, Consent.participant_id))


def _scrubbed(value: Any, identifying: frozenset[str]) -> Any:
    """`value` (audit details) with every string that contains an identifying value removed."""
    if isinstance(value, Mapping):
        return {k: _scrubbed(v, identifying) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(v, identifying) for v in value]
    if isinstance(value, str) and any(secret in value for secret in identifying):
        return None
    return value


def _identifying(session: Session, participant: Participant, owned: Belongings) -> frozenset[str]:
    short_codes = session.exec(select(Invitation.short_code).where(
        Invitation.participant_id == participant.id)).all() if owned.invitations else []
    return frozenset(v for v in (participant.code, participant.display_name, *short_codes) if v)


# -- retention purge ------------------------------------------------------------------------


@dataclass
class PurgeReport:
    """What one run of `purge` did (or, with dry_run, would do): counts only."""

    dry_run: bool = False
    participants: int = 0
    free_texts: int = 0
    invitations: int = 0
    audit_events: int = 0
    expired_invitations: int = 0
    old_audit_ips: int = 0
    by_organisation: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as a person reads it in a cron mail."""
        verb = "Would purge" if self.dry_run else "Purged"
        lines = [f"{verb} {self.participants} participant(s) past their organisation's retention"]
        lines += [f"  {name}: {count}" for name, count in sorted(self.by_organisation.items())]
        lines += [f"  free-text answers emptied: {self.free_texts}",
                  f"  invitations deleted: {self.invitations}",
                  f"  audit events about them without IP: {self.audit_events}",
                  f"{'Would close' if self.dry_run else 'Closed'} {self.expired_invitations} "
                  "expired invitation(s) (their discussion-only answers deleted)",
                  f"{'Would empty' if self.dry_run else 'Emptied'} the IP address of "
                  f"{self.old_audit_ips} older audit event(s)"]
        return lines


def placeholder_code() -> str:
    """A random stand-in for a purged participant's code (the column is unique, not null)."""
    return PURGED_CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def coarse_birth_year(birth_year: int | None, intake_year: int) -> int | None:
    """The first birth year of the age band the person was in at intake, or None: keeps
    exactly what the evaluator categories need (`statistics.age.age_band`)."""
    band = age_band(birth_year, intake_year)
    lowest = {label: low for label, low, _ in AGE_BANDS}
    return None if band is None else intake_year - lowest[band]


def due_for_purge(session: Session, *, today: date) -> list[tuple[int, str]]:
    """(participant id, organisation name) of everyone who left longer ago than their
    organisation's retention and is not purged yet."""
    due = []
    for organisation in session.exec(select(Organisation).order_by(Organisation.id)).all():
        cutoff = add_months(today, -organisation.retention_months)
        due += [(pid, organisation.name) for pid in session.exec(
            select(Participant.id).join(Unit, Unit.id == Participant.unit_id)
            .where(Unit.organisation_id == organisation.id, Participant.purged_at.is_(None),
                   Participant.exit_date.is_not(None), Participant.exit_date < cutoff)
            .order_by(Participant.id)).all()]
    return due


def _count(session: Session, statement) -> int:
    return session.exec(select(func.count()).select_from(statement.subquery())).one()


def _purge_one(session: Session, participant: Participant, report: PurgeReport) -> None:
    """Strip one person's identifying data (see the module's table); the caller commits."""
    owned = belongings_of(session, participant.id)
    identifying = _identifying(session, participant, owned)
    texts = select(Answer.id).where(Answer.assessment_id.in_(owned.assessments),
                                    Answer.text.is_not(None))
    events = list(session.exec(select(AuditEvent).where(owned.audit_events())).all())
    report.free_texts += _count(session, texts)
    report.invitations += len(owned.invitations)
    report.audit_events += len(events)
    if report.dry_run:
        return
    session.exec(update(Answer).where(Answer.id.in_(texts)).values(text=None))
    if owned.invitations:
        session.exec(update(Assessment).where(Assessment.invitation_id.in_(owned.invitations))
                     .values(invitation_id=None))
        session.exec(update(Consent).where(Consent.invitation_id.in_(owned.invitations))
                     .values(invitation_id=None))
        session.exec(delete(Invitation).where(Invitation.id.in_(owned.invitations)))
    for event in events:
        event.ip = None
        event.details = _scrubbed(event.details, identifying) if event.details else None
        session.add(event)
    participant.code = placeholder_code()
    participant.display_name = None
    participant.birth_year = coarse_birth_year(participant.birth_year, participant.intake_date.year)
    participant.purged_at = utcnow()
    session.add(participant)
    audit.record(session, action="participant.purged", object_type="participant",
                 object_id=participant.id,
                 details={"invitations": len(owned.invitations), "audit_events": len(events)})


def _old_ips(session: Session, *, before: datetime) -> int:
    return _count(session, select(AuditEvent.id).where(AuditEvent.ip.is_not(None),
                                                       AuditEvent.at < before))


def purge(session: Session, *, today: date | None = None, now: datetime | None = None,
          audit_ip_days: int = DEFAULT_AUDIT_IP_DAYS, dry_run: bool = False) -> PurgeReport:
    """The daily retention run (see the module docstring); idempotent. One transaction per
    participant, then one for closing expired invitations per batch, one per batch of old
    audit IPs. With `dry_run`, counts what it would do and changes nothing."""
    now = now or utcnow()
    today = today or now.date()
    report = PurgeReport(dry_run=dry_run)
    for participant_id, organisation in due_for_purge(session, today=today):
        participant = session.get(Participant, participant_id)
        _purge_one(session, participant, report)
        report.participants += 1
        report.by_organisation[organisation] = report.by_organisation.get(organisation, 0) + 1
        if not dry_run:
            session.commit()
    if dry_run:
        report.expired_invitations = _count(session, select(Invitation.id).where(
            Invitation.closed_at.is_(None), Invitation.expires_at <= now))
        report.old_audit_ips = _old_ips(session, before=now - timedelta(days=audit_ip_days))
        session.rollback()
        return report
    report.expired_invitations = invitations.close_expired(session, now=now)
    report.old_audit_ips = forget_old_ips(session, before=now - timedelta(days=audit_ip_days))
    return report


def forget_old_ips(session: Session, *, before: datetime, batch: int = IP_BATCH) -> int:
    """Empty the IP address of audit events older than `before`, one transaction per batch;
    return how many. An IP is kept only as long as a break-in could still be looked into."""
    emptied = 0
    while True:
        ids = session.exec(select(AuditEvent.id).where(
            AuditEvent.ip.is_not(None), AuditEvent.at < before).limit(batch)).all()
        if not ids:
            return emptied
        session.exec(update(AuditEvent).where(AuditEvent.id.in_(ids)).values(ip=None))
        session.commit()
        emptied += len(ids)


# -- erasure (art. 17) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed, by kind: counts only, as the audit event records them."""

    assessments: int
    invitations: int
    consents: int
    audit_events: int


class ConfirmationMismatch(DomainError):
    """The typed confirmation is not this participant's code: nothing was erased."""

    message = N_("Type the participant's code exactly to confirm.")


def erase(session: Session, *, participant: Participant, confirmation: str | None = None,
          staff_id: int | None = None, ip: str | None = None, via: str = "web") -> Erasure:
    """Delete the participant and every row about them in one transaction; audit events about
    them lose every link (object, acting invitation, IP, details) but keep what happened.
    Rows are deleted explicitly, children first, so nothing depends on the database
    enforcing ON DELETE CASCADE. Staff confirm by typing the code (`confirmation`; case and
    spaces forgiven); the command line confirms with --yes and passes None."""
    if confirmation is not None and confirmation.strip().upper() != participant.code.upper():
        raise ConfirmationMismatch()
    owned = belongings_of(session, participant.id)
    events = session.exec(update(AuditEvent).where(owned.audit_events()).values(
        object_id=None, actor_invitation_id=None, ip=None, details=None)).rowcount
    if owned.assessments:
        session.exec(delete(AssessmentScore).where(
            AssessmentScore.assessment_id.in_(owned.assessments)))
        session.exec(delete(Answer).where(Answer.assessment_id.in_(owned.assessments)))
        session.exec(delete(Assessment).where(Assessment.id.in_(owned.assessments)))
    for model in (Consent, Invitation, Occasion):
        session.exec(delete(model).where(model.participant_id == participant.id))
    session.exec(delete(AssessmentScore).where(AssessmentScore.participant_id == participant.id))
    session.exec(delete(Participant).where(Participant.id == participant.id))
    session.expunge(participant)
    erasure = Erasure(len(owned.assessments), len(owned.invitations), len(owned.consents), events)
    audit.record(session, action="participant.erased", staff_id=staff_id, ip=ip,
                 details={"via": via, **erasure.__dict__})
    session.commit()
    return erasure


# -- access (art. 15) -----------------------------------------------------------------------


def catalog(directory: str, language: str) -> Translations | NullTranslations:
    """The gettext catalog of `language` (instrument texts in languages beyond sv and en)."""
    return Translations.load(directory, [language])


def _iso(moment: date | datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _answer_label(instrument, item_key: str, value: int | None, locale: str, translations) -> str | None:
    """The words of the chosen answer where the instrument names it (CEFR levels, anchors)."""
    if value is None:
        return None
    try:
        return localized(instrument, anchor_ref(instrument, item_key, value), locale,
                         translations=translations)
    except KeyError:
        return None


def _assessment_record(session: Session, assessment: Assessment, locale: str, translations) -> dict:
    instrument = instruments.get(assessment.instrument_key, assessment.instrument_version)
    target = {"language": assessment.target_language} if assessment.target_language else {}

    def text(ref: str) -> str:
        return localized(instrument, ref, locale, translations=translations, **target)

    known = {item.key for item in instrument.items}
    answers = session.exec(select(Answer).where(Answer.assessment_id == assessment.id)
                           .order_by(Answer.id)).all()
    stored = session.get(AssessmentScore, assessment.id)
    return {
        "instrument": instrument.key, "version": instrument.version, "title": text("title"),
        "language": assessment.language, "target_language": assessment.target_language,
        "mode": assessment.mode, "storage": assessment.storage,
        "started_at": _iso(assessment.started_at), "completed_at": _iso(assessment.completed_at),
        "answers": [{
            "item": answer.item_key,
            "question": text(answer.item_key) if answer.item_key in known else None,
            "value": answer.value, "text": answer.text, "skipped": answer.skipped,
            "answer": _answer_label(instrument, answer.item_key, answer.value, locale, translations)
            if answer.item_key in known else None,
            "answered_at": _iso(answer.answered_at)} for answer in answers],
        "stored_scores": stored.scores if stored else None,
    }


def _actor(event: AuditEvent, owned: Belongings) -> str:
    if event.actor_invitation_id in owned.invitations:
        return "participant"
    return "staff" if event.actor_staff_id is not None else "system"


def subject_access(session: Session, *, participant: Participant, translations=None,
                   staff_id: int | None = None, ip: str | None = None,
                   via: str = "web") -> dict:
    """Everything held about the participant, as plain JSON-ready data, with question texts in
    the instrument's wording in their `preferred_language`; the request is audited.

    Invitations are listed without short codes or links (those would open the answers);
    audit events say which kind of actor acted, not which member of staff, and carry the
    participant's own IP address only on events they caused.
    """
    locale = participant.preferred_language
    owned = belongings_of(session, participant.id)
    unit = session.get(Unit, participant.unit_id)
    organisation = session.get(Organisation, unit.organisation_id)
    occasions = session.exec(select(Occasion).where(Occasion.participant_id == participant.id)
                             .order_by(Occasion.id)).all()
    by_occasion: dict[int, list[Assessment]] = {}
    for assessment in session.exec(select(Assessment).where(
            Assessment.participant_id == participant.id).order_by(Assessment.id)).all():
        by_occasion.setdefault(assessment.occasion_id, []).append(assessment)
    kinds = {occasion.id: occasion.kind for occasion in occasions}
    events = session.exec(select(AuditEvent).where(owned.audit_events())
                          .order_by(AuditEvent.at, AuditEvent.id)).all()
    record = {
        "generated_at": _iso(utcnow()),
        "language": locale,
        "organisation": {"name": organisation.name,
                         "retention_months": organisation.retention_months,
                         "controller": {"name": organisation.controller_name,
                                        "contact": organisation.controller_contact}},
        "participant": {
            "code": participant.code, "display_name": participant.display_name,
            "unit": unit.name, "gender": participant.gender, "birth_year": participant.birth_year,
            "preferred_language": participant.preferred_language,
            "intake_date": _iso(participant.intake_date), "exit_date": _iso(participant.exit_date),
            "exit_reason": participant.exit_reason, "registered_at": _iso(participant.created_at),
            "purged_at": _iso(participant.purged_at)},
        "occasions": [{
            "kind": occasion.kind, "planned_date": _iso(occasion.planned_date),
            "assessments": [_assessment_record(session, a, locale, translations)
                            for a in by_occasion.get(occasion.id, [])]} for occasion in occasions],
        "consents": [{
            "instrument": consent.instrument_key, "choice": consent.choice,
            "text_version": consent.text_version, "language": consent.language,
            "given_at": _iso(consent.given_at)} for consent in session.exec(
                select(Consent).where(Consent.participant_id == participant.id)
                .order_by(Consent.given_at, Consent.id)).all()],
        "invitations": [{
            "occasion": kinds.get(invitation.occasion_id), "instruments": invitation.instrument_keys,
            "mode": invitation.mode, "language": invitation.language,
            "created_at": _iso(invitation.created_at), "expires_at": _iso(invitation.expires_at),
            "revoked_at": _iso(invitation.revoked_at),
            "first_opened_at": _iso(invitation.first_opened_at),
            "completed_at": _iso(invitation.completed_at), "closed_at": _iso(invitation.closed_at)}
            for invitation in session.exec(select(Invitation).where(
                Invitation.participant_id == participant.id).order_by(Invitation.id)).all()],
        "audit_events": [{
            "at": _iso(event.at), "action": event.action, "actor": _actor(event, owned),
            "ip": event.ip if _actor(event, owned) == "participant" else None,
            "details": event.details} for event in events],
    }
    audit.record(session, action="participant.access_exported", staff_id=staff_id, ip=ip,
                 object_type="participant", object_id=participant.id, details={"via": via})
    session.commit()
    return record


def record_own_copy(session: Session, *, invitation: Invitation, ip: str | None = None,
                    download: bool = False) -> None:
    """The participant made their own summary (a read of personal data by its owner): audited,
    without the name they may have typed on it, which is never stored."""
    audit.record(session, action="participant.own_copy_made", invitation_id=invitation.id, ip=ip,
                 object_type="participant", object_id=invitation.participant_id,
                 details={"download": download})
    session.commit()


def find_by_code(session: Session, code: str) -> Participant | None:
    """The participant with `code` (as typed: surrounding spaces and case do not matter)."""
    return session.exec(select(Participant).where(
        Participant.code == code.strip().upper())).first()
