"""Organisations and their units: setting them up, and the organisation's privacy settings.

An admin decides each organisation's settings (`OrganisationSettings`); the installation
bounds them (`SettingRules`: the STEGVIS_SMALL_CELL floor and the languages with a catalog,
which the caller knows). Every change is audited with the values before and after.
"""
from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, fields

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import instruments
from ..languages import BY_CODE, DEFAULT_LANGUAGE, LANGUAGES
from ..models import Organisation, Unit
from ..models.organisations import DEFAULT_INSTRUMENTS
from ..statistics.disclosure import MINIMUM_K
from . import audit
from .errors import N_, DomainError
from .transactions import savepoint

# Shorter than half a year would purge people before their follow-up after exit is answered;
# longer than ten years is no longer "as long as the programme needs it".
RETENTION_MONTHS = (6, 120)
LARGEST_THRESHOLD = 100  # beyond this every figure of a programme would be hidden
NAME_LENGTH, CONTACT_LENGTH = 200, 300  # the columns' lengths


class UnknownOrganisation(LookupError):
    """No organisation has that name."""


class InvalidUnitPlan(ValueError):
    """A unit plan with an unknown instrument or an impossible interval."""


def find_organisation(session: Session, name: str) -> Organisation:
    """The organisation called `name`, or UnknownOrganisation."""
    organisation = session.exec(select(Organisation).where(Organisation.name == name)).first()
    if organisation is None:
        raise UnknownOrganisation(name)
    return organisation


@dataclass(frozen=True)
class SettingRules:
    """What the installation allows an organisation to choose."""

    threshold_floor: int = MINIMUM_K  # STEGVIS_SMALL_CELL: no organisation goes below it
    languages: tuple[str, ...] = tuple(BY_CODE)  # the codes with a catalog


@dataclass(frozen=True)
class OrganisationSettings:
    """Everything an admin decides for an organisation, as one value."""

    name: str
    require_totp: bool = False  # two-factor sign-in for staff who see participant data
    retention_months: int = 24
    small_cell_threshold: int = 5
    controller_name: str = ""
    controller_contact: str = ""
    aggregate_health_wheel: bool = False
    participant_languages: tuple[str, ...] | None = None  # None: every language with a catalog

    @classmethod
    def of(cls, organisation: Organisation) -> OrganisationSettings:
        """The settings an organisation has now."""
        return cls(**{f.name: getattr(organisation, f.name) for f in fields(cls)
                      if f.name != "participant_languages"},
                   participant_languages=organisation.participant_language_codes)

    def columns(self) -> dict:
        """The settings as the organisation's columns hold them."""
        values = asdict(self)
        codes = self.participant_languages
        values["participant_languages"] = None if codes is None else ",".join(codes)
        return values


def new_settings(rules: SettingRules) -> OrganisationSettings:
    """What a new organisation starts from: the defaults, its threshold at least the floor."""
    return OrganisationSettings(
        name="", small_cell_threshold=max(OrganisationSettings.small_cell_threshold,
                                          rules.threshold_floor))


class SettingProblem(DomainError):
    """One setting that cannot be saved; `field` names it, so a form shows the message there."""

    def __init__(self, field: str, message: str, **values: object) -> None:
        self.field = field
        super().__init__(message, **values)


class InvalidSettings(DomainError):
    """The settings were refused, with every problem found (`problems`); nothing was saved."""

    message = N_("The settings were not saved.")

    def __init__(self, problems: list[SettingProblem]) -> None:
        self.problems = problems
        super().__init__()


def text_problem(field: str, value: str, length: int, missing: str) -> SettingProblem | None:
    """A required text that is empty (`missing` says what to write), longer than its column,
    or holding control characters (PostgreSQL refuses NUL; none belongs in a name)."""
    if not value:
        return SettingProblem(field, missing)
    if len(value) > length:
        return SettingProblem(field, N_("Write at most %(max)d characters."), max=length)
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in value):
        return SettingProblem(field, N_("Remove the control characters (they cannot be shown)."))
    return None


def _tidied(settings: OrganisationSettings) -> OrganisationSettings:
    """Spaces trimmed, and the languages in the order people see them, Swedish always first."""
    codes = settings.participant_languages
    if codes is not None:
        codes = (DEFAULT_LANGUAGE, *[language.code for language in LANGUAGES
                                     if language.code in codes and language.code != DEFAULT_LANGUAGE],
                 *sorted(set(codes) - set(BY_CODE)))  # unknown ones kept, to be named
    return OrganisationSettings(**{**asdict(settings), "name": settings.name.strip(),
                                   "controller_name": settings.controller_name.strip(),
                                   "controller_contact": settings.controller_contact.strip(),
                                   "participant_languages": codes})


def setting_problems(settings: OrganisationSettings, rules: SettingRules) -> list[SettingProblem]:
    """What is wrong with `settings` (already tidied) under the installation's `rules`."""
    low, high = RETENTION_MONTHS
    floor = max(MINIMUM_K, rules.threshold_floor)
    problems = [
        text_problem("name", settings.name, NAME_LENGTH, N_("Give the organisation a name.")),
        text_problem("controller_name", settings.controller_name, NAME_LENGTH,
                      N_("Name the data controller: the privacy notice tells participants who "
                         "is responsible for their information.")),
        text_problem("controller_contact", settings.controller_contact, CONTACT_LENGTH,
                      N_("Give the data controller's contact details (an address, e-mail or "
                         "telephone number).")),
    ]
    if not low <= settings.retention_months <= high:
        problems.append(SettingProblem("retention_months", N_(
            "Choose from %(low)d to %(high)d months after exit."), low=low, high=high))
    if settings.small_cell_threshold < floor:
        problems.append(SettingProblem("small_cell_threshold", N_(
            "The threshold cannot be below %(floor)d: smaller groups could show who someone "
            "is."), floor=floor))
    elif settings.small_cell_threshold > LARGEST_THRESHOLD:
        problems.append(SettingProblem("small_cell_threshold", N_(
            "The threshold can be at most %(high)d."), high=LARGEST_THRESHOLD))
    problems += [SettingProblem("participant_languages", N_(
        "%(code)s is not a language this installation offers."), code=code)
        for code in settings.participant_languages or () if code not in rules.languages]
    return [problem for problem in problems if problem is not None]


def _name_taken(session: Session, name: str, organisation_id: int | None) -> bool:
    same = session.exec(select(Organisation.id).where(Organisation.name == name)).first()
    return same is not None and same != organisation_id


def _checked(session: Session, settings: OrganisationSettings, rules: SettingRules,
             organisation_id: int | None = None) -> OrganisationSettings:
    """The settings tidied, or InvalidSettings naming every problem."""
    tidy = _tidied(settings)
    problems = setting_problems(tidy, rules)
    if not any(p.field == "name" for p in problems) and _name_taken(session, tidy.name,
                                                                      organisation_id):
        problems.append(_taken(tidy.name))
    if problems:
        raise InvalidSettings(problems)
    return tidy


def _taken(name: str) -> SettingProblem:
    return SettingProblem("name", N_("Another organisation is already called %(name)s."), name=name)


def create_organisation(session: Session, *, settings: OrganisationSettings,
                        rules: SettingRules = SettingRules(), staff_id: int | None = None,
                        ip: str | None = None, via: str = "web") -> Organisation:
    """A new organisation with its settings checked, audited with every value it starts with."""
    tidy = _checked(session, settings, rules)
    organisation = Organisation(**tidy.columns())
    try:
        with savepoint(session):
            session.add(organisation)
            session.flush()
    except IntegrityError:  # created by someone else since the check
        raise InvalidSettings([_taken(tidy.name)]) from None
    audit.record(session, action="organisation.created", staff_id=staff_id, ip=ip,
                 object_type="organisation", object_id=organisation.id,
                 details={"after": tidy.columns(), "via": via})
    session.commit()
    return organisation


def change_settings(session: Session, *, organisation: Organisation,
                    settings: OrganisationSettings, rules: SettingRules = SettingRules(),
                    staff_id: int | None = None, ip: str | None = None,
                    via: str = "web") -> set[str]:
    """Save the organisation's settings after checking them all; returns the names changed."""
    tidy = _checked(session, settings, rules, organisation.id)
    try:
        return _apply(session, organisation, tidy.columns(), staff_id=staff_id, ip=ip, via=via)
    except IntegrityError:  # renamed to a name taken since the check
        session.rollback()
        raise InvalidSettings([_taken(tidy.name)]) from None


def _apply(session: Session, organisation: Organisation, values: dict, *,
           staff_id: int | None, ip: str | None, via: str) -> set[str]:
    """Set the values that differ, audited with before and after; nothing when none does."""
    changed = audit.record_changes(session, organisation, values, staff_id=staff_id, ip=ip,
                                   action="organisation.settings_changed",
                                   object_type="organisation", details={"via": via})
    if changed:
        session.commit()
    return changed


def all_organisations(session: Session) -> list[Organisation]:
    """Every organisation of the installation, by name (the admin's list)."""
    return list(session.exec(select(Organisation).order_by(Organisation.name)).all())


def ensure_organisation(session: Session, name: str) -> Organisation:
    """The organisation called `name`, created when it does not exist yet."""
    try:
        return find_organisation(session, name)
    except UnknownOrganisation:
        organisation = Organisation(name=name)
        session.add(organisation)
        session.commit()
        return organisation


def require_two_factor(session: Session, *, organisation: Organisation, required: bool,
                       staff_id: int | None = None, via: str = "cli") -> None:
    """Make two-factor sign-in required (or optional) for staff who see participant data."""
    _apply(session, organisation, {"require_totp": required}, staff_id=staff_id, ip=None, via=via)


def set_health_statistics(session: Session, *, organisation: Organisation, on: bool,
                          staff_id: int | None = None, via: str = "web") -> Organisation:
    """Let the organisation's cohort statistics pool Health Wheel answers across people (or
    stop them), audited: MAP2020 kept its Hälsohjulet as discussion material only, so
    aggregating health data is a decision someone takes and answers for."""
    _apply(session, organisation, {"aggregate_health_wheel": on}, staff_id=staff_id, ip=None,
           via=via)
    return organisation


def create_unit(
    session: Session,
    *,
    organisation: Organisation,
    name: str,
    midway_after_months: int = 5,
    exit_after_months: int = 10,
    follow_up_after_days: int = 90,
    instrument_keys: list[str] | None = None,
) -> Unit:
    """A unit with its plan: when occasions fall due and which instruments it invites to."""
    keys = instrument_keys or DEFAULT_INSTRUMENTS.split(",")
    unknown = set(keys) - set(instruments.registry().keys())
    if unknown:
        raise InvalidUnitPlan(f"unknown instruments: {', '.join(sorted(unknown))}")
    if not 0 < midway_after_months < exit_after_months or follow_up_after_days < 0:
        raise InvalidUnitPlan("midway must come after intake and before exit")
    unit = Unit(organisation_id=organisation.id, name=name, midway_after_months=midway_after_months,
                exit_after_months=exit_after_months, follow_up_after_days=follow_up_after_days,
                default_instruments=",".join(keys))
    session.add(unit)
    session.commit()
    return unit


def find_units(session: Session, *, organisation: Organisation, names: list[str]) -> list[Unit]:
    """The organisation's units with these names; LookupError naming any that do not exist."""
    units = session.exec(select(Unit).where(Unit.organisation_id == organisation.id,
                                            Unit.name.in_(names))).all()
    missing = set(names) - {unit.name for unit in units}
    if missing:
        raise LookupError(f"no unit named {', '.join(sorted(missing))} in {organisation.name}")
    return list(units)
