"""What an instrument definition may say: frozen pydantic models validated from TOML.

The models hold every rule that can be checked without scoring anything: scales exist,
reversed items have a numeric scale, subscales name real items, anchors lie on the scale.
A broken definition must fail at start-up, not in front of a participant, so every
cross-reference check runs here (what a scoring method needs is checked by that method in
`methods.py`, called from here) and reports the field it is about (`DefinitionProblem`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    from .methods import ScoringMethod

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
# Item keys become the last part of gettext contexts ("work_wheel-1.health"), so they
# must not collide with the instrument-level texts that share that namespace.
RESERVED_ITEM_KEYS = frozenset({"title", "intro", "question", "scoring", "scale", "subscale"})
IndividualResults = Literal["participant_and_coach", "coach_only", "statistics_only"]
# Where an item's area comes from: a programme's published instrument (MAP2020's report
# names the Health Wheel's stress, diet and exercise) or Stegvis's own addition. Evaluators
# need this to say which results can be compared with the programme's report.
ItemSource = Literal["MAP2020", "Stegvis"]
# A recorded reading of an item: a file under static/, per language code (`sv`, `fa_AF`).
AUDIO_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
AUDIO_FILE = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_.-]+)*\.(mp3|ogg|opus|m4a|wav)$")


class DefinitionProblem(ValueError):
    """A cross-field rule broken; `field` is the dotted path the loader reports."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """One text in English (the gettext msgid) and easy-to-read Swedish (which `sv` is)."""

    en: str = Field(min_length=1)
    sv: str = Field(min_length=1)


class Scale(_Frozen):
    """A response scale: integers min..max, or free text.

    `value_names` are short codes for values (CEFR: 0 = "preA1" … 6 = "C2"); they appear in
    exports and in gettext contexts. `anchors` label values for every item on the scale;
    an item may add or override anchors of its own (KASAM's per-item end labels).
    """

    kind: Literal["integer", "text"] = "integer"
    min: int | None = None
    max: int | None = None
    max_length: int = 200
    value_names: dict[int, str] = {}
    anchors: dict[int, Text] = {}

    @model_validator(mode="after")
    def _range(self) -> Scale:
        if self.kind == "integer":
            if self.min is None or self.max is None:
                raise DefinitionProblem("min", "an integer scale needs min and max")
            if self.min >= self.max:
                raise DefinitionProblem("max", f"max {self.max} must exceed min {self.min}")
            for where, values in (("value_names", self.value_names), ("anchors", self.anchors)):
                for value in values:
                    if not self.min <= value <= self.max:
                        raise DefinitionProblem(where, f"{value} is outside {self.min}..{self.max}")
        elif self.value_names or self.anchors or self.min is not None or self.max is not None:
            raise DefinitionProblem(
                "kind", "a text scale takes no min, max, anchors or value names"
            )
        return self

    @property
    def span(self) -> int:
        """max − min: the denominator of 'change as share of the scale range'."""
        return (self.max or 0) - (self.min or 0)


class Item(_Frozen):
    """One question. `sensitive` marks health data (GDPR art. 9) at item level."""

    key: str = Field(pattern=KEY_PATTERN)
    text: Text
    scale: str
    reverse: bool = False
    subscale: str | None = None
    skippable: bool = False
    sensitive: bool = False
    anchors: dict[int, Text] = {}
    # A free-text item that names another item's area (work_wheel "other_text" → "other").
    names_item: str | None = None
    source: ItemSource | None = None
    # Optional recordings, played instead of the device's synthetic voice (read-aloud):
    # language code -> path under static/, e.g. { sv = "audio/work_wheel-1/health.sv.mp3" }.
    audio: dict[str, str] = {}

    @field_validator("audio")
    @classmethod
    def _audio_paths(cls, audio: dict[str, str]) -> dict[str, str]:
        for language, path in audio.items():
            if not AUDIO_LANGUAGE.match(language):
                raise DefinitionProblem(language, "not a language code such as sv or fa_AF")
            if not AUDIO_FILE.match(path) or ".." in path.split("/"):
                raise DefinitionProblem(
                    language, f"'{path}' is not a relative path under static/ to an .mp3, .ogg, "
                              ".opus, .m4a or .wav file")
        return audio

    def audio_for(self, locale: str) -> str | None:
        """The recording for `locale` (fa_AF, else fa), or None."""
        return self.audio.get(locale) or self.audio.get(locale.split("_")[0])


class Subscale(_Frozen):
    key: str = Field(pattern=KEY_PATTERN)
    title: Text


class Scoring(_Frozen):
    """How answers become scores; `description` is what the codebook states.

    `method` names a registered scoring method (`app.instruments.methods`), which says what
    the options below mean. It is checked against the registry when a definition is read
    rather than typed as a fixed Literal, so a new method is only a new class there.
    """

    method: str
    description: Text
    max_missing_per_subscale: int = Field(default=0, ge=0)
    # Skipped items allowed in the whole total (None: only the per-subscale limit applies).
    max_missing_total: int | None = Field(default=None, ge=0)
    median_rounding: Literal["lower", "upper"] = "lower"
    min_answered: int = Field(default=1, ge=1)
    # Areas answered at both occasions that a wheel's mean change needs (None: all of them).
    min_paired_areas: int | None = Field(default=None, ge=1)

    @property
    def options(self) -> set[str]:
        """The options this definition sets explicitly (not method or description)."""
        return self.model_fields_set - {"method", "description"}

    @field_validator("method")
    @classmethod
    def _registered(cls, name: str) -> str:
        from .methods import METHODS  # the methods build on this module

        if name not in METHODS:
            known = ", ".join(sorted(METHODS))
            raise DefinitionProblem("", f"unknown scoring method '{name}' (known: {known})")
        return name


class Instrument(_Frozen):
    """One version of one instrument. A change of wording or scale is a new version."""

    key: str = Field(pattern=KEY_PATTERN)
    version: int = Field(ge=1)
    title: Text
    intro: Text
    question: Text | None = None
    minutes: int = Field(ge=1)
    source: str = ""
    sensitive: bool = False
    requires_licence: bool = False
    individual_results: IndividualResults
    comparable_versions: tuple[int, ...] = ()
    reliability: float | None = Field(default=None, gt=0, lt=1)
    reference_sd: float | None = Field(default=None, gt=0)
    scales: dict[str, Scale] = Field(min_length=1)
    subscales: tuple[Subscale, ...] = ()
    scoring: Scoring
    items: tuple[Item, ...] = Field(min_length=1)

    # Frozen models hash their fields; ours contain dicts, and (key, version) is identity.
    def __hash__(self) -> int:
        return hash((self.key, self.version))

    @model_validator(mode="after")
    def _references(self) -> Instrument:
        keys: set[str] = set()
        subscale_keys = {s.key for s in self.subscales}
        if len(subscale_keys) != len(self.subscales):
            raise DefinitionProblem("subscales", "duplicate subscale key")
        for i, item in enumerate(self.items):
            at = f"items[{i}]"
            if item.key in keys:
                raise DefinitionProblem(f"{at}.key", f"duplicate item key '{item.key}'")
            if item.key in RESERVED_ITEM_KEYS:
                raise DefinitionProblem(f"{at}.key", f"'{item.key}' is reserved")
            keys.add(item.key)
            scale = self.scales.get(item.scale)
            if scale is None:
                raise DefinitionProblem(f"{at}.scale", f"unknown scale '{item.scale}'")
            if scale.kind != "integer" and (item.reverse or item.subscale or item.anchors):
                raise DefinitionProblem(
                    f"{at}.reverse" if item.reverse else f"{at}.scale",
                    f"a text item cannot be reversed, anchored or in a subscale "
                    f"(scale '{item.scale}' is text)",
                )
            for value in item.anchors:
                if not scale.min <= value <= scale.max:
                    raise DefinitionProblem(
                        f"{at}.anchors", f"{value} is outside {scale.min}..{scale.max}"
                    )
            if item.subscale is not None and item.subscale not in subscale_keys:
                raise DefinitionProblem(f"{at}.subscale", f"unknown subscale '{item.subscale}'")
        for i, item in enumerate(self.items):
            if item.names_item is not None and item.names_item not in keys:
                raise DefinitionProblem(
                    f"items[{i}].names_item", f"unknown item '{item.names_item}'"
                )
        for i, subscale in enumerate(self.subscales):
            if not any(item.subscale == subscale.key for item in self.items):
                raise DefinitionProblem(f"subscales[{i}]", f"'{subscale.key}' has no items")
        sourced = [item.source is not None for item in self.scored_items]
        if any(sourced) and not all(sourced):
            missing = next(i for i, item in enumerate(self.items)
                           if item in self.scored_items and item.source is None)
            raise DefinitionProblem(f"items[{missing}].source",
                                    "name the source of every scored item or of none")
        self.method.validate(self)
        # An option the method never reads would look like a rule in the codebook.
        unread = sorted(self.scoring.options - self.method.options)
        if unread:
            raise DefinitionProblem(f"scoring.{unread[0]}",
                                    f"scoring method '{self.scoring.method}' takes no {unread[0]}")
        return self

    @property
    def method(self) -> ScoringMethod:
        """The scoring method as an object: ask it (`instrument.method.headline_ref`) rather
        than comparing `scoring.method` to a name."""
        from .methods import method_named  # the methods build on this module

        return method_named(self.scoring.method)

    # -- lookups used by scoring, rendering and the codebook --------------------------

    def shows_individual_results_to(self, audience: Literal["participant", "coach"]) -> bool:
        """What the licence allows: participant and coach views both ask this, never the key."""
        allowed = {
            "participant_and_coach": {"participant", "coach"},
            "coach_only": {"coach"},
            "statistics_only": set(),
        }
        return audience in allowed[self.individual_results]

    def item(self, key: str) -> Item:
        """The item with `key`; KeyError names it when absent."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def scale_of(self, item: Item) -> Scale:
        return self.scales[item.scale]

    @property
    def scored_items(self) -> tuple[Item, ...]:
        """Items with an integer scale; free-text items are kept but never scored."""
        return tuple(i for i in self.items if self.scales[i.scale].kind == "integer")

    def items_of(self, subscale: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.subscale == subscale)

    def anchors_of(self, item: Item) -> dict[int, Text]:
        """The scale's anchors with the item's own anchors laid over them."""
        return {**self.scales[item.scale].anchors, **item.anchors}

    @property
    def ident(self) -> str:
        """'kasam13-1': the prefix of every gettext context of this instrument."""
        return f"{self.key}-{self.version}"


FILE_NAME = re.compile(r"^(?P<key>[a-z][a-z0-9_]*)-(?P<version>[1-9][0-9]*)\.toml$")
