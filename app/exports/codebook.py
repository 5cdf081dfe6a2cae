"""The human-readable codebook of an export, as codebook.html and codebook.md.

Written once as a small document (headings, paragraphs, tables) from the same `Column`s
that datapackage.json and the SPSS labels come from, and from each instrument's definition,
then rendered twice: Markdown for reading anywhere, HTML that opens in any browser with no
external file (styles inline) and reads well with a screen reader (one h1, nested headings,
table captions, header cells with `scope`, Swedish text marked `lang="sv"`).
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..instruments import Instrument
from ..instruments.codebook import MISSING_VALUES, export_codebook
from .columns import NOT_ASKED, NOT_COMPUTABLE, SKIPPED, Column, wide_columns
from .csvformat import CsvFormat
from .facts import ExportFacts


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    lang: str | None = None  # None: the document's language (English)


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    langs: tuple[str | None, ...] = ()  # per column, e.g. "sv" for a Swedish column


Block = Heading | Paragraph | Table

TYPES = {"integer": "whole number / heltal", "number": "number / tal", "string": "text",
         "boolean": "true/false (sant/falskt)"}


def _values(column: Column) -> str:
    if column.value_labels:
        return "; ".join(f"{value} = {label}" for value, label in sorted(column.value_labels.items()))
    if column.enum is not None:
        return ", ".join(str(value) for value in column.enum)
    if column.minimum is not None or column.maximum is not None:
        low = "" if column.minimum is None else column.minimum
        high = "" if column.maximum is None else column.maximum
        return f"{low}–{high}"
    return ""


def _missing_codes(column: Column, layout: str) -> str:
    """Which SPSS missing codes a column can hold (an empty CSV cell in the CSV)."""
    ref = column.instrument or {}
    if layout == "long" or not ref or column.type == "string":
        return "empty if missing / tom om saknas" if column.type == "string" and ref else ""
    codes = [NOT_ASKED]
    if "item" in ref and column.type != "boolean":
        codes.append(SKIPPED)
    if ("subscale" in ref and "item" not in ref) or ref.get("total"):
        codes.append(NOT_COMPUTABLE)
    return ", ".join(str(code) for code in sorted(codes))


def _variable_table(caption: str, columns: list[Column], layout: str, name_of=None) -> Table:
    name_of = name_of or (lambda column: column.name)
    return Table(
        caption,
        ("Variable / Variabel", "Question or meaning (English)", "Fråga eller betydelse (svenska)",
         "Type / Typ", "Values and labels / Värden och etiketter",
         "Missing (SPSS codes) / Saknas (SPSS-koder)"),
        [(name_of(c), c.title_en, c.title_sv, TYPES[c.type], _values(c), _missing_codes(c, layout))
         for c in columns],
        langs=(None, "en", "sv", None, None, None))


def _instrument_blocks(instrument: Instrument, layout: str) -> list[Block]:
    book = export_codebook(instrument)
    title = f"{book['title']['en']} / {book['title']['sv']} ({book['key']}, version {book['version']})"
    blocks: list[Block] = [Heading(2, title)]
    if book["source"]:
        blocks.append(Paragraph(f"Source / Källa: {book['source']}"))
    scoring = book["scoring"]["description"]
    if scoring:
        blocks += [Paragraph(f"Scoring: {scoring['en']}", "en"),
                   Paragraph(f"Poängräkning: {scoring['sv']}", "sv")]
    if book["comparable_versions"]:
        versions = ", ".join(str(v) for v in book["comparable_versions"])
        blocks.append(Paragraph(f"Comparable with version(s) / Jämförbar med version: {versions}"))
    columns = wide_columns(instrument)
    if layout == "wide":
        blocks.append(_variable_table(f"Variables of {book['key']} / Variabler för {book['key']}",
                                      columns, layout))
    else:
        blocks.append(Paragraph(
            f"In the long file every answer is a row with instrument = {book['key']} and the item's "
            "key in the column item. Subscales and totals are in the wide export. / I den långa "
            f"filen är varje svar en rad med instrument = {book['key']} och frågans nyckel i "
            "kolumnen item. Delskalor och summor finns i den breda exporten."))
        items = [c for c in columns if c.instrument and "item" in c.instrument]
        blocks.append(_variable_table(f"Items of {book['key']} / Frågor i {book['key']}", items,
                                      layout, name_of=lambda c: c.instrument["item"]))
    return blocks


def codebook_blocks(*, facts: ExportFacts, fmt: CsvFormat, columns: list[Column],
                    instruments: list[Instrument], k: int) -> list[Block]:
    """The codebook: the file, missing values, the background variables and how they were
    generalised, then each instrument with its questions in both languages."""
    # The long file's columns are all its own; the wide file's instrument columns are
    # described with their instrument below.
    instrument_columns = {c.name for i in instruments for c in wide_columns(i)}
    own = columns if facts.layout == "long" else [c for c in columns if c.name not in instrument_columns]
    blocks: list[Block] = [
        Heading(1, f"Codebook / Kodbok: {facts.csv_name}"),
        Paragraph(f"Stegvis pseudonymised export of the evaluation \"{facts.evaluation}\": row-level "
                  f"data about people, handle it as personal data. Layout: {facts.layout}. CSV: "
                  f"{fmt.description_en}, UTF-8 with byte order mark.", "en"),
        Paragraph(f"Pseudonymiserad export från Stegvis för utvärderingen \"{facts.evaluation}\": "
                  f"uppgifter om enskilda personer, hantera dem som personuppgifter. CSV: "
                  f"{fmt.description_sv}, UTF-8 med byte order mark.", "sv"),
        Heading(2, "Missing values / Saknade värden"),
        Paragraph("In the CSV every missing value is an empty cell. The SPSS file of the wide "
                  "export says why with these codes, declared as user-missing.", "en"),
        Paragraph("I CSV-filen är varje saknat värde en tom cell. SPSS-filen i den breda "
                  "exporten säger varför med dessa koder.", "sv"),
        Table("Missing-value codes / Koder för saknade värden",
              ("Code / Kod", "CSV", "Meaning (English)", "Betydelse (svenska)"),
              [(str(code), "empty / tom", text.en, text.sv)
               for code, text in sorted(MISSING_VALUES.items())],
              langs=(None, None, "en", "sv")),
        Heading(2, "Background variables / Bakgrundsvariabler"),
        Paragraph("unit, intake_period, gender, age_band and exit_reason are recoded so that every "
                  f"combination of them covers at least {k} people in the file. intake_period is "
                  "the intake year, or a two-year period such as 2024–2025 when years are pooled, "
                  "or 'all'. What was done in this file:", "en"),
        Paragraph("unit, intake_period, gender, age_band och exit_reason är omkodade så att varje "
                  f"kombination av dem gäller minst {k} personer i filen. intake_period är "
                  "inskrivningsåret, eller en tvåårsperiod som 2024–2025 när åren slås ihop, "
                  "eller 'all'. Det här gjordes i filen:", "sv"),
        Table("Generalised / Generaliserat", ("English", "Svenska"),
              [(s.en, s.sv) for s in facts.generalised], langs=("en", "sv")),
        Table("Left out / Utelämnade", ("English", "Svenska"),
              [(s.en, s.sv) for s in facts.left_out], langs=("en", "sv")),
    ]
    if facts.sensitive:
        blocks.append(Table("Health data / Hälsouppgifter", ("English", "Svenska"),
                            [(c.sentence().en, c.sentence().sv) for c in facts.sensitive],
                            langs=("en", "sv")))
    blocks.append(_variable_table(f"Variables of {facts.csv_name} / Variabler i {facts.csv_name}",
                                  own, facts.layout))
    for instrument in instruments:
        blocks += _instrument_blocks(instrument, facts.layout)
    return blocks


# -- rendering ---------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: list[Block]) -> str:
    """GitHub-flavoured Markdown."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            out += [block.text, ""]
        else:
            out += [f"**{block.caption}**", "",
                    "| " + " | ".join(_md_cell(h) for h in block.header) + " |",
                    "|" + "---|" * len(block.header)]
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out)


STYLE = ("body{font-family:system-ui,sans-serif;line-height:1.5;margin:2rem;max-width:90rem}"
         "table{border-collapse:collapse;margin:0 0 2rem}caption{text-align:left;font-weight:bold;"
         "padding:.5rem 0}th,td{border:1px solid #767676;padding:.3rem .5rem;text-align:left;"
         "vertical-align:top}thead th{background:#eee}")


def _lang(lang: str | None) -> str:
    return f' lang="{lang}"' if lang and lang != "en" else ""


def to_html(blocks: list[Block]) -> str:
    """One self-contained HTML page (no scripts, no external styles or fonts)."""
    title = next(b.text for b in blocks if isinstance(b, Heading))
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
           "<main>"]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p{_lang(block.lang)}>{escape(block.text)}</p>")
        else:
            langs = block.langs or (None,) * len(block.header)
            out += ["<table>", f"<caption>{escape(block.caption)}</caption>", "<thead><tr>"]
            out += [f'<th scope="col">{escape(h)}</th>' for h in block.header]
            out += ["</tr></thead>", "<tbody>"]
            for row in block.rows:
                cells = [f'<th scope="row"{_lang(langs[0])}>{escape(row[0])}</th>']
                cells += [f"<td{_lang(lang)}>{escape(cell)}</td>"
                          for cell, lang in zip(row[1:], langs[1:], strict=True)]
                out.append("<tr>" + "".join(cells) + "</tr>")
            out += ["</tbody>", "</table>"]
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
