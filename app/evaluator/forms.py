"""Cohort filters (a GET form: bookmarkable, no state change) and the export form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    ValidationError,
)

from ..choices import as_choices


def _optional_int(value):
    value = value.strip() if isinstance(value, str) else value
    return int(value) if value not in (None, "", "None") else None


def _optional_str(value):
    """Blank (or only spaces, which `Optional` lets through unchecked) means not chosen."""
    return (value.strip() if isinstance(value, str) else value) or None


class CohortFilterForm(FlaskForm):
    """Who is in the cohort. Choices that depend on data are filled in by the view."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    organisation = SelectField(_l("Organisation"), coerce=_optional_int, validators=[Optional()])
    # The groups an evaluator may choose come from disclosure control (never fewer than k).
    unit = SelectField(_l("Unit"), coerce=_optional_str, validators=[Optional()])
    period = SelectField(_l("Intake year"), coerce=_optional_str, validators=[Optional()])
    gender = SelectField(_l("Gender"), coerce=_optional_str, validators=[Optional()])
    age_band = SelectField(_l("Age at intake"), coerce=_optional_str, validators=[Optional()])
    exit_reason = SelectField(_l("Exit reason"), coerce=_optional_str, validators=[Optional()])
    instrument = SelectField(_l("Instrument"), coerce=_optional_str, validators=[Optional()])
    # Which two occasions the paired figures compare (keys of services.cohort.COMPARISON_KEYS).
    comparison = SelectField(_l("Compare"), coerce=_optional_str, validators=[Optional()],
                             choices=as_choices([
                                 ("intake-exit", _l("Intake → exit")),
                                 ("intake-midway", _l("Intake → midway")),
                                 ("exit-follow_up", _l("Exit → follow-up: are gains kept?")),
                             ]))


class ExportForm(FlaskForm):
    """An evaluation name (pseudonyms join across its waves), the layout and CSV flavour, and
    the evaluation's purpose: Health Wheel and KASAM answers leave only when it includes them."""

    evaluation = StringField(_l("Evaluation name"), validators=[DataRequired(), Length(max=200)],
                             description=_l("Exports with the same name use the same pseudonyms."))
    layout = RadioField(_l("Layout"), default="wide", choices=as_choices([
        ("wide", _l("Wide: one row per participant and occasion")),
        ("long", _l("Long: one row per answer")),
    ]))
    csv_format = RadioField(_l("CSV file"), default="comma", choices=as_choices([
        ("comma", _l("Comma-separated, decimal point (R, SPSS, Stata, English Excel)")),
        ("semicolon", _l("Semicolon-separated, decimal comma (Swedish Excel)")),
    ]))
    only_shown_instrument = BooleanField(_l("Only the instrument shown above (otherwise all)"))
    purpose = TextAreaField(
        _l("Purpose of the evaluation"), validators=[Length(max=2000)],
        description=_l("Needed to include health data. It is saved with the evaluation."))
    include_health = BooleanField(_l("The purpose includes Health Wheel answers"))
    include_kasam = BooleanField(_l("The purpose includes KASAM answers"))

    def validate_purpose(self, field) -> None:
        """Health data leaves only under a written purpose (the service says so too; here the
        evaluator sees it next to the field)."""
        if (self.include_health.data or self.include_kasam.data) and not (field.data or "").strip():
            raise ValidationError(_l("Write the purpose of the evaluation to include Health Wheel or KASAM "
                                     "answers."))
