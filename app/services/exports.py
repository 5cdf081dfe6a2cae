"""Anonymised exports for evaluators: one use case, `start_export`, for the web and the CLI.

The audit event (who, when, which evaluation, which filters) is committed before the first
byte is produced, so an export that is interrupted is still on record.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial

from sqlmodel import Session, select

from .. import instruments
from ..exports.archive import datapackage, json_text, readme, write_spss, zip_stream
from ..exports.columns import background_columns, long_columns, wide_columns
from ..exports.rows import answer_rows, long_rows, wide_rows
from ..models import EvaluationProject
from .audit import record
from .cohort import CohortFilter, cohort_size, current_instruments
from .disclosure import QUASI_IDENTIFIERS, view_of
from .errors import N_, DomainError

LAYOUTS = ("long", "wide")


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
    """The export cannot be made as asked (an unknown group, or nobody to export)."""

    message = N_("This selection cannot be exported.")


def _check_cohort(session: Session, cohort: CohortFilter, threshold: int) -> None:
    """Only the organisation's k-anonymous groups, and never an empty file."""
    view = view_of(session, cohort.organisation_id, threshold)
    for name, label in cohort.chosen().items():
        if label is not None and label not in view.labels(name):
            raise CannotExport(N_("There is no group %(group)s to choose for %(name)s."),
                               group=label, name=name)
    if cohort_size(session, view, cohort) < view.k:
        raise CannotExport(N_("The selection has fewer than %(k)s participants and cannot be "
                              "exported."), k=view.k)


def start_export(session: Session, cohort: CohortFilter, *, evaluation: str, layout: str,
                 threshold: int, staff_id: int | None = None, ip: str | None = None,
                 via: str = "web") -> Export:
    """Record the export and return it ready to stream; raises CannotExport."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    _check_cohort(session, cohort, threshold)
    project = evaluation_project(session, organisation_id=cohort.organisation_id, name=evaluation)
    details = {"evaluation": evaluation, "layout": layout, "via": via, "filters": cohort.as_details()}
    record(session, action="export", staff_id=staff_id, ip=ip, object_type="evaluation_project",
           object_id=project.id, details=details)
    session.commit()
    ascii_name = unicodedata.normalize("NFKD", evaluation).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower() or "export"
    return Export(
        file_name=f"stegvis-{slug}-{layout}-{date.today().isoformat()}.zip",
        chunks=partial(_zip_chunks, session, cohort, project.secret, evaluation, layout, threshold),
    )


def _zip_chunks(session: Session, cohort: CohortFilter, secret: str, evaluation: str, layout: str,
                threshold: int) -> Iterator[bytes]:
    chosen = [instruments.latest(cohort.instrument_key)] if cohort.instrument_key \
        else current_instruments()
    keys = [i.key for i in chosen]
    view = view_of(session, cohort.organisation_id, threshold)
    labels = {name: view.labels(name) for name in QUASI_IDENTIFIERS}
    wide = background_columns(labels) + [c for i in chosen for c in wide_columns(i)]
    wide_names = [c.name for c in wide]

    def wide_data():
        return wide_rows(answer_rows(session, view, cohort, keys), secret, wide_names)

    def long_data():
        return long_rows(answer_rows(session, view, cohort, keys), secret)

    columns, rows = (long_columns(labels, chosen), long_data) if layout == "long" else (wide, wide_data)
    csv_name, sav_name = f"stegvis-{layout}.csv", "stegvis-wide.sav"
    details = {"evaluation": evaluation, "layout": layout, **cohort.as_details()}
    files = {
        "datapackage.json": json_text(datapackage(
            "stegvis-export", csv_name, columns, chosen, details)),
        "README.txt": readme(csv_name=csv_name, sav_name=sav_name, layout=layout,
                             evaluation=evaluation, threshold=threshold, details=details),
    }
    yield from zip_stream(
        csv_name=csv_name, columns=columns, rows=rows, extra_files=files,
        spss=(sav_name, lambda path: write_spss(path, wide_data(), wide, f"Stegvis: {evaluation}")),
    )
