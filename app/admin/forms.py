"""Forms of the administration pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..choices import as_choices
from ..validators import plausible_date

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


def _days(label):
    return IntegerField(label, validators=[Optional(), NumberRange(min=1, max=60)])


class ReminderRulesForm(FlaskForm):
    """A unit's reminder rules: days per rule (empty: off) and the most per invitation."""

    not_opened_days = _days(_l("Not opened after (days)"))
    not_finished_days = _days(_l("Started but not finished after (days)"))
    due_soon_days = _days(_l("Occasion due in (days)"))
    max_per_invitation = IntegerField(_l("At most this many reminders per invitation"), default=2,
                                      validators=[InputRequired(), NumberRange(min=0, max=5)])
