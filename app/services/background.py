"""Editing a participant's background variables (what evaluators break results down by).

Kept apart from `participants.py` (enrolment and exit) only because another engineer owns
that module; it uses the same validation so both paths accept exactly the same values.
"""
from __future__ import annotations

from sqlmodel import Session

from ..models import Participant
from .participants import _check_background


def update_background(
    session: Session,
    *,
    participant: Participant,
    gender: str,
    birth_year: int | None,
    preferred_language: str,
    display_name: str | None,
) -> Participant:
    """Store corrected background variables; raises InvalidParticipantData for unknown values."""
    _check_background(gender, participant.exit_reason)
    participant.gender = str(gender)
    participant.birth_year = birth_year
    participant.preferred_language = preferred_language
    participant.display_name = display_name or None
    session.add(participant)
    session.commit()
    return participant
