"""What a reader of an export must know about how it was made, in Swedish and English:
what disclosure control generalised (which quasi-identifier, to which level, in words), who
was left out and why, and why the Health Wheel or KASAM is or is not in the file.

README.txt and the codebook both print these sentences, so they cannot say different things.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..services.disclosure import EVERYONE, OTHER_UNITS, EvaluatorView


@dataclass(frozen=True)
class Sentence:
    """One statement in both languages of the export."""

    sv: str
    en: str


NAMES = {
    "unit": Sentence("enhet", "unit"),
    "period": Sentence("inskrivningsår", "intake year"),
    "gender": Sentence("kön", "gender"),
    "age_band": Sentence("åldersgrupp", "age band"),
    "exit_reason": Sentence("avslutsorsak", "exit reason"),
}
COLUMNS = {"unit": "unit", "period": "intake_period", "gender": "gender", "age_band": "age_band",
           "exit_reason": "exit_reason"}


def _level_words(name: str, level: int, k: int, pooled_units: int) -> Sentence:
    """How one quasi-identifier was coarsened at `level` (app.services.disclosure's table)."""
    if name == "unit":
        below = k if level == 1 else 3 * k
        return Sentence(
            f"enheter med färre än {below} deltagare ({pooled_units} st.) är sammanslagna till "
            f"{OTHER_UNITS}",
            f"units with fewer than {below} participants ({pooled_units} units) pooled into "
            f"{OTHER_UNITS}")
    return {
        ("period", 1): Sentence("inskrivningsåren är sammanslagna till tvåårsperioder (t.ex. "
                                "2024–2025)", "intake years pooled into two-year periods "
                                "(e.g. 2024–2025)"),
        ("gender", 1): Sentence("andra könskategorier än kvinna och man är sammanslagna till "
                                "other_or_not_recorded", "gender categories other than woman and "
                                "man pooled into other_or_not_recorded"),
        ("age_band", 1): Sentence("åldersgrupperna är vidgade till 15-24, 25-44 och 45+",
                                  "age bands widened to 15-24, 25-44 and 45+"),
        ("exit_reason", 1): Sentence("avslutsorsakerna är grupperade till work_or_studies och "
                                     "other_reason (in_programme är kvar)", "exit reasons grouped "
                                     "into work_or_studies and other_reason (in_programme kept)"),
        ("exit_reason", 2): Sentence("avslutsorsakerna är grupperade till left och in_programme",
                                     "exit reasons grouped into left and in_programme"),
    }[name, level]


def generalisation(view: EvaluatorView) -> list[Sentence]:
    """Each quasi-identifier column and what was done to it, in the order of the file."""
    found = []
    for name, column in COLUMNS.items():
        level = view.recoding.level_of(name)
        mapping = view.recoding.hierarchy(name).levels[level]
        label = NAMES[name]
        if level == 0:
            words = Sentence("som den registrerades", "as recorded")
        elif set(mapping.values()) <= {EVERYONE}:
            words = Sentence(f"alla är sammanslagna till en grupp, \"{EVERYONE}\" (ingen uppdelning "
                             f"på {label.sv})",
                             f"everyone pooled into one group, \"{EVERYONE}\" (no breakdown by "
                             f"{label.en})")
        else:
            pooled = sum(1 for value in mapping.values() if value == OTHER_UNITS)
            words = _level_words(name, level, view.k, pooled)
        found.append(Sentence(f"{column} ({label.sv}): {words.sv}", f"{column} ({label.en}): {words.en}"))
    return found


def people(count: int) -> Sentence:
    """"1 person", "3 people"."""
    return Sentence(f"{count} person" if count == 1 else f"{count} personer",
                    f"{count} person" if count == 1 else f"{count} people")


def _left(count: int) -> str:
    return "utelämnad" if count == 1 else "utelämnade"


def _alone(name: str, count: int, k: int) -> Sentence:
    who = people(count)
    if name == "combination":
        return Sentence(
            f"{who.sv} vars kombination av enhet, inskrivningsår, kön, åldersgrupp och "
            f"avslutsorsak delas av färre än {k} personer",
            f"{who.en} whose combination of unit, intake year, gender, age band and exit "
            f"reason is shared by fewer than {k} people")
    label = NAMES[name]
    return Sentence(f"{who.sv} vars {label.sv} delas av färre än {k} personer",
                    f"{who.en} whose {label.en} is shared by fewer than {k} people")


def left_out(view: EvaluatorView, in_file: int) -> list[Sentence]:
    """Who is missing from the file, and why: people disclosure control leaves out of every
    figure of the organisation, and people whose group is too small among those with
    answers in this file."""
    found = []
    if view.left_out:
        reasons = [_alone(name, count, view.k) for name, count in sorted(view.left_out_by.items())]
        total = people(view.left_out)
        found.append(Sentence(
            f"I hela organisationen är {total.sv} {_left(view.left_out)} ur alla siffror och exporter: "
            + "; ".join(r.sv for r in reasons) + ".",
            f"In the whole organisation, {total.en} {'is' if view.left_out == 1 else 'are'} "
            "left out of every figure and export: "
            + "; ".join(r.en for r in reasons) + "."))
    if in_file:
        more = people(in_file)
        found.append(Sentence(
            f"Ytterligare {more.sv} är {_left(in_file)} ur den här filen: bland dem som har svar i "
            f"filen delas deras kombination av enhet, inskrivningsår, kön, åldersgrupp och "
            f"avslutsorsak av färre än {view.k} personer.",
            f"Another {more.en} {'is' if in_file == 1 else 'are'} left out of this file: among those with answers in it, their "
            f"combination of unit, intake year, gender, age band and exit reason is shared by "
            f"fewer than {view.k} people."))
    if not found:
        found.append(Sentence("Ingen är utelämnad.", "Nobody is left out."))
    return found


SENSITIVE_TITLES = {"health_wheel": Sentence("Hälsohjulet", "Health Wheel"),
                    "kasam13": Sentence("KASAM", "KASAM")}


@dataclass(frozen=True)
class SensitiveChoice:
    """Whether one sensitive instrument (health data, GDPR art. 9) is in the file."""

    key: str
    included: bool
    purpose: str = ""

    def sentence(self) -> Sentence:
        title = SENSITIVE_TITLES.get(self.key, Sentence(self.key, self.key))
        if self.included:
            return Sentence(
                f"{title.sv}: med, eftersom utvärderingens syfte omfattar svaren: \"{self.purpose}\". "
                "Bara svar som deltagaren har samtyckt till att spara finns med.",
                f"{title.en}: included, because the evaluation's purpose includes these answers: "
                f"\"{self.purpose}\". Only answers the participant consented to storing are in it.")
        return Sentence(
            f"{title.sv}: inte med. Svaren är hälsouppgifter och lämnas bara ut när utvärderingen "
            "har ett registrerat syfte som omfattar dem, och bara svar som sparats med samtycke.",
            f"{title.en}: not included. These answers are health data and leave only when the "
            "evaluation has a recorded purpose that includes them, and only answers stored with "
            "consent.")


@dataclass(frozen=True)
class ExportFacts:
    """Everything the README and the codebook say about one file beyond its columns."""

    evaluation: str
    layout: str
    csv_name: str
    sav_name: str | None
    generalised: list[Sentence]
    left_out: list[Sentence]
    sensitive: list[SensitiveChoice] = field(default_factory=list)
    filters: Mapping[str, str] = field(default_factory=dict)
