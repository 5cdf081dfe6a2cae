"""`flask outbox deliver|worker` (send queued messages) and `flask reminders queue` (queue
the reminders the units' rules call for). Both are safe to run from cron every minute."""
from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import session_scope
from ..services import outbox, reminders
from ..transports import sending_from, transports_from

outbox_cli = AppGroup("outbox", help="Send the messages waiting in the outbox.")
reminders_cli = AppGroup("reminders", help="Reminders by the units' rules.")


def _report(report: outbox.DeliveryReport) -> None:
    click.echo(f"Sent {report.sent}, retrying {report.retrying}, failed {report.failed}, "
               f"cancelled {report.cancelled}.")
    for line in report.errors:
        click.echo(f"  {line}", err=True)


@outbox_cli.command("deliver")
@click.option("--limit", default=200, show_default=True, help="At most this many messages.")
def deliver_command(limit: int) -> None:
    """One pass: send what is due now (for cron or a systemd timer, every minute)."""
    transports = transports_from(current_app.config["MESSAGING"])
    total = outbox.DeliveryReport()
    with session_scope(current_app) as session:
        while total.handled < limit:
            report = outbox.deliver(session, transports=transports,
                                    limit=min(outbox.BATCH, limit - total.handled))
            if not report.handled:
                break
            for name in ("sent", "retrying", "failed", "cancelled"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            total.errors += report.errors
    _report(total)


@outbox_cli.command("worker")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between looks when idle.")
def worker_command(poll: float) -> None:
    """Send messages as they come, until SIGTERM or Ctrl-C; the message being sent is
    finished, the rest of its batch is given back."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    transports = transports_from(current_app.config["MESSAGING"])
    click.echo("Outbox worker started.")
    with session_scope(current_app) as session:
        while not stop.is_set():
            report = outbox.deliver(session, transports=transports, should_stop=stop.is_set)
            if report.handled:
                _report(report)
            else:
                stop.wait(poll)
    click.echo("Outbox worker stopped.")


@reminders_cli.command("queue")
def queue_command() -> None:
    """Queue the reminders due now (idempotent; only between 08 and 20 Swedish time)."""
    sending = sending_from(current_app.config)
    with session_scope(current_app) as session:
        report = reminders.queue_due(session, links=sending.links, channels=sending.channels)
    if report.outside_hours:
        click.echo("Outside sending hours (08-20 Swedish time): no reminders queued.")
        return
    click.echo(f"Queued {report.queued} reminder(s); {report.no_contact} could not be "
               "reached (no contact detail, or that channel is not set up).")
