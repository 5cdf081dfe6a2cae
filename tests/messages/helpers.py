"""What the message tests share: a person who can be reached, sending settings, a clock,
and transports that record (or refuse) what they are given."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from app.services import invitations
from app.services.message_texts import Links
from app.services.messaging import Sending
from app.services.outbox import DeliveryFailure, Outgoing, PermanentFailure

from .. import factories

BOTH = frozenset({"sms", "email"})
# Tomorrow 09:00 UTC (10 or 11 in Stockholm): inside sending hours, after anything the test
# queues now, before the invitations it makes expire.
MORNING = (datetime.now(UTC) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)


def sending_for(app) -> Sending:
    return Sending(links=Links(base_url="https://stegvis.test", secret=app.secret_key),
                   channels=BOTH, valid_days=14, environment="development")


def reachable_person(session, unit=None, **overrides):
    """A participant with a mobile number and an e-mail address (fiction range, example.org)."""
    details = {"mobile": "070-174 06 05", "email": "anna@example.org",
               "intake_date": date(2026, 1, 12), **overrides}
    return factories.make_participant(session, unit=unit, **details)


def invite(session, person, kind="intake", keys=("work_wheel", "cefr")):
    return invitations.issue(session, participant=person, occasion_kind=kind,
                             instrument_keys=list(keys), environment="development")


class Recorder:
    """A transport that keeps what it sent; fails the first `failures` sends if asked."""

    def __init__(self, failures: int = 0, permanent: bool = False) -> None:
        self.sent: list[Outgoing] = []
        self.failures, self.permanent = failures, permanent
        self.lock = threading.Lock()

    def send(self, message: Outgoing) -> str:
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise (PermanentFailure if self.permanent else DeliveryFailure)("gateway down")
            self.sent.append(message)
            return f"ref-{message.id}"


class Clock:
    """A clock the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
