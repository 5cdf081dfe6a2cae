"""Names of the coach workspace's codes in the reader's language (states, statuses, modes).

Lazy strings, so one table serves every request in its own language.
"""
from flask_babel import lazy_gettext as _l

from ..i18n import language
from ..services.contact import shown_mobile
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
STEP_OWNER_LABELS = {
    # Translators: who takes a step of the action plan (coach's page).
    "participant": _l("The participant"),
    "coach": _l("The coach"),
    "together": _l("Together"),
    "someone_else": _l("Someone else"),
}
# The same, as the participant reads it on their printed plan and in their own record.
MY_STEP_OWNER_LABELS = {
    # Translators: (participant) who takes a step of their printed action plan: they do
    "participant": _l("Me"),
    # Translators: (participant) who takes a step of their printed action plan
    "coach": _l("My coach"),
    # Translators: (participant) who takes a step of their printed action plan
    "together": _l("Together"),
    # Translators: (participant) who takes a step of their printed action plan
    "someone_else": _l("Someone else"),
}
MODE_LABELS = {
    # Translators: how an invitation is answered: on the participant's own phone.
    "own_device": _l("On their own phone"),
    # Translators: how an invitation is answered: on the coach's device, together.
    "with_coach": _l("Together with the coach"),
}

MESSAGE_STATUS_LABELS = {
    # Translators: a message waiting to be sent (or to be tried again).
    "queued": _l("Waiting to be sent"),
    "sent": _l("Sent"),
    "failed": _l("Could not be sent"),
    "cancelled": _l("Not sent (stopped)"),
}
CHANNEL_LABELS = {"sms": _l("SMS"), "email": _l("E-mail")}
MESSAGE_PURPOSE_LABELS = {"invitation": _l("Invitation"), "reminder": _l("Reminder")}
SKIPPED_LABELS = {
    "no_contact": _l("No mobile number or e-mail for that way of sending"),
    "opted_out": _l("Asked not to get messages"),
    "complete": _l("Already answered at that occasion"),
    "nothing_due": _l("Nothing due now (already answered, or not yet time)"),
    "not_found": _l("Not in your units"),
    "cannot_invite": _l("The invitation could not be made"),
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
        "MESSAGE_STATUS_LABELS": MESSAGE_STATUS_LABELS,
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "MESSAGE_PURPOSE_LABELS": MESSAGE_PURPOSE_LABELS,
        "shown_mobile": shown_mobile,
        "STEP_OWNER_LABELS": STEP_OWNER_LABELS,
        "MY_STEP_OWNER_LABELS": MY_STEP_OWNER_LABELS,
        "language_of": language,
    }
