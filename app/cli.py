"""Command-line entry points: `flask --app app db upgrade`, `demo`, `staff create`, …"""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlmodel import select

from . import migrate
from .db import session_scope
from .models import Organisation, Role

db_cli = AppGroup("db", help="Database migrations (Alembic).")
staff_cli = AppGroup("staff", help="Staff accounts (until the admin screens exist).")


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
    from .demo import DEMO_LOGINS, load_demo

    with session_scope(current_app) as session:
        if if_empty and session.exec(select(Organisation)).first() is not None:
            click.echo("Database already has data; demo not loaded.")
            return
        summary = load_demo(session, password=current_app.config["DEMO_PASSWORD"])
    click.echo(f"Demo: {summary}")
    for email in DEMO_LOGINS:
        click.echo(f"  {email}  /  {current_app.config['DEMO_PASSWORD']}")


@staff_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--organisation", required=True, help="Organisation name (created if missing).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def staff_create(email: str, role: str, organisation: str, password: str) -> None:
    """Create a staff account."""
    from .services.staff import StaffAlreadyExists, create_staff

    with session_scope(current_app) as session:
        org = session.exec(select(Organisation).where(Organisation.name == organisation)).first()
        if org is None:
            org = Organisation(name=organisation)
            session.add(org)
            session.flush()
        try:
            create_staff(session, organisation_id=org.id, email=email, password=password, role=role)
        except StaffAlreadyExists:
            raise click.ClickException(f"{email} already has an account.") from None
    click.echo(f"Created {role} {email}.")


def _staff_user(session, email: str):
    from .services.staff import find_by_email

    user = find_by_email(session, email)
    if user is None:
        raise click.ClickException(f"No staff account for {email}.")
    return user


@staff_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def staff_set_password(email: str, password: str) -> None:
    """Set a staff user's password (a forgotten one, until self-service reset exists)."""
    from .services.staff import MIN_PASSWORD_LENGTH, WeakPassword, set_password

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
    from .services.staff import reset_totp

    with session_scope(current_app) as session:
        reset_totp(session, user=_staff_user(session, email))
    click.echo(f"Two-factor sign-in reset for {email}.")


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from .exports.cli import export_command
    from .instruments.cli import instruments_cli

    for command in (db_cli, staff_cli, demo_command, export_command, instruments_cli):
        app.cli.add_command(command)
    from .participant.cli import register as register_participant_commands  # invite, invitations

    register_participant_commands(app)
