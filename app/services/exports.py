"""Pseudonymised exports for evaluators: one use case, `start_export`, for the web and the CLI.

The file is row-level data about people, so it is called pseudonymised (it is personal data):
k-anonymous in its background columns, with a pseudonym per evaluation. Health Wheel and
KASAM answers are health data (GDPR art. 9): they leave only when the evaluation project
records a purpose that includes them, and only answers the participant consented to storing.

The audit event (who, when, which evaluation, which filters, which health data under which
purpose) is committed before the first byte is produced, so an export that is interrupted is
still on record; the SPSS file, the one part that can be refused by its library, is written
before that event, so an export that cannot be built is refused, never audited as made.
"""
from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial

from sqlmodel import Session, select

from ..exports.archive import datapackage, json_text, write_spss, zip_stream
from ..exports.codebook import codebook_blocks, to_html, to_markdown
from ..exports.columns import Column, background_columns, long_columns, wide_columns
from ..exports.csvformat import CSV_FORMATS, CsvFormat
from ..exports.facts import ExportFacts, SensitiveChoice, generalisation, left_out
from ..exports.readme import readme
from ..exports.rows import FileScope, answer_rows, export_population, long_rows, wide_rows
from ..instruments import Instrument
from ..instruments.codebook import asks_target_language
from ..models import EvaluationProject
from .audit import record
from .cohort import (
    CohortFilter,
    chosen_instrument,
    cohort_size,
    comparable_versions,
    current_instruments,
)
from .disclosure import QUASI_IDENTIFIERS, EvaluatorView, view_of
from .errors import N_, DomainError

LAYOUTS = ("long", "wide")
# Sensitive instruments and the project flag that lets them leave. A sensitive instrument
# missing here never leaves, whatever the purpose says.
SENSITIVE_SCOPES = {"health_wheel": "includes_health", "kasam13": "includes_kasam"}


def evaluation_project(session: Session, *, organisation_id: int, name: str) -> EvaluationProject:
    """The organisation's evaluation called `name`, created (with a new secret) on first use."""
    project = session.exec(select(EvaluationProject).where(
        EvaluationProject.organisation_id == organisation_id, EvaluationProject.name == name)).first()
    if project is None:
        project = EvaluationProject(organisation_id=organisation_id, name=name)
        session.add(project)
        session.flush()
    return project


@dataclass
class Export:
    """A started export: its file name and the generator of its zip bytes."""

    file_name: str
    chunks: partial

    def write_to(self, path: str) -> int:
        """Write the whole zip to `path` (the CLI); returns its size in bytes."""
        size = 0
        with open(path, "wb") as target:
            for chunk in self.chunks():
                target.write(chunk)
                size += len(chunk)
        return size


class CannotExport(DomainError):
    """The export cannot be made as asked (an unknown group, too few people, nothing that
    may leave)."""

    message = N_("This selection cannot be exported.")


@dataclass(frozen=True)
class Purpose:
    """What the evaluator states with an export: the evaluation's purpose and whether it
    includes Health Wheel and KASAM answers. Nothing stated: neither leaves."""

    text: str = ""
    health: bool = False
    kasam: bool = False

    @property
    def stated(self) -> bool:
        return bool(self.text.strip()) or self.health or self.kasam


NO_PURPOSE = Purpose()


def _check_cohort(session: Session, view: EvaluatorView, cohort: CohortFilter) -> None:
    """Only the organisation's k-anonymous groups, and never fewer than k people."""
    for name, label in cohort.chosen().items():
        if label is not None and label not in view.labels(name):
            raise CannotExport(N_("There is no group %(group)s to choose for %(name)s."),
                               group=label, name=name)
    if cohort_size(session, view, cohort) < view.k:
        raise CannotExport(N_("The selection has fewer than %(k)s participants and cannot be "
                              "exported."), k=view.k)


def _record_purpose(session: Session, project: EvaluationProject, purpose: Purpose, *,
                    staff_id: int | None, ip: str | None, via: str) -> None:
    """Store a stated purpose on the project, audited when it changes (part of the export's
    unit of work, so the purpose on record is the one the file was made under)."""
    if not purpose.stated:
        return
    text = purpose.text.strip()
    if (purpose.health or purpose.kasam) and not text:
        raise CannotExport(N_("Write the purpose of the evaluation to include Health Wheel or "
                              "KASAM answers."))
    stated = (text, purpose.health, purpose.kasam)
    if stated == (project.purpose, project.includes_health, project.includes_kasam):
        return
    project.purpose, project.includes_health, project.includes_kasam = stated
    session.add(project)
    record(session, action="evaluation_project.purpose_recorded", staff_id=staff_id, ip=ip,
           object_type="evaluation_project", object_id=project.id,
           details={"evaluation": project.name, "purpose": text, "includes_health": purpose.health,
                    "includes_kasam": purpose.kasam, "via": via})


def _sensitive_choices(offered: list[Instrument], project: EvaluationProject,
                       purpose: Purpose) -> list[SensitiveChoice]:
    """For each sensitive instrument offered: whether it leaves (this export states a purpose,
    and the project's recorded purpose includes it)."""
    return [SensitiveChoice(
        i.key, included=purpose.stated and bool(project.purpose.strip())
        and bool(getattr(project, SENSITIVE_SCOPES.get(i.key, ""), False)),
        purpose=project.purpose) for i in offered if i.sensitive]


@dataclass(frozen=True)
class ExportPlan:
    """Everything decided before the first byte: who and what the file holds, and what its
    README and codebook say about it."""

    scope: FileScope
    secret: str
    layout: str
    fmt: CsvFormat
    instruments: list[Instrument]
    left_out_atoms: tuple[str, ...]
    facts: ExportFacts

    @property
    def language_keys(self) -> list[str]:
        return [i.key for i in self.instruments if asks_target_language(i)]


def start_export(session: Session, cohort: CohortFilter, *, evaluation: str, layout: str,
                 threshold: int, csv_format: str = "comma", purpose: Purpose = NO_PURPOSE,
                 staff_id: int | None = None, ip: str | None = None,
                 via: str = "web") -> Export:
    """Record the purpose (when stated) and the export, and return it ready to stream;
    raises CannotExport."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    fmt = CSV_FORMATS[csv_format]
    view = view_of(session, cohort.organisation_id, threshold)
    _check_cohort(session, view, cohort)
    project = evaluation_project(session, organisation_id=cohort.organisation_id, name=evaluation)
    _record_purpose(session, project, purpose, staff_id=staff_id, ip=ip, via=via)
    offered = [chosen_instrument(cohort)] if cohort.instrument_key else current_instruments()
    sensitive = _sensitive_choices(offered, project, purpose)
    leaving = {c.key for c in sensitive if c.included}
    chosen = [i for i in offered if not i.sensitive or i.key in leaving]
    if not chosen:
        raise CannotExport(N_("Health Wheel and KASAM answers leave only when the evaluation's "
                              "purpose includes them."))
    versions = tuple(comparable_versions(chosen[0])) if cohort.instrument_version else ()
    scope = FileScope(view, cohort, tuple(i.key for i in chosen), frozenset(leaving), versions)
    small = export_population(session, scope)
    filters = {k: v for k, v in cohort.as_details().items() if k != "organisation_id"}
    details = {"evaluation": evaluation, "layout": layout, "csv": fmt.key, "via": via,
               "filters": cohort.as_details(), "instruments": [i.key for i in chosen],
               "sensitive_included": sorted(leaving),
               "purpose": project.purpose if leaving else None}
    csv_name = f"stegvis-{layout}.csv"
    plan = ExportPlan(
        scope=scope, secret=project.secret, layout=layout, fmt=fmt, instruments=chosen,
        left_out_atoms=tuple(small), facts=ExportFacts(
            evaluation=evaluation, layout=layout, csv_name=csv_name,
            sav_name="stegvis-wide.sav" if layout == "wide" else None,
            generalised=generalisation(view), left_out=left_out(view, sum(small.values())),
            sensitive=sensitive, filters=filters))
    sav = _spss_file(session, plan)  # may fail: before the audit event and the first byte
    record(session, action="export", staff_id=staff_id, ip=ip, object_type="evaluation_project",
           object_id=project.id, details=details)
    session.commit()
    ascii_name = unicodedata.normalize("NFKD", evaluation).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower() or "export"
    return Export(file_name=f"stegvis-{slug}-{layout}-{date.today().isoformat()}.zip",
                  chunks=partial(_zip_chunks, session, plan, sav))


def _wide_columns(plan: ExportPlan) -> list[Column]:
    labels = {name: plan.scope.view.labels(name) for name in QUASI_IDENTIFIERS}
    return background_columns(labels) + [c for i in plan.instruments for c in wide_columns(i)]


def _answers(session: Session, plan: ExportPlan):
    return answer_rows(session, plan.scope, plan.left_out_atoms)


def _spss_file(session: Session, plan: ExportPlan):
    """The wide layout's .sav, written now to a temporary file (deleted when closed); readstat
    raising here refuses the export as a whole. None for the long layout."""
    if not plan.facts.sav_name:
        return None
    wide = _wide_columns(plan)
    temporary = tempfile.NamedTemporaryFile(suffix=".sav")  # noqa: SIM115 (lives as long as the export)
    try:
        write_spss(temporary.name, wide_rows(_answers(session, plan), plan.secret,
                                             [c.name for c in wide], plan.language_keys),
                   wide, f"Stegvis: {plan.facts.evaluation}")
    except Exception as failure:
        temporary.close()
        raise CannotExport(N_("The SPSS file could not be made for this export. Try the long "
                              "layout or another evaluation name.")) from failure
    return temporary


def _zip_chunks(session: Session, plan: ExportPlan, sav) -> Iterator[bytes]:
    try:
        yield from _zip_parts(session, plan, sav)
    finally:
        if sav is not None:
            sav.close()


def _zip_parts(session: Session, plan: ExportPlan, sav) -> Iterator[bytes]:
    view = plan.scope.view
    labels = {name: view.labels(name) for name in QUASI_IDENTIFIERS}
    wide = _wide_columns(plan)

    def wide_data():
        return wide_rows(_answers(session, plan), plan.secret, [c.name for c in wide],
                         plan.language_keys)

    def long_data():
        return long_rows(_answers(session, plan), plan.secret, plan.language_keys)

    columns: list[Column]
    if plan.layout == "long":
        columns, rows = long_columns(labels, plan.instruments), long_data
    else:
        columns, rows = wide, wide_data
    facts = plan.facts
    package = datapackage("stegvis-export", facts.csv_name, columns, plan.instruments,
                          {"evaluation": facts.evaluation, "layout": plan.layout, **facts.filters},
                          plan.fmt)
    blocks = codebook_blocks(facts=facts, fmt=plan.fmt, columns=columns,
                             instruments=plan.instruments, k=view.k)
    files = {
        "README.txt": readme(facts, plan.fmt, view.k),
        "datapackage.json": json_text(package),
        "codebook.html": to_html(blocks),
        "codebook.md": to_markdown(blocks),
    }
    spss = (facts.sav_name, sav.name) if sav is not None else None
    yield from zip_stream(csv_name=facts.csv_name, columns=columns, rows=rows, fmt=plan.fmt,
                          extra_files=files, spss=spss)
