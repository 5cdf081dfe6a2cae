"""Licensed wording in the database: what is loaded, whether an instrument may go out, and
loading an administrator's file (audited, with the permission it was given under)."""
from __future__ import annotations

import tomllib
from datetime import date

from sqlmodel import Session, select

from ..instruments import Instrument, InstrumentDefinitionError, UnknownInstrument
from ..instruments import get as get_instrument
from ..instruments.licences import (
    Availability,
    LicensedWording,
    availability,
    parse_licensed_wording,
)
from ..models import InstrumentLicence, StaffUser, utcnow
from . import audit
from .errors import N_, DomainError


class LicenceRefused(DomainError):
    """A licensed-wording file that cannot be loaded as asked."""

    message = N_("The licensed wording cannot be loaded: %(reason)s")


def licence_rows(session: Session, instrument: Instrument) -> list[InstrumentLicence]:
    """The stored licences of one instrument version (any language)."""
    return list(session.exec(select(InstrumentLicence).where(
        InstrumentLicence.instrument_key == instrument.key,
        InstrumentLicence.instrument_version == instrument.version,
    )))


def licensed_wordings(session: Session, instrument: Instrument) -> list[LicensedWording]:
    """Parsed licensed wording per language, for `texts.localized(licences=…)`."""
    return [
        parse_licensed_wording(row.definition_text, f"licence {row.id}", base=instrument,
                               language=row.language)
        for row in licence_rows(session, instrument)
    ]


def may_send(session: Session, instrument: Instrument, *, environment: str,
             language: str | None = None) -> Availability:
    """`availability()` with the licences stored in the database."""
    if not instrument.requires_licence:
        return Availability(True)
    languages = [row.language for row in licence_rows(session, instrument)]
    return availability(instrument, environment=environment, licensed_languages=languages,
                        language=language)


def _base_of(text: str, file_name: str) -> Instrument:
    try:
        head = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentDefinitionError(file_name, "", f"not valid TOML: {exc}") from exc
    for field in ("key", "version"):
        if field not in head:
            raise InstrumentDefinitionError(file_name, field, "required field is missing")
    try:
        return get_instrument(head["key"], head["version"])
    except UnknownInstrument as exc:
        raise LicenceRefused(reason=str(exc)) from None


def load_wording(
    session: Session,
    *,
    text: str,
    file_name: str,
    permission_ref: str,
    granted_by: str,
    granted_on: date | None = None,
    scope: str = "",
    language: str | None = None,
    loaded_by_email: str | None = None,
    replace: bool = False,
) -> LicensedWording:
    """Store licensed wording for one language, checked against the shipped definition.
    Raises LicenceRefused (or InstrumentDefinitionError naming the file and field)."""
    base = _base_of(text, file_name)
    if not base.requires_licence:
        raise LicenceRefused(reason=f"{base.ident} needs no licence; nothing to load.")
    wording = parse_licensed_wording(text, file_name, base=base, language=language)
    loader_id = None
    if loaded_by_email:
        loader = session.exec(select(StaffUser).where(
            StaffUser.email == loaded_by_email.lower())).first()
        if loader is None:
            raise LicenceRefused(reason=f"no staff user {loaded_by_email}")
        loader_id = loader.id
    existing = next((row for row in licence_rows(session, base)
                     if row.language == wording.language), None)
    if existing is not None and not replace:
        raise LicenceRefused(
            reason=f"{base.ident} already has wording in '{wording.language}'; use --replace.")
    row = existing or InstrumentLicence(instrument_key=base.key, instrument_version=base.version,
                                        language=wording.language)
    row.definition_text, row.granted_by, row.granted_on = text, granted_by, granted_on
    row.scope, row.permission_ref = scope, permission_ref
    row.loaded_by_id, row.loaded_at = loader_id, utcnow()
    session.add(row)
    session.flush()
    audit.record(session, action="licence.loaded", staff_id=loader_id,
                 object_type="instrument_licence", object_id=row.id,
                 details={"instrument": base.ident, "language": wording.language,
                          "permission": permission_ref, "replaced": existing is not None})
    session.commit()
    return wording
