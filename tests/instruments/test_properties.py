"""Properties over every definition: valid answers score within range; invalid ones never pass."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.instruments.codebook import codebook
from app.instruments.registry import registry
from app.instruments.scoring import InvalidAnswer, score, validate

ALL = list(registry())


def valid_answers(instrument):
    """Any answers the instrument must accept: in range, skipping only what may be skipped."""
    fields = {}
    for item in instrument.items:
        scale = instrument.scale_of(item)
        value = (
            st.text(max_size=scale.max_length)
            if scale.kind == "text"
            else st.integers(scale.min, scale.max)
        )
        fields[item.key] = st.one_of(st.none(), value) if item.skippable else value
    return st.fixed_dictionaries(fields)


def wrong_value(instrument, item):
    """Values the item must refuse."""
    scale = instrument.scale_of(item)
    if scale.kind == "text":
        return st.one_of(
            st.integers(), st.text(min_size=scale.max_length + 1, max_size=scale.max_length + 5)
        )
    wrong = st.one_of(
        st.integers(max_value=scale.min - 1),
        st.integers(min_value=scale.max + 1),
        st.floats(allow_nan=True),
        st.booleans(),
        st.text(),
    )
    return st.one_of(wrong, st.none()) if not item.skippable else wrong


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.ident)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_scores_stay_within_range(instrument, data):
    answers = data.draw(valid_answers(instrument))
    scores = score(instrument, answers)
    book = codebook(instrument)
    for item in instrument.scored_items:
        value = scores.items[item.key]
        scale = instrument.scale_of(item)
        assert value is None or scale.min <= value <= scale.max
        assert (value is None) == (answers[item.key] is None)
    for entry in book["subscales"]:
        value = scores.subscales[entry["key"]]
        assert value is None or entry["min"] <= value <= entry["max"]
    if book["total"] is None:
        assert scores.total is None
    elif scores.total is not None:
        assert book["total"]["min"] <= scores.total <= book["total"]["max"]


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.ident)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_invalid_answer_is_rejected(instrument, data):
    answers = data.draw(valid_answers(instrument))
    candidates = list(instrument.items)
    item = data.draw(st.sampled_from(candidates))
    answers[item.key] = data.draw(wrong_value(instrument, item))
    with pytest.raises(InvalidAnswer) as caught:
        validate(instrument, answers)
    assert caught.value.item_key == item.key


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.ident)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_unknown_item_keys_are_rejected(instrument, data):
    answers = data.draw(valid_answers(instrument))
    known = {i.key for i in instrument.items}
    extra = data.draw(st.text(min_size=1, max_size=10).filter(lambda k: k not in known))
    with pytest.raises(InvalidAnswer) as caught:
        score(instrument, {**answers, extra: 1})
    assert caught.value.item_key == extra
