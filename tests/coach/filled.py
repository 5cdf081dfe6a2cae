"""Completed assessments made through the participant-flow services, as a participant would."""
from __future__ import annotations

import random

from app import instruments
from app.instruments.simulate import plausible_answers
from app.models import Invitation
from app.services import assessments, invitations


def fill_in(session, participant, kind: str, answers: dict[str, dict] | None = None, *,
            keys=("work_wheel", "health_wheel", "cefr", "kasam13"), consent: str = "store",
            seed: int = 1) -> Invitation:
    """Issue an invitation for `kind` and complete every instrument in it.

    `answers` gives raw answers per instrument key; the rest are plausible simulated ones.
    Sensitive instruments get the consent `consent` ("store" or "discussion_only").
    """
    rng = random.Random(seed)
    invitation = invitations.issue(session, participant=participant, occasion_kind=kind,
                                   instrument_keys=list(keys), environment="development")
    for key in keys:
        instrument = instruments.latest(key)
        given = (answers or {}).get(key) or plausible_answers(instrument, rng)
        assessment = assessments.begin(
            session, invitation=invitation, instrument_key=key, language="sv",
            consent_choice=consent if instrument.sensitive else None)
        for item in instrument.items:
            if item.key in given:
                assessments.save_answer(session, assessment=assessment, item_key=item.key,
                                        value=given[item.key])
        assessments.complete(session, assessment=assessment, invitation=invitation)
    session.refresh(invitation)
    return invitation
