"""Command-line entry points: `flask --app app db upgrade`, `demo`, `staff create`, …"""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlmodel import select

from .. import migrate
from ..db import session_scope
from ..models import Organisation, Role
from ..models.organisations import DEFAULT_INSTRUMENTS
from ..services import organisations

db_cli = AppGroup("db", help="Database migrations (Alembic).")
staff_cli = AppGroup("staff", help="Staff accounts, for scripted installs (admins use /admin/staff).")
organisation_cli = AppGroup("organisation", help="Organisations and units, for scripted installs (admins use /admin).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (default: one step; 'base' empties it)."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when there are no organisations yet.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo organisation, staff and participants (running it twice adds nothing)."""
    from ..demo import DEMO_LOGINS, load_demo

    with session_scope(current_app) as session:
        if if_empty and session.exec(select(Organisation)).first() is not None:
            click.echo("Database already has data; demo not loaded.")
            return
        summary = load_demo(session, password=current_app.config["DEMO_PASSWORD"])
    click.echo(f"Demo: {summary}")
    for email in DEMO_LOGINS:
        click.echo(f"  {email}  /  {current_app.config['DEMO_PASSWORD']}")


@organisation_cli.command("create")
@click.argument("name")
@click.option("--require-totp/--no-require-totp", default=False,
              help="Two-factor sign-in for everyone who sees participant data.")
def organisation_create(name: str, require_totp: bool) -> None:
    """Create organisation NAME (or change its two-factor rule if it exists)."""
    with session_scope(current_app) as session:
        organisation = organisations.ensure_organisation(session, name)
        organisations.require_two_factor(session, organisation=organisation, required=require_totp)
    rule = "required" if require_totp else "optional"
    click.echo(f"Organisation {name}: two-factor sign-in {rule}.")


@organisation_cli.command("health-statistics")
@click.argument("name")
@click.option("--on/--off", "on", required=True,
              help="Pool Health Wheel answers across people in cohort statistics, or stop.")
def organisation_health_statistics(name: str, on: bool) -> None:
    """Let ORGANISATION's cohort statistics aggregate Health Wheel answers (audited)."""
    with session_scope(current_app) as session:
        try:
            organisation = organisations.find_organisation(session, name)
        except organisations.UnknownOrganisation:
            raise click.ClickException(f"No organisation named {name}.") from None
        organisations.set_health_statistics(session, organisation=organisation, on=on, via="cli")
    state = "aggregated in cohort statistics" if on else "not aggregated"
    click.echo(f"Organisation {name}: Health Wheel answers {state}.")


@organisation_cli.command("add-unit")
@click.argument("organisation")
@click.argument("name")
@click.option("--midway-months", default=5, show_default=True)
@click.option("--exit-months", default=10, show_default=True, help="Planned programme length.")
@click.option("--follow-up-days", default=90, show_default=True)
@click.option("--instruments", "instrument_keys", default=DEFAULT_INSTRUMENTS,
              show_default=True, help="The unit's default instruments, comma-separated.")
def organisation_add_unit(organisation: str, name: str, midway_months: int, exit_months: int,
                          follow_up_days: int, instrument_keys: str) -> None:
    """Add unit NAME to ORGANISATION with its plan of occasions."""
    with session_scope(current_app) as session:
        try:
            organisations.create_unit(
                session, organisation=organisations.find_organisation(session, organisation),
                name=name, midway_after_months=midway_months, exit_after_months=exit_months,
                follow_up_after_days=follow_up_days, instrument_keys=instrument_keys.split(","))
        except (organisations.UnknownOrganisation, organisations.InvalidUnitPlan) as problem:
            raise click.ClickException(str(problem)) from None
    click.echo(f"Unit {name} added to {organisation}.")


@staff_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--organisation", required=True, help="Organisation name (created if missing).")
@click.option("--unit", "unit_names", multiple=True, help="A unit they work in (repeatable).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def staff_create(email: str, role: str, organisation: str, unit_names: tuple[str, ...],
                 password: str) -> None:
    """Create a staff account."""
    from ..services.staff import StaffAlreadyExists, create_staff

    with session_scope(current_app) as session:
        org = organisations.ensure_organisation(session, organisation)
        try:
            units = organisations.find_units(session, organisation=org, names=list(unit_names))
            create_staff(session, organisation_id=org.id, email=email, password=password, role=role,
                         unit_ids=[unit.id for unit in units])
        except StaffAlreadyExists:
            raise click.ClickException(f"{email} already has an account.") from None
        except LookupError as problem:
            raise click.ClickException(str(problem)) from None
    click.echo(f"Created {role} {email}.")


def _staff_user(session, email: str):
    from ..services.staff import find_by_email

    user = find_by_email(session, email)
    if user is None:
        raise click.ClickException(f"No staff account for {email}.")
    return user


@staff_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def staff_set_password(email: str, password: str) -> None:
    """Set a staff user's password (a forgotten one, until self-service reset exists)."""
    from ..services.staff import MIN_PASSWORD_LENGTH, WeakPassword, set_password

    with session_scope(current_app) as session:
        try:
            set_password(session, user=_staff_user(session, email), password=password)
        except WeakPassword:
            raise click.ClickException(f"Use at least {MIN_PASSWORD_LENGTH} characters.") from None
    click.echo(f"Password set for {email}.")


@staff_cli.command("totp-reset")
@click.option("--email", required=True)
def staff_totp_reset(email: str) -> None:
    """Turn off a staff user's two-factor sign-in (a lost phone); they enrol again when required."""
    from ..services.staff import reset_totp

    with session_scope(current_app) as session:
        reset_totp(session, user=_staff_user(session, email))
    click.echo(f"Two-factor sign-in reset for {email}.")


@staff_cli.command("deactivate")
@click.option("--email", required=True)
def staff_deactivate(email: str) -> None:
    """Close a staff account (someone who left): no sign-in, and their open sessions end now."""
    from ..services.staff import deactivate

    with session_scope(current_app) as session:
        deactivate(session, user=_staff_user(session, email))
    click.echo(f"Deactivated {email}; every session of theirs has ended.")


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from .exports import export_command
    from .instruments import instruments_cli
    from .invitations import invitations_cli, invite_command
    from .participants import participant_cli, purge_command
    from .scores import scores_cli

    for command in (db_cli, organisation_cli, staff_cli, demo_command, export_command,
                    instruments_cli, scores_cli, invite_command, invitations_cli, purge_command,
                    participant_cli):
        app.cli.add_command(command)
