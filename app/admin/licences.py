"""Licensed instruments, for admins: every instrument version and whether it is in use or
waits for licensed wording, and loading an administrator's licensed definition file.

The upload is checked exactly as `flask instruments load` checks a file (the same service
and the same reader as the shipped definitions at start-up); a file that cannot be used is
refused with its problem named, never with a server error."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from werkzeug.utils import secure_filename
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..db import get_session
from ..i18n import localized_now, message_of
from ..instruments import InstrumentDefinitionError
from ..instruments.texts import language_name
from ..security import request_actor
from ..services import licences
from ..validators import plausible_date
from .installation import installation

# The form's other fields and the multipart framing need far less than this beside the file.
FORM_ALLOWANCE = 64 * 1024
TOO_LARGE = _l("The file is larger than %(size)d KB.", size=licences.MAX_FILE_BYTES // 1024)


class LicenceForm(FlaskForm):
    """A licensed definition file and the permission it is loaded under."""

    file = FileField(_l("Licensed definition file (TOML)"), validators=[
        FileRequired(_l("Choose the file to load.")),
        FileSize(max_size=licences.MAX_FILE_BYTES, message=TOO_LARGE)])
    permission_ref = StringField(_l("Permission reference"),
                                 validators=[DataRequired(), Length(max=500)])
    granted_by = StringField(_l("Permission granted by"),
                             validators=[DataRequired(), Length(max=200)])
    granted_on = DateField(_l("Date of the permission"), validators=[Optional(), plausible_date])
    scope = StringField(_l("What the permission covers"), validators=[Length(max=500)])
    replace = BooleanField(_l("Replace wording already loaded in the file's language"))


@installation.get("/instruments")
def instruments():
    """Every instrument version: in use, older, or waiting for a licence; wording loaded."""
    standings = licences.instrument_standings(
        get_session(), environment=current_app.config["STEGVIS_ENV"])
    locale = str(get_locale())
    return render_template("admin/instruments.html", standings=standings,
                           title_of=lambda instrument: localized_now(instrument, "title"),
                           language_of=lambda code: language_name(code, locale))


@installation.route("/instruments/licences/new", methods=["GET", "POST"])
def licence_upload():
    """Load licensed wording from a file, with the permission it was given under."""
    if (request.content_length or 0) > licences.MAX_FILE_BYTES + FORM_ALLOWANCE:
        # Refused before this view reads the body (an empty form: the sent one is not read).
        return render_template("admin/licence_upload.html", form=LicenceForm(formdata=None),
                               problem=str(TOO_LARGE), max_kb=licences.MAX_FILE_BYTES // 1024), 413
    form, problem = LicenceForm(), None
    if form.validate_on_submit():
        try:
            _load(form)
        except InstrumentDefinitionError as broken:
            problem = _("The file cannot be used: %(problem)s", problem=str(broken))
        except licences.LicenceRefused as refused:
            problem = message_of(refused)
        else:
            flash(_("Licensed wording loaded."), "success")
            return redirect(url_for("admin.installation.instruments"))
    return render_template("admin/licence_upload.html", form=form, problem=problem,
                           max_kb=licences.MAX_FILE_BYTES // 1024)


def _load(form: LicenceForm) -> None:
    upload = form.file.data
    file_name = secure_filename(upload.filename or "")[:100] or "upload.toml"
    licences.load_wording(
        get_session(), text=licences.wording_text(upload.read(), file_name),
        file_name=file_name, permission_ref=form.permission_ref.data.strip(),
        granted_by=form.granted_by.data.strip(), granted_on=form.granted_on.data,
        scope=(form.scope.data or "").strip(), loaded_by=current_user.staff,
        replace=form.replace.data, ip=request_actor()["ip"])
