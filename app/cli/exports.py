"""`flask export`: the evaluator's pseudonymised export for scheduled deliveries."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import select

from ..db import session_scope
from ..exports.csvformat import CSV_FORMATS
from ..models import Organisation
from ..services.cohort import CohortFilter
from ..services.disclosure import threshold_of
from ..services.exports import LAYOUTS, CannotExport, Purpose, start_export


@click.command("export")
@click.option("--evaluation", required=True, help="Evaluation name; the same name keeps the same pseudonyms.")
@click.option("--layout", type=click.Choice(LAYOUTS), default="wide", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the zip.")
@click.option("--organisation", help="Organisation name (needed when there are several).")
@click.option("--unit", help="Unit group as the dashboard offers it (a name, or other_units).")
@click.option("--period", help="Intake year or period as the dashboard offers it.")
@click.option("--gender", help="Gender group (woman, man, other_or_not_recorded, …).")
@click.option("--age-band", help="Age band as the dashboard offers it.")
@click.option("--exit-reason", help="Exit reason group as the dashboard offers it.")
@click.option("--instrument", help="Instrument key (default: all instruments).")
@click.option("--csv", "csv_format", type=click.Choice(list(CSV_FORMATS)), default="comma",
              show_default=True,
              help="comma: comma-separated, decimal point. semicolon: semicolon-separated, decimal "
                   "comma (Swedish Excel).")
@click.option("--purpose", default="",
              help="The evaluation's purpose, recorded on it; needed to include health data.")
@click.option("--include-health", is_flag=True,
              help="Include Health Wheel answers stored with consent (needs --purpose).")
@click.option("--include-kasam", is_flag=True,
              help="Include KASAM answers stored with consent (needs --purpose).")
@with_appcontext
def export_command(evaluation, layout, out, organisation, unit, period, gender, age_band,
                   exit_reason, instrument, csv_format, purpose, include_health,
                   include_kasam) -> None:
    """Write the pseudonymised export zip for EVALUATION with the same filters as the
    dashboard. Health Wheel and KASAM answers are left out unless --purpose and
    --include-health / --include-kasam say they are part of the evaluation."""
    with session_scope(current_app) as session:
        query = select(Organisation)
        if organisation:
            query = query.where(Organisation.name == organisation)
        found = session.exec(query).all()
        if len(found) != 1:
            raise click.ClickException("Name one existing organisation with --organisation.")
        cohort = CohortFilter(organisation_id=found[0].id, unit=unit, period=period,
                              gender=gender, age_band=age_band, exit_reason=exit_reason,
                              instrument_key=instrument)
        threshold = threshold_of(session, found[0].id,
                                 floor=int(current_app.config["SMALL_CELL_THRESHOLD"]))
        try:
            export = start_export(
                session, cohort, evaluation=evaluation, layout=layout, threshold=threshold,
                csv_format=csv_format, via="cli",
                purpose=Purpose(purpose, health=include_health, kasam=include_kasam))
        except CannotExport as refused:
            raise click.ClickException(str(refused)) from None
        size = export.write_to(out)
    click.echo(f"Wrote {out} ({size:,} bytes).")
