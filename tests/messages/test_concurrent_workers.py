"""Exactly once under concurrency: two workers on PostgreSQL take from one outbox of 200
messages at the same time (`FOR UPDATE SKIP LOCKED`, claim-then-send); each message is sent
exactly once, and both workers did part of the work."""
from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlmodel import Session, select

from app.db import engine_of
from app.models import MessageStatus, OutboxMessage
from app.services import outbox

from .helpers import MORNING, Clock, invite, reachable_person

MESSAGES = 200


class CountingTransport:
    """Counts sends per message id and per worker, slowly enough for the workers to overlap."""

    def __init__(self) -> None:
        self.sends: Counter[int] = Counter()
        self.by_worker: Counter[str] = Counter()
        self.lock = threading.Lock()

    def send(self, message: outbox.Outgoing) -> str:
        time.sleep(0.002)
        with self.lock:
            self.sends[message.id] += 1
            self.by_worker[threading.current_thread().name] += 1
        return "ok"


def _work(app, transport: CountingTransport, errors: list) -> None:
    try:
        with Session(engine_of(app), expire_on_commit=False) as session:
            while outbox.deliver(session, transports={"sms": transport}, clock=Clock(MORNING),
                                 limit=10).handled:
                pass
    except Exception as error:
        errors.append(error)


def test_two_workers_send_each_of_200_messages_exactly_once(app, session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite runs one worker")
    invitation = invite(session, reachable_person(session))
    session.add_all([OutboxMessage(participant_id=invitation.participant_id,
                                   invitation_id=invitation.id, occasion_kind="intake",
                                   purpose="invitation", channel="sms", recipient="+46701740605",
                                   body=f"message {n}") for n in range(MESSAGES)])
    session.commit()
    transport, errors = CountingTransport(), []
    workers = [threading.Thread(target=_work, args=(app, transport, errors), name=f"worker-{n}")
               for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    ids = session.exec(select(OutboxMessage.id)).all()
    assert len(ids) == MESSAGES and set(transport.sends) == set(ids)
    assert set(transport.sends.values()) == {1}
    assert len(transport.by_worker) == 2 and min(transport.by_worker.values()) > 0
    statuses = session.exec(select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert set(statuses) == {(MessageStatus.SENT.value, 1)}
