"""Every shipped definition loads; a broken one is refused naming the file and the field."""

from __future__ import annotations

import re
import sys

import pytest
from pydantic import ValidationError

from app import instruments
from app.instruments.registry import (
    DEFINITIONS,
    InstrumentDefinitionError,
    UnknownInstrument,
    comparable,
    load_file,
    load_registry,
    parse_definition,
    registry,
)

ALL = list(registry())
WORK_WHEEL = (DEFINITIONS / "work_wheel-1.toml").read_text(encoding="utf-8")
KASAM = (DEFINITIONS / "kasam13-1.toml").read_text(encoding="utf-8")


def test_the_four_instruments_are_registered():
    assert registry().keys() == ["cefr", "health_wheel", "kasam13", "work_wheel"]


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.ident)
def test_definition_is_complete(instrument):
    assert instrument.title.en and instrument.title.sv
    assert instrument.intro.sv and instrument.minutes > 0
    assert instrument.scored_items, "an instrument must score something"
    assert instruments.get(instrument.key, instrument.version) is instrument
    assert comparable(instrument, instrument)


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.ident)
def test_definition_is_frozen(instrument):
    with pytest.raises(ValidationError, match="frozen"):
        instrument.version = 99


def test_stable_item_keys_are_a_data_contract():
    assert [i.key for i in instruments.latest("work_wheel").items] == [
        "competence",
        "communication",
        "health",
        "network",
        "self_knowledge",
        "goals",
        "mobility",
        "other_text",
        "other",
    ]
    assert [i.key for i in instruments.latest("cefr").items] == [
        "listening",
        "reading",
        "spoken_interaction",
        "spoken_production",
        "writing",
    ]
    assert [i.key for i in instruments.latest("kasam13").items] == [f"q{n}" for n in range(1, 14)]


def test_consent_licence_and_result_rules():
    health, kasam = instruments.latest("health_wheel"), instruments.latest("kasam13")
    assert health.sensitive and kasam.sensitive
    assert all(item.sensitive and item.skippable for item in health.items)
    assert kasam.requires_licence and not instruments.latest("work_wheel").requires_licence
    assert 0.70 <= kasam.reliability <= 0.92 and kasam.reference_sd > 0
    assert kasam.individual_results in {"participant_and_coach", "coach_only", "statistics_only"}


def test_kasam_ships_no_licensed_wording():
    kasam = instruments.latest("kasam13")
    for item in kasam.items:
        assert "Demo text" in item.text.en and "Demotext" in item.text.sv
        assert all("Demo" in anchor.en for anchor in item.anchors.values())


def test_kasam_structure():
    kasam = instruments.latest("kasam13")
    assert {i.key for i in kasam.items if i.reverse} == {"q1", "q2", "q3", "q7", "q10"}
    members = {s.key: [i.key for i in kasam.items_of(s.key)] for s in kasam.subscales}
    assert members == {
        "comprehensibility": ["q2", "q6", "q8", "q9", "q11"],
        "manageability": ["q3", "q5", "q10", "q13"],
        "meaningfulness": ["q1", "q4", "q7", "q12"],
    }
    assert all(set(kasam.anchors_of(i)) == {1, 7} for i in kasam.items)


def test_unknown_instrument_and_latest():
    with pytest.raises(UnknownInstrument):
        instruments.get("work_wheel", 99)
    with pytest.raises(UnknownInstrument):
        instruments.latest("nope")


def test_latest_picks_the_highest_version(tmp_path):
    (tmp_path / "work_wheel-1.toml").write_text(WORK_WHEEL, encoding="utf-8")
    v2 = WORK_WHEEL.replace("version = 1", "version = 2").replace(
        "comparable_versions = []", "comparable_versions = [1]"
    )
    (tmp_path / "work_wheel-2.toml").write_text(v2, encoding="utf-8")
    loaded = load_registry(tmp_path)
    assert loaded.latest("work_wheel").version == 2
    assert comparable(loaded.get("work_wheel", 1), loaded.get("work_wheel", 2))
    assert not comparable(loaded.get("work_wheel", 1), instruments.latest("health_wheel"))


def test_versions_not_declared_comparable_are_not(tmp_path):
    (tmp_path / "work_wheel-2.toml").write_text(WORK_WHEEL.replace("version = 1", "version = 2"))
    assert not comparable(
        instruments.get("work_wheel", 1), load_registry(tmp_path).get("work_wheel", 2)
    )


@pytest.mark.parametrize(("change", "part"), [
    (("min = 1\n", "min = 0\n"), "items, scales"),
    # Any scoring option changes what is compared (a method swap is refused earlier: the
    # wheel's min_paired_areas means nothing to level_median).
    (("min_paired_areas = 6", "min_paired_areas = 5"), "scoring"),
])
def test_a_comparable_version_must_keep_items_scales_and_scoring(tmp_path, change, part):
    (tmp_path / "work_wheel-1.toml").write_text(WORK_WHEEL, encoding="utf-8")
    v2 = WORK_WHEEL.replace("version = 1", "version = 2").replace(
        "comparable_versions = []", "comparable_versions = [1]").replace(*change)
    (tmp_path / "work_wheel-2.toml").write_text(v2, encoding="utf-8")
    with pytest.raises(InstrumentDefinitionError) as refused:
        load_registry(tmp_path)
    assert str(refused.value).startswith(
        f"work_wheel-2.toml: comparable_versions: version 1 differs in {part}")


def test_a_comparable_version_may_change_its_wording(tmp_path):
    (tmp_path / "work_wheel-1.toml").write_text(WORK_WHEEL, encoding="utf-8")
    v2 = WORK_WHEEL.replace("version = 1", "version = 2").replace(
        "comparable_versions = []", "comparable_versions = [1]").replace(
        'en = "The work wheel"', 'en = "The wheel of work"')
    (tmp_path / "work_wheel-2.toml").write_text(v2, encoding="utf-8")
    assert load_registry(tmp_path).get("work_wheel", 2).title.en == "The wheel of work"


BROKEN = [
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL.replace("minutes = 5\n", ""),
        "work_wheel-1.toml: minutes: required field is missing",
        id="missing-field",
    ),
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL.replace('key = "health"\nscale = "satisfaction"', 'key = "health"\nscale = "x"'),
        "work_wheel-1.toml: items[2].scale: unknown scale 'x'",
        id="unknown-scale",
    ),
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL.replace('key = "network"', 'key = "health"'),
        "work_wheel-1.toml: items[3].key: duplicate item key 'health'",
        id="duplicate-key",
    ),
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL.replace(
            'key = "other_text"\nscale = "free_text"',
            'key = "other_text"\nscale = "free_text"\nreverse = true',
        ),
        "work_wheel-1.toml: items[7].reverse: a text item cannot be reversed",
        id="reverse-text-item",
    ),
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL.replace("anchors.10 =", "anchors.11 ="),
        "work_wheel-1.toml: scales.satisfaction.anchors: 11 is outside 1..10",
        id="anchor-off-scale",
    ),
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL.replace("min = 1\nmax = 10", "min = 10\nmax = 1"),
        "work_wheel-1.toml: scales.satisfaction.max",
        id="empty-scale",
    ),
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL.replace(
            'individual_results = "participant_and_coach"', 'individual_results = "everyone"'
        ),
        "work_wheel-1.toml: individual_results:",
        id="bad-results-rule",
    ),
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL.replace('names_item = "other"', 'names_item = "elsewhere"'),
        "work_wheel-1.toml: items[7].names_item: unknown item 'elsewhere'",
        id="names-unknown",
    ),
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL + "\ncolour = 'red'\n",
        "work_wheel-1.toml: items[8].colour: unknown field",
        id="unknown-field",
    ),
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL.replace('key = "goals"', 'key = "title"'),
        "work_wheel-1.toml: items[5].key: 'title' is reserved",
        id="reserved-key",
    ),
    pytest.param(
        "work_wheel-1.toml",
        WORK_WHEEL.replace("[title]", "[title"),
        "work_wheel-1.toml: not valid TOML",
        id="not-toml",
    ),
    pytest.param(
        "kasam13-1.toml",
        KASAM.replace('subscale = "meaningfulness"', 'subscale = "joy"', 1),
        "kasam13-1.toml: items[0].subscale: unknown subscale 'joy'",
        id="unknown-subscale",
    ),
    pytest.param(
        "kasam13-1.toml",
        KASAM.replace("reliability = 0.85", "reliability = 1.5"),
        "kasam13-1.toml: reliability:",
        id="alpha-above-one",
    ),
    pytest.param(
        "work_wheel-2.toml",
        WORK_WHEEL,
        "work_wheel-2.toml: version: differs from file name",
        id="file-name-version",
    ),
    pytest.param(
        "arbetshjulet.toml",
        WORK_WHEEL,
        "arbetshjulet.toml: file name must be",
        id="file-name-shape",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), BROKEN)
def test_broken_definition_is_refused_naming_file_and_field(tmp_path, name, text, message):
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentDefinitionError) as caught:
        load_registry(tmp_path)
    assert str(caught.value).startswith(message)
    assert caught.value.file == name


def test_one_broken_file_stops_the_whole_registry(tmp_path):
    (tmp_path / "kasam13-1.toml").write_text(KASAM, encoding="utf-8")
    (tmp_path / "work_wheel-1.toml").write_text(WORK_WHEEL.replace("minutes = 5\n", ""))
    with pytest.raises(InstrumentDefinitionError, match=r"work_wheel-1\.toml"):
        load_registry(tmp_path)


def test_individual_results_rule_is_read_from_the_definition():
    work, kasam = instruments.latest("work_wheel"), instruments.latest("kasam13")
    assert work.shows_individual_results_to("participant")
    assert kasam.individual_results == "coach_only"
    assert kasam.shows_individual_results_to("coach")
    assert not kasam.shows_individual_results_to("participant")
    hidden = kasam.model_copy(update={"individual_results": "statistics_only"})
    assert not hidden.shows_individual_results_to("coach")


FIFTH = """
key = "confidence"
version = 1
minutes = 2
individual_results = "participant_and_coach"
title = { en = "Confidence", sv = "Självförtroende" }
intro = { en = "Two short questions.", sv = "Två korta frågor." }
[scales.agree]
min = 0
max = 4
anchors.0 = { en = "Not true", sv = "Stämmer inte" }
anchors.4 = { en = "True", sv = "Stämmer" }
[scoring]
method = "subscale_sum"
max_missing_per_subscale = 0
description = { en = "Sum of both.", sv = "Summan av båda." }
[[subscales]]
key = "belief"
title = { en = "Belief", sv = "Tro" }
[[items]]
key = "can_learn"
scale = "agree"
subscale = "belief"
text = { en = "I can learn new things.", sv = "Jag kan lära mig nya saker." }
[[items]]
key = "give_up"
scale = "agree"
subscale = "belief"
reverse = true
skippable = true
text = { en = "I give up easily.", sv = "Jag ger upp lätt." }
"""


def test_a_fifth_instrument_is_only_a_file(tmp_path):
    """No code change: load, score, change, codebook, texts and simulation all work from data."""
    import random

    from app.instruments.change import change
    from app.instruments.codebook import codebook
    from app.instruments.scoring import score
    from app.instruments.simulate import plausible_answers
    from app.instruments.texts import localized

    (tmp_path / "confidence-1.toml").write_text(FIFTH, encoding="utf-8")
    fifth = load_registry(tmp_path).latest("confidence")
    before = score(fifth, {"can_learn": 1, "give_up": 4})
    after = score(fifth, {"can_learn": 4, "give_up": 0})
    assert (before.total, after.total) == (1, 8)
    assert score(fifth, {"can_learn": 3, "give_up": None}).total is None
    assert change(fifth, before, after).total.share_of_range == 7 / 8
    assert codebook(fifth)["total"] == {"min": 0, "max": 8}
    assert localized(fifth, "give_up", "sv") == "Jag ger upp lätt."
    assert set(plausible_answers(fifth, random.Random(1))) == {"can_learn", "give_up"}


def _with_audio(audio: str) -> str:
    return WORK_WHEEL.replace('key = "health"\n', f'key = "health"\naudio = {audio}\n', 1)


def test_an_item_may_have_recordings_that_exist_under_static(tmp_path, monkeypatch):
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "health.sv.mp3").write_bytes(b"ID3")
    monkeypatch.setattr(sys.modules["app.instruments.registry"], "STATIC", tmp_path)
    path = tmp_path / "work_wheel-1.toml"
    path.write_text(_with_audio('{ sv = "audio/health.sv.mp3" }'), encoding="utf-8")
    item = load_file(path).item("health")
    assert item.audio_for("sv") == "audio/health.sv.mp3"
    assert item.audio_for("sv_SE") == "audio/health.sv.mp3" and item.audio_for("ar") is None


def test_a_recording_that_is_missing_stops_loading(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules["app.instruments.registry"], "STATIC", tmp_path)
    path = tmp_path / "work_wheel-1.toml"
    path.write_text(_with_audio('{ fa_AF = "audio/health.fa.mp3" }'), encoding="utf-8")
    with pytest.raises(InstrumentDefinitionError, match=r"items\[\d\]\.audio\.fa_AF: no file static/audio/health.fa.mp3"):
        load_file(path)


@pytest.mark.parametrize(("audio", "field"), [
    ('{ sv = "../app/config.py" }', "audio.sv"),
    ('{ sv = "/etc/passwd.mp3" }', "audio.sv"),
    ('{ sv = "audio/health.exe" }', "audio.sv"),
    ('{ Svenska = "audio/health.mp3" }', "audio.Svenska"),
])
def test_a_recording_must_be_a_sound_file_under_static(audio, field):
    with pytest.raises(InstrumentDefinitionError, match=re.escape(field)):
        parse_definition(_with_audio(audio), "work_wheel-1.toml")
