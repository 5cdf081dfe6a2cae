"""Every exported column, described once and generated from the instrument definitions.

datapackage.json (Frictionless Table Schema) and the SPSS variable and value labels are both
rendered from these `Column`s, and the columns themselves come from each instrument's
`export_codebook()`, so the codebook can never drift from what participants were asked.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..instruments import Instrument
from ..instruments.codebook import MISSING_VALUES, asks_target_language, export_codebook
from ..models import OCCASION_ORDER

# In CSV a missing value is empty; SPSS needs numbers, so it gets the codebook's codes.
SKIPPED, NOT_COMPUTABLE, NOT_ASKED = -9, -8, -7
OTHER_UNIT = "other_units"  # as app.services.disclosure pools them


@dataclass(frozen=True)
class Column:
    """One exported variable: its type and allowed values, labels in English and Swedish, and
    what it means in the instrument (key, version, anchors, reversal, scoring rule)."""

    name: str
    type: str  # Table Schema type: string, integer, number, boolean
    title_en: str
    title_sv: str
    enum: tuple | None = None
    minimum: int | None = None
    maximum: int | None = None
    unit: str | None = None
    value_labels: dict[int, str] = field(default_factory=dict)
    instrument: dict | None = None  # key, version, item/subscale, anchors, reverse, scoring

    def table_schema(self, decimal_char: str = ".") -> dict:
        """The Frictionless field descriptor; number fields say which decimal sign the CSV
        uses."""
        descriptor: dict = {"name": self.name, "type": self.type, "title": self.title_en,
                            "description": self.title_sv}
        if self.type == "number" and decimal_char != ".":
            descriptor["decimalChar"] = decimal_char
        constraints = {}
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if constraints:
            descriptor["constraints"] = constraints
        if self.value_labels:
            descriptor["categories"] = [{"value": v, "label": label}
                                        for v, label in sorted(self.value_labels.items())]
        if self.unit:
            descriptor["stegvis:unit"] = self.unit
        if self.instrument:
            descriptor["stegvis:instrument"] = self.instrument
        return descriptor


def background_columns(labels: Mapping[str, Sequence[str]]) -> list[Column]:
    """Who and when, without identifying anyone: pseudonym, the five quasi-identifiers as
    disclosure control recoded them (`labels`: the values each can take; every combination
    covers at least k people), occasion and days since intake."""
    def values(name: str) -> tuple[str, ...]:
        return tuple(labels.get(name) or ("all",))

    return [
        Column("pseudonym", "string", "Participant pseudonym (HMAC of the participant within this evaluation)",
               "Pseudonym för deltagaren (HMAC, samma inom denna utvärdering)"),
        Column("unit", "string", f"Unit; small units are pooled into '{OTHER_UNIT}', or all into 'all'",
               f"Enhet; små enheter slås ihop till '{OTHER_UNIT}', eller alla till 'all'",
               enum=values("unit")),
        Column("intake_period", "string",
               "Intake year (2024), a two-year period (2024–2025) when years are pooled, or 'all'",
               "Inskrivningsår (2024), en tvåårsperiod (2024–2025) när åren slås ihop, eller 'all'",
               enum=values("period")),
        Column("gender", "string", "Gender category (small categories pooled)",
               "Könskategori (små kategorier sammanslagna)", enum=values("gender")),
        Column("age_band", "string", "Age band at intake (intake year minus birth year; bands widened when small)",
               "Åldersgrupp vid inskrivning (inskrivningsår minus födelseår; vidgas när grupperna är små)",
               enum=values("age_band")),
        Column("exit_reason", "string", "Exit reason ('in_programme' while in the programme; reasons grouped when small)",
               "Avslutsorsak ('in_programme' under pågående insats; orsaker grupperas när de är få)",
               enum=values("exit_reason")),
        Column("occasion", "string", "Occasion", "Tillfälle", enum=tuple(OCCASION_ORDER)),
        Column("days_since_intake", "integer", "Days from intake to the assessment",
               "Dagar från inskrivning till skattningen", minimum=0, unit="days"),
    ]


def _instrument_ref(book: dict, **extra) -> dict:
    """Where a column comes from; the full scoring rule is in the package's stegvis:codebooks."""
    return {"key": book["key"], "version": book["version"], "scoring": book["scoring"]["method"],
            **extra}


def wide_columns(instrument: Instrument) -> list[Column]:
    """For one instrument: its version, every item (raw answer as chosen), a 'given' flag for
    free-text items (the text itself is never exported), subscales and total."""
    book = export_codebook(instrument)
    key = instrument.key
    columns = [Column(f"{key}_version", "integer", f"{book['title']['en']}: version",
                      f"{book['title']['sv']}: version", instrument=_instrument_ref(book))]
    if asks_target_language(instrument):
        columns.append(language_column(instrument))
    for item in book["items"]:
        if item["type"] == "string":
            columns.append(Column(
                f"{key}_{item['key']}_given", "boolean",
                f"{item['text']['en']}: text given (the text is not exported)",
                f"{item['text']['sv']}: text ifylld (texten lämnas inte ut)",
                instrument=_instrument_ref(book, item=item["key"])))
            continue
        columns.append(item_column(book, item, f"{key}_{item['key']}"))
    for subscale in book["subscales"]:
        columns.append(Column(
            f"{key}_{subscale['key']}", "number", f"{book['title']['en']}: {subscale['title']['en']}",
            f"{book['title']['sv']}: {subscale['title']['sv']}", minimum=subscale["min"],
            maximum=subscale["max"], instrument=_instrument_ref(book, subscale=subscale["key"],
                                                                items=subscale["items"])))
    if book["total"] is not None:
        columns.append(Column(
            f"{key}_total", instrument.method.total_type,
            f"{book['title']['en']}: total", f"{book['title']['sv']}: total",
            minimum=book["total"]["min"], maximum=book["total"]["max"],
            value_labels=_value_names(book["items"][0]) if book["items"][0]["value_names"] else {},
            instrument=_instrument_ref(book, total=True)))
    return columns


def _value_names(item: dict) -> dict[int, str]:
    return {int(v): name for v, name in item["value_names"].items()}


def item_column(book: dict, item: dict, name: str) -> Column:
    """An item's column: range, anchors (value labels), reversal and scoring in the descriptor."""
    labels = {int(v): f"{t['en']} / {t['sv']}" for v, t in item["anchors"].items()}
    for value, value_name in _value_names(item).items():
        labels[value] = f"{value_name}: {labels[value]}" if value in labels else value_name
    return Column(
        name, "integer", item["text"]["en"], item["text"]["sv"], minimum=item["min"],
        maximum=item["max"], value_labels=labels,
        instrument=_instrument_ref(book, item=item["key"], reverse=item["reverse"],
                                   subscale=item["subscale"], anchors=item["anchors"],
                                   sensitive=item["sensitive"]))


def long_columns(labels: Mapping[str, Sequence[str]], instruments: list[Instrument]) -> list[Column]:
    """One row per answer: background, then instrument, version, item, value and flags."""
    items = sorted({i.key for inst in instruments for i in inst.items})
    ranges = [inst.scale_of(i) for inst in instruments for i in inst.scored_items]
    return [
        *background_columns(labels),
        Column("instrument", "string", "Instrument key", "Instrument",
               enum=tuple(i.key for i in instruments)),
        Column("instrument_version", "integer", "Instrument version", "Version av instrumentet",
               minimum=1),
        Column("item", "string", "Item key (see codebook.html for wording and answer options)",
               "Frågans nyckel (se codebook.html för text och svarsalternativ)", enum=tuple(items)),
        Column("value", "integer", "Answer as chosen (before reversal); empty when skipped or text",
               "Svaret som valdes (före omvändning); tomt om frågan hoppades över eller är text",
               minimum=min(s.min for s in ranges), maximum=max(s.max for s in ranges)),
        Column("skipped", "boolean", "Skipped by the participant", "Deltagaren hoppade över frågan"),
        Column("text_given", "boolean", "A free-text answer was given (the text is not exported)",
               "Ett fritextsvar gavs (texten lämnas inte ut)"),
        *[language_column(i) for i in instruments if asks_target_language(i)],
    ]


def target_language_column(key: str) -> str:
    """The column naming the language an assessment of instrument `key` was about."""
    return f"{key}_target_language"


def language_column(instrument: Instrument) -> Column:
    """Which language the participant assessed (CEFR asks first): the questions' "the
    target language" means this one."""
    book = export_codebook(instrument)
    title = book["title"]
    return Column(
        target_language_column(instrument.key), "string",
        f"{title['en']}: the target language the questions were about (ISO 639-1 code, "
        "sv = Swedish, en = English; empty when not recorded)",
        f"{title['sv']}: målspråket som frågorna gällde (kod enligt ISO 639-1, sv = svenska, "
        "en = engelska; tomt om det inte sparades)",
        instrument=_instrument_ref(book))


def missing_value_labels() -> dict[int, str]:
    return {code: f"{text.en} / {text.sv}" for code, text in MISSING_VALUES.items()}
