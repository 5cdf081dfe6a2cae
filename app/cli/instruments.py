"""`flask instruments …`: list, score JSON lines, load licensed wording, sync Swedish texts.

`score` is the batch
interface for evaluators and benchmarks: JSON lines in, JSON lines out, and the first
invalid line stops it with a non-zero exit code naming the line and the item.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import session_scope
from ..instruments.registry import InstrumentDefinitionError, UnknownInstrument, registry
from ..instruments.schema import Instrument
from ..instruments.scoring import InvalidAnswer, Scores, score
from ..services import licences
from ..services.staff import find_by_email

instruments_cli = AppGroup("instruments", help="Instrument definitions, scoring and licences.")


def _instrument(key: str, version: int | None) -> Instrument:
    try:
        return registry().get(key, version) if version else registry().latest(key)
    except UnknownInstrument as exc:
        raise click.ClickException(str(exc)) from None


def scores_as_json(instrument: Instrument, scores: Scores) -> dict:
    """The CLI's output shape, the scoring method's: CEFR-like level instruments report
    level names."""
    return instrument.method.as_json(instrument, scores)


@instruments_cli.command("list")
def list_command() -> None:
    """Show every loaded instrument version and whether it needs a licence."""
    for instrument in registry():
        flags = [f"{len(instrument.items)} items", instrument.scoring.method]
        if instrument.sensitive:
            flags.append("health consent")
        if instrument.requires_licence:
            flags.append("licence required")
        click.echo(
            f"{instrument.key}\tv{instrument.version}\t{instrument.title.en}\t({', '.join(flags)})"
        )


@instruments_cli.command("score")
@click.argument("key")
@click.argument("answers", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--version", type=int, default=None, help="Definition version (default: latest).")
def score_command(key: str, answers, version: int | None) -> None:
    """Score JSON lines of raw answers (ANSWERS file, default stdin); print JSON lines of scores."""
    instrument = _instrument(key, version)
    for number, line in enumerate(answers, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(raw, dict):
            raise click.ClickException(f"line {number}: expected a JSON object of item answers")
        try:
            scores = score(instrument, raw)
        except InvalidAnswer as exc:
            raise click.ClickException(f"line {number}: {exc}") from None
        click.echo(json.dumps(scores_as_json(instrument, scores), ensure_ascii=False))


@instruments_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--permission",
    "permission_ref",
    required=True,
    help="Reference to the permission (letter, agreement or case number).",
)
@click.option("--granted-by", required=True, help="Who granted the permission.")
@click.option(
    "--granted-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date of the permission, YYYY-MM-DD.",
)
@click.option("--scope", default="", help="What the permission covers (organisation, period).")
@click.option("--language", default=None, help="Language of the wording (default: from the file).")
@click.option("--loaded-by", default=None, help="E-mail of the staff admin loading it (audit).")
@click.option("--replace", is_flag=True, help="Replace wording already loaded for that language.")
def load_command(
    file: Path,
    permission_ref: str,
    granted_by: str,
    granted_on,
    scope: str,
    language: str | None,
    loaded_by: str | None,
    replace: bool,
) -> None:
    """Load licensed wording for one language, checked against the shipped definition."""
    with session_scope(current_app) as session:
        loader = find_by_email(session, loaded_by) if loaded_by else None
        if loaded_by and loader is None:
            raise click.ClickException(f"No staff user {loaded_by}.")
        try:
            wording = licences.load_wording(
                session, text=licences.wording_text(file.read_bytes(), file.name),
                file_name=file.name, permission_ref=permission_ref, granted_by=granted_by,
                granted_on=granted_on.date() if granted_on else None, scope=scope,
                language=language, loaded_by=loader, replace=replace)
        except licences.AlreadyLoaded as exc:
            raise click.ClickException(f"{exc} (Use --replace.)") from None
        except (InstrumentDefinitionError, licences.LicenceRefused) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Loaded {wording.key}-{wording.version} wording in '{wording.language}' "
               f"(permission: {permission_ref}).")


@instruments_cli.command("sync-sv")
@click.argument("po_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def sync_sv_command(po_file: Path) -> None:
    """Write the definitions' Swedish texts into the sv catalog (run after `pybabel update`)."""
    from babel.messages.pofile import read_po, write_po

    from ..instruments.extract import sync_swedish

    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale="sv")
    count = sync_swedish(catalog, list(registry()))
    with po_file.open("wb") as handle:
        write_po(handle, catalog, width=100)
    click.echo(f"Wrote {count} Swedish instrument texts into {po_file}.")
