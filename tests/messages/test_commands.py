"""The command line: `flask invite --send`, `flask outbox deliver|worker` and `flask reminders
queue`, as cron and systemd run them."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlmodel import select

from app.config import PROJECT_ROOT
from app.db import engine_of
from app.models import Invitation, MessageStatus, OutboxMessage

from .helpers import invite, reachable_person, sending_for


def test_invite_with_send_queues_the_message_in_the_same_transaction(app, session):
    person = reachable_person(session, email=None)
    cli = app.test_cli_runner()
    result = cli.invoke(args=["invite", "--participant", person.code, "--occasion", "intake",
                              "--instruments", "work_wheel", "--send", "sms"])
    assert result.exit_code == 0, result.output
    assert "Short code:" in result.output and "Queued by sms to +46701740605" in result.output
    refused = cli.invoke(args=["invite", "--participant", person.code, "--occasion", "midway",
                               "--send", "email"])
    assert refused.exit_code == 1 and "has no email to send to" in refused.output
    assert len(session.exec(select(Invitation)).all()) == 1
    assert len(session.exec(select(OutboxMessage)).all()) == 1


def test_deliver_sends_through_the_console_transport_in_development(app, session):
    person = reachable_person(session)
    from app.services import messaging

    messaging.send_invitation(session, invitation=invite(session, person), channel="email",
                              sending=sending_for(app))
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "--- email to anna@example.org" in result.output
    assert "Sent 1, retrying 0, failed 0, cancelled 0." in result.output
    assert session.exec(select(OutboxMessage.status)).one() == MessageStatus.SENT


def test_reminders_queue_runs_and_says_what_it_did(app, session):
    result = app.test_cli_runner().invoke(args=["reminders", "queue"])
    assert result.exit_code == 0, result.output
    assert "Queued 0 reminder(s)" in result.output or "Outside sending hours" in result.output


def test_the_worker_sends_as_messages_come_and_stops_gracefully_on_sigterm(app, session):
    person = reachable_person(session)
    from app.services import messaging

    messaging.send_invitation(session, invitation=invite(session, person), channel="sms",
                              sending=sending_for(app))
    url = engine_of(app).url.render_as_string(hide_password=False)
    environment = {**os.environ, "DATABASE_URL": url, "STEGVIS_ENV": "development",
                   "PYTHONPATH": str(PROJECT_ROOT), "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "outbox", "worker",
                               "--poll", "0.2"], env=environment, cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            session.expire_all()
            if session.exec(select(OutboxMessage.status)).one() == MessageStatus.SENT:
                break
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert "--- sms to +46701740605" in output and "Outbox worker stopped." in output
