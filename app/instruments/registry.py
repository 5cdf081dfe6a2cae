"""Load every definition file, validate it, and look instruments up by (key, version).

Loading is all-or-nothing: one broken file stops start-up with an
`InstrumentDefinitionError` naming the file and the field, e.g.
``work_wheel-1.toml: items[2].scale: unknown scale 'x'``. A half-loaded registry would
let participants answer an instrument whose scores nobody can trust.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from .schema import FILE_NAME, DefinitionProblem, Instrument

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
STATIC = Path(__file__).resolve().parents[2] / "static"  # recordings (item `audio`) live here


class InstrumentDefinitionError(Exception):
    """A definition file cannot be used; the message names the file and the field."""

    def __init__(self, file: str, field: str, message: str) -> None:
        super().__init__(f"{file}: {field}: {message}" if field else f"{file}: {message}")
        self.file = file
        self.field = field
        self.message = message


class UnknownInstrument(LookupError):
    """No definition with that key (and version) is loaded."""


def _path_of(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p).replace(".[", "[")


def parse_definition(text: str, file: str) -> Instrument:
    """Validate one definition's TOML text; `file` is only used in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentDefinitionError(file, "", f"not valid TOML: {exc}") from exc
    try:
        return Instrument.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        problem = error.get("ctx", {}).get("error")
        where = _path_of(error["loc"])
        if isinstance(problem, DefinitionProblem):
            raise InstrumentDefinitionError(
                file, _join(where, problem.field), problem.message) from exc
        message = error["msg"]
        if error["type"] == "missing":
            message = "required field is missing"
        elif error["type"] == "extra_forbidden":
            message = "unknown field"
        raise InstrumentDefinitionError(file, where, message) from exc


def load_file(path: Path) -> Instrument:
    """Parse one file and check that its name says the same key and version as its content."""
    match = FILE_NAME.match(path.name)
    if match is None:
        raise InstrumentDefinitionError(path.name, "", "file name must be '<key>-<version>.toml'")
    instrument = parse_definition(path.read_text(encoding="utf-8"), path.name)
    if instrument.key != match["key"]:
        raise InstrumentDefinitionError(
            path.name, "key", f"'{instrument.key}' differs from file name"
        )
    if instrument.version != int(match["version"]):
        raise InstrumentDefinitionError(path.name, "version", "differs from file name")
    _check_recordings(instrument, path.name)
    return instrument


def _check_recordings(instrument: Instrument, file: str) -> None:
    """Every recording a definition names exists: a missing file is found at start-up, not
    by a participant pressing Read aloud."""
    for index, item in enumerate(instrument.items):
        for language, name in item.audio.items():
            if not (STATIC / name).is_file():
                raise InstrumentDefinitionError(
                    file, f"items[{index}].audio.{language}", f"no file static/{name}")


def structure(instrument: Instrument) -> dict[str, tuple]:
    """What scores depend on, part by part: two versions whose structures differ cannot be
    compared, whatever their wording (which may change freely between versions)."""
    scales = {name: (scale.kind, scale.min, scale.max, tuple(sorted(scale.value_names)))
              for name, scale in instrument.scales.items()}
    return {
        "items": tuple((item.key, scales[item.scale], item.reverse, item.subscale,
                        item.names_item) for item in instrument.items),
        "scales": tuple(sorted(scales.values())),
        "subscales": tuple(subscale.key for subscale in instrument.subscales),
        # Every scoring option (not the description's wording): each one changes scores.
        "scoring": tuple(sorted(instrument.scoring.model_dump(exclude={"description"}).items())),
    }


def check_comparable(instrument: Instrument, other: Instrument) -> None:
    """Refuse a declared comparable version whose items, scales, subscales or scoring differ:
    pairing intake and exit across them would compare different things."""
    mine, theirs = structure(instrument), structure(other)
    differing = [part for part in mine if mine[part] != theirs[part]]
    if differing:
        raise InstrumentDefinitionError(
            f"{instrument.ident}.toml", "comparable_versions",
            f"version {other.version} differs in {', '.join(differing)}; a comparable version "
            "must keep the same items, scales, subscales and scoring")


class Registry:
    """Every loaded instrument, keyed by (key, version). Immutable once built; declared
    comparable versions are checked against each other when both are loaded."""

    def __init__(self, instruments: list[Instrument]) -> None:
        self._by_ident: dict[tuple[str, int], Instrument] = {}
        for instrument in instruments:
            ident = (instrument.key, instrument.version)
            if ident in self._by_ident:
                raise InstrumentDefinitionError(instrument.ident, "version", "defined twice")
            self._by_ident[ident] = instrument
        for instrument in instruments:
            for version in instrument.comparable_versions:
                other = self._by_ident.get((instrument.key, version))
                if other is not None:
                    check_comparable(instrument, other)

    def get(self, key: str, version: int) -> Instrument:
        """The exact version a stored assessment refers to."""
        try:
            return self._by_ident[(key, version)]
        except KeyError:
            raise UnknownInstrument(f"no instrument {key!r} version {version}") from None

    def latest(self, key: str) -> Instrument:
        """The newest version: what a new invitation should use."""
        versions = [v for (k, v) in self._by_ident if k == key]
        if not versions:
            raise UnknownInstrument(f"no instrument {key!r}")
        return self._by_ident[(key, max(versions))]

    def keys(self) -> list[str]:
        return sorted({k for (k, _) in self._by_ident})

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self._by_ident[i] for i in sorted(self._by_ident))

    def __len__(self) -> int:
        return len(self._by_ident)


def load_registry(directory: Path = DEFINITIONS) -> Registry:
    """Load and validate every `*.toml` in `directory`; raise on the first broken one."""
    return Registry([load_file(path) for path in sorted(directory.glob("*.toml"))])


@cache
def registry() -> Registry:
    """The shipped definitions, loaded once per process."""
    return load_registry()


def comparable(a: Instrument, b: Instrument) -> bool:
    """May scores from `a` and `b` be compared (change, cohort statistics)?

    Same key, and either the same version or one version lists the other in
    `comparable_versions`; a new version declares which older ones it stays comparable to.
    """
    if a.key != b.key:
        return False
    return (
        a.version == b.version
        or b.version in a.comparable_versions
        or a.version in b.comparable_versions
    )
