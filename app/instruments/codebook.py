"""The codebook of an instrument as plain data, generated from its definition.

The evaluator export builds datapackage.json and SPSS value labels from this, so the
codebook can never drift from what participants were actually asked.
"""

from __future__ import annotations

from .schema import Instrument, Text
from .texts import text_entries

# Missing-value codes for exports where a number is required (SPSS); JSON/CSV use empty.
MISSING_VALUES = {
    -9: Text(en="Skipped by the participant", sv="Deltagaren hoppade över frågan"),
    -8: Text(
        en="Not computable: too many items skipped", sv="Kan inte räknas ut: för många svar saknas"
    ),
    -7: Text(en="Not asked at this occasion", sv="Frågan ställdes inte vid detta tillfälle"),
}


def _text(text: Text | None) -> dict | None:
    return None if text is None else {"en": text.en, "sv": text.sv}


def codebook(instrument: Instrument) -> dict:
    """Plain, JSON-ready data: items, subscales, total, scoring rule and missing codes."""
    items = []
    for item in instrument.items:
        scale = instrument.scale_of(item)
        items.append(
            {
                "key": item.key,
                "text": _text(item.text),
                "type": "integer" if scale.kind == "integer" else "string",
                "min": scale.min,
                "max": scale.max,
                "value_names": {str(v): n for v, n in sorted(scale.value_names.items())},
                "anchors": {
                    str(v): _text(t) for v, t in sorted(instrument.anchors_of(item).items())
                },
                "reverse": item.reverse,
                "subscale": item.subscale,
                "skippable": item.skippable,
                "sensitive": item.sensitive or instrument.sensitive,
                "names_item": item.names_item,
                "source": item.source,
            }
        )
    subscales = []
    for subscale in instrument.subscales:
        members = instrument.items_of(subscale.key)
        subscales.append(
            {
                "key": subscale.key,
                "title": _text(subscale.title),
                "items": [i.key for i in members],
                "min": sum(instrument.scale_of(i).min for i in members),
                "max": sum(instrument.scale_of(i).max for i in members),
            }
        )
    return {
        "key": instrument.key,
        "version": instrument.version,
        "title": _text(instrument.title),
        "source": instrument.source,
        "scoring": {
            "method": instrument.scoring.method,
            "description": _text(instrument.scoring.description),
            "max_missing_per_subscale": instrument.scoring.max_missing_per_subscale,
            "max_missing_total": instrument.scoring.max_missing_total,
            "min_paired_areas": instrument.scoring.min_paired_areas,
            "median_rounding": instrument.scoring.median_rounding,
            "min_answered": instrument.scoring.min_answered,
            "reliability": instrument.reliability,
            "reference_sd": instrument.reference_sd,
        },
        "items": items,
        "subscales": subscales,
        "total": _total_range(instrument),
        "missing_values": {str(code): _text(label) for code, label in MISSING_VALUES.items()},
        "comparable_versions": list(instrument.comparable_versions),
    }


def _total_range(instrument: Instrument) -> dict | None:
    bounds = instrument.method.total_range(instrument)
    return None if bounds is None else {"min": bounds[0], "max": bounds[1]}


# -- the codebook as exports print it ---------------------------------------------------------

LANGUAGE_PLACEHOLDER = "{language}"
# What "{language}" becomes in a codebook that covers many people: each of them chose the
# language their self-assessment was about, so no single name fits; the export carries it per
# assessment in the column `<key>_target_language`.
TARGET_LANGUAGE_PHRASE = Text(en="the target language", sv="målspråket")


def asks_target_language(instrument: Instrument) -> bool:
    """Instruments whose texts name "{language}" (CEFR): a participant chooses which
    language the assessment is about, and the export keeps that choice as a column."""
    return any(LANGUAGE_PLACEHOLDER in entry.text.en for entry in text_entries(instrument))


def export_codebook(instrument: Instrument) -> dict:
    """`codebook()` with every "{language}" filled in with a neutral phrase in the text's own
    language, so no title or question in a download shows a bare placeholder."""
    return _filled(codebook(instrument), None)


def _filled(data, language: str | None):
    if isinstance(data, dict):
        return {key: _filled(value, key if key in ("en", "sv") else language)
                for key, value in data.items()}
    if isinstance(data, list):
        return [_filled(value, language) for value in data]
    if isinstance(data, str) and LANGUAGE_PLACEHOLDER in data:
        phrase = TARGET_LANGUAGE_PHRASE.sv if language == "sv" else TARGET_LANGUAGE_PHRASE.en
        return data.replace(LANGUAGE_PLACEHOLDER, phrase)
    return data
