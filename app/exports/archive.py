"""The export zip, written as a stream: CSV first (row by row), then the small files (README,
datapackage.json, the codebook) and, for the wide layout, the SPSS file (written to a temporary
file before the first byte, since SPSS needs every row and readstat can refuse what it is given:
an export that cannot be built fails before a response starts, never as a truncated zip).

`zipfile` writes to an unseekable sink with data descriptors, so each chunk can be handed
to the HTTP response (or a file) as soon as it is compressed; memory stays flat however
many rows there are.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from ..instruments import Instrument
from ..instruments.codebook import export_codebook
from .columns import Column, missing_value_labels
from .csvformat import ENCODING, CsvFormat

CHUNK = 1 << 16
SAV_NOTE_BYTES = 80  # readstat refuses a longer document line


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


def datapackage(name: str, resource: str, columns: list[Column], instruments: list[Instrument],
                details: dict, fmt: CsvFormat) -> dict:
    """The Frictionless Data Package: the CSV's dialect and Table Schema (with the decimal
    sign of its number fields) plus each instrument's codebook."""
    return {
        "name": name,
        "title": "Stegvis pseudonymised export",
        "description": "Row-level data about people, pseudonymised: still personal data, handle "
                       "it as such. See README.txt and codebook.html.",
        "profile": "tabular-data-package",
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "stegvis:filters": details,
        "stegvis:codebooks": {inst.ident: export_codebook(inst) for inst in instruments},
        "stegvis:missing_values_spss": {str(k): v for k, v in missing_value_labels().items()},
        "resources": [{
            "name": resource.removesuffix(".csv"),
            "path": resource,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": ENCODING,
            "dialect": fmt.dialect(),
            "schema": {"fields": [c.table_schema(fmt.decimal_char) for c in columns],
                       "missingValues": [""]},
        }],
    }


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
    for column in columns:  # a text column has no missing codes: missing is empty
        if _is_text(column):
            data[column.name] = [v if isinstance(v, str) else "" for v in data[column.name]]
    frame = pd.DataFrame({name: pd.Series(values, dtype="object" if _is_text(c) else "float64")
                          for (name, values), c in zip(data.items(), columns, strict=True)})
    numeric = [c for c in columns if not _is_text(c)]
    codes = missing_value_labels()
    pyreadstat.write_sav(
        frame, path, file_label="Stegvis pseudonymised export", note=_fitting(note, SAV_NOTE_BYTES),
        column_labels={c.name: f"{c.title_en} / {c.title_sv}"[:250] for c in columns},
        variable_value_labels={
            c.name: {float(k): v[:120] for k, v in {**c.value_labels, **codes}.items()}
            | ({1.0: "true", 0.0: "false"} if c.type == "boolean" else {})
            for c in numeric},
        missing_ranges={c.name: [{"lo": -9.0, "hi": -7.0}] for c in numeric},
        variable_measure={c.name: ("nominal" if _is_text(c) or c.type == "boolean"
                                   else "ordinal" if c.value_labels else "scale") for c in columns},
    )


def _fitting(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes on a character boundary (an evaluation named
    with emoji or at full length would otherwise make readstat refuse the whole file)."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _is_text(column: Column) -> bool:
    return column.type == "string"


def _entry(name: str) -> zipfile.ZipInfo:
    """A streamed entry dated now (zipfile would otherwise date it 1980)."""
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def zip_stream(*, csv_name: str, columns: list[Column], rows: Callable[[], Iterable[dict]],
               fmt: CsvFormat, extra_files: dict[str, str],
               spss: tuple[str, str] | None) -> Iterator[bytes]:
    """Yield the zip as it is written: the CSV in row batches, then the other files, then
    the SPSS file (name in the zip, path of the file already written, since building it can
    fail and must fail before the first byte)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(_entry(csv_name), "w", force_zip64=True) as entry:
            text = io.TextIOWrapper(entry, encoding=ENCODING, newline="")
            writer = csv.writer(text, delimiter=fmt.delimiter)
            writer.writerow([c.name for c in columns])
            names = [c.name for c in columns]
            for count, row in enumerate(rows(), start=1):
                writer.writerow([fmt.cell(row.get(name)) for name in names])
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
            sav_name, sav_path = spss
            with open(sav_path, "rb") as source, archive.open(_entry(sav_name), "w", force_zip64=True) \
                    as entry:
                while block := source.read(CHUNK):
                    entry.write(block)
                    yield sink.take()
    yield sink.take()


def json_text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


