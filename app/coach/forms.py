"""Forms of the coach workspace. Choices come from the domain's enums and the coach's units."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from .. import instruments
from ..choices import CheckboxesField, as_choices
from ..i18n import LANGUAGES
from ..models import OCCASION_ORDER
from ..services.caseload import CaseloadFilter, CaseloadSort
from ..validators import plausible_date
from ..vocabulary import EXIT_REASON_LABELS, GENDER_LABELS, OCCASION_LABELS
from .labels import MODE_LABELS


class EmptyForm(FlaskForm):
    """A POST-only button still carries a CSRF token."""


class CaseloadFilterForm(FlaskForm):
    """Search, unit, status and order of the caseload (a GET form: bookmarkable, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search by code or name"), validators=[Optional(), Length(max=100)])
    unit = SelectField(_l("Unit"), coerce=int, default=0, validators=[Optional()])
    status = SelectField(_l("Show"), default=CaseloadFilter.ALL.value, choices=as_choices([
        (CaseloadFilter.ALL.value, _l("Everyone")),
        (CaseloadFilter.DUE.value, _l("Due within 14 days or overdue")),
        (CaseloadFilter.OVERDUE.value, _l("Overdue")),
        (CaseloadFilter.ACTIVE.value, _l("In the programme")),
        (CaseloadFilter.EXITED.value, _l("Left the programme")),
    ]))
    sort = SelectField(_l("Sort by"), default=CaseloadSort.DUE.value, choices=as_choices([
        (CaseloadSort.DUE.value, _l("Next occasion")),
        (CaseloadSort.CODE.value, _l("Code")),
        (CaseloadSort.INTAKE.value, _l("Intake date")),
        (CaseloadSort.UNIT.value, _l("Unit")),
    ]))
    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=100_000)])

    def with_units(self, units) -> CaseloadFilterForm:
        self.unit.choices = as_choices([(0, _l("All my units"))] + [(u.id, u.name) for u in units])
        return self


LANGUAGE_CHOICES = as_choices((language.code, language.native_name) for language in LANGUAGES)


class ParticipantForm(FlaskForm):
    """Background variables; the code is generated, a name is optional."""

    unit = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    display_name = StringField(
        _l("Name (optional)"), validators=[Optional(), Length(max=200)],
        description=_l("Leave empty to know the participant only by their code."))
    intake_date = DateField(_l("Intake date"), default=date.today, validators=[DataRequired(), plausible_date])
    gender = SelectField(_l("Gender"), choices=as_choices(GENDER_LABELS.items()), default="not_recorded")
    birth_year = IntegerField(_l("Year of birth (optional)"),
                              validators=[Optional(), NumberRange(min=1900, max=date.today().year)])
    preferred_language = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES, default="sv")

    def with_units(self, units) -> ParticipantForm:
        self.unit.choices = as_choices((u.id, u.name) for u in units)
        return self


class ExitForm(FlaskForm):
    """Date of leaving and why."""

    exit_date = DateField(_l("Exit date"), default=date.today, validators=[DataRequired(), plausible_date])
    reason = RadioField(_l("Reason for leaving"), choices=as_choices(EXIT_REASON_LABELS.items()),
                        validators=[InputRequired()])


class OccasionDatesForm(FlaskForm):
    """A planned date per occasion, movable per participant."""

    intake = DateField(OCCASION_LABELS["intake"], validators=[Optional(), plausible_date])
    midway = DateField(OCCASION_LABELS["midway"], validators=[Optional(), plausible_date])
    exit = DateField(OCCASION_LABELS["exit"], validators=[Optional(), plausible_date])
    follow_up = DateField(OCCASION_LABELS["follow_up"], validators=[Optional(), plausible_date])


class InvitationForm(FlaskForm):
    """Which occasion, which instruments (the unit's defaults ticked), and on whose device."""

    occasion = RadioField(_l("Occasion"), choices=as_choices((k, OCCASION_LABELS[k]) for k in OCCASION_ORDER),
                          validators=[InputRequired()])
    instrument_keys = CheckboxesField(_l("Questionnaires"), validators=[InputRequired()])
    mode = RadioField(_l("Who fills it in"), choices=as_choices(MODE_LABELS.items()), default="own_device",
                      validators=[InputRequired()])

    def with_instruments(self, titles: dict[str, str]) -> InvitationForm:
        self.instrument_keys.choices = as_choices(titles.items())
        return self


def instrument_titles(keys=None) -> dict[str, str]:
    """Instrument key → title in the reader's language, for every (or the given) instrument."""
    from ..i18n import localized_now

    chosen = keys or sorted({i.key for i in instruments.all_instruments()})
    return {key: localized_now(instruments.latest(key), "title") for key in chosen}
