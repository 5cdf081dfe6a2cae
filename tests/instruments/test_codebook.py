"""The codebook is plain JSON-ready data generated from the definition."""

from __future__ import annotations

import json

import pytest

from app import instruments
from app.instruments.codebook import codebook
from app.instruments.registry import registry


@pytest.mark.parametrize("instrument", list(registry()), ids=lambda i: i.ident)
def test_codebook_covers_every_item_and_is_json(instrument):
    book = codebook(instrument)
    json.dumps(book)
    assert [i["key"] for i in book["items"]] == [i.key for i in instrument.items]
    assert book["scoring"]["description"]["en"] == instrument.scoring.description.en
    assert set(book["missing_values"]) == {"-9", "-8", "-7"}


def test_kasam_codebook_ranges_and_reversal():
    book = codebook(instruments.latest("kasam13"))
    assert [(s["key"], s["min"], s["max"]) for s in book["subscales"]] == [
        ("comprehensibility", 5, 35),
        ("manageability", 4, 28),
        ("meaningfulness", 4, 28),
    ]
    assert book["total"] == {"min": 13, "max": 91}
    q1 = book["items"][0]
    assert (q1["min"], q1["max"], q1["reverse"], q1["subscale"]) == (1, 7, True, "meaningfulness")
    assert set(q1["anchors"]) == {"1", "7"} and q1["sensitive"] is True
    assert book["scoring"]["reliability"] == 0.85


def test_cefr_codebook_names_levels():
    book = codebook(instruments.latest("cefr"))
    reading = book["items"][1]
    assert reading["value_names"] == {
        "0": "preA1",
        "1": "A1",
        "2": "A2",
        "3": "B1",
        "4": "B2",
        "5": "C1",
        "6": "C2",
    }
    assert reading["anchors"]["2"]["en"].startswith("I can read short")
    assert book["total"] == {"min": 0, "max": 6}
    assert book["scoring"]["median_rounding"] == "lower"


def test_wheel_codebook_has_no_total_and_a_text_item():
    book = codebook(instruments.latest("work_wheel"))
    assert book["total"] is None and book["subscales"] == []
    other_text = next(i for i in book["items"] if i["key"] == "other_text")
    assert other_text["type"] == "string" and other_text["names_item"] == "other"
    assert book["items"][0]["anchors"]["1"]["sv"] == "Inte alls nöjd"
