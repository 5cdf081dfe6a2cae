"""Babel extractor: instrument texts into `messages.pot`, as pgettext with a context.

Registered in `babel.cfg`:

    [extractors]
    instrument = app.instruments.extract:extract_instruments

    [instrument: app/instruments/definitions/*.toml]

Each text becomes `pgettext("<key>-<version>.<ref>", "<English>")` with a
`# Translators:` comment; see `texts.py` for the whole workflow. The file is validated
with the same loader as at start-up, so a broken definition also breaks extraction.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog

from .registry import parse_definition
from .schema import Instrument
from .texts import text_entries


def extract_instruments(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Yield (lineno, funcname, (context, msgid), comments) for every text in one file."""
    source = fileobj.read().decode("utf-8")
    name = Path(getattr(fileobj, "name", "definition.toml")).name
    instrument = parse_definition(source, name)
    lines = source.splitlines()
    for entry in text_entries(instrument):
        yield (
            _line_of(lines, entry.text.en),
            "pgettext",
            (entry.context, entry.text.en),
            [entry.comment] if entry.comment else [],
        )


def _line_of(lines: list[str], text: str) -> int:
    """The first line holding the text (tomllib keeps no positions); 1 if not found verbatim."""
    needle = text[:40]
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return 1


def sync_swedish(catalog: Catalog, instruments: list[Instrument]) -> int:
    """Write each definition's `sv` text as msgstr into the Swedish catalog; return the count.

    The definition is the source of truth for Swedish (easy-to-read Swedish is written with
    the instrument, not translated afterwards), so this overwrites any msgstr there.
    """
    written = 0
    for instrument in instruments:
        for entry in text_entries(instrument):
            message = catalog.get(entry.text.en, context=entry.context)
            if message is None:
                catalog.add(
                    entry.text.en,
                    entry.text.sv,
                    context=entry.context,
                    auto_comments=[entry.comment],
                )
            else:
                message.string = entry.text.sv
                message.flags.discard("fuzzy")
            written += 1
    return written
