"""The question screen's use case without a request: an answer completes its assessment only
when it is the last one asked and nothing before it is missing; navigation only reads."""
from app import instruments
from app.participant import flow
from app.services import assessments, invitations

from .conftest import answer_items


def test_the_last_question_completes_only_when_nothing_before_it_is_missing(app, session, invite):
    invitation, _ = invite(["work_wheel"])
    invitations.choose_language(session, invitation=invitation, language="en")
    assessment = assessments.start(session, invitation=invitation, instrument_key="work_wheel",
                                   language="en")
    instrument = instruments.latest("work_wheel")
    first, *middle, last = instrument.items
    answer_items(session, assessment, middle)

    def answer(item, value):
        return assessments.answer_question(session, invitation=invitation, assessment=assessment,
                                           item_key=item.key, value=value)

    assert not answer(last, 7).completed_now  # jumped ahead: the first one is still missing
    assert assessment.completed_at is None and invitation.completed_at is None
    assert flow.after_saving(session, invitation, assessment, last.key) == flow.Step(
        "participant.question", {"key": "work_wheel", "item_key": first.key})
    assert not answer(first, 5).completed_now  # not the last one asked
    assert assessment.completed_at is None
    assert answer(last, 8).completed_now
    assert assessment.completed_at is not None and invitation.completed_at is not None
    assert not answer(last, 9).completed_now  # again: a rescore, not a second completion
