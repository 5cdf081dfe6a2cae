"""`flask scores rebuild`: recompute the stored scores the cohort dashboard reads."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..db import session_scope
from ..services.scores import rebuild


@click.group("scores")
def scores_cli() -> None:
    """Stored assessment scores read by the cohort dashboard."""


@scores_cli.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Recompute the stored scores of all completed, stored assessments (e.g. after an
    instrument definition changed)."""
    with session_scope(current_app) as session:
        written = rebuild(session)
    click.echo(f"Stored the scores of {written} assessments.")
