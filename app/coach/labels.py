"""Names of the coach workspace's codes in the reader's language (states, statuses, modes).

Lazy strings, so one table serves every request in its own language.
"""
from flask_babel import lazy_gettext as _l

from ..i18n import language
from ..vocabulary import EXIT_REASON_LABELS, GENDER_LABELS, OCCASION_LABELS

OCCASION_STATE_LABELS = {
    "done": _l("Done"),
    "started": _l("Started"),
    "not_started": _l("Not started"),
}
INVITATION_STATUS_LABELS = {
    "not_opened": _l("Not opened"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "closed": _l("Closed"),
}
MODE_LABELS = {
    # Translators: how an invitation is answered: on the participant's own phone.
    "own_device": _l("On their own phone"),
    # Translators: how an invitation is answered: on the coach's device, together.
    "with_coach": _l("Together with the coach"),
}


def all_labels() -> dict:
    """The tables as template globals."""
    return {
        "OCCASION_LABELS": OCCASION_LABELS,
        "OCCASION_STATE_LABELS": OCCASION_STATE_LABELS,
        "INVITATION_STATUS_LABELS": INVITATION_STATUS_LABELS,
        "GENDER_LABELS": GENDER_LABELS,
        "EXIT_REASON_LABELS": EXIT_REASON_LABELS,
        "MODE_LABELS": MODE_LABELS,
        "language_of": language,
    }
