"""Forms of the coach workspace. Choices come from the domain's enums and the coach's units."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields import EmailField
from wtforms.validators import (
    AnyOf,
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
from ..models.action_plans import STEP_TEXT_MAX
from ..services.caseload import CaseloadFilter, CaseloadSort
from ..validators import plausible_date
from ..vocabulary import EXIT_REASON_LABELS, GENDER_LABELS, OCCASION_LABELS
from .labels import MODE_LABELS, STEP_OWNER_LABELS


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
    # Checked and normalised by the service (services/contact.py), which says what is wrong.
    mobile = TelField(_l("Mobile number (optional)"), validators=[Optional(), Length(max=40)],
                      description=_l("For invitations and reminders by SMS, e.g. 070-123 45 67."))
    email = EmailField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254)],
                       description=_l("For invitations and reminders by e-mail."))

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


SEND_CHANNELS = {"sms": _l("By SMS"), "email": _l("By e-mail")}


class SendForm(FlaskForm):
    """Send an invitation's link by SMS or e-mail."""

    channel = RadioField(_l("Send the link"), choices=as_choices(SEND_CHANNELS.items()),
                         validators=[InputRequired()])


class BulkSendForm(FlaskForm):
    """Invite the chosen people on the due list to their next occasion, and send it."""

    participant_ids = SelectMultipleField(_l("Participants"), coerce=int, validate_choice=False,
                                          validators=[InputRequired()])
    channel = RadioField(_l("Send by"), default="any", choices=as_choices([
        ("any", _l("SMS, or e-mail for those without a mobile number")), *SEND_CHANNELS.items()]),
        validators=[InputRequired()])


def instrument_titles(keys=None) -> dict[str, str]:
    """Instrument key → title in the reader's language, for every (or the given) instrument."""
    from ..i18n import localized_now

    chosen = keys or sorted({i.key for i in instruments.all_instruments()})
    return {key: localized_now(instruments.latest(key), "title") for key in chosen}


class StepForm(FlaskForm):
    """One step of the action plan: what, who, by when (and, when corrected, whether done)."""

    text = TextAreaField(_l("Step"), validators=[DataRequired(), Length(max=STEP_TEXT_MAX)],
                         description=_l("What is to be done, in a sentence or two."),
                         render_kw={"rows": 2, "maxlength": STEP_TEXT_MAX})
    owner = SelectField(_l("Who"), choices=as_choices(STEP_OWNER_LABELS.items()),
                        default="participant", validators=[InputRequired()])
    due_date = DateField(_l("By when (optional)"), validators=[Optional(), plausible_date])
    done = BooleanField(_l("Done"))


class StepDoneForm(FlaskForm):
    """The plan table's tick: done=1 marks a step done, done=0 opens it again."""

    done = HiddenField(validators=[AnyOf(("0", "1"))])
