"""`flask export`: the evaluator's anonymised export for scheduled deliveries."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import select

from ..db import session_scope
from ..models import ExitReason, Gender, Organisation, Unit
from ..services.cohort import CohortFilter
from ..services.exports import LAYOUTS, start_export
from ..statistics.age import BAND_LABELS


@click.command("export")
@click.option("--evaluation", required=True, help="Evaluation name; the same name keeps the same pseudonyms.")
@click.option("--layout", type=click.Choice(LAYOUTS), default="wide", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the zip.")
@click.option("--organisation", help="Organisation name (needed when there are several).")
@click.option("--unit", help="Unit name.")
@click.option("--intake-year", type=int)
@click.option("--gender", type=click.Choice([g.value for g in Gender]))
@click.option("--age-band", type=click.Choice(BAND_LABELS))
@click.option("--exit-reason", type=click.Choice([r.value for r in ExitReason]))
@click.option("--instrument", help="Instrument key (default: all instruments).")
@with_appcontext
def export_command(evaluation, layout, out, organisation, unit, intake_year, gender, age_band,
                   exit_reason, instrument) -> None:
    """Write the anonymised export zip for EVALUATION with the same filters as the dashboard."""
    with session_scope(current_app) as session:
        query = select(Organisation)
        if organisation:
            query = query.where(Organisation.name == organisation)
        found = session.exec(query).all()
        if len(found) != 1:
            raise click.ClickException("Name one existing organisation with --organisation.")
        org = found[0]
        unit_id = None
        if unit:
            unit_row = session.exec(select(Unit).where(Unit.organisation_id == org.id,
                                                       Unit.name == unit)).first()
            if unit_row is None:
                raise click.ClickException(f"No unit {unit!r} in {org.name}.")
            unit_id = unit_row.id
        cohort = CohortFilter(organisation_id=org.id, unit_id=unit_id, intake_year=intake_year,
                              gender=gender, age_band=age_band, exit_reason=exit_reason,
                              instrument_key=instrument)
        threshold = max(3, int(current_app.config["SMALL_CELL_THRESHOLD"]))
        export = start_export(session, cohort, evaluation=evaluation, layout=layout,
                              threshold=threshold, via="cli")
        size = export.write_to(out)
    click.echo(f"Wrote {out} ({size:,} bytes).")
