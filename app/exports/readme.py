"""README.txt of an export: what the files are, what was generalised, who was left out and
why, and why the Health Wheel or KASAM is or is not there. Swedish first, then English."""
from __future__ import annotations

from .csvformat import CsvFormat
from .facts import ExportFacts

INTRO = {
    "sv": """\
Filen {csv} innehåller svar från självskattningar ({layout}), {format}, kodad som UTF-8.
Den är pseudonymiserad: det är fortfarande uppgifter om enskilda personer.
Hantera den som personuppgifter och bara för utvärderingens syfte.
codebook.html och codebook.md beskriver varje variabel: frågan på svenska och engelska, typ,
värden och deras betydelse, koder för saknade värden och instrumentets version.
datapackage.json beskriver samma sak maskinläsbart (Frictionless Data Package).{sav}
I CSV-filen är ett saknat värde en tom cell.

Inga namn, deltagarkoder, id-nummer, enheters id, exakta datum, födelseår eller fritexter
finns i exporten. Varje deltagare har en pseudonym som är densamma i alla exporter från
utvärderingen "{evaluation}", så att mätningar kan kopplas ihop, men som skiljer sig från
andra utvärderingar. Datum är ersatta med dagar sedan inskrivning och födelseår med
åldersgrupp. Fritexter lämnas aldrig ut, bara om en text gavs. Svar som bara visades i
samtalet (sparades inte) finns aldrig med.
""",
    "en": """\
{csv} holds self-assessment answers ({layout}), {format}, encoded as UTF-8.
It is pseudonymised: it is still data about individual people.
Handle it as personal data, and only for the purpose of the evaluation.
codebook.html and codebook.md describe every variable: its question in Swedish and English,
type, values and their meaning, missing-value codes and the instrument's version.
datapackage.json describes the same for machines (Frictionless Data Package).{sav}
In the CSV, a missing value is an empty cell.

There are no names, participant codes, database ids, unit ids, exact dates, birth years or
free texts. Each participant has a pseudonym that is the same in every export of the
evaluation "{evaluation}", so waves can be joined, and different in any other evaluation.
Dates are days since intake, birth years are age bands. Free text is never exported, only
whether some was given. Answers that were only shown in the conversation (not stored) are
never included.
""",
}
SAV = {"sv": "\n{sav} innehåller samma data i brett format för SPSS och PSPP, med etiketter och "
             "koder för saknade värden.",
       "en": "\n{sav} holds the same data in the wide layout for SPSS and PSPP, with labels and "
             "missing-value codes."}
LAYOUT = {("sv", "long"): "en rad per svar", ("sv", "wide"): "en rad per deltagare och tillfälle",
          ("en", "long"): "one row per answer", ("en", "wide"): "one row per participant and occasion"}
HEADINGS = {
    "sv": ("Svenska", "Vad som generaliserades (så att varje kombination av bakgrundsuppgifter "
           "gäller minst {k} personer)", "Vilka som är utelämnade", "Hälsouppgifter", "Urval"),
    "en": ("English", "What was generalised (so that every combination of background values "
           "covers at least {k} people)", "Who is left out", "Health data", "Selection"),
}


def _section(language: str, facts: ExportFacts, fmt: CsvFormat, k: int) -> str:
    title, generalised, left_out, health, selection = HEADINGS[language]
    sav = SAV[language].format(sav=facts.sav_name) if facts.sav_name else ""
    lines = [title, "-" * len(title), INTRO[language].format(
        csv=facts.csv_name, layout=LAYOUT[language, facts.layout], sav=sav,
        evaluation=facts.evaluation,
        format=fmt.description_sv if language == "sv" else fmt.description_en)]
    lines += [generalised.format(k=k) + ":"]
    lines += [f"- {getattr(s, language)}" for s in facts.generalised] + [""]
    lines += [left_out + ":"] + [f"- {getattr(s, language)}" for s in facts.left_out] + [""]
    if facts.sensitive:
        lines += [health + ":"]
        lines += [f"- {getattr(choice.sentence(), language)}" for choice in facts.sensitive] + [""]
    filters = ", ".join(f"{name}={value}" for name, value in facts.filters.items()) or "-"
    lines += [f"{selection}: {filters}", ""]
    return "\n".join(lines)


def readme(facts: ExportFacts, fmt: CsvFormat, k: int) -> str:
    """The README text, Swedish then English."""
    title = "Stegvis – pseudonymiserad export / pseudonymised export"
    return "\n".join([title, "=" * len(title), "", _section("sv", facts, fmt, k),
                      _section("en", facts, fmt, k)])
