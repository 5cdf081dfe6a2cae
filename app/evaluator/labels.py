"""Words for the codes the cohort statistics use (genders, bands, refs), in the reader's language."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..statistics.age import BAND_LABELS
from ..vocabulary import EXIT_REASON_LABELS

GENDER_CHOICES = [
    ("woman", _l("Women")),
    ("man", _l("Men")),
    ("other", _l("Other gender")),
    ("prefers_not_to_say", _l("Prefers not to say")),
    ("not_recorded", _l("Gender not recorded")),
]
GROUP_LABELS = dict(GENDER_CHOICES, all=_l("All"),
                    other_or_not_recorded=_l("Other or not recorded"))
AGE_BAND_CHOICES = [(band, band.replace("-", "–")) for band in BAND_LABELS]
EXIT_REASON_CHOICES = list(EXIT_REASON_LABELS.items())
FUNNEL_LABELS = {
    "registered": _l("Registered"),
    "intake": _l("Intake done"),
    "exit": _l("Exit done"),
    "follow_up": _l("Follow-up done"),
}


# Labels of the pooled groups disclosure control makes (app/services/disclosure.py).
POOLED_LABELS = {
    "other_units": _l("Other units"),
    "unknown": _l("Unknown"),
    "15-24": "15–24",
    "25-44": "25–44",
    "45+": _l("45 and over"),
    "in_programme": _l("Still in the programme"),
    "work_or_studies": _l("Work or studies"),
    "other_reason": _l("Another reason"),
    "left": _l("Left the programme"),
}
VALUE_LABELS = {**dict(AGE_BAND_CHOICES), **EXIT_REASON_LABELS, **GROUP_LABELS, **POOLED_LABELS}
LEFT_OUT_REASONS = {
    # Translators: %(count)s people, %(k)s the smallest group shown.
    "gender": _l("%(count)s people in small gender categories are not shown: their group "
                 "would be smaller than %(k)s."),
    "combination": _l("%(count)s people whose combination of unit, intake year, gender, age "
                      "and exit reason is shared by fewer than %(k)s are not shown."),
}


QUASI_IDENTIFIER_NAMES = {
    "unit": _l("units"),
    "period": _l("intake years"),
    "gender": _l("gender categories"),
    "age_band": _l("age bands"),
    "exit_reason": _l("exit reasons"),
}


def left_out_reason(reason: str, count: int, k: int) -> str:
    """Why `count` people are not shown. Disclosure control names gender, "combination", or
    any other quasi-identifier whose value alone is shared by fewer than k (a small unit)."""
    if reason in LEFT_OUT_REASONS:
        return str(LEFT_OUT_REASONS[reason]) % {"count": count, "k": k}
    # Translators: %(what)s is "units", "intake years", "age bands" or "exit reasons".
    return _("%(count)s people in small %(what)s are not shown: their group would be smaller "
             "than %(k)s.", count=count, what=str(QUASI_IDENTIFIER_NAMES[reason]), k=k)


def pooled_names(view) -> str:
    """What disclosure control coarsened, in words: "units, age bands"."""
    return ", ".join(str(QUASI_IDENTIFIER_NAMES[name]) for name in view.recoding.generalised)


def value_label(label: str) -> str:
    """A group label of disclosure control in the reader's words (unit names and periods
    stand as they are)."""
    return str(VALUE_LABELS.get(label, label))
