"""Licensed wording in the database: what is loaded, whether an instrument may go out, and
loading an administrator's file (audited, with the permission it was given under)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from ..instruments import (
    Instrument,
    InstrumentDefinitionError,
    UnknownInstrument,
    all_instruments,
    latest,
)
from ..instruments import get as get_instrument
from ..instruments.licences import (
    Availability,
    LicensedWording,
    availability,
    parse_licensed_wording,
)
from ..instruments.registry import read_toml
from ..models import InstrumentLicence, StaffUser, utcnow
from . import audit
from .errors import N_, DomainError

# A licensed definition is a few kilobytes of text; anything far larger is not one.
MAX_FILE_BYTES = 256 * 1024


class LicenceRefused(DomainError):
    """A licensed-wording file that cannot be loaded as asked."""

    message = N_("The licensed wording cannot be loaded.")


class NoSuchInstrument(LicenceRefused):
    """The file names an instrument version Stegvis does not ship."""

    message = N_("Stegvis has no instrument %(instrument)s to load wording for.")


class NeedsNoLicence(LicenceRefused):
    """The file is for an instrument whose wording is free."""

    message = N_("%(instrument)s needs no licence: there is nothing to load.")


class AlreadyLoaded(LicenceRefused):
    """Wording for that language is loaded; replacing it is a choice made on purpose."""

    message = N_("%(instrument)s already has licensed wording in the language %(language)s. "
                 "Choose to replace it to load this file.")


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


def wording_text(content: bytes, file_name: str) -> str:
    """An uploaded file's text: at most MAX_FILE_BYTES of UTF-8 (a byte order mark is
    allowed); InstrumentDefinitionError naming the file otherwise."""
    if len(content) > MAX_FILE_BYTES:
        raise InstrumentDefinitionError(file_name, "", f"larger than {MAX_FILE_BYTES // 1024} KB")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InstrumentDefinitionError(file_name, "", f"not UTF-8 text (byte {exc.start})") from exc


def _base_of(text: str, file_name: str) -> Instrument:
    """The shipped definition the file restates (its `key` and `version`)."""
    head = read_toml(text, file_name)
    for field, kinds, what in (("key", (str,), "text"), ("version", (int,), "a whole number")):
        if field not in head:
            raise InstrumentDefinitionError(file_name, field, "required field is missing")
        if not isinstance(head[field], kinds) or isinstance(head[field], bool):
            raise InstrumentDefinitionError(file_name, field, f"must be {what}")
    try:
        return get_instrument(head["key"], head["version"])
    except UnknownInstrument:
        raise NoSuchInstrument(instrument=f"{head['key']}-{head['version']}") from None


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
    loaded_by: StaffUser | None = None,
    replace: bool = False,
    ip: str | None = None,
) -> LicensedWording:
    """Store licensed wording for one language, checked against the shipped definition as
    the definitions are at start-up; audited with the permission it was given under (and,
    replacing wording, the permission before).
    Raises LicenceRefused, or InstrumentDefinitionError naming the file and field."""
    base = _base_of(text, file_name)
    if not base.requires_licence:
        raise NeedsNoLicence(instrument=base.ident)
    wording = parse_licensed_wording(text, file_name, base=base, language=language)
    existing = next((row for row in licence_rows(session, base)
                     if row.language == wording.language), None)
    if existing is not None and not replace:
        raise AlreadyLoaded(instrument=base.ident, language=wording.language)
    replaced = {"permission": {"before": existing.permission_ref, "after": permission_ref}} \
        if existing is not None else {"permission": permission_ref}
    row = existing or InstrumentLicence(instrument_key=base.key, instrument_version=base.version,
                                        language=wording.language)
    row.definition_text, row.granted_by, row.granted_on = text, granted_by, granted_on
    row.scope, row.permission_ref = scope, permission_ref
    row.loaded_by_id, row.loaded_at = loaded_by.id if loaded_by else None, utcnow()
    session.add(row)
    session.flush()
    audit.record(session, action="licence.loaded", staff_id=row.loaded_by_id, ip=ip,
                 object_type="instrument_licence", object_id=row.id,
                 details={"instrument": base.ident, "language": wording.language,
                          "replaced": existing is not None, **replaced})
    session.commit()
    return wording


@dataclass(frozen=True)
class InstrumentStanding:
    """One instrument version as the administrator sees it: whether new invitations use it,
    whether it waits for licensed wording, and the wording loaded (with its permission)."""

    instrument: Instrument
    current: bool  # the newest version of its key: what new invitations use
    active: bool  # current, and allowed to go out in this environment
    licences: tuple[InstrumentLicence, ...]

    @property
    def waiting_for_licence(self) -> bool:
        """A licensed instrument with no wording loaded in any language yet."""
        return self.instrument.requires_licence and not self.licences


def instrument_standings(session: Session, *, environment: str) -> list[InstrumentStanding]:
    """Every loaded instrument version, by key and version, with its licences by language."""
    loaded: dict[tuple[str, int], list[InstrumentLicence]] = {}
    for row in session.exec(select(InstrumentLicence).order_by(InstrumentLicence.language)):
        loaded.setdefault((row.instrument_key, row.instrument_version), []).append(row)
    standings = []
    for instrument in all_instruments():
        current = latest(instrument.key).version == instrument.version
        rows = tuple(loaded.get((instrument.key, instrument.version), ()))
        allowed = availability(instrument, environment=environment,
                               licensed_languages=[row.language for row in rows]).allowed
        standings.append(InstrumentStanding(instrument, current, current and allowed, rows))
    return standings
