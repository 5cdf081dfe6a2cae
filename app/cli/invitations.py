"""`flask invite` (one invitation from the command line, for scripted enrolment and tests) and
`flask invitations close-expired` (the daily sweep that deletes discussion-only answers)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlmodel import select

from ..db import session_scope
from ..models import OccasionKind, Participant
from ..services import invitations, messaging
from ..services.outbox import CannotMessage
from ..transports import sending_from

invitations_cli = AppGroup("invitations", help="Participant invitations.")


@click.command("invite")
@click.option("--participant", "code", required=True, help="Participant code, e.g. P-7KQ3XY.")
@click.option("--occasion", type=click.Choice([kind.value for kind in OccasionKind]), required=True)
@click.option("--instruments", default=None,
              help="Comma-separated keys (default: the unit's default instruments).")
@click.option("--mode", type=click.Choice(["own_device", "with_coach"]), default="own_device")
@click.option("--days", type=int, default=None, help="Days the link works (default: setting).")
@click.option("--base-url", default=None, help="Where links open (default: STEGVIS_BASE_URL).")
@click.option("--send", "channel", type=click.Choice(["email", "sms"]), default=None,
              help="Also queue the invitation as a message (sent by `flask outbox deliver`).")
@with_appcontext
def invite_command(code: str, occasion: str, instruments: str | None, mode: str,
                   days: int | None, base_url: str | None, channel: str | None) -> None:
    """Create an invitation and print its link and short code; with --send, queue it by
    e-mail or SMS in the same transaction."""
    from ..models import Unit

    config = {**current_app.config, "BASE_URL": base_url or current_app.config["BASE_URL"],
              "INVITATION_DAYS": days or current_app.config["INVITATION_DAYS"]}
    sending = sending_from(config)
    with session_scope(current_app) as session:
        participant = session.exec(select(Participant).where(Participant.code == code)).first()
        if participant is None:
            raise click.ClickException(f"No participant with code {code}.")
        keys = (instruments or session.get(Unit, participant.unit_id).default_instruments).split(",")
        try:
            if channel:
                invitation, message = messaging.invite_and_send(
                    session, participant=participant, occasion_kind=occasion,
                    instrument_keys=keys, channel=channel, sending=sending, mode=mode)
            else:
                invitation = invitations.issue(
                    session, participant=participant, occasion_kind=occasion, instrument_keys=keys,
                    mode=mode, valid_days=sending.valid_days, environment=sending.environment)
        except (invitations.CannotInvite, CannotMessage) as exc:
            raise click.ClickException(str(exc)) from None
        base_url = config["BASE_URL"]
        click.echo(f"Link: {invitations.link_for(invitation, base_url=base_url, secret=current_app.secret_key)}")
        click.echo(f"Short code: {invitation.short_code}")
        click.echo(f"Valid until: {invitation.expires_at:%Y-%m-%d %H:%M} UTC")
        if channel:
            click.echo(f"Queued by {channel} to {message.recipient} (message {message.id}).")


@invitations_cli.command("close-expired")
def close_expired_command() -> None:
    """Close expired invitations and delete their discussion-only answers (run daily)."""
    with session_scope(current_app) as session:
        count = invitations.close_expired(session)
    click.echo(f"Closed {count} expired invitation(s).")
