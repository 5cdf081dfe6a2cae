"""Licensed wording (KASAM): parse an admin's file, and decide whether an instrument may go out.

The repository ships no licensed text. An administrator holding permission loads one file
per language with `flask instruments load`; it is stored in `InstrumentLicence` with the
permission reference. The file restates each item's key, reverse flag, subscale and anchor
points, and loading refuses any difference from the shipped definition: the wording decides
which end of the scale is "good", so a file whose structure disagrees with our scoring would
silently score participants backwards.

Licensed file format (TOML, one language):

    key = "kasam13"
    version = 1
    language = "sv"
    title = "…"
    intro = "…"
    [[items]]
    key = "q1"
    reverse = true
    subscale = "meaningfulness"
    text = "…"
    anchors = { 1 = "…", 7 = "…" }
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .registry import InstrumentDefinitionError, _path_of, read_toml
from .schema import KEY_PATTERN, Instrument

# Where the demo text is acceptable: everywhere except production.
DEMO_TEXT_ENVIRONMENTS = frozenset({"development", "demo", "test", "testing"})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LicensedItem(_Frozen):
    key: str = Field(pattern=KEY_PATTERN)
    text: str = Field(min_length=1)
    reverse: bool = False
    subscale: str | None = None
    anchors: dict[int, str] = {}


class LicensedWording(_Frozen):
    """The licensed texts of one instrument version in one language."""

    key: str
    version: int
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")
    title: str | None = None
    intro: str | None = None
    question: str | None = None
    subscales: dict[str, str] = {}
    items: tuple[LicensedItem, ...]

    def __hash__(self) -> int:
        return hash((self.key, self.version, self.language))

    def text(self, ref: str) -> str | None:
        """The licensed text for a ref of `texts.text_entries`, or None to fall back."""
        if ref in ("title", "intro", "question"):
            return getattr(self, ref)
        if ref.startswith("subscale."):
            return self.subscales.get(ref.removeprefix("subscale."))
        key, _, value = ref.partition(".")
        for item in self.items:
            if item.key == key:
                return (
                    item.anchors.get(int(value))
                    if value.isdigit()
                    else (None if value else item.text)
                )
        return None


def parse_licensed_wording(
    text: str, file: str, *, base: Instrument, language: str | None = None
) -> LicensedWording:
    """Validate a licensed file against the shipped definition `base`; errors name the field."""
    data = read_toml(text, file)
    if language is not None:
        data.setdefault("language", language)
        if data["language"] != language:
            raise InstrumentDefinitionError(
                file, "language", f"file says '{data['language']}', --language says '{language}'"
            )
    try:
        wording = LicensedWording.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = "required field is missing" if error["type"] == "missing" else error["msg"]
        raise InstrumentDefinitionError(file, _path_of(error["loc"]), message) from exc
    _check_against(wording, base, file)
    return wording


def _check_against(wording: LicensedWording, base: Instrument, file: str) -> None:
    if (wording.key, wording.version) != (base.key, base.version):
        raise InstrumentDefinitionError(
            file, "key", f"{wording.key}-{wording.version} is not {base.ident}"
        )
    got = [i.key for i in wording.items]
    want = [i.key for i in base.items]
    if got != want:
        raise InstrumentDefinitionError(file, "items", f"keys {got} differ from {want}")
    for i, (mine, theirs) in enumerate(zip(wording.items, base.items, strict=True)):
        if mine.reverse != theirs.reverse:
            raise InstrumentDefinitionError(
                file, f"items[{i}].reverse", f"is {mine.reverse}, scoring says {theirs.reverse}"
            )
        if mine.subscale != theirs.subscale:
            raise InstrumentDefinitionError(
                file,
                f"items[{i}].subscale",
                f"is {mine.subscale!r}, scoring says {theirs.subscale!r}",
            )
        if set(mine.anchors) != set(base.anchors_of(theirs)):
            raise InstrumentDefinitionError(
                file,
                f"items[{i}].anchors",
                f"points {sorted(mine.anchors)} differ from {sorted(base.anchors_of(theirs))}",
            )
    unknown = set(wording.subscales) - {s.key for s in base.subscales}
    if unknown:
        raise InstrumentDefinitionError(file, "subscales", f"unknown {sorted(unknown)}")


@dataclass(frozen=True)
class Availability:
    """Whether an instrument may be sent to participants, and if not, why (for the admin)."""

    allowed: bool
    reason: str = ""


def availability(
    instrument: Instrument,
    *,
    environment: str,
    licensed_languages: Iterable[str],
    language: str | None = None,
) -> Availability:
    """Licensed instruments need loaded wording in production; demo text is fine elsewhere.

    With `language`, wording for that language is required (a participant reading Arabic
    must not get demo text because only Swedish was licensed).
    """
    if not instrument.requires_licence:
        return Availability(True)
    languages = {lang.split("_")[0] for lang in licensed_languages}
    if environment in DEMO_TEXT_ENVIRONMENTS:
        return Availability(True)
    if language is None and languages:
        return Availability(True)
    if language is not None and language.split("_")[0] in languages:
        return Availability(True)
    wanted = f" in language '{language}'" if language else ""
    return Availability(
        False,
        f"{instrument.title.en} ({instrument.ident}) needs licensed wording{wanted} before it "
        f"can be sent to participants. Load it with: flask instruments load FILE "
        f'--permission "…" --granted-by "…" --language …',
    )
