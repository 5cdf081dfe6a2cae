"""The domain's codes in the reader's language: occasions, gender categories, exit reasons,
staff roles, goal measures, an instrument's title and the names of its scores.

One table per vocabulary for every audience (coach forms, reports, evaluator filters), as lazy
strings so the same table serves each request in its own language.
"""
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .i18n import localized_now
from .instruments import Instrument, UnknownInstrument, latest
from .instruments.methods import TotalLabel
from .instruments.texts import language_name
from .models import Role
from .statistics.refs import MEAN_OF_ITEMS, TOTAL

OCCASION_LABELS = {
    # Translators: (participant) when a person answered: at the start of the programme
    "intake": _l("Intake"),
    # Translators: (participant) when a person answered: halfway through the programme
    "midway": _l("Midway"),
    # Translators: (participant) when a person answered: at the end of the programme
    "exit": _l("Exit"),
    # Translators: (participant) when a person answered: some months after the programme
    "follow_up": _l("Follow-up"),
}
GENDER_LABELS = {
    "woman": _l("Woman"),
    "man": _l("Man"),
    "other": _l("Other"),
    "prefers_not_to_say": _l("Prefers not to say"),
    "not_recorded": _l("Not recorded"),
}
EXIT_REASON_LABELS = {
    "work": _l("Work"),
    "studies": _l("Studies"),
    "other_programme": _l("Another programme"),
    "moved": _l("Moved away"),
    "ill_health": _l("Ill health"),
    "other": _l("Other reason"),
    "unknown": _l("Unknown"),
}
ROLE_LABELS = {
    Role.COACH: _l("Coach"),
    Role.UNIT_ADMIN: _l("Unit administrator"),
    Role.EVALUATOR: _l("Evaluator"),
    Role.ADMIN: _l("Administrator"),
}
ROLE_HINTS = {
    Role.COACH: _l("Works with the participants of their units."),
    Role.UNIT_ADMIN: _l("Works with the participants of their units, and keeps the organisation's units and staff."),
    Role.EVALUATOR: _l("Sees statistics and exports of the organisation, never a person."),
    Role.ADMIN: _l("Keeps every organisation, its settings and staff, and sees statistics."),
}
# The scoring method names its total by key (the core has no translations); the words are here.
TOTAL_LABELS = {
    # Translators: (participant) the sum of a questionnaire's answers
    TotalLabel.TOTAL: _l("Total"),
    # Translators: (participant) one language level for all five skills together
    TotalLabel.OVERALL_LEVEL: _l("Overall level"),
}


def total_label(instrument: Instrument) -> str:
    """'Total' for a sum (KASAM), 'Overall level' for a level (CEFR): the method decides."""
    return str(TOTAL_LABELS[instrument.method.total_label])


# Programme goal measures (services.goals.Measure).
MEASURE_CHOICES = [
    ("any_increase", _l("Share with any increase")),
    # Translators: Jacobson–Truax reliable change index, a statistics term.
    ("reliable_improvement", _l("Share with reliable improvement (KASAM)")),
    ("level_up", _l("Share moving up at least one level (CEFR)")),
    ("mean_change", _l("Mean change in points")),
]
MEASURE_LABELS = dict(MEASURE_CHOICES)


def ref_label(instrument: Instrument, ref: str) -> str:
    """The name of a score: an area or skill, a subscale, the total or the mean of the areas."""
    if ref == TOTAL:
        return total_label(instrument)
    if ref == MEAN_OF_ITEMS:
        return _("All areas (mean)")
    if any(s.key == ref for s in instrument.subscales):
        return localized_now(instrument, f"subscale.{ref}")
    return localized_now(instrument, ref, language=_swedish())


def instrument_title(instrument: Instrument) -> str:
    """The title; an older version that cannot be pooled with the latest says which it is."""
    title = localized_now(instrument, "title", language=_swedish())
    if instrument.version != latest(instrument.key).version:
        return _("%(title)s (version %(version)s)", title=title, version=instrument.version)
    return title


def _swedish() -> str:
    """CEFR texts name their target language; programmes assess it in Swedish."""
    return language_name("sv", str(get_locale() or "sv"))


def goal_subject(goal) -> str:
    """What a programme goal is set on, in words: "KASAM-13: Total" (a goal naming no score
    is set on the questionnaire's headline score)."""
    try:
        instrument = latest(goal.instrument_key)
    except UnknownInstrument:
        return goal.instrument_key
    ref = goal.score_ref or instrument.method.headline_ref
    return f"{instrument_title(instrument)}: {ref_label(instrument, ref)}"
