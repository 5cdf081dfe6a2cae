"""Forms of the administration pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ..choices import CheckboxesField, as_choices
from ..services.staffing import EMAIL_LENGTH
from ..services.units import UNIT_NAME_LENGTH
from ..validators import plausible_date
from ..vocabulary import ROLE_LABELS

ANY = ""
LARGEST_ID = 2**31 - 1  # the database's integer ids; a larger number would not be a record


class AuditFilterForm(FlaskForm):
    """Narrow the audit trail (a GET form: bookmarkable, no CSRF). A value that does not
    validate is left out of the filter, as if it had not been given."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), default=ANY)
    actor = SelectField(_l("Done by"), default=ANY)
    since = DateField(_l("From date"), validators=[Optional(), plausible_date])
    until = DateField(_l("To date"), validators=[Optional(), plausible_date])
    object_type = SelectField(_l("Kind of record"), default=ANY)
    object_id = IntegerField(_l("Record number"),
                             validators=[Optional(), NumberRange(min=1, max=LARGEST_ID)])
    participant = StringField(_l("Participant code"), validators=[Optional(), Length(max=40)])
    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=100_000)])

    def with_choices(self, actions, actors, kinds) -> AuditFilterForm:
        everything = (ANY, _l("All"))
        self.action.choices = as_choices([everything] + [(a, a) for a in actions])
        self.actor.choices = as_choices([everything] + [(str(i), email) for i, email in actors])
        self.object_type.choices = as_choices([everything] + [(k, k) for k in kinds])
        return self

    def valid(self, name: str):
        """The field's value if it validated and was given, else None."""
        field = self[name]
        return None if field.errors or field.data in (None, ANY) else field.data


class OrganisationChoiceForm(FlaskForm):
    """Which organisation an admin of the whole installation looks after on this page (a GET
    form: bookmarkable, no CSRF)."""

    class Meta:
        csrf = False

    organisation = SelectField(_l("Organisation"), coerce=int)

    def with_organisations(self, organisations, chosen) -> OrganisationChoiceForm:
        self.organisation.choices = as_choices((o.id, o.name) for o in organisations)
        self.organisation.data = chosen.id
        return self


class UnitForm(FlaskForm):
    """A unit's name (its plan of occasions and instruments has a page of its own)."""

    name = StringField(_l("Name of the unit"),
                       validators=[DataRequired(_l("Give the unit a name.")),
                                   Length(max=UNIT_NAME_LENGTH)])


class ButtonForm(FlaskForm):
    """A POST-only button still carries a CSRF token."""


class ActiveForm(ButtonForm):
    """One button that makes a unit or an account active ("on") or inactive ("off")."""

    active = HiddenField(validators=[AnyOf(["on", "off"])])

    @property
    def wanted(self) -> bool:
        return self.active.data == "on"


class StaffForm(FlaskForm):
    """A staff account: name, email (only when adding: it is how they sign in), role, units."""

    display_name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name.")),
                                                       Length(max=200)])
    email = EmailField(_l("Email"), validators=[
        DataRequired(_l("Enter the email address they sign in with.")),
        Email(_l("Enter an email address like name@example.org.")), Length(max=EMAIL_LENGTH)])
    role = RadioField(_l("Role"), validators=[InputRequired(_l("Choose a role."))])
    unit_ids = CheckboxesField(_l("Units"), coerce=int, validators=[Optional()])

    def with_choices(self, roles, units) -> StaffForm:
        self.role.choices = as_choices((role.value, ROLE_LABELS[role]) for role in roles)
        self.unit_ids.choices = as_choices((unit.id, unit.name) for unit in units)
        return self


class MoveParticipantForm(FlaskForm):
    """A participant's code and the unit of their organisation they move to."""

    code = StringField(_l("Participant's code"),
                       validators=[DataRequired(_l("Enter the participant's code.")), Length(max=20)],
                       description=_l("For example P-7KQ3MX. It is on the participant's page."))
    unit = SelectField(_l("Move to unit"), coerce=int,
                       validators=[InputRequired(_l("Choose the unit they move to."))])

    def with_units(self, units) -> MoveParticipantForm:
        self.unit.choices = as_choices((unit.id, unit.name) for unit in units)
        return self
