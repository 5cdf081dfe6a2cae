"""Participant forms. Messages are short and plain: many readers are new to the language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..instruments import Instrument, Item
from ..instruments.scoring import InvalidAnswer


class ShortCodeForm(FlaskForm):
    """The code typed on a shared computer instead of opening a link."""

    code = StringField(_l("Your code"), validators=[
        InputRequired(message=_l("Write the code you got from your coach."))])


class LanguageForm(FlaskForm):
    """The first screen; choices are the offered languages, set by the view."""

    language = RadioField(_l("Choose your language"), validators=[
        InputRequired(message=_l("Choose a language."))])
    next = HiddenField()


class BeginForm(FlaskForm):
    """An instrument's start screen: health consent and/or the language a CEFR test is about."""

    consent = RadioField(_l("What should happen with your answers?"), choices=[
        SelectChoice("store", _l("Save my answers. My coach and I can see how things change over time.")),
        SelectChoice("discussion_only",
                     _l("Do not save them. Only show the answers now, when I talk with my coach.")),
    ], validators=[InputRequired(message=_l("Choose what should happen with your answers."))])
    target_language = RadioField(_l("Which language is it about?"), validators=[
        InputRequired(message=_l("Choose a language."))])


class AnswerForm(FlaskForm):
    """One question. `value` is parsed by hand so every bad input gets the same plain message."""

    value = StringField()
    text = TextAreaField()
    skip = SubmitField(_l("I don't want to answer"))


class BilingualForm(FlaskForm):
    """The toggle for easy Swedish under each question."""

    next = HiddenField()


def answer_from(form: AnswerForm, instrument: Instrument, item: Item) -> int | str | None:
    """The answer a submitted form carries (None = skipped); InvalidAnswer when malformed.

    The range is checked by the instrument's own `validate_answer` when saving.
    """
    if form.skip.data:
        if not item.skippable:
            raise InvalidAnswer(item.key, "an answer is required")
        return None
    if instrument.scale_of(item).kind == "text":
        text = (form.text.data or "").strip()
        return text or (None if item.skippable else text)
    raw = (form.value.data or "").strip()
    if not raw:
        raise InvalidAnswer(item.key, "missing")
    try:
        return int(raw)
    except ValueError:
        raise InvalidAnswer(item.key, "not a whole number") from None


class FinishForm(FlaskForm):
    """'I am done' is a POST with a CSRF token, like every other change."""


class OwnCopyForm(FlaskForm):
    """The participant's own copy: a name to print on it if they want one. It is put on the
    page and nowhere else: not stored, not logged, not audited."""

    name = StringField(_l("Your name on the paper (if you want it)"),
                       validators=[Length(max=100, message=_l("Write at most 100 characters."))])
    download = SubmitField(_l("Download"))


class OptOutForm(FlaskForm):
    """The "no more messages" button: a POST with its CSRF token."""
