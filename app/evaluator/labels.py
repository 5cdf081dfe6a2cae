"""Words for the codes the cohort statistics use (genders, bands, refs), in the reader's language."""
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import localized_now
from ..instruments import Instrument
from ..instruments.texts import language_name
from ..statistics.age import BAND_LABELS
from ..statistics.refs import MEAN_OF_ITEMS, TOTAL
from ..vocabulary import EXIT_REASON_LABELS, total_label

GENDER_CHOICES = [
    ("woman", _l("Women")),
    ("man", _l("Men")),
    ("other", _l("Other gender")),
    ("prefers_not_to_say", _l("Prefers not to say")),
    ("not_recorded", _l("Gender not recorded")),
]
GROUP_LABELS = dict(GENDER_CHOICES, all=_l("All"))
AGE_BAND_CHOICES = [(band, band.replace("-", "–")) for band in BAND_LABELS]
EXIT_REASON_CHOICES = list(EXIT_REASON_LABELS.items())
MEASURE_CHOICES = [
    ("any_increase", _l("Share with any increase")),
    # Translators: Jacobson–Truax reliable change index, a statistics term.
    ("reliable_improvement", _l("Share with reliable improvement (KASAM)")),
]
MEASURE_LABELS = dict(MEASURE_CHOICES)
FUNNEL_LABELS = {
    "registered": _l("Registered"),
    "intake": _l("Intake done"),
    "exit": _l("Exit done"),
    "follow_up": _l("Follow-up done"),
}


def ref_label(instrument: Instrument, ref: str) -> str:
    """The name of a row: an area or skill, a subscale, the total or the mean of the areas."""
    if ref == TOTAL:
        return total_label(instrument)
    if ref == MEAN_OF_ITEMS:
        return _("All areas (mean)")
    if any(s.key == ref for s in instrument.subscales):
        return localized_now(instrument, f"subscale.{ref}")
    return localized_now(instrument, ref, language=_swedish())


def instrument_title(instrument: Instrument) -> str:
    return localized_now(instrument, "title", language=_swedish())


def _swedish() -> str:
    """CEFR texts name their target language; cohorts are assessed in Swedish."""
    return language_name("sv", str(get_locale() or "sv"))
