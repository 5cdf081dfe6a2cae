"""Sign-in, one-time code, and own-password forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp

from ..services.staff import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    """The six-digit code from an authenticator app."""

    code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("Enter the 6 digits."))],
    )


# Fields keep the order they were made in (error summaries list them so): the current password
# is made before the new ones it comes before on the change-password page.
_CURRENT_PASSWORD = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])


class SetPasswordForm(FlaskForm):
    """A new password twice (from a one-time set-password link)."""

    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=200,
                   message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD_LENGTH)),
        ],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )


class ChangePasswordForm(SetPasswordForm):
    """The current password (proof it is really you) and the new one twice."""

    current = _CURRENT_PASSWORD


class SignOutEverywhereForm(FlaskForm):
    """A button only; the form carries the CSRF token."""
