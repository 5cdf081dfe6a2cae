"""The export zip, written as a stream: CSV first (row by row), then the small files and the
SPSS file (built in a temporary file, since SPSS needs every row before it can write).

`zipfile` writes to an unseekable sink with data descriptors, so each chunk can be handed
to the HTTP response (or a file) as soon as it is compressed; memory stays flat however
many rows there are.
"""
from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from ..instruments import Instrument
from ..instruments.codebook import codebook
from .columns import Column, missing_value_labels

CHUNK = 1 << 16


class _Sink(io.RawIOBase):
    """Collects what zipfile writes until the generator hands it on; cannot seek, by design."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def csv_value(value) -> str:
    """CSV cells: empty for missing (incl. the negative SPSS codes), true/false, plain numbers."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def datapackage(name: str, resource: str, columns: list[Column], instruments: list[Instrument],
                details: dict) -> dict:
    """The Frictionless Data Package: the CSV's Table Schema plus each instrument's codebook."""
    return {
        "name": name,
        "title": "Stegvis anonymised export",
        "profile": "tabular-data-package",
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "stegvis:filters": details,
        "stegvis:codebooks": {inst.ident: codebook(inst) for inst in instruments},
        "stegvis:missing_values_spss": {str(k): v for k, v in missing_value_labels().items()},
        "resources": [{
            "name": resource.removesuffix(".csv"),
            "path": resource,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": [c.table_schema() for c in columns], "missingValues": [""]},
        }],
    }


README = """\
Stegvis – anonymiserad export / anonymised export
=================================================

Svenska
-------
Filen {csv} innehåller svar från självskattningar ({layout_sv}). Den beskrivs kolumn för kolumn
i datapackage.json (Frictionless Data Package): typ, tillåtna värden, instrument och version,
svarsalternativ, omvända frågor, hur summor räknas och koder för saknade värden.
{sav} innehåller samma data i brett format för SPSS och PSPP, med variabel- och värdeetiketter.
Saknade värden i SPSS: -9 = frågan hoppades över, -8 = kan inte räknas ut, -7 = inte besvarat
vid tillfället. I CSV är saknade värden tomma.

Inga namn, deltagarkoder, id-nummer, exakta datum, födelseår eller fritexter finns i exporten.
Deltagare har en pseudonym som är densamma i alla exporter från utvärderingen "{evaluation}",
så att mätningar kan kopplas ihop, men som skiljer sig från andra utvärderingar. Datum är
ersatta med dagar sedan inskrivning, födelseår med åldersgrupp, och enheter med färre än
{threshold} deltagare heter "other". Fritexter lämnas aldrig ut, bara om en text gavs.
Svar som bara visades i samtalet (sparades inte) finns aldrig med.

Urval: {filters}

English
-------
{csv} holds self-assessment answers ({layout_en}). datapackage.json (Frictionless Data Package)
describes every column: type, allowed values, instrument and version, scale anchors,
reversed items, scoring rules and missing-value codes. {sav} holds the same data in the wide
layout for SPSS and PSPP, with variable and value labels. SPSS missing values: -9 = skipped,
-8 = not computable, -7 = not answered at that occasion. In the CSV, missing values are empty.

There are no names, participant codes, database ids, exact dates, birth years or free texts.
Each participant has a pseudonym that is the same in every export of the evaluation
"{evaluation}", so waves can be joined, and different in any other evaluation. Dates are days
since intake, birth years are age bands, and units with fewer than {threshold} participants
are called "other". Free text is never exported, only whether some was given. Answers that
were only shown in the conversation (not stored) are never included.

Filters: {filters}
"""


def readme(*, csv_name: str, sav_name: str, layout: str, evaluation: str, threshold: int,
           details: dict) -> str:
    filters = ", ".join(f"{k}={v}" for k, v in details.items()) or "-"
    return README.format(
        csv=csv_name, sav=sav_name, evaluation=evaluation, threshold=threshold, filters=filters,
        layout_sv="en rad per svar" if layout == "long" else "en rad per deltagare och tillfälle",
        layout_en="one row per answer" if layout == "long" else "one row per participant and occasion",
    )


def write_spss(path: str, rows: Iterable[dict], columns: list[Column], note: str) -> None:
    """The wide rows as an SPSS .sav with variable labels, value labels and missing codes."""
    import pandas as pd  # only the SPSS file needs a data frame
    import pyreadstat

    names = [c.name for c in columns]
    data: dict[str, list] = {name: [] for name in names}
    for row in rows:
        for name in names:
            value = row.get(name)
            data[name].append(int(value) if isinstance(value, bool) else value)
    frame = pd.DataFrame({name: pd.Series(values, dtype="object" if _is_text(c) else "float64")
                          for (name, values), c in zip(data.items(), columns, strict=True)})
    numeric = [c for c in columns if not _is_text(c)]
    codes = missing_value_labels()
    pyreadstat.write_sav(
        frame, path, file_label="Stegvis anonymised export", note=note,
        column_labels={c.name: f"{c.title_en} / {c.title_sv}"[:250] for c in columns},
        variable_value_labels={
            c.name: {float(k): v[:120] for k, v in {**c.value_labels, **codes}.items()}
            | ({1.0: "true", 0.0: "false"} if c.type == "boolean" else {})
            for c in numeric},
        missing_ranges={c.name: [{"lo": -9.0, "hi": -7.0}] for c in numeric},
        variable_measure={c.name: ("nominal" if _is_text(c) or c.type == "boolean"
                                   else "ordinal" if c.value_labels else "scale") for c in columns},
    )


def _is_text(column: Column) -> bool:
    return column.type == "string"


def _entry(name: str) -> zipfile.ZipInfo:
    """A streamed entry dated now (zipfile would otherwise date it 1980)."""
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def zip_stream(*, csv_name: str, columns: list[Column], rows: Callable[[], Iterable[dict]],
               extra_files: dict[str, str], spss: tuple[str, Callable[[str], None]] | None
               ) -> Iterator[bytes]:
    """Yield the zip as it is written: the CSV in row batches, then the other files."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(_entry(csv_name), "w", force_zip64=True) as entry:
            text = io.TextIOWrapper(entry, encoding="utf-8", newline="")
            writer = csv.writer(text)
            writer.writerow([c.name for c in columns])
            names = [c.name for c in columns]
            for count, row in enumerate(rows(), start=1):
                writer.writerow([csv_value(row.get(name)) for name in names])
                if count % 2000 == 0:
                    text.flush()
                    yield sink.take()
            text.flush()
            text.detach()
        yield sink.take()
        for name, content in extra_files.items():
            archive.writestr(name, content)
            yield sink.take()
        if spss is not None:
            sav_name, build = spss
            with tempfile.NamedTemporaryFile(suffix=".sav") as temporary:
                build(temporary.name)
                with open(temporary.name, "rb") as source, archive.open(_entry(sav_name), "w", force_zip64=True) \
                        as entry:
                    while block := source.read(CHUNK):
                        entry.write(block)
                        yield sink.take()
    yield sink.take()


def json_text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


