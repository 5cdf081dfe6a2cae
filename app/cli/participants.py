"""`flask purge` (the daily retention run, for cron) and `flask participant erase|access`
(GDPR art. 17 and 15 requests handled from the command line)."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..db import session_scope
from ..services import privacy

participant_cli = AppGroup("participant", help="One participant's data: access and erasure.")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be purged; change nothing.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Remove identifying data of people who left longer ago than their organisation's
    retention, close expired invitations and empty old audit IPs (safe to run daily)."""
    with session_scope(current_app) as session:
        report = privacy.purge(session, audit_ip_days=current_app.config["AUDIT_IP_DAYS"],
                               dry_run=dry_run)
    for line in report.lines():
        click.echo(line)


def _participant(session, code: str):
    participant = privacy.find_by_code(session, code)
    if participant is None:
        raise click.ClickException(f"No participant with code {code}.")
    return participant


@participant_cli.command("erase")
@click.argument("code")
@click.option("--yes", is_flag=True, help="Confirm: this cannot be undone.")
def erase_command(code: str, yes: bool) -> None:
    """Erase participant CODE and everything about them (GDPR art. 17)."""
    if not yes:
        raise click.ClickException("Erasure cannot be undone; add --yes to confirm.")
    with session_scope(current_app) as session:
        erasure = privacy.erase(session, participant=_participant(session, code), via="cli")
    click.echo(f"Erased {code}: {erasure.assessments} assessment(s), {erasure.invitations} "
               f"invitation(s), {erasure.consents} consent(s), {erasure.action_steps} action plan "
               f"step(s); {erasure.audit_events} audit "
               "event(s) no longer point at them.")


@participant_cli.command("access")
@click.argument("code")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The JSON file to write.")
def access_command(code: str, out: str) -> None:
    """Write everything held about participant CODE to a JSON file (GDPR art. 15)."""
    with session_scope(current_app) as session:
        participant = _participant(session, code)
        translations = privacy.catalog(current_app.config["BABEL_TRANSLATION_DIRECTORIES"],
                                       participant.preferred_language)
        record = privacy.subject_access(session, participant=participant,
                                        translations=translations, via="cli")
    with open(out, "w", encoding="utf-8") as target:
        json.dump(record, target, ensure_ascii=False, indent=2)
    click.echo(f"Wrote everything held about {code} to {out}.")
