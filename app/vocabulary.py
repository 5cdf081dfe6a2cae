"""The domain's codes in the reader's language: occasions, gender categories, exit reasons,
staff roles, what an instrument's total is called.

One table per vocabulary for every audience (coach forms, reports, evaluator filters), as lazy
strings so the same table serves each request in its own language.
"""
from flask_babel import lazy_gettext as _l

from .instruments import Instrument
from .instruments.methods import TotalLabel
from .models import Role

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
